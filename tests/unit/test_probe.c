/* test_probe.c - the probe's pure parts: address parsing, phase and diagnosis
 * names, the SDK snippets (right names, never a secret), bad options. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ml7/mem.h"
#include "ml7/probe.h"

static void test_split_address(void **state)
{
	static const struct {
		const char *in;
		const char *host;
		int port;
	} ok[] = {
		{"alb.example.com", "alb.example.com", 443},
		{"alb.example.com:8443", "alb.example.com", 8443},
		{"127.0.0.1:1", "127.0.0.1", 1},
		{"[::1]:19530", "::1", 19530},
		{"[::1]", "::1", 443},
		{"::1", "::1", 443},
		{"fe80::1:2", "fe80::1:2", 443},
	};
	static const char *const bad[] = {
		"", "host:", "host:0", "host:65536", "host:12x", "[::1", "[::1]x", ":443", "[]:1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char *h = NULL;
		int port = 0;
		struct ml7_err err = {0};

		assert_int_equal(ml7_probe_split_address(ok[i].in, 443, &h, &port, &err), 0);
		assert_string_equal(h, ok[i].host);
		assert_int_equal(port, ok[i].port);
		ml7_free(h);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *h = NULL;
		int port = 0;
		struct ml7_err err = {0};

		assert_int_equal(ml7_probe_split_address(bad[i], 443, &h, &port, &err), ML7_EINVAL);
		assert_null(h);
		assert_true(err.msg[0] != '\0');
	}
}

static void test_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < ML7_DIAG_COUNT; i++)
		assert_string_not_equal(ml7_probe_diag_name((enum ml7_probe_diag)i), "?");
	assert_string_equal(ml7_probe_diag_name(ML7_DIAG_COUNT), "?");
	assert_string_equal(ml7_probe_diag_name(ML7_DIAG_HOST_RULE), "host-rule-404");
	assert_string_equal(ml7_probe_diag_name(ML7_DIAG_UNHEALTHY), "unhealthy");
	assert_string_equal(ml7_probe_diag_name(ML7_DIAG_DB_NOT_FOUND), "database-not-found");
	for (i = 0; i < ML7_PROBE_NPHASES; i++)
		assert_string_not_equal(ml7_probe_phase_name((enum ml7_probe_phase)i), "?");
	assert_string_equal(ml7_probe_phase_name(ML7_PROBE_CHECKHEALTH), "CheckHealth");
}

static void test_snippets(void **state)
{
	struct ml7_probe_opts o = {0};
	struct ml7_err err = {0};
	char *s = NULL;

	(void)state;
	o.address = "k8s-alb-123.us-east-1.elb.amazonaws.com";
	o.server_name = "milvus-demo.milvus.io";
	o.user = "root";
	o.password = "hunter2-secret";
	o.db = "db1";
	o.ca_file = "/etc/ca.crt";
	assert_int_equal(ml7_probe_snippets(&o, &s, &err), 0);
	assert_non_null(strstr(s, "host=\"k8s-alb-123.us-east-1.elb.amazonaws.com\", port=443, secure=True"));
	assert_non_null(strstr(s, "server_name=\"milvus-demo.milvus.io\""));
	assert_non_null(strstr(s, "ca_pem_path=\"/etc/ca.crt\""));
	assert_non_null(strstr(s, "db_name=\"db1\""));
	assert_non_null(strstr(s, "password=os.environ[\"MILVUS_PASSWORD\"]"));
	assert_non_null(strstr(s, "'grpc.default_authority': 'milvus-demo.milvus.io'"));
	assert_non_null(strstr(s, "serverName: 'milvus-demo.milvus.io', rootCertPath: '/etc/ca.crt'"));
	assert_null(strstr(s, "hunter2"));
	ml7_free(s);

	/* a token, an IPv6 address, no server name: the host is the name */
	memset(&o, 0, sizeof(o));
	o.address = "[::1]:8443";
	o.token = "tok-secret-1";
	assert_int_equal(ml7_probe_snippets(&o, &s, &err), 0);
	assert_non_null(strstr(s, "address: '[::1]:8443'"));
	assert_non_null(strstr(s, "server_name=\"::1\""));
	assert_non_null(strstr(s, "token: process.env.MILVUS_TOKEN"));
	assert_null(strstr(s, "tok-secret"));
	ml7_free(s);

	o.address = "bad:port";
	s = NULL;
	assert_int_equal(ml7_probe_snippets(&o, &s, &err), ML7_EINVAL);
	assert_null(s);
}

static void test_run_bad_options(void **state)
{
	struct ml7_probe_opts o = {0};
	struct ml7_probe_result r;
	struct ml7_err err = {0};

	(void)state;
	o.address = "127.0.0.1:0";
	assert_int_equal(ml7_probe_run(&o, &r, &err), ML7_EINVAL);
	assert_non_null(strstr(err.msg, "bad port"));
	ml7_probe_result_free(&r);

	memset(&err, 0, sizeof(err));
	o.address = "127.0.0.1:443";
	o.connect_to = "[::1";
	assert_int_equal(ml7_probe_run(&o, &r, &err), ML7_EINVAL);
	assert_non_null(strstr(err.msg, "--connect-to"));
	ml7_probe_result_free(&r);
	ml7_probe_result_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_address),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_snippets),
		cmocka_unit_test(test_run_bad_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
