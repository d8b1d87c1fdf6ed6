/* test_util.c - buffer, string list, errors, allocation failures, redaction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml7/buf.h"
#include "ml7/cancel.h"
#include "ml7/err.h"
#include "ml7/log.h"
#include "ml7/mem.h"
#include "ml7/run.h"
#include "ml7/strlist.h"

static void test_buf_basic(void **state)
{
	struct ml7_buf b = ML7_BUF_INIT;

	(void)state;
	assert_int_equal(ml7_buf_puts(&b, "hello"), 0);
	assert_int_equal(ml7_buf_putc(&b, ' '), 0);
	assert_int_equal(ml7_buf_printf(&b, "%s %d", "world", 42), 0);
	assert_string_equal(b.data, "hello world 42");
	assert_int_equal(b.len, 14);
	ml7_buf_consume(&b, 6);
	assert_string_equal(b.data, "world 42");
	ml7_buf_reset(&b);
	assert_string_equal(b.data, "");
	assert_int_equal(b.len, 0);
	ml7_buf_free(&b);
	assert_null(b.data);
	ml7_buf_free(&b);   /* twice is fine */
}

static void test_buf_cap(void **state)
{
	struct ml7_buf b;
	char big[100];

	(void)state;
	memset(big, 'x', sizeof(big));
	ml7_buf_init(&b, 10);
	assert_int_equal(ml7_buf_append(&b, big, 10), 0);
	assert_int_equal(ml7_buf_append(&b, big, 1), ML7_ELIMIT);
	assert_int_equal(b.len, 10);        /* unchanged on failure */
	assert_int_equal(ml7_buf_printf(&b, "%s", "y"), ML7_ELIMIT);
	assert_int_equal(b.len, 10);
	ml7_buf_free(&b);
	ml7_buf_init(&b, 5);
	assert_int_equal(ml7_buf_append(&b, big, (size_t)-1), ML7_ELIMIT);
	ml7_buf_free(&b);
}

static void test_buf_detach(void **state)
{
	struct ml7_buf b = ML7_BUF_INIT;
	char *s;

	(void)state;
	s = ml7_buf_detach(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	ml7_buf_puts(&b, "abc");
	s = ml7_buf_detach(&b);
	assert_string_equal(s, "abc");
	assert_null(b.data);
	free(s);
}

static void test_buf_secret_growth(void **state)
{
	struct ml7_buf b = ML7_BUF_INIT;

	(void)state;
	b.secret = 1;
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ml7_buf_puts(&b, "secret"), 0);
	assert_int_equal(b.len, 6000);
	assert_memory_equal(b.data + 5994, "secret", 6);
	ml7_buf_free(&b);
}

/* Every allocation of a growing buffer fails once, in turn: the call reports
 * ENOMEM, the buffer keeps what it had, and nothing leaks (ASan checks). */
static void test_buf_alloc_failures(void **state)
{
	long total;

	(void)state;
	{
		struct ml7_buf b = ML7_BUF_INIT;

		ml7_mem_fail_after(-1);
		for (int i = 0; i < 200; i++)
			ml7_buf_printf(&b, "line %d of text\n", i);
		total = ml7_mem_fail_after(-1);
		ml7_buf_free(&b);
	}
	assert_true(total > 3);
	for (long n = 0; n < total; n++) {
		struct ml7_buf b = ML7_BUF_INIT;
		int failed = 0;

		ml7_mem_fail_after(n);
		for (int i = 0; i < 200; i++) {
			size_t before = b.len;
			int rc = ml7_buf_printf(&b, "line %d of text\n", i);

			if (rc) {
				assert_int_equal(rc, ML7_ENOMEM);
				assert_int_equal(b.len, before);
				failed++;
			}
		}
		ml7_mem_fail_after(-1);
		assert_int_equal(failed, 1);
		ml7_buf_free(&b);
	}
}

static void test_strlist(void **state)
{
	struct ml7_strlist l = ML7_STRLIST_INIT, c = ML7_STRLIST_INIT;

	(void)state;
	assert_int_equal(ml7_strlist_split(&l, "a,,b,c", ',', 1), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[0], "a");
	assert_string_equal(l.items[2], "c");
	assert_null(l.items[3]);
	assert_int_equal(ml7_strlist_find(&l, "b"), 1);
	assert_int_equal(ml7_strlist_find(&l, "z"), -1);
	assert_int_equal(ml7_strlist_split(&l, "x,,y", ',', 0), 0);
	assert_int_equal(l.n, 6);
	assert_string_equal(l.items[4], "");
	assert_int_equal(ml7_strlist_copy(&c, &l), 0);
	assert_int_equal(c.n, 6);
	ml7_strlist_free(&l);
	ml7_strlist_free(&c);
	assert_int_equal(l.n, 0);
	assert_null(l.items);
}

static void test_strlist_alloc_failures(void **state)
{
	(void)state;
	for (long n = 0; n < 6; n++) {
		struct ml7_strlist l = ML7_STRLIST_INIT;
		int rc;

		ml7_mem_fail_after(n);
		rc = ml7_strlist_split(&l, "a,b,c,d,e,f,g,h,i,j", ',', 1);
		ml7_mem_fail_after(-1);
		assert_int_equal(rc, ML7_ENOMEM);
		assert_true(l.n < 10);
		ml7_strlist_free(&l);
	}
}

static void test_err(void **state)
{
	struct ml7_err e = {0};

	(void)state;
	assert_int_equal(ml7_err_set(&e, ML7_ENOTFOUND, "no release '%s'", "x"), ML7_ENOTFOUND);
	assert_int_equal(ml7_err_set(&e, ML7_EINVAL, "second"), ML7_EINVAL);
	assert_string_equal(e.msg, "no release 'x'");     /* the first message wins */
	assert_int_equal(e.code, ML7_ENOTFOUND);
	ml7_err_prefix(&e, "status %s", "milvus");
	assert_string_equal(e.msg, "status milvus: no release 'x'");
	assert_int_equal(ml7_exit_code(ML7_ENOTFOUND), 3);
	assert_int_equal(ml7_exit_code(ML7_ETIMEDOUT), 4);
	assert_int_equal(ml7_exit_code(ML7_EVERIFY), 5);
	assert_int_equal(ml7_exit_code(ML7_EINVAL), 1);
	assert_int_equal(ml7_exit_code(ML7_ECANCELED), 130);
	assert_string_equal(ml7_code_name(ML7_ETIMEDOUT), "timeout");
	ml7_err_clear(&e);
	assert_int_equal(e.code, 0);
	assert_string_equal(e.msg, "");
	assert_int_equal(ml7_err_set(NULL, ML7_EIO, "ignored"), ML7_EIO);
	for (int c = ML7_ECODE_MIN; c < 0; c++)
		assert_string_not_equal(ml7_code_name(c), "unknown");
}

static void test_run_found(void **state)
{
	const char *saved = getenv("PATH");
	char *copy = saved ? strdup(saved) : NULL;

	(void)state;
	assert_int_equal(ml7_run_found("sh"), 1);
	assert_int_equal(ml7_run_found("/bin/sh"), 1);
	assert_int_equal(ml7_run_found("/nonexistent/helm"), 0);
	assert_int_equal(ml7_run_found("no-such-program-ml7"), 0);
	assert_int_equal(ml7_run_found("/etc/passwd"), 0);     /* not executable */
	assert_int_equal(ml7_run_found("/tmp"), 0);            /* a folder */
	assert_int_equal(ml7_run_found(""), 0);
	assert_int_equal(ml7_run_found(NULL), 0);
	setenv("PATH", "/nonexistent:/bin", 1);                /* the second entry has it */
	assert_int_equal(ml7_run_found("sh"), 1);
	setenv("PATH", "/nonexistent", 1);
	assert_int_equal(ml7_run_found("sh"), 0);
	if (copy)
		setenv("PATH", copy, 1);
	free(copy);
}

static void test_cancel(void **state)
{
	(void)state;
	assert_false(ml7_canceled());
	ml7_cancel();
	assert_true(ml7_canceled());
	ml7_cancel_reset();
	assert_false(ml7_canceled());
}

/* ---- redaction ---------------------------------------------------------- */

static const struct {
	const char *in;
	const char *want;
} redactions[] = {
	{"Authorization: Bearer abc.def-ghi", "Authorization: Bearer [REDACTED]"},
	{"authorization: Basic dXNlcjpwYXNz", "authorization: Basic [REDACTED]"},
	{"Proxy-Authorization: Basic Zm9v", "Proxy-Authorization: Basic [REDACTED]"},
	{"authorization: cm9vdDpNaWx2dXM=", "authorization: [REDACTED]"},
	{"Authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, SignedHeaders=host, Signature=ff",
	 "Authorization: [REDACTED]"},
	{"sending Bearer eyJhbGciOi to the server", "sending Bearer [REDACTED] to the server"},
	{"X-Amz-Security-Token: FwoGZXIvYXdzE", "X-Amz-Security-Token: [REDACTED]"},
	{"{\"token\":\"s3cr3t\",\"kind\":\"x\"}", "{\"token\":\"[REDACTED]\",\"kind\":\"x\"}"},
	{"{\"status\": {\"token\": \"abc\"}}", "{\"status\": {\"token\": \"[REDACTED]\"}}"},
	{"password=hunter2&user=bob", "password=[REDACTED]&user=bob"},
	{"MILVUS_PASSWORD=hunter2", "MILVUS_PASSWORD=[REDACTED]"},
	{"client-key-data: LS0tLS1CRUdJTi", "client-key-data: [REDACTED]"},
	{"aws_secret_access_key = wJalrXUtnFEMI", "aws_secret_access_key = [REDACTED]"},
	{"\"PrivateKey\":\"LS0tLS1\"", "\"PrivateKey\":\"[REDACTED]\""},
	{"--token=abc123 --namespace x", "--token=[REDACTED] --namespace x"},
	{"a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n-----END RSA PRIVATE KEY-----\nb",
	 "a\n-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY-----\nb"},
	{"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIE", "-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY-----"},
	{"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
	 "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"},
	{"tokenFile: /var/run/token", "tokenFile: /var/run/token"},
	{"the token expired", "the token expired"},
	{"GET /api/v1/namespaces 200", "GET /api/v1/namespaces 200"},
	{"token:", "token:"},
};

static void test_redact(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(redactions) / sizeof(redactions[0]); i++) {
		struct ml7_buf out = ML7_BUF_INIT;

		assert_int_equal(ml7_redact(redactions[i].in, strlen(redactions[i].in), &out), 0);
		if (strcmp(out.data ? out.data : "", redactions[i].want) != 0)
			fail_msg("case %zu: redact(%s) = %s, want %s", i, redactions[i].in, out.data,
				 redactions[i].want);
		ml7_buf_free(&out);
	}
}

struct captured {
	char lines[16][256];
	int n;
};

static void capture(void *ud, int level, const char *line)
{
	struct captured *c = ud;

	(void)level;
	if (c->n < 16)
		snprintf(c->lines[c->n++], sizeof(c->lines[0]), "%s", line);
}

static void test_log_levels_and_redaction(void **state)
{
	struct captured c = {0};
	const char wire[] = "GET / HTTP/1.1\r\nAuthorization: Bearer t0ken\r\nHost: x\r\n";

	(void)state;
	ml7_log_set(capture, &c, 1);
	ml7_log(ML7_LOG_ERROR, "error %d", 1);
	ml7_log(ML7_LOG_ACTION, "using token=%s", "abc");
	ml7_log(ML7_LOG_HTTP, "dropped");
	assert_int_equal(c.n, 2);
	assert_string_equal(c.lines[0], "error 1");
	assert_string_equal(c.lines[1], "using token=[REDACTED]");
	assert_false(ml7_log_enabled(ML7_LOG_WIRE));
	ml7_log_set(capture, &c, 3);
	ml7_log_data(ML7_LOG_WIRE, "> ", wire, sizeof(wire) - 1);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.lines[2], "> GET / HTTP/1.1");
	assert_string_equal(c.lines[3], "> Authorization: Bearer [REDACTED]");
	assert_string_equal(c.lines[4], "> Host: x");
	ml7_log_set(NULL, NULL, 3);
	ml7_log(ML7_LOG_ERROR, "nobody listens");
	assert_int_equal(c.n, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_detach),
		cmocka_unit_test(test_buf_secret_growth),
		cmocka_unit_test(test_buf_alloc_failures),
		cmocka_unit_test(test_strlist),
		cmocka_unit_test(test_strlist_alloc_failures),
		cmocka_unit_test(test_err),
		cmocka_unit_test(test_run_found),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_log_levels_and_redaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
