/* test_alb.c - the pure rules of wait: which controller Events count, RFC 3339
 * times, --dry-run values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ml7/alb.h"
#include "ml7/clock.h"

static cJSON *ev(const char *kind, const char *name, const char *reason, const char *msg, const char *last,
		 const char *event_time)
{
	cJSON *e = cJSON_CreateObject(), *io = cJSON_AddObjectToObject(e, "involvedObject");

	cJSON_AddStringToObject(io, "kind", kind);
	cJSON_AddStringToObject(io, "name", name);
	cJSON_AddStringToObject(e, "reason", reason);
	cJSON_AddStringToObject(e, "message", msg);
	if (last)
		cJSON_AddStringToObject(e, "lastTimestamp", last);
	if (event_time)
		cJSON_AddStringToObject(e, "eventTime", event_time);
	return e;
}

static void test_event_verdict(void **state)
{
	static const struct {
		const char *kind, *name, *reason, *msg, *last, *event_time;
		int want;
		const char *want_msg;
	} cases[] = {
		{"Ingress", "m", "FailedDeployModel", "Failed deploy model due to CertificateNotFound: Certificate 'x' "
		 "not found\n\tstatus code: 400, request id: 1", "2026-01-01T00:00:10Z", NULL, 1,
		 "FailedDeployModel: Failed deploy model due to CertificateNotFound: Certificate 'x' not found status "
		 "code: 400, request id: 1"},
		{"Ingress", "m", "FailedBuildModel", "Failed build model due to x", "2026-01-01T00:00:10Z", NULL, 1,
		 "FailedBuildModel: Failed build model due to x"},
		{"Ingress", "m", "SuccessfullyReconciled", "Successfully reconciled", "2026-01-01T00:00:10Z", NULL, 2,
		 "Successfully reconciled"},
		/* the same second as the cut-off counts */
		{"Ingress", "m", "FailedDeployModel", "x", "2026-01-01T00:00:00Z", NULL, 1, "FailedDeployModel: x"},
		/* older than the apply: ignored */
		{"Ingress", "m", "FailedDeployModel", "x", "2025-12-31T23:59:59Z", NULL, 0, ""},
		/* events.k8s.io style: only eventTime, with microseconds */
		{"Ingress", "m", "FailedDeployModel", "x", NULL, "2026-01-01T00:00:05.123456Z", 1, "FailedDeployModel: x"},
		{"Ingress", "other", "FailedDeployModel", "x", "2026-01-01T00:00:10Z", NULL, 0, ""},
		{"Service", "m", "FailedDeployModel", "x", "2026-01-01T00:00:10Z", NULL, 0, ""},
		{"Ingress", "m", "Sync", "Scheduled for sync", "2026-01-01T00:00:10Z", NULL, 0, ""},
		{"Ingress", "m", "FailedDeployModel", "x", NULL, NULL, 0, ""},
	};
	time_t since = ml7_parse_rfc3339("2026-01-01T00:00:00Z");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *e = ev(cases[i].kind, cases[i].name, cases[i].reason, cases[i].msg, cases[i].last,
			      cases[i].event_time);
		char msg[512] = "";
		int v = ml7_alb_event_verdict(e, "m", since, msg, sizeof(msg));

		if (v != cases[i].want)
			fail_msg("case %zu: verdict %d, want %d", i, v, cases[i].want);
		if (v)
			assert_string_equal(msg, cases[i].want_msg);
		cJSON_Delete(e);
	}
}

static void test_rfc3339(void **state)
{
	(void)state;
	assert_int_equal(ml7_parse_rfc3339("1970-01-01T00:01:00Z"), 60);
	assert_int_equal(ml7_parse_rfc3339("1970-01-01T01:00:00+01:00"), 0);
	assert_int_equal(ml7_parse_rfc3339("1970-01-01T00:00:00.999999Z"), 0);
	assert_int_equal(ml7_parse_rfc3339("1970-01-01T00:00:00-00:30"), 1800);
	assert_int_equal(ml7_parse_rfc3339("1970-01-01 00:00:00"), -1);
	assert_int_equal(ml7_parse_rfc3339("1970-01-01T00:00:00"), -1);
	assert_int_equal(ml7_parse_rfc3339("1970-01-01T00:00:00Zjunk"), -1);
	assert_int_equal(ml7_parse_rfc3339(NULL), -1);
	/* the one parser for Kubernetes, AWS and credential-helper times */
	assert_int_equal(ml7_parse_rfc3339("1970-01-01t00:00:10z"), 10);
	assert_int_equal(ml7_parse_rfc3339("2026-01-02T03:04:05Z"), 1767323045);
	assert_int_equal(ml7_parse_rfc3339("1970-01-01T00:00:00+0100"), -1);
	assert_int_equal(ml7_parse_rfc3339("1970-01-01T00:00:00+01:0x"), -1);
	assert_int_equal(ml7_parse_rfc3339("1970-1-01T00:00:00Z"), -1);
	assert_int_equal(ml7_parse_rfc3339("1970-13-01T00:00:00Z"), -1);
	assert_int_equal(ml7_parse_rfc3339("1970-01-01T24:00:00Z"), -1);
	assert_int_equal(ml7_parse_rfc3339("2026-01-02T-1:00:00Z"), -1);
	assert_int_equal(ml7_parse_rfc3339("2026-01-02T 1:00:00Z"), -1);
	assert_int_equal(ml7_parse_rfc3339("+026-01-02T01:00:00Z"), -1);
	assert_int_equal(ml7_parse_rfc3339("1970-01-01T00:00:00+-1:00"), -1);
}

static void test_dry_run(void **state)
{
	struct ml7_err err = {0};
	int v = -1;

	(void)state;
	assert_int_equal(ml7_dry_run_parse(NULL, &v, &err), 0);
	assert_int_equal(v, ML7_DRY_RUN_NONE);
	assert_int_equal(ml7_dry_run_parse("client", &v, &err), 0);
	assert_int_equal(v, ML7_DRY_RUN_CLIENT);
	assert_int_equal(ml7_dry_run_parse("server", &v, &err), 0);
	assert_int_equal(v, ML7_DRY_RUN_SERVER);
	assert_int_equal(ml7_dry_run_parse("true", &v, &err), ML7_EINVAL);
	assert_string_equal(err.msg, "--dry-run must be client, server or none, not 'true'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_verdict),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_dry_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
