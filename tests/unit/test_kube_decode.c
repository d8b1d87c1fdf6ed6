/* test_kube_decode.c - the pieces of the Kubernetes client that need no
 * server: the watch stream decoder at every chunking, Status errors, API
 * paths, ExecCredential validation and exec plugins run for real. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ml7/credentials.h"
#include "ml7/kube.h"
#include "ml7/mem.h"

/* ---- ndjson ------------------------------------------------------------- */

struct seen {
	int n;
	char types[16][16];
	int stop_at;
};

static int collect(void *ud, cJSON *obj, struct ml7_err *err)
{
	struct seen *s = ud;
	const cJSON *t = cJSON_GetObjectItem(obj, "type");

	(void)err;
	if (s->n < 16)
		snprintf(s->types[s->n], sizeof(s->types[0]), "%s", cJSON_IsString(t) ? t->valuestring : "?");
	s->n++;
	return s->stop_at && s->n == s->stop_at ? 1 : 0;
}

static void test_ndjson_every_split(void **state)
{
	static const char stream[] =
		"{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\\n\",\"resourceVersion\":\"1\"}}}\n"
		"\n"
		"{\"type\":\"MODIFIED\",\"object\":{\"k\":\"\xc3\xa9\"}}\r\n"
		"{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"9\"}}}\n";
	size_t n = strlen(stream);

	(void)state;
	/* every split into two chunks, and byte by byte */
	for (size_t cut = 0; cut <= n; cut++) {
		struct ml7_ndjson *d = NULL;
		struct ml7_err err = {0};
		struct seen s = {0};

		assert_int_equal(ml7_ndjson_new(0, collect, &s, &d, &err), 0);
		assert_int_equal(ml7_ndjson_feed(d, stream, cut, &err), 0);
		assert_int_equal(ml7_ndjson_feed(d, stream + cut, n - cut, &err), 0);
		assert_int_equal(s.n, 3);
		assert_string_equal(s.types[0], "ADDED");
		assert_string_equal(s.types[1], "MODIFIED");
		assert_string_equal(s.types[2], "BOOKMARK");
		assert_int_equal(ml7_ndjson_pending(d), 0);
		ml7_ndjson_free(d);
	}
	{
		struct ml7_ndjson *d = NULL;
		struct ml7_err err = {0};
		struct seen s = {0};

		assert_int_equal(ml7_ndjson_new(0, collect, &s, &d, &err), 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(ml7_ndjson_feed(d, stream + i, 1, &err), 0);
		assert_int_equal(s.n, 3);
		/* a partial object is held, then dropped by reset */
		assert_int_equal(ml7_ndjson_feed(d, "{\"type\":", 8, &err), 0);
		assert_int_equal(ml7_ndjson_pending(d), 8);
		ml7_ndjson_reset(d);
		assert_int_equal(ml7_ndjson_pending(d), 0);
		ml7_ndjson_free(d);
	}
}

static void test_ndjson_limits_and_errors(void **state)
{
	struct ml7_ndjson *d = NULL;
	struct ml7_err err = {0};
	struct seen s = {0};
	size_t big = 3u << 20;
	char *obj = malloc(big + 64);
	int n;

	(void)state;
	/* a 3 MiB object arriving in 1000-byte chunks */
	n = snprintf(obj, 64, "{\"type\":\"ADDED\",\"object\":{\"data\":\"");
	memset(obj + n, 'x', big);
	memcpy(obj + n + big, "\"}}\n", 5);
	assert_int_equal(ml7_ndjson_new(0, collect, &s, &d, &err), 0);
	for (size_t off = 0, len = strlen(obj); off < len; off += 1000)
		assert_int_equal(ml7_ndjson_feed(d, obj + off, len - off < 1000 ? len - off : 1000, &err), 0);
	assert_int_equal(s.n, 1);
	ml7_ndjson_free(d);
	/* over the cap */
	assert_int_equal(ml7_ndjson_new(1024, collect, &s, &d, &err), 0);
	assert_int_equal(ml7_ndjson_feed(d, obj, 2000, &err), ML7_ELIMIT);
	assert_non_null(strstr(err.msg, "larger than 1024 bytes"));
	ml7_ndjson_free(d);
	free(obj);
	/* not JSON */
	ml7_err_clear(&err);
	assert_int_equal(ml7_ndjson_new(0, collect, &s, &d, &err), 0);
	assert_int_equal(ml7_ndjson_feed(d, "<html>oops</html>\n", 18, &err), ML7_EPROTO);
	assert_non_null(strstr(err.msg, "not JSON"));
	ml7_ndjson_free(d);
	/* the callback stops: 1 comes back, the rest is not decoded */
	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	assert_int_equal(ml7_ndjson_new(0, collect, &s, &d, &err), 0);
	assert_int_equal(ml7_ndjson_feed(d, "{\"type\":\"A\"}\n{\"type\":\"B\"}\n", 26, &err), 1);
	assert_int_equal(s.n, 1);
	ml7_ndjson_free(d);
	ml7_ndjson_free(NULL);
}

/* ---- Status errors ------------------------------------------------------ */

static void test_status_errors(void **state)
{
	static const struct {
		long http;
		const char *body;
		int code;
		const char *reason;
		const char *msg;
	} cases[] = {
		{404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
		      "\"services \\\"x\\\" not found\",\"reason\":\"NotFound\",\"code\":404}",
		 ML7_ENOTFOUND, "NotFound", "services \"x\" not found"},
		{409, "{\"kind\":\"Status\",\"message\":\"Apply failed with 1 conflict: conflict with "
		      "\\\"kubectl\\\": .spec.rules\",\"reason\":\"Conflict\",\"code\":409}",
		 ML7_ECONFLICT, "Conflict", "Apply failed with 1 conflict"},
		{409, "{\"kind\":\"Status\",\"message\":\"x exists\",\"reason\":\"AlreadyExists\"}",
		 ML7_ECONFLICT, "AlreadyExists", "x exists"},
		{410, "{\"kind\":\"Status\",\"message\":\"too old resource version: 1 (2)\",\"reason\":"
		      "\"Expired\",\"code\":410}", ML7_EHTTP, "Expired", "too old resource version"},
		{410, "", ML7_EHTTP, "Gone", "HTTP 410"},
		{422, "{\"kind\":\"Status\",\"message\":\"Ingress.networking.k8s.io \\\"x\\\" is invalid: "
		      "spec.rules[0].host: Invalid value\",\"reason\":\"Invalid\",\"code\":422}",
		 ML7_EINVAL, "Invalid", "is invalid: spec.rules[0].host"},
		{401, "{\"kind\":\"Status\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\","
		      "\"code\":401}", ML7_EAUTH, "Unauthorized", "rejected the credentials"},
		{403, "{\"kind\":\"Status\",\"message\":\"namespaces is forbidden: User \\\"u\\\" cannot "
		      "list\",\"reason\":\"Forbidden\",\"code\":403}", ML7_EAUTH, "Forbidden",
		 "namespaces is forbidden"},
		{502, "<html>\n<head><title>502 Bad Gateway</title></head>\n</html>\n", ML7_EHTTP, "",
		 "GET /api/v1/x: HTTP 502: <html> <head><title>502 Bad Gateway</title>"},
		{500, "{\"kind\":\"NotStatus\"}", ML7_EHTTP, "", "GET /api/v1/x: HTTP 500"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ml7_err err = {0};
		int rc = ml7_kube_status_error(cases[i].http, cases[i].body, strlen(cases[i].body),
					       "GET /api/v1/x", &err);

		assert_int_equal(rc, cases[i].code);
		assert_int_equal(err.code, cases[i].code);
		assert_int_equal(err.http_status, cases[i].http);
		assert_string_equal(err.reason, cases[i].reason);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
		assert_null(strchr(err.msg, '\n'));
	}
}

/* ---- paths -------------------------------------------------------------- */

static void test_paths(void **state)
{
	struct ml7_buf b = ML7_BUF_INIT;

	(void)state;
	assert_int_equal(ml7_kube_path(&b, "v1", "milvus", "services", "my-release-milvus", NULL), 0);
	assert_string_equal(b.data, "/api/v1/namespaces/milvus/services/my-release-milvus");
	ml7_buf_reset(&b);
	assert_int_equal(ml7_kube_path(&b, "networking.k8s.io/v1", "ns", "ingresses", "x", "status"), 0);
	assert_string_equal(b.data, "/apis/networking.k8s.io/v1/namespaces/ns/ingresses/x/status");
	ml7_buf_reset(&b);
	assert_int_equal(ml7_kube_path(&b, "v1", NULL, "namespaces", NULL, NULL), 0);
	assert_string_equal(b.data, "/api/v1/namespaces");
	assert_int_equal(ml7_kube_query(&b, "labelSelector", "app.kubernetes.io/name=milvus,x in (a,b)"), 0);
	assert_int_equal(ml7_kube_query(&b, "limit", "500"), 0);
	assert_string_equal(b.data, "/api/v1/namespaces?labelSelector=app.kubernetes.io%2Fname%3Dmilvus"
			    "%2Cx%20in%20%28a%2Cb%29&limit=500");
	ml7_buf_reset(&b);
	assert_int_equal(ml7_kube_path(&b, "v1", "ns", "services", "a/b", NULL), ML7_EINVAL);
	assert_int_equal(ml7_kube_path(&b, "v1", "", "services", NULL, NULL), ML7_EINVAL);
	assert_int_equal(ml7_kube_path(&b, "v1", "ns", "services", "..", NULL), ML7_EINVAL);
	assert_int_equal(b.len, 0);
	ml7_buf_free(&b);
}

/* ---- exec credentials --------------------------------------------------- */

#define V1 "client.authentication.k8s.io/v1"
#define V1B "client.authentication.k8s.io/v1beta1"

static void test_exec_parse(void **state)
{
	static const struct {
		const char *api, *out, *want;
	} bad[] = {
		{V1, "not json", "not a JSON object"},
		{V1, "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1B "\",\"status\":{\"token\":\"t\"}}",
		 "configured to use API version " V1 ", plugin returned version " V1B},
		{V1, "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\"}", "has no status"},
		{V1, "{\"kind\":\"Other\",\"apiVersion\":\"" V1 "\",\"status\":{}}", "not of kind"},
		{V1, "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":{}}",
		 "neither a token nor"},
		{V1, "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":"
		     "{\"clientCertificateData\":\"-----BEGIN CERTIFICATE-----\"}}", "not both"},
		{V1, "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":"
		     "{\"token\":\"t\",\"expirationTimestamp\":\"tomorrow\"}}", "RFC 3339"},
	};
	struct ml7_cred c = {0};
	struct ml7_err err = {0};
	const char *good = "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1B "\",\"spec\":{},"
			   "\"status\":{\"token\":\"k8s-aws-v1.abc\",\"expirationTimestamp\":"
			   "\"2030-01-02T03:04:05Z\"}}";
	const char *cert = "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":"
			   "{\"clientCertificateData\":\"-----BEGIN CERTIFICATE-----\\nx\\n\","
			   "\"clientKeyData\":\"-----BEGIN PRIVATE KEY-----\\ny\\n\"}}";

	(void)state;
	assert_int_equal(ml7_exec_parse(V1B, "aws", good, strlen(good), &c, &err), 0);
	assert_string_equal(c.token, "k8s-aws-v1.abc");
	assert_true(c.expires == 1893553445LL);
	ml7_cred_clear(&c);
	assert_int_equal(ml7_exec_parse(V1, "p", cert, strlen(cert), &c, &err), 0);
	assert_null(c.token);
	assert_non_null(strstr(c.cert_pem, "BEGIN CERTIFICATE"));
	assert_non_null(strstr(c.key_pem, "PRIVATE KEY"));
	assert_true(c.expires == 0);
	ml7_cred_clear(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ml7_err_clear(&err);
		assert_int_not_equal(ml7_exec_parse(bad[i].api, "p", bad[i].out, strlen(bad[i].out), &c,
						    &err), 0);
		if (!strstr(err.msg, bad[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].want);
		assert_null(c.token);
	}
}

static int exp_time(const char *ts, long long *t)
{
	char out[300];
	struct ml7_cred c = {0};
	struct ml7_err err = {0};
	int rc;

	snprintf(out, sizeof(out), "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\","
		 "\"status\":{\"token\":\"t\",\"expirationTimestamp\":\"%s\"}}", ts);
	rc = ml7_exec_parse(V1, "p", out, strlen(out), &c, &err);
	*t = c.expires;
	ml7_cred_clear(&c);
	return rc;
}

static void test_rfc3339(void **state)
{
	long long t;

	(void)state;
	assert_int_equal(exp_time("1970-01-01T00:00:01Z", &t), 0);
	assert_true(t == 1);
	assert_int_equal(exp_time("2030-01-02T03:04:05.123456Z", &t), 0);
	assert_true(t == 1893553445LL);
	assert_int_equal(exp_time("2030-01-02T05:04:05+02:00", &t), 0);
	assert_true(t == 1893553445LL);
	assert_int_equal(exp_time("2030-01-02", &t), ML7_EPROTO);
	assert_int_equal(exp_time("2030-01-02T03:04:05", &t), ML7_EPROTO);
	assert_int_equal(exp_time("2030-13-02T03:04:05Z", &t), ML7_EPROTO);
}

/* Plugins are real executables (shell scripts here); ml7_run spawns them with
 * an argv, no shell in between. */
static char dir[128];

static void script(const char *name, const char *body)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	chmod(path, 0755);
}

static int run_plugin(const char *name, const char *api, int mode, long timeout_ms, const char *hint,
		      struct ml7_cred *c, struct ml7_err *err)
{
	struct ml7_kube_exec ex = {0};
	char path[256];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ex.command = path;
	ex.api_version = (char *)api;
	ex.interactive_mode = mode;
	ex.provide_cluster_info = 1;
	ex.install_hint = (char *)hint;
	ml7_strlist_push(&ex.args, "--out");
	ml7_strlist_push(&ex.args, dir);
	ml7_strlist_push(&ex.env, "PLUGIN_X=1");
	ml7_strlist_push(&ex.env, "PLUGIN_Y=first");
	ml7_strlist_push(&ex.env, "PLUGIN_Y=last");
	ml7_err_clear(err);
	rc = ml7_exec_run(&ex, "{\"server\":\"https://h:1\"}", 0, timeout_ms, c, err);
	ml7_strlist_free(&ex.args);
	ml7_strlist_free(&ex.env);
	return rc;
}

static int exec_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ml7-exec.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int exec_teardown(void **state)
{
	char cmd[200];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *name)
{
	static char buf[4096];
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_exec_run(void **state)
{
	struct ml7_cred c = {0};
	struct ml7_err err = {0};
	char *s;

	(void)state;
	script("ok", "printf '%s\\n' \"$@\" > \"$2/args\"\n"
	       "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$2/info\"\n"
	       "echo \"$PLUGIN_X $PLUGIN_Y\" > \"$2/env\"\n"
	       "[ -t 0 ] && echo tty > \"$2/stdin\"\n"
	       "echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":"
	       "{\"token\":\"tok-1\",\"expirationTimestamp\":\"2099-01-01T00:00:00Z\"}}'\n");
	assert_int_equal(run_plugin("ok", V1, ML7_KUBE_INTERACTIVE_NEVER, 0, NULL, &c, &err), 0);
	assert_string_equal(c.token, "tok-1");
	ml7_cred_clear(&c);
	{
		char want[200];

		snprintf(want, sizeof(want), "--out\n%s\n", dir);   /* args as argv, no shell */
		assert_string_equal(slurp("args"), want);
	}
	s = slurp("info");
	assert_non_null(s);
	assert_non_null(strstr(s, "\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\""));
	assert_non_null(strstr(s, "\"cluster\":{\"server\":\"https://h:1\"}"));
	assert_non_null(strstr(s, "\"interactive\":false"));
	assert_string_equal(slurp("env"), "1 last\n");

	script("exit1", "echo 'plugin: no credentials' >&2\nexit 1\n");
	assert_int_equal(run_plugin("exit1", V1, 0, 0, NULL, &c, &err), ML7_EEXEC);
	assert_non_null(strstr(err.msg, "failed with exit code 1"));

	script("hang", "exec sleep 30\n");
	assert_int_equal(run_plugin("hang", V1, 0, 300, NULL, &c, &err), ML7_ETIMEDOUT);
	assert_non_null(strstr(err.msg, "did not finish within 300 ms"));

	script("garbage", "echo 'Hello, I am not JSON'\n");
	assert_int_equal(run_plugin("garbage", V1, 0, 0, NULL, &c, &err), ML7_EPROTO);
	assert_non_null(strstr(err.msg, "not a JSON object"));

	script("huge", "head -c 3000000 /dev/zero | tr '\\0' x\n");
	assert_int_equal(run_plugin("huge", V1, 0, 0, NULL, &c, &err), ML7_EPROTO);
	assert_non_null(strstr(err.msg, "printed more than"));

	script("wrongver", "echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1B "\","
	       "\"status\":{\"token\":\"t\"}}'\n");
	assert_int_equal(run_plugin("wrongver", V1, 0, 0, NULL, &c, &err), ML7_EPROTO);
	assert_non_null(strstr(err.msg, "plugin returned version " V1B));

	assert_int_equal(run_plugin("missing", V1, 0, 0, "install it:\n\033[1mapt install x\033[0m", &c,
				    &err), ML7_ENOTFOUND);
	assert_non_null(strstr(err.msg, "not found; install it: apt install x"));
	assert_null(strchr(err.msg, '\033'));

	assert_int_equal(run_plugin("ok", V1, ML7_KUBE_INTERACTIVE_ALWAYS, 0, NULL, &c, &err), ML7_EAUTH);
	assert_non_null(strstr(err.msg, "needs a terminal"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ndjson_every_split),
		cmocka_unit_test(test_ndjson_limits_and_errors),
		cmocka_unit_test(test_status_errors),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_exec_parse),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test_setup_teardown(test_exec_run, exec_setup, exec_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
