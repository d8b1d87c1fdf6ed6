/* test_aws.c - the AWS CLI's credential chain, region and endpoint order, the
 * config file parser, credential_process splitting, partitions and ARNs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ml7/acm.h"
#include "ml7/aws.h"
#include "ml7/mem.h"

extern char **environ;

static char dir[64];

static void write_file(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void clean_env(void)
{
	char names[64][64];
	int n = 0;

	for (char **e = environ; *e && n < 64; e++)
		if (strncmp(*e, "AWS_", 4) == 0) {
			size_t l = strcspn(*e, "=");

			snprintf(names[n++], sizeof(names[0]), "%.*s", (int)l, *e);
		}
	for (int i = 0; i < n; i++)
		unsetenv(names[i]);
}

static int setup(void **state)
{
	char p[256];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ml7-test-aws.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	clean_env();
	setenv("HOME", dir, 1);
	snprintf(p, sizeof(p), "%s/credentials", dir);
	setenv("AWS_SHARED_CREDENTIALS_FILE", p, 1);
	snprintf(p, sizeof(p), "%s/config", dir);
	setenv("AWS_CONFIG_FILE", p, 1);
	write_file("credentials", "");
	write_file("config", "");
	return 0;
}

static int teardown(void **state)
{
	char p[256];

	(void)state;
	clean_env();
	snprintf(p, sizeof(p), "%s/credentials", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/config", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/proc.sh", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

static int reset(void **state)
{
	teardown(state);
	return setup(state);
}

static struct ml7_aws *resolve(const char *profile, const char *region, const char *arn, int want_rc,
			       const char *want_msg)
{
	struct ml7_aws_opts o = {0};
	struct ml7_aws *a = NULL;
	struct ml7_err err;
	int rc;

	ml7_err_clear(&err);
	o.profile = profile;
	o.region = region;
	o.arn = arn;
	o.service = "acm";
	o.env_service = "ACM";
	rc = ml7_aws_resolve(&o, &a, &err);
	if (rc != want_rc)
		fail_msg("rc %d (%s), want %d", rc, err.msg, want_rc);
	if (want_msg && !strstr(err.msg, want_msg))
		fail_msg("message '%s' lacks '%s'", err.msg, want_msg);
	return a;
}

static const char *const CREDS =
	"# comment\n"
	"[default]\n"
	"aws_access_key_id = AKIDDEFAULT\n"
	"aws_secret_access_key = secretdefault\n"
	"\n"
	"[dev]\n"
	"AWS_ACCESS_KEY_ID=AKIDDEV\n"
	"aws_secret_access_key: secretdev\n"
	"aws_session_token = tokendev\n";

static const char *const CONFIG =
	"[default]\n"
	"region = eu-central-1\n"
	"[profile dev]\n"
	"region = ap-south-1\n"
	"aws_access_key_id = AKIDCONFIGDEV\n"
	"aws_secret_access_key = notused\n"
	"[profile conf]\n"
	"aws_access_key_id = AKIDCONF\n"
	"aws_secret_access_key = secretconf\n"
	"region = us-east-2\n"
	"services = local\n"
	"[services local]\n"
	"acm =\n"
	"  endpoint_url = https://acm.local:4443\n"
	"[profile ep]\n"
	"aws_access_key_id = AKIDEP\n"
	"aws_secret_access_key = secretep\n"
	"endpoint_url = https://global.local\n"
	"ca_bundle = /etc/ca.pem\n"
	"[profile role]\n"
	"role_arn = arn:aws:iam::123456789012:role/x\n"
	"source_profile = default\n"
	"[profile sso]\n"
	"sso_session = corp\n"
	"[profile half]\n"
	"aws_access_key_id = AKIDHALF\n";

static void test_env_credentials(void **state)
{
	struct ml7_aws *a;

	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
	setenv("AWS_SESSION_TOKEN", "tokenenv", 1);
	setenv("AWS_REGION", "us-west-2", 1);
	a = resolve(NULL, NULL, NULL, 0, NULL);
	assert_string_equal(a->access_key_id, "AKIDENV");
	assert_string_equal(a->secret_access_key, "secretenv");
	assert_string_equal(a->session_token, "tokenenv");
	assert_string_equal(a->creds_source, "environment");
	assert_string_equal(a->region, "us-west-2");
	assert_string_equal(a->region_source, "AWS_REGION");
	assert_string_equal(a->endpoint, "https://acm.us-west-2.amazonaws.com");
	assert_string_equal(a->partition, "aws");
	assert_string_equal(a->profile, "default");
	ml7_aws_free(a);
	unsetenv("AWS_SECRET_ACCESS_KEY");
	resolve(NULL, NULL, NULL, ML7_EAUTH, "partial credentials in the environment: AWS_SECRET_ACCESS_KEY is not set");
	setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
	setenv("AWS_CREDENTIAL_EXPIRATION", "2020-01-01T00:00:00Z", 1);
	resolve(NULL, NULL, NULL, ML7_EAUTH, "expired at 2020-01-01T00:00:00Z");
}

static void test_profiles_and_precedence(void **state)
{
	struct ml7_aws *a;

	(void)state;
	write_file("credentials", CREDS);
	write_file("config", CONFIG);
	/* default profile: the credentials file, region from [default] of the config */
	a = resolve(NULL, NULL, NULL, 0, NULL);
	assert_string_equal(a->access_key_id, "AKIDDEFAULT");
	assert_null(a->session_token);
	assert_non_null(strstr(a->creds_source, "shared credentials file"));
	assert_non_null(strstr(a->creds_source, "[default]"));
	assert_string_equal(a->region, "eu-central-1");
	assert_string_equal(a->region_source, "profile 'default'");
	ml7_aws_free(a);
	/* AWS_PROFILE: the credentials file wins over the config file's keys; keys lower-cased */
	setenv("AWS_PROFILE", "dev", 1);
	a = resolve(NULL, NULL, NULL, 0, NULL);
	assert_string_equal(a->access_key_id, "AKIDDEV");
	assert_string_equal(a->session_token, "tokendev");
	assert_string_equal(a->region, "ap-south-1");
	ml7_aws_free(a);
	/* environment keys beat AWS_PROFILE ... */
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
	a = resolve(NULL, NULL, NULL, 0, NULL);
	assert_string_equal(a->access_key_id, "AKIDENV");
	ml7_aws_free(a);
	/* ... but not --profile */
	a = resolve("conf", NULL, NULL, 0, NULL);
	assert_string_equal(a->access_key_id, "AKIDCONF");
	assert_non_null(strstr(a->creds_source, "config file"));
	assert_string_equal(a->profile, "conf");
	ml7_aws_free(a);
	resolve("nope", NULL, NULL, ML7_EAUTH, "the config profile (nope) could not be found");
	resolve("role", NULL, NULL, ML7_EAUTH, "profile 'role' uses role_arn (assume role)");
	resolve("sso", NULL, NULL, ML7_EAUTH, "IAM Identity Center (SSO)");
	resolve("half", NULL, NULL, ML7_EAUTH, "aws_secret_access_key is missing");
}

static void test_no_credentials(void **state)
{
	(void)state;
	setenv("AWS_REGION", "us-east-1", 1);
	resolve(NULL, NULL, NULL, ML7_EAUTH, "no AWS credentials found");
	setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials", 1);
	resolve(NULL, NULL, NULL, ML7_EAUTH, "container credentials");
}

static void test_region_order(void **state)
{
	static const char *arn = "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
	struct ml7_aws *a;

	(void)state;
	write_file("config", CONFIG);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
	unsetenv("AWS_CONFIG_FILE");   /* no profile region */
	resolve(NULL, NULL, NULL, ML7_EINVAL, "no AWS region");
	a = resolve(NULL, NULL, arn, 0, NULL);
	assert_string_equal(a->region, "eu-west-1");
	assert_string_equal(a->region_source, "the ARN");
	ml7_aws_free(a);
	setenv("AWS_CONFIG_FILE", "~/config", 1);   /* ~ is expanded */
	a = resolve(NULL, NULL, NULL, 0, NULL);
	assert_string_equal(a->region, "eu-central-1");
	ml7_aws_free(a);
	setenv("AWS_DEFAULT_REGION", "us-east-2", 1);
	a = resolve(NULL, NULL, NULL, 0, NULL);
	assert_string_equal(a->region_source, "AWS_DEFAULT_REGION");
	ml7_aws_free(a);
	setenv("AWS_REGION", "cn-north-1", 1);
	a = resolve(NULL, NULL, NULL, 0, NULL);
	assert_string_equal(a->region_source, "AWS_REGION");
	assert_string_equal(a->partition, "aws-cn");
	assert_string_equal(a->endpoint, "https://acm.cn-north-1.amazonaws.com.cn");
	ml7_aws_free(a);
	a = resolve(NULL, "us-gov-west-1", NULL, 0, NULL);
	assert_string_equal(a->region_source, "--region");
	assert_string_equal(a->partition, "aws-us-gov");
	assert_string_equal(a->endpoint, "https://acm.us-gov-west-1.amazonaws.com");
	ml7_aws_free(a);
	resolve(NULL, "us-east-1", arn, ML7_EINVAL,
		"the ARN is in region eu-west-1 but the region is us-east-1 (from --region)");
	resolve(NULL, "us:east", NULL, ML7_EINVAL, "is not an AWS region");
}

static void test_endpoint_order(void **state)
{
	struct ml7_aws *a;
	struct ml7_aws_opts o = {0};
	struct ml7_err err;

	(void)state;
	write_file("config", CONFIG);
	setenv("AWS_REGION", "us-east-1", 1);
	a = resolve("ep", NULL, NULL, 0, NULL);
	assert_string_equal(a->endpoint, "https://global.local");
	assert_string_equal(a->endpoint_source, "the profile's endpoint_url");
	assert_string_equal(a->ca_bundle, "/etc/ca.pem");
	ml7_aws_free(a);
	a = resolve("conf", NULL, NULL, 0, NULL);
	assert_string_equal(a->endpoint, "https://acm.local:4443");
	assert_string_equal(a->endpoint_source, "the profile's services section");
	ml7_aws_free(a);
	setenv("AWS_ENDPOINT_URL", "https://all.local/", 1);
	a = resolve("conf", NULL, NULL, 0, NULL);
	assert_string_equal(a->endpoint, "https://all.local");
	ml7_aws_free(a);
	setenv("AWS_ENDPOINT_URL_ACM", "https://acm-env.local:8443", 1);
	setenv("AWS_CA_BUNDLE", "/env/ca.pem", 1);
	a = resolve("ep", NULL, NULL, 0, NULL);
	assert_string_equal(a->endpoint, "https://acm-env.local:8443");
	assert_string_equal(a->endpoint_source, "AWS_ENDPOINT_URL_ACM");
	assert_string_equal(a->ca_bundle, "/env/ca.pem");
	ml7_aws_free(a);
	ml7_err_clear(&err);
	o.profile = "ep";
	o.service = "acm";
	o.endpoint_url = "https://flag.local";
	assert_int_equal(ml7_aws_resolve(&o, &a, &err), 0);
	assert_string_equal(a->endpoint, "https://flag.local");
	ml7_aws_free(a);
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	setenv("AWS_USE_FIPS_ENDPOINT", "true", 1);
	a = resolve("ep", NULL, NULL, 0, NULL);
	assert_string_equal(a->endpoint, "https://acm-fips.us-east-1.amazonaws.com");
	ml7_aws_free(a);
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	setenv("AWS_ENDPOINT_URL_ACM", "http://plain.local", 1);
	resolve("ep", NULL, NULL, ML7_EINVAL, "is not https://");
}

static void test_credential_process(void **state)
{
	char cfg[2048], script[256];
	struct ml7_aws *a;

	(void)state;
	snprintf(script, sizeof(script), "%s/proc.sh", dir);
	write_file("proc.sh",
		   "#!/bin/sh\n"
		   "case \"$1\" in\n"
		   "ok) echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"secretproc\", "
		   "\"SessionToken\": \"tokenproc\", \"Expiration\": \"2999-01-01T00:00:00+00:00\"}' ;;\n"
		   "args) echo \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"$2|$3\\\", \\\"SecretAccessKey\\\": \\\"s\\\"}\" ;;\n"
		   "old) echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", \"Expiration\": \"2001-01-01T00:00:00.5Z\"}' ;;\n"
		   "v2) echo '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\"}' ;;\n"
		   "nokey) echo '{\"Version\": 1, \"SecretAccessKey\": \"s\"}' ;;\n"
		   "junk) echo 'not json' ;;\n"
		   "*) echo \"unknown mode $1\" >&2; exit 4 ;;\n"
		   "esac\n");
	assert_int_equal(chmod(script, 0700), 0);
	snprintf(cfg, sizeof(cfg),
		 "[default]\nregion = us-east-1\n"
		 "[profile ok]\ncredential_process = %s ok\n"
		 "[profile args]\ncredential_process = %s args 'a b' \"c\\$d\"\n"
		 "[profile old]\ncredential_process = %s old\n"
		 "[profile v2]\ncredential_process = %s v2\n"
		 "[profile nokey]\ncredential_process = %s nokey\n"
		 "[profile junk]\ncredential_process = %s junk\n"
		 "[profile fail]\ncredential_process = %s fail\n"
		 "[profile missing]\ncredential_process = %s/nonexistent\n",
		 script, script, script, script, script, script, script, dir);
	write_file("config", cfg);
	setenv("AWS_REGION", "us-east-1", 1);
	a = resolve("ok", NULL, NULL, 0, NULL);
	assert_string_equal(a->access_key_id, "AKIDPROC");
	assert_string_equal(a->secret_access_key, "secretproc");
	assert_string_equal(a->session_token, "tokenproc");
	assert_true(a->expiration > 0);
	assert_string_equal(a->creds_source, "credential_process of profile 'ok'");
	ml7_aws_free(a);
	a = resolve("args", NULL, NULL, 0, NULL);
	assert_string_equal(a->access_key_id, "a b|c$d");     /* quoting as a POSIX shell, no shell */
	ml7_aws_free(a);
	resolve("old", NULL, NULL, ML7_EAUTH, "credential_process of profile 'old': the credentials expired at 2001-01-01T00:00:00Z");
	resolve("v2", NULL, NULL, ML7_EAUTH, "unsupported Version");
	resolve("nokey", NULL, NULL, ML7_EAUTH, "printed no AccessKeyId");
	resolve("junk", NULL, NULL, ML7_EAUTH, "did not print a JSON object");
	resolve("fail", NULL, NULL, ML7_EEXEC, "exited with status 4: unknown mode fail");
	resolve("missing", NULL, NULL, ML7_ENOTFOUND, "credential_process of profile 'missing'");
}

static void test_ini_parse(void **state)
{
	static const char *text =
		"; comment\n"
		"[profile a]\n"
		"Region = us-east-1   \n"
		"key: with = sign\n"
		"multi = first\n"
		"  second\n"
		"s3 =\n"
		"  max_concurrent_requests = 10\n"
		"\n"
		"  addressing_style = path\n"
		"empty =\n"
		"[ spaced ]\r\n"
		"x=1\r\n";
	cJSON *j = NULL;
	struct ml7_err err;
	const cJSON *a, *s3;

	(void)state;
	ml7_err_clear(&err);
	assert_int_equal(ml7_aws_ini_parse(text, strlen(text), &j, &err), 0);
	a = cJSON_GetObjectItemCaseSensitive(j, "profile a");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(a, "region")->valuestring, "us-east-1");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(a, "key")->valuestring, "with = sign");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(a, "multi")->valuestring, "first\nsecond");
	s3 = cJSON_GetObjectItemCaseSensitive(a, "s3");
	assert_true(cJSON_IsObject(s3));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(s3, "max_concurrent_requests")->valuestring, "10");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(s3, "addressing_style")->valuestring, "path");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(a, "empty")->valuestring, "");
	assert_string_equal(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "spaced"), "x")->valuestring, "1");
	cJSON_Delete(j);

	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"x = 1\n", "line 1: a value before the first [section]"},
		{"[a]\n# c\nnovalue\n", "line 3: expected 'key = value'"},
		{"[a\n", "line 1: a section header without ']'"},
		{"[a]\nb =\n  c\n", "line 2: cannot parse the nested values of 'b'"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ml7_err_clear(&err);
		j = NULL;
		assert_int_equal(ml7_aws_ini_parse(bad[i].text, strlen(bad[i].text), &j, &err), ML7_EINVAL);
		assert_null(j);
		assert_string_equal(err.msg, bad[i].msg);
	}
	ml7_err_clear(&err);
	assert_int_equal(ml7_aws_ini_parse("[a]\nb = \0c\n", 10, &j, &err), ML7_EINVAL);
	assert_string_equal(err.msg, "line 2: a NUL byte");
}

static void test_split_command(void **state)
{
	static const struct {
		const char *in;
		const char *out[5];
	} cases[] = {
		{"/bin/x", {"/bin/x"}},
		{"  a   b\tc ", {"a", "b", "c"}},
		{"a 'b c' \"d e\"", {"a", "b c", "d e"}},
		{"a 'it''s' x\\ y", {"a", "its", "x y"}},
		{"a \"q\\\"q\" \"\\$HOME\" '$HOME'", {"a", "q\"q", "$HOME", "$HOME"}},
		{"a ''", {"a", ""}},
		{"a;b|c", {"a;b|c"}},     /* no shell: metacharacters are plain */
	};
	struct ml7_err err;
	char **argv;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = 0;

		assert_int_equal(ml7_aws_split_command(cases[i].in, &argv, &err), 0);
		for (; argv[n]; n++) {
			assert_non_null(cases[i].out[n]);
			assert_string_equal(argv[n], cases[i].out[n]);
		}
		assert_null(cases[i].out[n]);
		ml7_aws_argv_free(argv);
	}
	ml7_err_clear(&err);
	assert_int_equal(ml7_aws_split_command("a 'b", &argv, &err), ML7_EINVAL);
	assert_string_equal(err.msg, "cannot split credential_process: no closing quotation");
	ml7_err_clear(&err);
	assert_int_equal(ml7_aws_split_command("a \"b", &argv, &err), ML7_EINVAL);
	ml7_err_clear(&err);
	assert_int_equal(ml7_aws_split_command("a \\", &argv, &err), ML7_EINVAL);
	ml7_err_clear(&err);
	assert_int_equal(ml7_aws_split_command("   ", &argv, &err), ML7_EINVAL);
	assert_string_equal(err.msg, "cannot split credential_process: empty command");
}

static void test_partitions_and_arns(void **state)
{
	static const struct {
		const char *region, *partition, *suffix;
	} parts[] = {
		{"us-east-1", "aws", "amazonaws.com"},
		{"eu-west-3", "aws", "amazonaws.com"},
		{"cn-northwest-1", "aws-cn", "amazonaws.com.cn"},
		{"us-gov-east-1", "aws-us-gov", "amazonaws.com"},
		{"us-iso-east-1", "aws-iso", "c2s.ic.gov"},
		{"us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"},
	};
	static const struct {
		const char *arn;
		int ok;
	} arns[] = {
		{"arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012", 1},
		{"arn:aws-cn:acm:cn-north-1:123456789012:certificate/12345678-1234-1234-1234-123456789012", 1},
		{"arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012", 1},
		{"arn:aws:acm:us-east-1:12345678901:certificate/12345678-1234-1234-1234-123456789012", 0},
		{"arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-12345678901Z", 0},
		{"arn:aws:iam::123456789012:server-certificate/x", 0},
		{"arn:aws:acm::123456789012:certificate/12345678-1234-1234-1234-123456789012", 0},
		{"arn:other:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012", 0},
		{"arn:aws:acm:us-east-1:123456789012", 0},
		{"", 0},
	};
	struct ml7_aws_arn a;
	struct ml7_err err;
	const char *p, *s;

	(void)state;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		ml7_aws_partition(parts[i].region, &p, &s);
		assert_string_equal(p, parts[i].partition);
		assert_string_equal(s, parts[i].suffix);
	}
	for (size_t i = 0; i < sizeof(arns) / sizeof(arns[0]); i++) {
		ml7_err_clear(&err);
		if ((ml7_aws_acm_arn_check(arns[i].arn, &err) == 0) != arns[i].ok)
			fail_msg("%s: want %d (%s)", arns[i].arn, arns[i].ok, err.msg);
	}
	assert_int_equal(ml7_aws_arn_parse("arn:aws:iam::123456789012:role/a:b", &a, &err), 0);
	assert_string_equal(a.service, "iam");
	assert_string_equal(a.region, "");
	assert_string_equal(a.resource, "role/a:b");
}

static void test_acm_preflight(void **state)
{
	static const char *arn = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
	struct ml7_aws_opts o = {0};
	struct ml7_strlist problems = ML7_STRLIST_INIT;
	struct ml7_err err;
	int checked = 7;

	(void)state;
	/* no credentials anywhere: nothing to check, no error */
	ml7_err_clear(&err);
	assert_int_equal(ml7_acm_preflight(&o, arn, "a.example.com", &checked, &problems, &err), 0);
	assert_int_equal(checked, 0);
	assert_int_equal(problems.n, 0);
	/* a malformed ARN is an error even so */
	ml7_err_clear(&err);
	assert_int_equal(ml7_acm_preflight(&o, "arn:aws:acm:x", NULL, &checked, &problems, &err), ML7_EINVAL);
	/* credentials: the call is made (here to a closed loopback port) and its error returned */
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
	setenv("AWS_ENDPOINT_URL_ACM", "https://127.0.0.1:1", 1);
	ml7_err_clear(&err);
	assert_int_equal(ml7_acm_preflight(&o, arn, NULL, &checked, &problems, &err), ML7_ENET);
	assert_int_equal(checked, 0);
	assert_non_null(strstr(err.msg, "https://127.0.0.1:1/"));
	/* another region than the ARN's */
	setenv("AWS_REGION", "eu-west-1", 1);
	ml7_err_clear(&err);
	assert_int_equal(ml7_acm_preflight(&o, arn, NULL, &checked, &problems, &err), ML7_EINVAL);
	assert_non_null(strstr(err.msg, "the ARN is in region us-east-1"));
	ml7_strlist_free(&problems);
}

/* Every allocation failing in turn: an error, never a crash or a leak. */
static void test_alloc_failures(void **state)
{
	struct ml7_aws_opts o = {0};
	struct ml7_aws *a;
	struct ml7_err err;
	long total;

	(void)state;
	write_file("credentials", CREDS);
	write_file("config", CONFIG);
	setenv("AWS_PROFILE", "conf", 1);
	o.service = "acm";
	ml7_mem_fail_after(-1);
	assert_int_equal(ml7_aws_resolve(&o, &a, &err), 0);
	ml7_aws_free(a);
	total = ml7_mem_fail_after(-1);
	for (long i = 0; i < total; i++) {
		int rc;

		ml7_err_clear(&err);
		a = NULL;
		ml7_mem_fail_after(i);
		rc = ml7_aws_resolve(&o, &a, &err);
		ml7_mem_fail_after(-1);
		assert_true(rc == 0 || rc == ML7_ENOMEM);
		ml7_aws_free(a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_env_credentials, reset, NULL),
		cmocka_unit_test_setup_teardown(test_profiles_and_precedence, reset, NULL),
		cmocka_unit_test_setup_teardown(test_no_credentials, reset, NULL),
		cmocka_unit_test_setup_teardown(test_region_order, reset, NULL),
		cmocka_unit_test_setup_teardown(test_endpoint_order, reset, NULL),
		cmocka_unit_test_setup_teardown(test_credential_process, reset, NULL),
		cmocka_unit_test(test_ini_parse),
		cmocka_unit_test(test_split_command),
		cmocka_unit_test(test_partitions_and_arns),
		cmocka_unit_test_setup_teardown(test_acm_preflight, reset, NULL),
		cmocka_unit_test_setup_teardown(test_alloc_failures, reset, NULL),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
