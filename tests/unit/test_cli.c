/* test_cli.c - the option parser and dispatcher, table-driven. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ml7/cli.h"

struct demo_opts {
	const char *host;
	int force;
	int port;
	long timeout_ms;
	struct ml7_strlist cert_arns;
};

static const struct ml7_opt demo_opts_table[] = {
	{"host", 'H', ML7_OPT_STRING, offsetof(struct demo_opts, host), "NAME", "host name"},
	{"force", 0, ML7_OPT_BOOL, offsetof(struct demo_opts, force), NULL, "take over"},
	{"port", 'p', ML7_OPT_INT, offsetof(struct demo_opts, port), "N", "port"},
	{"timeout", 0, ML7_OPT_DURATION, offsetof(struct demo_opts, timeout_ms), "D", "deadline"},
	{"cert-arn", 0, ML7_OPT_LIST, offsetof(struct demo_opts, cert_arns), "ARN", "certificate"},
	ML7_OPT_END
};

/* what the last run saw */
static struct {
	int ran;
	char host[64];
	int force, port, verbosity, quiet, nargs;
	long timeout_ms;
	size_t narns;
	char arn0[64];
	char args[4][32];
	char ns[32], context[32], output[16];
	size_t ngroups;
	int insecure;
	const char *path;
} seen;

static int demo_run(struct ml7_ctx *ctx, void *opts, int argc, char **argv)
{
	struct demo_opts *o = opts;

	seen.ran = 1;
	snprintf(seen.host, sizeof(seen.host), "%s", o->host ? o->host : "");
	seen.force = o->force;
	seen.port = o->port;
	seen.timeout_ms = o->timeout_ms;
	seen.narns = o->cert_arns.n;
	snprintf(seen.arn0, sizeof(seen.arn0), "%s", o->cert_arns.n ? o->cert_arns.items[0] : "");
	seen.verbosity = ctx->verbosity;
	seen.quiet = ctx->quiet;
	seen.nargs = argc;
	for (int i = 0; i < argc && i < 4; i++)
		snprintf(seen.args[i], sizeof(seen.args[i]), "%s", argv[i]);
	snprintf(seen.ns, sizeof(seen.ns), "%s", ctx->kube.namespace_ ? ctx->kube.namespace_ : "");
	snprintf(seen.context, sizeof(seen.context), "%s", ctx->kube.context ? ctx->kube.context : "");
	snprintf(seen.output, sizeof(seen.output), "%s", ctx->output ? ctx->output : "");
	seen.ngroups = ctx->kube.as_groups.n;
	seen.insecure = ctx->kube.insecure_skip_tls_verify;
	seen.path = ctx->cmd_path;
	return 0;
}

static const struct ml7_cmd demo = {
	.name = "demo",
	.summary = "a command for the tests",
	.usage = "demo [ARG]... [flags]",
	.opts = demo_opts_table,
	.opts_size = sizeof(struct demo_opts),
	.flags = ML7_CMD_KUBE | ML7_CMD_OUTPUT,
	.min_args = 0,
	.max_args = 2,
	.run = demo_run,
};

static const struct ml7_cmd render = {
	.name = "render",
	.summary = "render",
	.usage = "group render RELEASE",
	.opts = demo_opts_table,
	.opts_size = sizeof(struct demo_opts),
	.min_args = 1,
	.max_args = 1,
	.run = demo_run,
};

static const struct ml7_cmd *const group_subs[] = {&render, NULL};

static const struct ml7_cmd group = {
	.name = "group",
	.summary = "a parent",
	.usage = "group COMMAND",
	.subcommands = group_subs,
};

static const struct ml7_cmd *const commands[] = {&demo, &group, &ml7_cmd_help, &ml7_cmd_version, NULL};

static const struct ml7_tool tool = {
	.name = "test-tool",
	.prog = "test-tool",
	.summary = "tests",
	.commands = commands,
};

#define MAXARGV 16

static const struct parse_case {
	const char *argv[MAXARGV];
	int rc;
	int ran;
	const char *host;
	int force, port, verbosity, quiet, nargs;
	long timeout_ms;
	const char *ns;
} cases[] = {
	{{"demo"}, 0, 1, "", 0, 0, 0, 0, 0, 0, ""},
	{{"demo", "--host", "h1"}, 0, 1, "h1", 0, 0, 0, 0, 0, 0, ""},
	{{"demo", "--host=h2"}, 0, 1, "h2", 0, 0, 0, 0, 0, 0, ""},
	{{"demo", "-H", "h3"}, 0, 1, "h3", 0, 0, 0, 0, 0, 0, ""},
	{{"demo", "-Hh4"}, 0, 1, "h4", 0, 0, 0, 0, 0, 0, ""},
	{{"demo", "-H=h5"}, 0, 1, "h5", 0, 0, 0, 0, 0, 0, ""},
	{{"demo", "--force"}, 0, 1, "", 1, 0, 0, 0, 0, 0, ""},
	{{"demo", "--force=false"}, 0, 1, "", 0, 0, 0, 0, 0, 0, ""},
	{{"demo", "--force=true"}, 0, 1, "", 1, 0, 0, 0, 0, 0, ""},
	{{"demo", "--force=yes"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"demo", "--port", "19530"}, 0, 1, "", 0, 19530, 0, 0, 0, 0, ""},
	{{"demo", "--port", "x"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"demo", "--port", "-1"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"demo", "--port"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"demo", "--host"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"demo", "--timeout", "1h30m"}, 0, 1, "", 0, 0, 0, 0, 0, 5400000, ""},
	{{"demo", "--timeout", "250ms"}, 0, 1, "", 0, 0, 0, 0, 0, 250, ""},
	{{"demo", "--timeout", "30"}, 0, 1, "", 0, 0, 0, 0, 0, 30000, ""},
	{{"demo", "--timeout", "soon"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"demo", "-v"}, 0, 1, "", 0, 0, 1, 0, 0, 0, ""},
	{{"demo", "-vvv"}, 0, 1, "", 0, 0, 3, 0, 0, 0, ""},
	{{"demo", "-v", "-v"}, 0, 1, "", 0, 0, 2, 0, 0, 0, ""},
	{{"demo", "--v=2"}, 0, 1, "", 0, 0, 2, 0, 0, 0, ""},
	{{"demo", "--v", "3"}, 0, 1, "", 0, 0, 3, 0, 0, 0, ""},
	{{"demo", "-v=4"}, 0, 1, "", 0, 0, 4, 0, 0, 0, ""},
	{{"demo", "-q"}, 0, 1, "", 0, 0, 0, 1, 0, 0, ""},
	{{"demo", "a", "b"}, 0, 1, "", 0, 0, 0, 0, 2, 0, ""},
	{{"demo", "a", "b", "c"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"demo", "a", "--host", "h", "b"}, 0, 1, "h", 0, 0, 0, 0, 2, 0, ""},
	{{"demo", "--", "--host"}, 0, 1, "", 0, 0, 0, 0, 1, 0, ""},
	{{"demo", "-n", "milvus"}, 0, 1, "", 0, 0, 0, 0, 0, 0, "milvus"},
	{{"demo", "--namespace=m2"}, 0, 1, "", 0, 0, 0, 0, 0, 0, "m2"},
	{{"-n", "m3", "demo"}, 0, 1, "", 0, 0, 0, 0, 0, 0, "m3"},
	{{"-v", "demo"}, 0, 1, "", 0, 0, 1, 0, 0, 0, ""},
	{{"demo", "--bogus"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"demo", "--hots", "x"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"demo", "-Z"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"dmeo"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"nothing-like-it"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"demo", "-h"}, 0, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"demo", "--help"}, 0, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"help"}, 0, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"help", "demo"}, 0, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"help", "group", "render"}, 0, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"help", "nope"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{}, 0, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"group"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"group", "render"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"group", "render", "rel"}, 0, 1, "", 0, 0, 0, 0, 1, 0, ""},
	{{"group", "rendr", "rel"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"group", "render", "rel", "--host", "x"}, 0, 1, "x", 0, 0, 0, 0, 1, 0, ""},
	{{"group", "render", "rel", "-n", "x"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},     /* render takes no kube flags */
	{{"demo", "-o", "yaml"}, 0, 1, "", 0, 0, 0, 0, 0, 0, ""},
	{{"demo", "-o", "xml"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"version", "--host", "x"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
	{{"version", "extra"}, 2, 0, NULL, 0, 0, 0, 0, 0, 0, NULL},
};

static int run_argv(const char *const *args)
{
	char *argv[MAXARGV + 2];
	int argc = 0;

	argv[argc++] = (char *)"test-tool";
	for (int i = 0; i < MAXARGV && args[i]; i++)
		argv[argc++] = (char *)args[i];
	argv[argc] = NULL;
	memset(&seen, 0, sizeof(seen));
	return ml7_cli_main(&tool, argc, argv);
}

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];
		int rc = run_argv(c->argv);

		if (rc != c->rc || seen.ran != c->ran)
			fail_msg("case %zu (%s %s): rc %d ran %d, want rc %d ran %d", i,
				 c->argv[0] ? c->argv[0] : "", c->argv[1] ? c->argv[1] : "", rc, seen.ran,
				 c->rc, c->ran);
		if (!c->ran)
			continue;
		assert_string_equal(seen.host, c->host);
		assert_int_equal(seen.force, c->force);
		assert_int_equal(seen.port, c->port);
		assert_int_equal(seen.verbosity, c->verbosity);
		assert_int_equal(seen.quiet, c->quiet);
		assert_int_equal(seen.nargs, c->nargs);
		assert_int_equal(seen.timeout_ms, c->timeout_ms);
		assert_string_equal(seen.ns, c->ns);
	}
}

static void test_lists_and_kube_flags(void **state)
{
	const char *argv[] = {"demo", "--cert-arn", "a1", "--cert-arn=a2", "--as-group", "g1",
			      "--as-group", "g2", "--context", "c1", "--insecure-skip-tls-verify",
			      "-o", "json", NULL};

	(void)state;
	assert_int_equal(run_argv(argv), 0);
	assert_int_equal(seen.narns, 2);
	assert_string_equal(seen.arn0, "a1");
	assert_int_equal(seen.ngroups, 2);
	assert_string_equal(seen.context, "c1");
	assert_int_equal(seen.insecure, 1);
	assert_string_equal(seen.output, "json");
}

static void test_suggest(void **state)
{
	const char *names[] = {"status", "verify", "version", "ingress", "setup", NULL};

	(void)state;
	assert_string_equal(ml7_cli_suggest("stauts", names), "status");
	assert_string_equal(ml7_cli_suggest("verfy", names), "verify");
	assert_string_equal(ml7_cli_suggest("ingres", names), "ingress");
	assert_string_equal(ml7_cli_suggest("ver", names), "verify");
	assert_null(ml7_cli_suggest("kubernetes", names));
}

static void test_duration(void **state)
{
	static const struct {
		const char *s;
		int rc;
		long ms;
	} d[] = {
		{"0", 0, 0}, {"1.5", 0, 1500}, {"500ms", 0, 500}, {"2m", 0, 120000},
		{"1h2m3s", 0, 3723000}, {"15m", 0, 900000}, {"1.5s", 0, 1500},
		{"", ML7_EINVAL, 0}, {"s", ML7_EINVAL, 0}, {"10x", ML7_EINVAL, 0},
		{"-5s", ML7_EINVAL, 0}, {"5 s", ML7_EINVAL, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		long ms = -1;
		int rc = ml7_parse_duration(d[i].s, &ms);

		if (rc != d[i].rc || (rc == 0 && ms != d[i].ms))
			fail_msg("duration '%s': rc %d ms %ld", d[i].s, rc, ms);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_lists_and_kube_flags),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
