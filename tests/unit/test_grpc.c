/* test_grpc.c - gRPC over HTTP/2: message framing, grpc-status and
 * grpc-message decoding, Trailers-Only responses, proxy answers without
 * grpc-status, stream resets, and the client fed the server's bytes split at
 * every position.  The server is a real nghttp2 server session in memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <nghttp2/nghttp2.h>

#include "ml7/grpc.h"
#include "ml7/mem.h"

/* ---- pure helpers ------------------------------------------------------- */

static void test_percent_decode(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"", ""},
		{"plain", "plain"},
		{"missing%20authorization%20in%20header", "missing authorization in header"},
		{"%E2%9C%93 ok", "\xe2\x9c\x93 ok"},
		{"100%", "100%"},          /* a lone % stays */
		{"%4", "%4"},              /* truncated escape stays */
		{"%zz%2", "%zz%2"},        /* invalid hex stays */
		{"a%2fb%2Fc", "a/b/c"},    /* both cases of hex */
		{"%25", "%"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = ml7_grpc_percent_decode(cases[i].in, strlen(cases[i].in));

		assert_non_null(s);
		assert_string_equal(s, cases[i].want);
		ml7_free(s);
	}
}

static void test_status_for_http(void **state)
{
	static const int map[][2] = {
		{400, ML7_GRPC_INTERNAL}, {401, ML7_GRPC_UNAUTHENTICATED},
		{403, ML7_GRPC_PERMISSION_DENIED}, {404, ML7_GRPC_UNIMPLEMENTED},
		{429, ML7_GRPC_UNAVAILABLE}, {502, ML7_GRPC_UNAVAILABLE},
		{503, ML7_GRPC_UNAVAILABLE}, {504, ML7_GRPC_UNAVAILABLE},
		{464, ML7_GRPC_UNKNOWN}, {500, ML7_GRPC_UNKNOWN}, {200, ML7_GRPC_UNKNOWN},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		assert_int_equal(ml7_grpc_status_for_http(map[i][0]), map[i][1]);
	assert_string_equal(ml7_grpc_code_name(16), "UNAUTHENTICATED");
	assert_string_equal(ml7_grpc_code_name(0), "OK");
	assert_string_equal(ml7_grpc_code_name(99), "UNKNOWN");
	assert_string_equal(ml7_grpc_code_name(-1), "UNKNOWN");
}

static void test_frame(void **state)
{
	struct ml7_buf b = ML7_BUF_INIT;
	static const unsigned char want[] = {0, 0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 0, 0};

	(void)state;
	assert_int_equal(ml7_grpc_frame(&b, "abc", 3), 0);
	assert_int_equal(ml7_grpc_frame(&b, "", 0), 0);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.data, want, sizeof(want));
	ml7_buf_free(&b);
}

/* ---- an in-memory HTTP/2 server ----------------------------------------- */

enum mode {
	M_OK,             /* 200, one message, trailers grpc-status 0 */
	M_TWO,            /* two messages */
	M_TRAILERS_ONLY,  /* 200 + grpc-status 16 + grpc-message in the headers */
	M_PROXY_404,      /* 404 text/html, no grpc-status */
	M_RESET,          /* response headers, then RST_STREAM */
	M_NOT_H2,         /* an HTTP/1.1 answer instead of HTTP/2 */
	M_SILENT          /* reads everything, says nothing, closes */
};

struct srv {
	nghttp2_session *s;
	enum mode mode;
	unsigned char out[65536];
	size_t out_len, out_off;
	size_t first, chunk;      /* recv: at most `first` bytes on the first call, then `chunk` */
	int recv_calls;
	size_t data_max;          /* DATA frame payload size limit */
	const unsigned char *body;
	size_t body_len, body_off;
	/* what the client sent */
	char authority[64], path[96], content_type[64], te[32], timeout[32], auth[64];
	unsigned char req[256];
	size_t req_len;
};

static const unsigned char reply_msg[] = {0x0a, 0x02, 0x18, 0x00, 0x12, 0x07,
					  'v', '2', '.', '5', '.', '1', '0'};

static void copy_hdr(char *dst, size_t n, const uint8_t *v, size_t len)
{
	snprintf(dst, n, "%.*s", (int)len, (const char *)v);
}

static int s_on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name,
		       size_t nl, const uint8_t *value, size_t vl, uint8_t flags, void *ud)
{
	struct srv *v = ud;

	(void)s, (void)f, (void)flags;
	if (nl == 10 && !memcmp(name, ":authority", nl))
		copy_hdr(v->authority, sizeof(v->authority), value, vl);
	else if (nl == 5 && !memcmp(name, ":path", nl))
		copy_hdr(v->path, sizeof(v->path), value, vl);
	else if (nl == 12 && !memcmp(name, "content-type", nl))
		copy_hdr(v->content_type, sizeof(v->content_type), value, vl);
	else if (nl == 2 && !memcmp(name, "te", nl))
		copy_hdr(v->te, sizeof(v->te), value, vl);
	else if (nl == 12 && !memcmp(name, "grpc-timeout", nl))
		copy_hdr(v->timeout, sizeof(v->timeout), value, vl);
	else if (nl == 13 && !memcmp(name, "authorization", nl))
		copy_hdr(v->auth, sizeof(v->auth), value, vl);
	return 0;
}

static int s_on_data(nghttp2_session *s, uint8_t flags, int32_t id, const uint8_t *d, size_t n,
		     void *ud)
{
	struct srv *v = ud;

	(void)s, (void)flags, (void)id;
	if (v->req_len + n <= sizeof(v->req)) {
		memcpy(v->req + v->req_len, d, n);
		v->req_len += n;
	}
	return 0;
}

static ssize_t s_read(nghttp2_session *s, int32_t id, uint8_t *buf, size_t len, uint32_t *flags,
		      nghttp2_data_source *src, void *ud)
{
	struct srv *v = ud;
	size_t n = v->body_len - v->body_off;

	(void)s, (void)src;
	if (n > len)
		n = len;
	if (n > v->data_max)
		n = v->data_max;
	if (n)
		memcpy(buf, v->body + v->body_off, n);
	v->body_off += n;
	if (v->body_off == v->body_len) {
		*flags |= NGHTTP2_DATA_FLAG_EOF;
		if (v->mode == M_OK || v->mode == M_TWO) {
			nghttp2_nv tr[] = {
				{(uint8_t *)"grpc-status", (uint8_t *)"0", 11, 1, 0},
				{(uint8_t *)"grpc-message", (uint8_t *)"OK", 12, 2, 0},
			};

			*flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
			assert_int_equal(nghttp2_submit_trailer(s, id, tr, 2), 0);
		}
	}
	return (ssize_t)n;
}

#define NV(n, v) {(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, sizeof(v) - 1, 0}

static unsigned char body_buf[128];

static int s_on_frame(nghttp2_session *s, const nghttp2_frame *f, void *ud)
{
	struct srv *v = ud;
	int32_t id = f->hd.stream_id;
	nghttp2_data_provider prd = {{0}, s_read};

	if (!id || !(f->hd.flags & NGHTTP2_FLAG_END_STREAM))
		return 0;
	switch (v->mode) {
	case M_OK:
	case M_TWO: {
		nghttp2_nv h[] = {NV(":status", "200"), NV("content-type", "application/grpc")};
		size_t n = 0;

		/* framed by hand: the allocation test makes ml7 allocations fail */
		body_buf[n++] = 0;
		body_buf[n++] = 0;
		body_buf[n++] = 0;
		body_buf[n++] = 0;
		body_buf[n++] = sizeof(reply_msg);
		memcpy(body_buf + n, reply_msg, sizeof(reply_msg));
		n += sizeof(reply_msg);
		if (v->mode == M_TWO) {
			memcpy(body_buf + n, "\0\0\0\0\2zz", 7);
			n += 7;
		}
		v->body = body_buf;
		v->body_len = n;
		return nghttp2_submit_response(s, id, h, 2, &prd);
	}
	case M_TRAILERS_ONLY: {
		nghttp2_nv h[] = {NV(":status", "200"), NV("content-type", "application/grpc"),
				  NV("grpc-status", "16"),
				  NV("grpc-message", "missing%20authorization%20in%20header")};

		return nghttp2_submit_response(s, id, h, 4, NULL);
	}
	case M_PROXY_404: {
		nghttp2_nv h[] = {NV(":status", "404"), NV("content-type", "text/html")};
		static const char html[] = "<html>404 Not Found</html>";

		v->body = (const unsigned char *)html;
		v->body_len = sizeof(html) - 1;
		return nghttp2_submit_response(s, id, h, 2, &prd);
	}
	case M_RESET: {
		nghttp2_nv h[] = {NV(":status", "200"), NV("content-type", "application/grpc")};

		nghttp2_submit_headers(s, NGHTTP2_FLAG_NONE, id, NULL, h, 2, NULL);
		return nghttp2_submit_rst_stream(s, NGHTTP2_FLAG_NONE, id, NGHTTP2_INTERNAL_ERROR);
	}
	default:
		return 0;
	}
}

static void srv_drain(struct srv *v)
{
	const uint8_t *d;
	ssize_t n;

	while ((n = nghttp2_session_mem_send(v->s, &d)) > 0) {
		assert_true(v->out_len + (size_t)n <= sizeof(v->out));
		memcpy(v->out + v->out_len, d, (size_t)n);
		v->out_len += (size_t)n;
	}
}

static long io_send(void *ud, const void *p, size_t n, struct ml7_err *err)
{
	struct srv *v = ud;

	(void)err;
	if (v->mode == M_NOT_H2) {
		static const char h1[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";

		if (!v->out_len) {
			memcpy(v->out, h1, sizeof(h1) - 1);
			v->out_len = sizeof(h1) - 1;
		}
		return (long)n;
	}
	if (v->mode == M_SILENT)
		return (long)n;
	assert_int_equal(nghttp2_session_mem_recv(v->s, p, n), (ssize_t)n);
	srv_drain(v);
	return (long)n;
}

static long io_recv(void *ud, void *p, size_t n, struct ml7_err *err)
{
	struct srv *v = ud;
	size_t lim = v->recv_calls++ ? v->chunk : v->first, avail = v->out_len - v->out_off;

	(void)err;
	if (avail > n)
		avail = n;
	if (avail > lim)
		avail = lim;
	memcpy(p, v->out + v->out_off, avail);
	v->out_off += avail;
	return (long)avail;   /* 0 when the server has nothing more: end of stream */
}

static void srv_init(struct srv *v, enum mode mode, size_t first, size_t chunk)
{
	nghttp2_session_callbacks *cb;
	nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 10}};

	memset(v, 0, sizeof(*v));
	v->mode = mode;
	v->first = first;
	v->chunk = chunk;
	v->data_max = mode == M_TWO ? 3 : 16384;   /* messages split over DATA frames */
	assert_int_equal(nghttp2_session_callbacks_new(&cb), 0);
	nghttp2_session_callbacks_set_on_header_callback(cb, s_on_header);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, s_on_data);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cb, s_on_frame);
	assert_int_equal(nghttp2_session_server_new(&v->s, cb, v), 0);
	nghttp2_session_callbacks_del(cb);
	assert_int_equal(nghttp2_submit_settings(v->s, NGHTTP2_FLAG_NONE, iv, 1), 0);
	srv_drain(v);
}

/* One session: handshake and a call.  Returns the call's code. */
static int one_call(struct srv *v, struct ml7_grpc_reply *rep, struct ml7_err *err)
{
	struct ml7_grpc_io io = {v, io_send, io_recv};
	struct ml7_grpc_md md[] = {{"authorization", "cm9vdDpNaWx2dXM="}, {"dbname", "default"}};
	struct ml7_grpc *g = NULL;
	int rc;

	assert_int_equal(ml7_grpc_new(&io, "milvus-demo.example.test", &g, err), 0);
	rc = ml7_grpc_handshake(g, err);
	if (!rc)
		rc = ml7_grpc_unary(g, "/milvus.proto.milvus.MilvusService/GetVersion", md, 2, "", 0,
				    2500, rep, err);
	else
		memset(rep, 0, sizeof(*rep));
	ml7_grpc_free(g);
	return rc;
}

static void test_unary_ok(void **state)
{
	struct srv v;
	struct ml7_grpc_reply rep;
	struct ml7_err err = {0};
	static const unsigned char empty_frame[5] = {0};

	(void)state;
	srv_init(&v, M_OK, 1 << 20, 1 << 20);
	assert_int_equal(one_call(&v, &rep, &err), 0);
	assert_int_equal(rep.http_status, 200);
	assert_int_equal(rep.grpc_status, 0);
	assert_string_equal(rep.grpc_message, "OK");
	assert_false(rep.trailers_only);
	assert_int_equal(rep.n_messages, 1);
	assert_int_equal(rep.message.len, sizeof(reply_msg));
	assert_memory_equal(rep.message.data, reply_msg, sizeof(reply_msg));
	/* what the server saw */
	assert_string_equal(v.authority, "milvus-demo.example.test");
	assert_string_equal(v.path, "/milvus.proto.milvus.MilvusService/GetVersion");
	assert_string_equal(v.content_type, "application/grpc");
	assert_string_equal(v.te, "trailers");
	assert_string_equal(v.timeout, "2500m");
	assert_string_equal(v.auth, "cm9vdDpNaWx2dXM=");
	assert_int_equal(v.req_len, 5);
	assert_memory_equal(v.req, empty_frame, 5);
	ml7_grpc_reply_free(&rep);
	nghttp2_session_del(v.s);
}

static void test_trailers_only(void **state)
{
	struct srv v;
	struct ml7_grpc_reply rep;
	struct ml7_err err = {0};

	(void)state;
	srv_init(&v, M_TRAILERS_ONLY, 1 << 20, 1 << 20);
	assert_int_equal(one_call(&v, &rep, &err), 0);
	assert_int_equal(rep.http_status, 200);
	assert_int_equal(rep.grpc_status, 16);
	assert_true(rep.trailers_only);
	assert_string_equal(rep.grpc_message, "missing authorization in header");
	assert_int_equal(rep.n_messages, 0);
	ml7_grpc_reply_free(&rep);
	nghttp2_session_del(v.s);
}

static void test_proxy_404(void **state)
{
	struct srv v;
	struct ml7_grpc_reply rep;
	struct ml7_err err = {0};

	(void)state;
	srv_init(&v, M_PROXY_404, 1 << 20, 1 << 20);
	assert_int_equal(one_call(&v, &rep, &err), 0);
	assert_int_equal(rep.http_status, 404);
	assert_int_equal(rep.grpc_status, -1);
	assert_string_equal(rep.content_type, "text/html");
	assert_null(rep.grpc_message);
	ml7_grpc_reply_free(&rep);
	nghttp2_session_del(v.s);
}

static void test_reset(void **state)
{
	struct srv v;
	struct ml7_grpc_reply rep;
	struct ml7_err err = {0};

	(void)state;
	srv_init(&v, M_RESET, 1 << 20, 1 << 20);
	assert_int_equal(one_call(&v, &rep, &err), ML7_ENET);
	assert_true(rep.reset);
	assert_int_equal(rep.rst_code, NGHTTP2_INTERNAL_ERROR);
	assert_non_null(strstr(err.msg, "reset the HTTP/2 stream"));
	ml7_grpc_reply_free(&rep);
	nghttp2_session_del(v.s);
}

static void test_not_h2(void **state)
{
	struct srv v;
	struct ml7_grpc_reply rep;
	struct ml7_err err = {0};

	(void)state;
	srv_init(&v, M_NOT_H2, 1 << 20, 1 << 20);
	v.out_len = 0;   /* no server preface: an HTTP/1.1 peer */
	assert_int_equal(one_call(&v, &rep, &err), ML7_EPROTO);
	assert_non_null(strstr(err.msg, "does not speak HTTP/2"));
	nghttp2_session_del(v.s);
}

static void test_eof_before_settings(void **state)
{
	struct srv v;
	struct ml7_grpc_reply rep;
	struct ml7_err err = {0};

	(void)state;
	srv_init(&v, M_SILENT, 1 << 20, 1 << 20);
	v.out_len = 0;   /* the server says nothing and closes */
	assert_int_equal(one_call(&v, &rep, &err), ML7_ENET);
	assert_non_null(strstr(err.msg, "before its HTTP/2 settings"));
	nghttp2_session_del(v.s);
}

/* The same exchange with the server's bytes split at every position, and one
 * byte at a time: the reply must not change. */
static void check_split(enum mode mode)
{
	struct srv v;
	struct ml7_grpc_reply rep;
	struct ml7_err err = {0};
	size_t total, k;
	int want_status = mode == M_TRAILERS_ONLY ? 16 : 0;

	srv_init(&v, mode, 1 << 20, 1 << 20);
	assert_int_equal(one_call(&v, &rep, &err), 0);
	total = v.out_len;
	ml7_grpc_reply_free(&rep);
	nghttp2_session_del(v.s);
	assert_true(total > 20);
	for (k = 0; k <= total; k++) {
		srv_init(&v, mode, k ? k : 1, k ? 1 << 20 : 1);   /* k == 0: a byte at a time */
		memset(&err, 0, sizeof(err));
		assert_int_equal(one_call(&v, &rep, &err), 0);
		assert_int_equal(rep.http_status, 200);
		assert_int_equal(rep.grpc_status, want_status);
		if (mode == M_TWO) {
			assert_int_equal(rep.n_messages, 2);
			assert_int_equal(rep.message.len, sizeof(reply_msg));
			assert_memory_equal(rep.message.data, reply_msg, sizeof(reply_msg));
		} else {
			assert_string_equal(rep.grpc_message, "missing authorization in header");
		}
		ml7_grpc_reply_free(&rep);
		nghttp2_session_del(v.s);
	}
}

static void test_split_messages(void **state)
{
	(void)state;
	check_split(M_TWO);
}

static void test_split_trailers_only(void **state)
{
	(void)state;
	check_split(M_TRAILERS_ONLY);
}

static void test_alloc_failures(void **state)
{
	long i;

	(void)state;
	/* every allocation of a whole exchange fails once in turn: an error or
	 * success, never a crash or a leak */
	for (i = 0; i < 200; i++) {
		struct srv v;
		struct ml7_grpc_reply rep;
		struct ml7_err err = {0};
		struct ml7_grpc_io io;
		struct ml7_grpc *g = NULL;
		int rc;

		srv_init(&v, M_OK, 1 << 20, 1 << 20);
		io = (struct ml7_grpc_io){&v, io_send, io_recv};
		ml7_mem_fail_after(i);
		rc = ml7_grpc_new(&io, "x", &g, &err);
		if (!rc) {
			rc = ml7_grpc_handshake(g, &err);
			if (!rc) {
				rc = ml7_grpc_unary(g, "/a/b", NULL, 0, "", 0, 0, &rep, &err);
				ml7_grpc_reply_free(&rep);
			}
			ml7_grpc_free(g);
		}
		ml7_mem_fail_after(-1);
		nghttp2_session_del(v.s);
		if (rc == 0)
			break;
		assert_true(rc == 0 || rc == ML7_ENOMEM);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percent_decode),
		cmocka_unit_test(test_status_for_http),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_unary_ok),
		cmocka_unit_test(test_trailers_only),
		cmocka_unit_test(test_proxy_404),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_not_h2),
		cmocka_unit_test(test_eof_before_settings),
		cmocka_unit_test(test_split_messages),
		cmocka_unit_test(test_split_trailers_only),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
