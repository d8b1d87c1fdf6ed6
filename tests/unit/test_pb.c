/* test_pb.c - the protobuf codec against vectors protoc produced from the real
 * Milvus .proto files (pb_vectors.h, see gen_pb_vectors.sh), the protobufjs
 * shape (defaults written out), malformed input and allocation failures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ml7/mem.h"
#include "ml7/pb.h"

#include "pb_vectors.h"

#define VEC(a) (a), sizeof(a)

static void assert_bytes(const struct ml7_buf *b, const unsigned char *want, size_t n)
{
	assert_int_equal(b->len, n);
	assert_memory_equal(b->data, want, n);
}

/* ---- encoding ----------------------------------------------------------- */

static void test_encode_connect_full(void **state)
{
	struct ml7_pb_client_info ci = {"milvus-l7", "0.1.0", "2026-11-23T01:02:03.456Z", "root",
					"ws-7.example.test"};
	struct ml7_buf b = ML7_BUF_INIT;

	(void)state;
	assert_int_equal(ml7_pb_encode_connect(&b, &ci), 0);
	assert_bytes(&b, VEC(connect_full));
	ml7_buf_free(&b);
}

static void test_encode_connect_defaults_left_out(void **state)
{
	struct ml7_pb_client_info min = {"milvus-l7", "", NULL, "", NULL};
	struct ml7_pb_client_info none = {NULL, NULL, NULL, NULL, NULL};
	struct ml7_buf b = ML7_BUF_INIT;

	(void)state;
	assert_int_equal(ml7_pb_encode_connect(&b, &min), 0);
	assert_bytes(&b, VEC(connect_min));
	ml7_buf_reset(&b);
	assert_int_equal(ml7_pb_encode_connect(&b, &none), 0);
	assert_bytes(&b, VEC(connect_empty_info));
	ml7_buf_free(&b);
}

static void test_varint_encoding(void **state)
{
	static const struct {
		uint64_t v;
		unsigned char bytes[10];
		size_t n;
	} cases[] = {
		{0, {0x00}, 1},
		{1, {0x01}, 1},
		{127, {0x7f}, 1},
		{128, {0x80, 0x01}, 2},
		{300, {0xac, 0x02}, 2},
		{800, {0xa0, 0x06}, 2},
		{65535, {0xff, 0xff, 0x03}, 3},
		{UINT64_MAX, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 10},
		/* a negative int32 (-5) is sign-extended to 64 bits: ten bytes */
		{(uint64_t)(int64_t)-5, {0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 10},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ml7_buf b = ML7_BUF_INIT;
		const unsigned char *p;
		uint64_t back;

		assert_int_equal(ml7_pb_put_varint(&b, cases[i].v), 0);
		assert_bytes(&b, cases[i].bytes, cases[i].n);
		p = (const unsigned char *)b.data;
		assert_int_equal(ml7_pb_read_varint(&p, p + b.len, &back), 0);
		assert_true(back == cases[i].v);
		assert_ptr_equal(p, (const unsigned char *)b.data + b.len);
		ml7_buf_free(&b);
	}
}

static void test_put_fields(void **state)
{
	struct ml7_buf b = ML7_BUF_INIT;
	static const unsigned char want[] = {0x08, 0x00, 0x12, 0x00, 0x1a, 0x02, 'h', 'i',
					     0xa0, 0x06, 0x05};

	(void)state;
	assert_int_equal(ml7_pb_put_uint(&b, 1, 0), 0);         /* written even when 0 */
	assert_int_equal(ml7_pb_put_bytes(&b, 2, "", 0), 0);    /* written even when empty */
	assert_int_equal(ml7_pb_put_string(&b, 3, "hi"), 0);
	assert_int_equal(ml7_pb_put_string(&b, 4, ""), 0);      /* proto3 default: left out */
	assert_int_equal(ml7_pb_put_string(&b, 4, NULL), 0);
	assert_int_equal(ml7_pb_put_uint(&b, 100, 5), 0);       /* a two-byte tag */
	assert_bytes(&b, want, sizeof(want));
	ml7_buf_free(&b);
}

/* ---- decoding ----------------------------------------------------------- */

static void test_decode_version(void **state)
{
	struct ml7_pb_version v;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_pb_decode_version(VEC(version_go), &v, &err), 0);
	assert_string_equal(v.version, "v2.4.17");
	assert_true(ml7_pb_status_ok(&v.status));
	assert_null(v.status.reason);
	ml7_pb_version_free(&v);

	assert_int_equal(ml7_pb_decode_version(VEC(version_nostatus), &v, &err), 0);
	assert_string_equal(v.version, "v2.5.10");
	assert_true(ml7_pb_status_ok(&v.status));
	ml7_pb_version_free(&v);
	ml7_pb_version_free(&v);   /* twice is fine */

	/* an empty message is a valid GetVersionResponse with every default */
	assert_int_equal(ml7_pb_decode_version("", 0, &v, &err), 0);
	assert_null(v.version);
	ml7_pb_version_free(&v);
	assert_int_equal(ml7_pb_decode_version(NULL, 0, &v, &err), 0);
	ml7_pb_version_free(&v);
}

/* What a protobufjs (grpc-js) server sends: every default written out. */
static void test_decode_version_protobufjs(void **state)
{
	static const unsigned char frame[] = {
		0x0a, 0x0a, 0x08, 0x00, 0x12, 0x00, 0x18, 0x00, 0x20, 0x00, 0x2a, 0x00,
		0x12, 0x07, 'v', '2', '.', '5', '.', '1', '0'};
	struct ml7_pb_version v;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_pb_decode_version(VEC(frame), &v, &err), 0);
	assert_string_equal(v.version, "v2.5.10");
	assert_true(ml7_pb_status_ok(&v.status));
	assert_string_equal(v.status.reason, "");
	assert_string_equal(v.status.detail, "");
	assert_int_equal(v.status.retriable, 0);
	ml7_pb_version_free(&v);
}

static void test_decode_status_errors(void **state)
{
	struct ml7_pb_version v;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_pb_decode_version(VEC(version_error), &v, &err), 0);
	assert_false(ml7_pb_status_ok(&v.status));
	assert_int_equal(v.status.error_code, 1);
	assert_int_equal(v.status.code, 65535);
	assert_string_equal(v.status.reason, "internal error");
	assert_string_equal(v.status.detail, "stack");
	assert_int_equal(v.status.retriable, 1);
	assert_null(v.version);
	ml7_pb_version_free(&v);

	/* an old server fills only the deprecated error_code: still a failure */
	assert_int_equal(ml7_pb_decode_version(VEC(version_legacy), &v, &err), 0);
	assert_int_equal(v.status.code, 0);
	assert_int_equal(v.status.error_code, 2);
	assert_false(ml7_pb_status_ok(&v.status));
	assert_string_equal(v.status.reason, "old server");
	ml7_pb_version_free(&v);
}

static void test_decode_connect(void **state)
{
	struct ml7_pb_connect c;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_pb_decode_connect(VEC(connect_ok), &c, &err), 0);
	assert_true(ml7_pb_status_ok(&c.status));
	assert_int_equal(c.has_server_info, 1);
	assert_string_equal(c.server_info.build_tags, "v2.5.10");
	assert_string_equal(c.server_info.build_time, "Mon Mar 10 12:00:00 UTC 2025");
	assert_string_equal(c.server_info.git_commit, "0123abcd");
	assert_string_equal(c.server_info.go_version, "go1.22.0");
	assert_string_equal(c.server_info.deploy_mode, "CLUSTER");
	assert_int_equal(c.server_info.reserved.n, 2);
	assert_string_equal(c.server_info.reserved.items[0], "k1=v1");
	assert_string_equal(c.server_info.reserved.items[1], "k2=");
	assert_true(c.identifier == 457123456789012345LL);
	ml7_pb_connect_free(&c);
}

static void test_decode_connect_800(void **state)
{
	struct ml7_pb_connect c;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_pb_decode_connect(VEC(connect_800), &c, &err), 0);
	assert_int_equal(c.status.code, 800);
	assert_int_equal(c.status.error_code, 1);
	assert_string_equal(c.status.reason, "database not found[database=nosuch]");
	assert_int_equal(c.has_server_info, 0);
	assert_true(c.identifier == 0);
	ml7_pb_connect_free(&c);
}

static void test_decode_negative(void **state)
{
	struct ml7_pb_connect c;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_pb_decode_connect(VEC(connect_negative), &c, &err), 0);
	assert_int_equal(c.status.code, -5);
	assert_true(c.identifier == -2);
	ml7_pb_connect_free(&c);
}

static void test_decode_health(void **state)
{
	struct ml7_pb_health h;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_pb_decode_health(VEC(health_ok), &h, &err), 0);
	assert_int_equal(h.healthy, 1);
	assert_int_equal(h.reasons.n, 0);
	assert_int_equal(h.n_quota_states, 0);
	ml7_pb_health_free(&h);

	assert_int_equal(ml7_pb_decode_health(VEC(health_bad), &h, &err), 0);
	assert_int_equal(h.healthy, 0);
	assert_true(ml7_pb_status_ok(&h.status));
	assert_int_equal(h.reasons.n, 2);
	assert_string_equal(h.reasons.items[0], "querycoord is not healthy");
	assert_string_equal(h.reasons.items[1], "datanode 3 is down");
	assert_int_equal(h.n_quota_states, 3);
	assert_string_equal(ml7_pb_quota_state_name(h.quota_states[0]), "DenyToWrite");
	assert_string_equal(ml7_pb_quota_state_name(h.quota_states[1]), "ReadLimited");
	assert_string_equal(ml7_pb_quota_state_name(h.quota_states[2]), "DenyToDDL");
	ml7_pb_health_free(&h);
}

static void test_decode_health_unpacked(void **state)
{
	struct ml7_pb_health h;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_pb_decode_health(VEC(health_unpacked), &h, &err), 0);
	assert_int_equal(h.n_quota_states, 2);
	assert_int_equal(h.quota_states[0], 4);
	assert_int_equal(h.quota_states[1], 3);
	assert_string_equal(ml7_pb_quota_state_name(4), "DenyToRead");
	assert_null(ml7_pb_quota_state_name(1));
	assert_null(ml7_pb_quota_state_name(7));
	assert_null(ml7_pb_quota_state_name(-1));
	ml7_pb_health_free(&h);
}

/* A mix of packed and unpacked in one message is valid protobuf. */
static void test_decode_health_mixed(void **state)
{
	static const unsigned char msg[] = {0x20, 0x02, 0x22, 0x02, 0x05, 0x06, 0x20, 0x03};
	struct ml7_pb_health h;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_pb_decode_health(VEC(msg), &h, &err), 0);
	assert_int_equal(h.n_quota_states, 4);
	assert_int_equal(h.quota_states[0], 2);
	assert_int_equal(h.quota_states[1], 5);
	assert_int_equal(h.quota_states[2], 6);
	assert_int_equal(h.quota_states[3], 3);
	ml7_pb_health_free(&h);
}

static void test_unknown_fields_skipped(void **state)
{
	struct ml7_pb_health h;
	struct ml7_pb_connect c;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_pb_decode_health(VEC(health_future), &h, &err), 0);
	assert_int_equal(h.healthy, 1);
	assert_int_equal(h.reasons.n, 1);
	assert_string_equal(h.reasons.items[0], "r");
	assert_int_equal(h.n_quota_states, 1);
	assert_int_equal(h.quota_states[0], 5);
	ml7_pb_health_free(&h);

	assert_int_equal(ml7_pb_decode_connect(VEC(connect_future), &c, &err), 0);
	assert_string_equal(c.server_info.deploy_mode, "STANDALONE");
	assert_true(c.identifier == 12);
	ml7_pb_connect_free(&c);
}

/* A later field of the same number replaces an earlier one; a repeated
 * sub-message merges. */
static void test_last_field_wins(void **state)
{
	static const unsigned char msg[] = {
		0x12, 0x01, 'a', 0x12, 0x02, 'b', 'c',          /* version "a", then "bc" */
		0x0a, 0x02, 0x18, 0x05, 0x0a, 0x02, 0x12, 0x00}; /* status {code 5} {reason ""} */
	struct ml7_pb_version v;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_pb_decode_version(VEC(msg), &v, &err), 0);
	assert_string_equal(v.version, "bc");
	assert_int_equal(v.status.code, 5);
	assert_string_equal(v.status.reason, "");
	ml7_pb_version_free(&v);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *name;
		unsigned char bytes[16];
		size_t n;
	} cases[] = {
		{"truncated tag", {0x80}, 1},
		{"truncated varint", {0x18, 0x80}, 2},
		{"length past the end", {0x12, 0x05, 'a'}, 3},
		{"huge length", {0x12, 0xff, 0xff, 0xff, 0xff, 0x0f}, 6},
		{"field number 0", {0x00, 0x01}, 2},
		{"group start", {0x0b}, 1},
		{"group end", {0x0c}, 1},
		{"wire type 7", {0x0f, 0x00}, 2},
		{"truncated fixed32", {0x0d, 0x01, 0x02}, 3},
		{"truncated fixed64", {0x09, 0x01, 0x02, 0x03, 0x04}, 5},
		{"varint of 11 bytes", {0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					0xff, 0x01}, 12},
		{"varint 10th byte too big", {0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					      0xff, 0x02}, 11},
		{"bad nested status", {0x0a, 0x02, 0x18, 0x80}, 4},
		{"bad packed quota", {0x22, 0x01, 0x80}, 3},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ml7_pb_health h;
		struct ml7_pb_version v;
		struct ml7_pb_connect c;
		struct ml7_err err = {0};

		memset(&h, 0x5a, sizeof(h));
		print_message("case: %s\n", cases[i].name);
		assert_int_equal(ml7_pb_decode_health(cases[i].bytes, cases[i].n, &h, &err), ML7_EPROTO);
		assert_non_null(strstr(err.msg, "malformed"));
		assert_int_equal(((unsigned char *)&h)[0], 0x5a);    /* *out untouched */
		ml7_err_clear(&err);
		if (cases[i].bytes[0] != 0x22) {   /* field 4 LEN is a plain unknown field there */
			assert_int_equal(ml7_pb_decode_version(cases[i].bytes, cases[i].n, &v, &err),
					 ML7_EPROTO);
			assert_int_equal(ml7_pb_decode_connect(cases[i].bytes, cases[i].n, &c, &err),
					 ML7_EPROTO);
		}
	}
}

static void test_malformed_map_entry(void **state)
{
	static const unsigned char msg[] = {0x12, 0x04, 0x32, 0x02, 0x0a, 0x05};
	struct ml7_pb_connect c;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_pb_decode_connect(VEC(msg), &c, &err), ML7_EPROTO);
	assert_string_equal(err.msg, "malformed ServerInfo message");
}

static void test_reader_fields(void **state)
{
	struct ml7_pb_reader r;
	struct ml7_pb_field f;

	(void)state;
	ml7_pb_reader_init(&r, VEC(health_future));
	assert_int_equal(ml7_pb_next(&r, &f), 1);
	assert_int_equal(f.num, 1);
	assert_int_equal(f.wire, ML7_PB_LEN);
	assert_int_equal(f.len, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ml7_pb_next(&r, &f), 1);
	assert_int_equal(ml7_pb_next(&r, &f), 1);
	assert_int_equal(f.num, 9);
	assert_int_equal(f.wire, ML7_PB_I64);
	assert_true(f.u == 12345);
	assert_int_equal(ml7_pb_next(&r, &f), 1);
	assert_int_equal(f.num, 10);
	assert_int_equal(f.wire, ML7_PB_I32);
	assert_true(f.u == 0x3fc00000);   /* 1.5f */
	while (ml7_pb_next(&r, &f) == 1 && f.num != 1000)
		;
	assert_int_equal(f.num, 1000);
	assert_true(f.u == 99999);
	assert_int_equal(ml7_pb_next(&r, &f), 0);
	assert_int_equal(ml7_pb_next(&r, &f), 0);
}

/* Every allocation of every decoder may fail: no leak, no crash, *out untouched. */
static void test_alloc_failures(void **state)
{
	(void)state;
	for (long n = 0; n < 40; n++) {
		struct ml7_pb_connect c;
		struct ml7_pb_health h;
		struct ml7_err err = {0};
		int rc;

		ml7_mem_fail_after(n);
		rc = ml7_pb_decode_connect(VEC(connect_ok), &c, &err);
		ml7_mem_fail_after(-1);
		if (rc == 0)
			ml7_pb_connect_free(&c);
		else
			assert_int_equal(rc, ML7_ENOMEM);
		ml7_err_clear(&err);
		ml7_mem_fail_after(n);
		rc = ml7_pb_decode_health(VEC(health_bad), &h, &err);
		ml7_mem_fail_after(-1);
		if (rc == 0)
			ml7_pb_health_free(&h);
		else
			assert_int_equal(rc, ML7_ENOMEM);
	}
	for (long n = 0; n < 8; n++) {
		struct ml7_pb_client_info ci = {"milvus-l7", "0.1.0", "t", "u", "h"};
		struct ml7_buf b = ML7_BUF_INIT;
		int rc;

		ml7_mem_fail_after(n);
		rc = ml7_pb_encode_connect(&b, &ci);
		ml7_mem_fail_after(-1);
		assert_true(rc == 0 || rc == ML7_ENOMEM);
		ml7_buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_connect_full),
		cmocka_unit_test(test_encode_connect_defaults_left_out),
		cmocka_unit_test(test_varint_encoding),
		cmocka_unit_test(test_put_fields),
		cmocka_unit_test(test_decode_version),
		cmocka_unit_test(test_decode_version_protobufjs),
		cmocka_unit_test(test_decode_status_errors),
		cmocka_unit_test(test_decode_connect),
		cmocka_unit_test(test_decode_connect_800),
		cmocka_unit_test(test_decode_negative),
		cmocka_unit_test(test_decode_health),
		cmocka_unit_test(test_decode_health_unpacked),
		cmocka_unit_test(test_decode_health_mixed),
		cmocka_unit_test(test_unknown_fields_skipped),
		cmocka_unit_test(test_last_field_wins),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_malformed_map_entry),
		cmocka_unit_test(test_reader_fields),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
