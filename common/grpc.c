/* grpc.c - unary gRPC over HTTP/2 with nghttp2 (1.52 API: mem_send/mem_recv). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <nghttp2/nghttp2.h>

#include "ml7/grpc.h"
#include "ml7/log.h"
#include "ml7/mem.h"

#define MAX_MESSAGE (16u * 1024u * 1024u)   /* the largest response message kept */

struct ml7_grpc {
	struct ml7_grpc_io io;
	char *authority;
	nghttp2_session *s;
	int got_settings;
	uint32_t goaway_code;
	int goaway;
	/* the call in flight */
	int32_t stream;
	int closed;
	int ended;                 /* END_STREAM seen from the server */
	const unsigned char *req;
	size_t req_len, req_off;
	struct ml7_grpc_reply *reply;
	unsigned char hdr[5];      /* the prefix of the message being read */
	size_t hdr_got;
	uint32_t msg_left;         /* payload bytes still to come for that message */
	int oom;
	struct ml7_buf out;        /* frames waiting to be written */
};

/* ---- helpers everyone can use ------------------------------------------- */

int ml7_grpc_status_for_http(int http_status)
{
	switch (http_status) {
	case 400: return ML7_GRPC_INTERNAL;
	case 401: return ML7_GRPC_UNAUTHENTICATED;
	case 403: return ML7_GRPC_PERMISSION_DENIED;
	case 404: return ML7_GRPC_UNIMPLEMENTED;
	case 429: case 502: case 503: case 504: return ML7_GRPC_UNAVAILABLE;
	default: return ML7_GRPC_UNKNOWN;
	}
}

const char *ml7_grpc_code_name(int code)
{
	static const char *const names[] = {
		"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
		"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
		"FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
		"UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"
	};

	if (code < 0 || (size_t)code >= sizeof(names) / sizeof(names[0]))
		return "UNKNOWN";
	return names[code];
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *ml7_grpc_percent_decode(const char *s, size_t n)
{
	char *out = ml7_malloc(n + 1);
	size_t i, o = 0;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

int ml7_grpc_frame(struct ml7_buf *out, const void *msg, size_t n)
{
	unsigned char h[5];
	int rc;

	if (n > UINT32_MAX)
		return ML7_ELIMIT;
	h[0] = 0;
	h[1] = (unsigned char)(n >> 24);
	h[2] = (unsigned char)(n >> 16);
	h[3] = (unsigned char)(n >> 8);
	h[4] = (unsigned char)n;
	rc = ml7_buf_append(out, h, sizeof(h));
	if (!rc && n)
		rc = ml7_buf_append(out, msg, n);
	return rc;
}

void ml7_grpc_reply_free(struct ml7_grpc_reply *r)
{
	if (!r)
		return;
	ml7_free(r->grpc_message);
	ml7_free(r->content_type);
	ml7_buf_free(&r->message);
	memset(r, 0, sizeof(*r));
	r->grpc_status = -1;
}

/* ---- nghttp2 callbacks -------------------------------------------------- */

static int eq(const uint8_t *p, size_t n, const char *s)
{
	return n == strlen(s) && memcmp(p, s, n) == 0;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *frame, const uint8_t *name,
		     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
		     void *ud)
{
	struct ml7_grpc *g = ud;
	struct ml7_grpc_reply *r = g->reply;
	int response = frame->headers.cat == NGHTTP2_HCAT_RESPONSE;

	(void)s;
	(void)flags;
	if (frame->hd.stream_id != g->stream || !r)
		return 0;
	if (ml7_log_enabled(ML7_LOG_WIRE))
		ml7_log(ML7_LOG_WIRE, "< %.*s: %.*s", (int)namelen, (const char *)name,
			(int)valuelen, (const char *)value);
	if (response && eq(name, namelen, ":status")) {
		int v = 0;
		size_t i;

		for (i = 0; i < valuelen && i < 4; i++)
			v = v * 10 + (value[i] >= '0' && value[i] <= '9' ? value[i] - '0' : 0);
		r->http_status = v;
	} else if (eq(name, namelen, "grpc-status")) {
		int v = 0;
		size_t i;

		for (i = 0; i < valuelen && i < 6; i++) {
			if (value[i] < '0' || value[i] > '9') {
				v = ML7_GRPC_UNKNOWN;
				break;
			}
			v = v * 10 + (value[i] - '0');
		}
		r->grpc_status = v;
		if (response)
			r->trailers_only = 1;
	} else if (eq(name, namelen, "grpc-message")) {
		ml7_free(r->grpc_message);
		r->grpc_message = ml7_grpc_percent_decode((const char *)value, valuelen);
		if (!r->grpc_message)
			g->oom = 1;
	} else if (response && eq(name, namelen, "content-type")) {
		ml7_free(r->content_type);
		r->content_type = ml7_strndup((const char *)value, valuelen);
		if (!r->content_type)
			g->oom = 1;
	}
	return 0;
}

/* gRPC messages inside DATA frames, split anywhere. */
static int on_data(nghttp2_session *s, uint8_t flags, int32_t stream_id, const uint8_t *data,
		   size_t len, void *ud)
{
	struct ml7_grpc *g = ud;
	struct ml7_grpc_reply *r = g->reply;

	(void)s;
	(void)flags;
	if (stream_id != g->stream || !r)
		return 0;
	while (len) {
		if (g->hdr_got < 5) {
			size_t take = 5 - g->hdr_got < len ? 5 - g->hdr_got : len;

			memcpy(g->hdr + g->hdr_got, data, take);
			g->hdr_got += take;
			data += take;
			len -= take;
			if (g->hdr_got == 5) {
				g->msg_left = (uint32_t)g->hdr[1] << 24 | (uint32_t)g->hdr[2] << 16 |
					      (uint32_t)g->hdr[3] << 8 | g->hdr[4];
				r->n_messages++;
				if (g->msg_left == 0)
					g->hdr_got = 0;
			}
			continue;
		}
		{
			size_t take = g->msg_left < len ? g->msg_left : len;

			if (r->n_messages == 1 && !g->oom &&
			    ml7_buf_append(&r->message, data, take))
				g->oom = 1;
			data += take;
			len -= take;
			g->msg_left -= (uint32_t)take;
			if (g->msg_left == 0)
				g->hdr_got = 0;
		}
	}
	return 0;
}

static int on_frame_recv(nghttp2_session *s, const nghttp2_frame *frame, void *ud)
{
	struct ml7_grpc *g = ud;

	(void)s;
	switch (frame->hd.type) {
	case NGHTTP2_SETTINGS:
		if (!(frame->hd.flags & NGHTTP2_FLAG_ACK))
			g->got_settings = 1;
		break;
	case NGHTTP2_GOAWAY:
		g->goaway = 1;
		g->goaway_code = frame->goaway.error_code;
		break;
	case NGHTTP2_HEADERS:
	case NGHTTP2_DATA:
		if (frame->hd.stream_id == g->stream && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
			g->ended = 1;
		break;
	default:
		break;
	}
	return 0;
}

static int on_stream_close(nghttp2_session *s, int32_t stream_id, uint32_t error_code, void *ud)
{
	struct ml7_grpc *g = ud;

	(void)s;
	if (stream_id != g->stream)
		return 0;
	g->closed = 1;
	if (g->reply && (!g->ended || (error_code && error_code != NGHTTP2_NO_ERROR))) {
		g->reply->rst_code = error_code;
		g->reply->reset = !g->ended;
	}
	return 0;
}

static ssize_t read_body(nghttp2_session *s, int32_t stream_id, uint8_t *buf, size_t length,
			 uint32_t *data_flags, nghttp2_data_source *source, void *ud)
{
	struct ml7_grpc *g = ud;
	size_t n = g->req_len - g->req_off;

	(void)s;
	(void)stream_id;
	(void)source;
	if (n > length)
		n = length;
	memcpy(buf, g->req + g->req_off, n);
	g->req_off += n;
	if (g->req_off == g->req_len)
		*data_flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

/* ---- session ------------------------------------------------------------ */

int ml7_grpc_new(const struct ml7_grpc_io *io, const char *authority, struct ml7_grpc **out,
		 struct ml7_err *err)
{
	nghttp2_session_callbacks *cbs = NULL;
	struct ml7_grpc *g;
	int rc = ML7_ENOMEM;

	g = ml7_calloc(1, sizeof(*g));
	if (!g || !(g->authority = ml7_strdup(authority)))
		goto out;
	g->io = *io;
	if (nghttp2_session_callbacks_new(&cbs))
		goto out;
	nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
	if (nghttp2_session_client_new(&g->s, cbs, g))
		goto out;
	*out = g;
	g = NULL;
	rc = 0;
out:
	nghttp2_session_callbacks_del(cbs);
	ml7_grpc_free(g);
	return rc ? ml7_err_set(err, rc, "out of memory") : 0;
}

void ml7_grpc_free(struct ml7_grpc *g)
{
	if (!g)
		return;
	nghttp2_session_del(g->s);
	ml7_buf_free(&g->out);
	ml7_free(g->authority);
	ml7_free(g);
}

static int send_all(struct ml7_grpc *g, const unsigned char *p, size_t n, struct ml7_err *err)
{
	while (n) {
		long w = g->io.send(g->io.ud, p, n, err);

		if (w < 0)
			return (int)w;
		if (w == 0)
			return ml7_err_set(err, ML7_ENET, "the connection closed while sending");
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Moves frames both ways until *done is set.  0 or a negative code. */
static int pump(struct ml7_grpc *g, const int *done, struct ml7_err *err)
{
	unsigned char buf[16384];

	for (;;) {
		const uint8_t *d;
		ssize_t n;
		long got;
		int rc;

		/* all pending frames in one write: one TLS record, no Nagle stall */
		while ((n = nghttp2_session_mem_send(g->s, &d)) > 0) {
			if (ml7_buf_append(&g->out, d, (size_t)n))
				return ml7_err_set(err, ML7_ENOMEM, "out of memory");
		}
		if (n < 0)
			return ml7_err_set(err, ML7_EPROTO, "HTTP/2: %s", nghttp2_strerror((int)n));
		if (g->out.len) {
			rc = send_all(g, (const unsigned char *)g->out.data, g->out.len, err);
			ml7_buf_reset(&g->out);
			if (rc)
				return rc;
		}
		if (g->oom)
			return ml7_err_set(err, ML7_ENOMEM, "out of memory");
		if (*done)
			return 0;
		if (!nghttp2_session_want_read(g->s) && !nghttp2_session_want_write(g->s)) {
			if (g->goaway)
				return ml7_err_set(err, ML7_EPROTO,
						   "the server ended the HTTP/2 connection (GOAWAY %s)",
						   nghttp2_http2_strerror(g->goaway_code));
			return ml7_err_set(err, ML7_EPROTO, "the HTTP/2 session ended");
		}
		got = g->io.recv(g->io.ud, buf, sizeof(buf), err);
		if (got < 0)
			return (int)got;
		if (got == 0)
			return ml7_err_set(err, ML7_ENET, "the server closed the connection%s",
					   g->got_settings ? "" : " before its HTTP/2 settings");
		n = nghttp2_session_mem_recv(g->s, buf, (size_t)got);
		if (n < 0)
			return ml7_err_set(err, ML7_EPROTO, "HTTP/2: %s", nghttp2_strerror((int)n));
	}
}

int ml7_grpc_handshake(struct ml7_grpc *g, struct ml7_err *err)
{
	nghttp2_settings_entry iv[] = {
		{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
		{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100},
		{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20},
	};
	int rc;

	if (nghttp2_submit_settings(g->s, NGHTTP2_FLAG_NONE, iv, sizeof(iv) / sizeof(iv[0])))
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	rc = pump(g, &g->got_settings, err);
	if (rc == ML7_EPROTO)
		ml7_err_prefix(err, "the server does not speak HTTP/2");
	return rc;
}

static nghttp2_nv nv(const char *name, const char *value, uint8_t flags)
{
	nghttp2_nv v;

	v.name = (uint8_t *)(uintptr_t)name;
	v.value = (uint8_t *)(uintptr_t)value;
	v.namelen = strlen(name);
	v.valuelen = strlen(value);
	v.flags = flags;
	return v;
}

int ml7_grpc_unary(struct ml7_grpc *g, const char *path, const struct ml7_grpc_md *md,
		   size_t n_md, const void *req, size_t req_len, long timeout_ms,
		   struct ml7_grpc_reply *out, struct ml7_err *err)
{
	struct ml7_buf body = ML7_BUF_INIT;
	nghttp2_nv *hdrs = NULL;
	nghttp2_data_provider prd;
	char tmo[24];
	size_t n = 0, i;
	int32_t id;
	int rc = ML7_ENOMEM;

	memset(out, 0, sizeof(*out));
	out->grpc_status = -1;
	ml7_buf_init(&out->message, MAX_MESSAGE);
	if (ml7_grpc_frame(&body, req, req_len))
		goto nomem;
	hdrs = ml7_calloc(8 + n_md, sizeof(*hdrs));
	if (!hdrs)
		goto nomem;
	hdrs[n++] = nv(":method", "POST", 0);
	hdrs[n++] = nv(":scheme", "https", 0);
	hdrs[n++] = nv(":path", path, 0);
	hdrs[n++] = nv(":authority", g->authority, 0);
	hdrs[n++] = nv("content-type", "application/grpc", 0);
	hdrs[n++] = nv("te", "trailers", 0);
	if (timeout_ms > 0) {
		if (timeout_ms > 99999999)
			timeout_ms = 99999999;
		snprintf(tmo, sizeof(tmo), "%ldm", timeout_ms);
		hdrs[n++] = nv("grpc-timeout", tmo, 0);
	}
	for (i = 0; i < n_md; i++)
		hdrs[n++] = nv(md[i].name, md[i].value,
			       strcmp(md[i].name, "authorization") ? 0 : NGHTTP2_NV_FLAG_NO_INDEX);
	if (ml7_log_enabled(ML7_LOG_WIRE)) {
		for (i = 0; i < n; i++)
			ml7_log(ML7_LOG_WIRE, "> %s: %s", (const char *)hdrs[i].name,
				strcmp((const char *)hdrs[i].name, "authorization") ?
				(const char *)hdrs[i].value : "[REDACTED]");
	}
	g->req = (const unsigned char *)body.data;
	g->req_len = body.len;
	g->req_off = 0;
	g->closed = g->ended = 0;
	g->hdr_got = 0;
	g->msg_left = 0;
	g->reply = out;
	prd.source.ptr = NULL;
	prd.read_callback = read_body;
	id = nghttp2_submit_request(g->s, NULL, hdrs, n, &prd, NULL);
	if (id < 0) {
		rc = ml7_err_set(err, ML7_EPROTO, "HTTP/2: %s", nghttp2_strerror(id));
		goto out;
	}
	g->stream = id;
	rc = pump(g, &g->closed, err);
	if (!rc && out->reset)
		rc = ml7_err_set(err, ML7_ENET, "the server reset the HTTP/2 stream (%s)",
				 nghttp2_http2_strerror(out->rst_code));
	ml7_log(ML7_LOG_HTTP, "grpc %s -> HTTP %d grpc-status %d", path, out->http_status,
		out->grpc_status);
	goto out;
nomem:
	rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
out:
	g->reply = NULL;
	g->req = NULL;
	ml7_free(hdrs);
	ml7_buf_free(&body);
	return rc;
}
