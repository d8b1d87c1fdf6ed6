/* cli.c - option parsing, help and dispatch for both front ends. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ml7/buf.h"
#include "ml7/cancel.h"
#include "ml7/cli.h"
#include "ml7/clock.h"
#include "ml7/log.h"
#include "ml7/mem.h"
#include "ml7/yaml.h"

/* ---- option tables ------------------------------------------------------ */

#define CTX_OPT(name, s, type, field, arg, help) \
	{name, s, type, offsetof(struct ml7_ctx, field), arg, help}
#define KUBE_OPT(name, s, type, field, arg, help) \
	{name, s, type, offsetof(struct ml7_kube_flags, field), arg, help}

static const struct ml7_opt global_opts[] = {
	CTX_OPT("help", 'h', ML7_OPT_BOOL, help, NULL, "show this help"),
	CTX_OPT(NULL, 'v', ML7_OPT_COUNT, verbosity, NULL,
		"more log output; repeat for more (-vv, -vvv)"),
	CTX_OPT("v", 0, ML7_OPT_INT, verbosity, "N",
		"log level: 1 actions, 2 HTTP requests, 3 wire trace (secrets always masked)"),
	CTX_OPT("quiet", 'q', ML7_OPT_BOOL, quiet, NULL, "print results and errors only"),
	ML7_OPT_END
};

static const struct ml7_opt output_opts[] = {
	CTX_OPT("output", 'o', ML7_OPT_STRING, output, "FORMAT", "print the result as json or yaml"),
	ML7_OPT_END
};

static const struct ml7_opt kube_opts[] = {
	KUBE_OPT("kubeconfig", 0, ML7_OPT_STRING, kubeconfig, "FILE", "path to the kubeconfig file"),
	KUBE_OPT("context", 0, ML7_OPT_STRING, context, "NAME", "the kubeconfig context to use"),
	KUBE_OPT("cluster", 0, ML7_OPT_STRING, cluster, "NAME", "the kubeconfig cluster to use"),
	KUBE_OPT("user", 0, ML7_OPT_STRING, user, "NAME", "the kubeconfig user to use"),
	KUBE_OPT("namespace", 'n', ML7_OPT_STRING, namespace_, "NS", "the namespace"),
	KUBE_OPT("server", 's', ML7_OPT_STRING, server, "URL", "the Kubernetes API server"),
	KUBE_OPT("token", 0, ML7_OPT_STRING, token, "TOKEN", "bearer token for the API server"),
	KUBE_OPT("as", 0, ML7_OPT_STRING, as, "USER", "impersonate this user"),
	KUBE_OPT("as-group", 0, ML7_OPT_LIST, as_groups, "GROUP", "impersonate this group (repeatable)"),
	KUBE_OPT("as-uid", 0, ML7_OPT_STRING, as_uid, "UID", "impersonate this UID"),
	KUBE_OPT("certificate-authority", 0, ML7_OPT_STRING, certificate_authority, "FILE",
		 "CA file for the API server"),
	KUBE_OPT("client-certificate", 0, ML7_OPT_STRING, client_certificate, "FILE",
		 "client certificate file"),
	KUBE_OPT("client-key", 0, ML7_OPT_STRING, client_key, "FILE", "client key file"),
	KUBE_OPT("insecure-skip-tls-verify", 0, ML7_OPT_BOOL, insecure_skip_tls_verify, NULL,
		 "do not verify the API server's certificate (unsafe)"),
	KUBE_OPT("tls-server-name", 0, ML7_OPT_STRING, tls_server_name, "NAME",
		 "server name for the API server's certificate"),
	KUBE_OPT("request-timeout", 0, ML7_OPT_STRING, request_timeout, "DURATION",
		 "timeout of one API request (0: none)"),
	ML7_OPT_END
};

static const char exit_codes_help[] =
	"Exit codes:\n"
	"  0    ok\n"
	"  1    failure\n"
	"  2    usage error (bad flag or argument)\n"
	"  3    not found (release, Service, Ingress, certificate)\n"
	"  4    timed out\n"
	"  5    verification failed (the balancer or Milvus answered wrongly)\n"
	"  130  interrupted (Ctrl-C); nothing is rolled back\n";

const struct ml7_opt *ml7_cli_std_opts(enum ml7_cli_optset which)
{
	return which == ML7_OPTS_KUBE ? kube_opts : which == ML7_OPTS_OUTPUT ? output_opts : global_opts;
}

size_t ml7_cli_cmd_opts(const struct ml7_cmd *cmd, const struct ml7_opt *sets[4])
{
	size_t n = 0;

	if (cmd && cmd->opts)
		sets[n++] = cmd->opts;
	if (!cmd || (cmd->flags & ML7_CMD_KUBE))
		sets[n++] = kube_opts;
	if (!cmd || (cmd->flags & ML7_CMD_OUTPUT))
		sets[n++] = output_opts;
	sets[n++] = global_opts;
	return n;
}

const char *ml7_cli_exit_codes_help(void)
{
	return exit_codes_help;
}

/* One option table with the struct it writes into. */
struct optset {
	const struct ml7_opt *opts;
	void *base;
};

/* ---- messages ----------------------------------------------------------- */

static void vmessage(const struct ml7_ctx *ctx, const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", ctx->tool->prog, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ml7_cli_error(const struct ml7_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(ctx, "", fmt, ap);
	va_end(ap);
}

void ml7_cli_warn(const struct ml7_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	vmessage(ctx, ctx->color ? "\033[33mwarning\033[0m: " : "warning: ", fmt, ap);
	va_end(ap);
}

void ml7_cli_info(const struct ml7_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void help_hint(const struct ml7_ctx *ctx)
{
	if (ctx->cmd_path)
		fprintf(stderr, "see '%s %s --help'\n", ctx->tool->name, ctx->cmd_path);
	else
		fprintf(stderr, "see '%s --help'\n", ctx->tool->name);
}

int ml7_cli_usage_error(const struct ml7_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(ctx, "", fmt, ap);
	va_end(ap);
	help_hint(ctx);
	return ML7_EXIT_USAGE;
}

int ml7_cli_fail(const struct ml7_ctx *ctx, const struct ml7_err *err)
{
	ml7_cli_error(ctx, "%s", err->msg[0] ? err->msg : ml7_code_name(err->code));
	return ml7_exit_code(err->code);
}

int ml7_cli_output_format(const struct ml7_ctx *ctx)
{
	if (!ctx->output)
		return 0;
	if (strcmp(ctx->output, "json") == 0)
		return 1;
	if (strcmp(ctx->output, "yaml") == 0)
		return 2;
	ml7_cli_usage_error(ctx, "unknown output format '%s' (use json or yaml)", ctx->output);
	return -1;
}

int ml7_cli_print_object(const struct ml7_ctx *ctx, const cJSON *obj)
{
	struct ml7_err err = {0};
	struct ml7_buf b = ML7_BUF_INIT;
	int rc = 0;

	if (ml7_cli_output_format(ctx) == 2) {
		rc = ml7_yaml_emit(obj, &b, &err);
	} else {
		char *s = cJSON_Print(obj);

		if (!s || ml7_buf_puts(&b, s) || ml7_buf_putc(&b, '\n'))
			rc = ml7_err_set(&err, ML7_ENOMEM, "out of memory writing JSON");
		cJSON_free(s);
	}
	if (rc == 0 && fwrite(b.data, 1, b.len, stdout) != b.len)
		rc = ml7_err_set(&err, ML7_EIO, "cannot write the output");
	ml7_buf_free(&b);
	return rc ? ml7_cli_fail(ctx, &err) : 0;
}

/* ---- values ------------------------------------------------------------- */

int ml7_parse_duration(const char *s, long *out_ms)
{
	double secs;
	char *end;

	if (!s || !*s)
		return ML7_EINVAL;
	/* a bare number is seconds (kubectl's --request-timeout) */
	errno = 0;
	secs = strtod(s, &end);
	if (*end == '\0' && errno == 0 && secs >= 0 && secs <= LONG_MAX / 1000.0) {
		*out_ms = (long)(secs * 1000);
		return 0;
	}
	return ml7_parse_go_duration(s, out_ms);
}

/* Go's strconv.ParseBool, as pflag uses it. */
static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True", NULL};
	static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False", NULL};

	for (int i = 0; yes[i]; i++)
		if (strcmp(s, yes[i]) == 0)
			return *out = 1, 0;
	for (int i = 0; no[i]; i++)
		if (strcmp(s, no[i]) == 0)
			return *out = 0, 0;
	return ML7_EINVAL;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64];

	if (lb >= 64 || la >= 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *ml7_cli_suggest(const char *s, const char *const *names)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, limit = strlen(s) / 3 + 1;

	if (limit < 2)
		limit = 2;
	for (size_t i = 0; names[i]; i++) {
		size_t d = edit_distance(s, names[i]);

		if (strlen(s) >= 3 && strncmp(names[i], s, strlen(s)) == 0)
			d = 1;   /* a prefix of a name */
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

/* ---- parsing ------------------------------------------------------------ */

struct parser {
	struct ml7_ctx *ctx;
	struct optset sets[4];
	size_t nsets;
};

static void set_opts(struct parser *ps, const struct ml7_cmd *cmd, void *cmd_opts)
{
	ps->nsets = 0;
	if (cmd && cmd->opts)
		ps->sets[ps->nsets++] = (struct optset){cmd->opts, cmd_opts};
	if (!cmd || (cmd->flags & ML7_CMD_KUBE))
		ps->sets[ps->nsets++] = (struct optset){kube_opts, &ps->ctx->kube};
	if (!cmd || (cmd->flags & ML7_CMD_OUTPUT))
		ps->sets[ps->nsets++] = (struct optset){output_opts, ps->ctx};
	ps->sets[ps->nsets++] = (struct optset){global_opts, ps->ctx};
}

static const struct ml7_opt *find_long(struct parser *ps, const char *name, size_t n, void **base)
{
	for (size_t s = 0; s < ps->nsets; s++)
		for (const struct ml7_opt *o = ps->sets[s].opts; o->name || o->short_name; o++)
			if (o->name && strlen(o->name) == n && strncmp(o->name, name, n) == 0) {
				*base = ps->sets[s].base;
				return o;
			}
	return NULL;
}

static const struct ml7_opt *find_short(struct parser *ps, char c, void **base)
{
	for (size_t s = 0; s < ps->nsets; s++)
		for (const struct ml7_opt *o = ps->sets[s].opts; o->name || o->short_name; o++)
			if (o->short_name == c) {
				*base = ps->sets[s].base;
				return o;
			}
	return NULL;
}

static const char *opt_label(const struct ml7_opt *o, char *buf, size_t n)
{
	if (o->name)
		snprintf(buf, n, "--%s", o->name);
	else
		snprintf(buf, n, "-%c", o->short_name);
	return buf;
}

static int takes_value(const struct ml7_opt *o)
{
	return o->type != ML7_OPT_BOOL && o->type != ML7_OPT_COUNT;
}

/* Stores value (may be NULL for BOOL/COUNT without "="). */
static int store(struct parser *ps, const struct ml7_opt *o, void *base, const char *value)
{
	char *field = (char *)base + o->offset;
	char label[80];
	char *end;

	opt_label(o, label, sizeof(label));
	switch (o->type) {
	case ML7_OPT_BOOL: {
		int v = 1;

		if (value && parse_bool(value, &v))
			return ml7_cli_usage_error(ps->ctx, "option '%s' takes no value other than true or false, "
						   "not '%s'", label, value);
		*(int *)field = v;
		return 0;
	}
	case ML7_OPT_COUNT:
		if (!value) {
			(*(int *)field)++;
			return 0;
		}
		/* -v=3 */
		__attribute__((fallthrough));
	case ML7_OPT_INT: {
		long v;

		errno = 0;
		v = strtol(value, &end, 10);
		if (!*value || *end || errno || v < 0 || v > INT_MAX)
			return ml7_cli_usage_error(ps->ctx, "option '%s' needs a whole number, not '%s'",
						   label, value);
		*(int *)field = (int)v;
		return 0;
	}
	case ML7_OPT_STRING:
		*(const char **)field = value;
		return 0;
	case ML7_OPT_LIST:
		if (ml7_strlist_push((struct ml7_strlist *)field, value)) {
			ml7_cli_error(ps->ctx, "out of memory");
			return ML7_EXIT_FAILURE;
		}
		return 0;
	case ML7_OPT_DURATION:
		if (ml7_parse_duration(value, (long *)field))
			return ml7_cli_usage_error(ps->ctx, "option '%s' needs a duration such as 30s, 5m or "
						   "1h, not '%s'", label, value);
		return 0;
	}
	return ML7_EXIT_FAILURE;
}

static int unknown_option(struct parser *ps, const char *arg)
{
	const char *names[256];
	size_t n = 0;
	char name[128];
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const char *s;

	for (size_t i = 0; i < ps->nsets; i++)
		for (const struct ml7_opt *o = ps->sets[i].opts; o->name || o->short_name; o++)
			if (o->name && n + 1 < sizeof(names) / sizeof(names[0]))
				names[n++] = o->name;
	names[n] = NULL;
	snprintf(name, sizeof(name), "%.*s", (int)len, arg);
	s = strncmp(name, "--", 2) == 0 ? ml7_cli_suggest(name + 2, names) : NULL;
	if (s)
		return ml7_cli_usage_error(ps->ctx, "unknown option '%s'; did you mean '--%s'?", name, s);
	return ml7_cli_usage_error(ps->ctx, "unknown option '%s'", name);
}

/* Parses argv[*i]; may consume argv[*i + 1].  0 or an exit code. */
static int parse_option(struct parser *ps, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	const struct ml7_opt *o;
	char label[80];
	void *base;

	if (arg[1] == '-') {
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name);

		o = find_long(ps, name, n, &base);
		if (!o)
			return unknown_option(ps, arg);
		if (!takes_value(o))
			return store(ps, o, base, eq ? eq + 1 : NULL);
		if (eq)
			return store(ps, o, base, eq + 1);
		if (*i + 1 >= argc)
			return ml7_cli_usage_error(ps->ctx, "option '%s' needs a value",
						   opt_label(o, label, sizeof(label)));
		return store(ps, o, base, argv[++*i]);
	}
	/* short options, possibly bundled: -vvv, -nNS, -n NS, -n=NS, -v=3 */
	for (const char *p = arg + 1; *p; p++) {
		int rc;

		o = find_short(ps, *p, &base);
		if (!o) {
			ml7_cli_usage_error(ps->ctx, "unknown option '-%c'", *p);
			return ML7_EXIT_USAGE;
		}
		if (!takes_value(o)) {
			if (p[1] == '=')
				return store(ps, o, base, p + 2);
			rc = store(ps, o, base, NULL);
			if (rc)
				return rc;
			continue;
		}
		if (p[1])
			return store(ps, o, base, p[1] == '=' ? p + 2 : p + 1);
		if (*i + 1 >= argc)
			return ml7_cli_usage_error(ps->ctx, "option '-%c' needs a value", *p);
		return store(ps, o, base, argv[++*i]);
	}
	return 0;
}

static const struct ml7_cmd *find_cmd(const struct ml7_cmd *const *table, const char *name)
{
	for (size_t i = 0; table[i]; i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}

static int unknown_command(struct ml7_ctx *ctx, const struct ml7_cmd *const *table, const char *name)
{
	const char *names[64];
	size_t n = 0;
	const char *s;

	for (size_t i = 0; table[i] && n + 1 < 64; i++)
		if (!(table[i]->flags & ML7_CMD_HIDDEN))
			names[n++] = table[i]->name;
	names[n] = NULL;
	s = ml7_cli_suggest(name, names);
	if (s)
		return ml7_cli_usage_error(ctx, "unknown command '%s'; did you mean '%s'?", name, s);
	return ml7_cli_usage_error(ctx, "unknown command '%s'", name);
}

/* ---- help --------------------------------------------------------------- */

static void print_opts(FILE *f, const char *title, const struct ml7_opt *opts)
{
	fprintf(f, "\n%s:\n", title);
	for (const struct ml7_opt *o = opts; o->name || o->short_name; o++) {
		char left[96];
		int n;

		if (o->short_name && o->name)
			n = snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->name);
		else if (o->name)
			n = snprintf(left, sizeof(left), "    --%s", o->name);
		else
			n = snprintf(left, sizeof(left), "-%c", o->short_name);
		if (o->arg && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->arg);
		if (strlen(left) > 28)
			fprintf(f, "  %s\n  %-28s  %s\n", left, "", o->help);
		else
			fprintf(f, "  %-28s  %s\n", left, o->help);
	}
}

void ml7_cli_print_help(FILE *f, const struct ml7_tool *tool, const struct ml7_cmd *cmd,
			const char *cmd_path)
{
	const struct ml7_cmd *const *list = cmd ? cmd->subcommands : tool->commands;

	if (!cmd) {
		fprintf(f, "%s - %s\n\nUsage:\n  %s COMMAND [flags]\n", tool->name, tool->summary,
			tool->name);
	} else {
		fprintf(f, "%s %s - %s\n\nUsage:\n  %s %s\n", tool->name, cmd_path, cmd->summary,
			tool->name, cmd->usage);
		if (cmd->help)
			fprintf(f, "\n%s", cmd->help);
	}
	if (list) {
		fprintf(f, "\nCommands:\n");
		for (size_t i = 0; list[i]; i++)
			if (!(list[i]->flags & ML7_CMD_HIDDEN))
				fprintf(f, "  %-14s %s\n", list[i]->name, list[i]->summary);
	}
	if (cmd && cmd->opts && (cmd->opts->name || cmd->opts->short_name))
		print_opts(f, "Flags", cmd->opts);
	if (cmd && (cmd->flags & ML7_CMD_OUTPUT))
		print_opts(f, "Output", output_opts);
	if (cmd && (cmd->flags & ML7_CMD_KUBE))
		print_opts(f, "Kubernetes flags (as kubectl's)", kube_opts);
	print_opts(f, "Global flags", global_opts);
	fprintf(f, "\n%s", exit_codes_help);
	if (list)
		fprintf(f, "\nRun '%s %s%sCOMMAND --help' for a command's flags.\n", tool->name,
			cmd ? cmd_path : "", cmd ? " " : "");
}

/* ---- built-in commands -------------------------------------------------- */

static int help_run(struct ml7_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct ml7_cmd *const *table = ctx->tool->commands;
	const struct ml7_cmd *cmd = NULL;
	char path[256] = "";

	(void)opts;
	for (int i = 0; i < argc; i++) {
		const struct ml7_cmd *c = table ? find_cmd(table, argv[i]) : NULL;

		if (!c)
			return unknown_command(ctx, table ? table : ctx->tool->commands, argv[i]);
		cmd = c;
		table = c->subcommands;
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "%s%s", i ? " " : "", argv[i]);
	}
	ml7_cli_print_help(stdout, ctx->tool, cmd, path);
	return ML7_EXIT_OK;
}

const struct ml7_cmd ml7_cmd_help = {
	.name = "help",
	.summary = "show help for the tool or a command",
	.usage = "help [COMMAND [SUBCOMMAND]]",
	.min_args = 0,
	.max_args = 2,
	.run = help_run,
};

/* ---- main --------------------------------------------------------------- */

static void log_to_stderr(void *userdata, int level, const char *line)
{
	const struct ml7_ctx *ctx = userdata;

	(void)level;
	fprintf(stderr, "%s: %s\n", ctx->tool->prog, line);
}

static void on_signal(int sig)
{
	static volatile sig_atomic_t seen;

	ml7_cancel();
	if (seen++) {               /* a second Ctrl-C: leave now */
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

int ml7_cli_main(const struct ml7_tool *tool, int argc, char **argv)
{
	struct ml7_ctx ctx;
	struct parser ps;
	const struct ml7_cmd *const *table = tool->commands;
	const struct ml7_cmd *cmd = NULL;
	void *cmd_opts = NULL;
	char **args = NULL;
	char path[256] = "";
	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	int nargs = 0, rc = 0, dashdash = 0;

	/* shell completion: `TOOL __complete WORDS...`, or kubectl's helper link */
	base = base ? base + 1 : argc > 0 ? argv[0] : "";
	if (strncmp(base, "kubectl_complete-", 17) == 0)
		return ml7_cli_complete(tool, stdout, argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "__complete") == 0)
		return ml7_cli_complete(tool, stdout, argc - 2, argv + 2);

	memset(&ctx, 0, sizeof(ctx));
	ctx.tool = tool;
	ctx.argc = argc;
	ctx.argv = (const char *const *)argv;
	ctx.stdout_tty = isatty(STDOUT_FILENO);
	ctx.stderr_tty = isatty(STDERR_FILENO);
	ctx.color = ctx.stderr_tty && !getenv("NO_COLOR");
	if (tool->kube_env)
		tool->kube_env(&ctx.kube);
	memset(&ps, 0, sizeof(ps));
	ps.ctx = &ctx;
	set_opts(&ps, NULL, NULL);

	args = ml7_calloc((size_t)argc + 1, sizeof(*args));
	if (!args) {
		fprintf(stderr, "%s: out of memory\n", tool->prog);
		return ML7_EXIT_FAILURE;
	}
	for (int i = 1; i < argc && rc == 0; i++) {
		const char *a = argv[i];

		if (!dashdash && strcmp(a, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (!dashdash && a[0] == '-' && a[1]) {
			rc = parse_option(&ps, argc, argv, &i);
			continue;
		}
		/* a word: a (sub)command while we are in a table, else an argument */
		if (table && nargs == 0) {
			const struct ml7_cmd *c = find_cmd(table, a);

			if (!c) {
				if (!cmd || !cmd->run) {
					rc = unknown_command(&ctx, table, a);
					break;
				}
			} else {
				cmd = c;
				table = c->subcommands;
				snprintf(path + strlen(path), sizeof(path) - strlen(path), "%s%s",
					 path[0] ? " " : "", a);
				ctx.cmd = cmd;
				ctx.cmd_path = path;
				ml7_free(cmd_opts);
				cmd_opts = ml7_calloc(1, cmd->opts_size ? cmd->opts_size : 1);
				if (!cmd_opts) {
					rc = ML7_EXIT_FAILURE;
					break;
				}
				set_opts(&ps, cmd, cmd_opts);
				continue;
			}
		}
		args[nargs++] = argv[i];
	}
	ctx.cmd = cmd;
	if (rc)
		goto out;
	if (ctx.help || !cmd) {
		ml7_cli_print_help(stdout, tool, cmd, path);
		goto out;
	}
	if (!cmd->run) {
		char list[512] = "";

		for (size_t i = 0; cmd->subcommands[i]; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
				 cmd->subcommands[i]->name);
		rc = ml7_cli_usage_error(&ctx, "'%s' needs a subcommand: %s", path, list);
		goto out;
	}
	if (nargs < cmd->min_args) {
		rc = ml7_cli_usage_error(&ctx, "'%s' needs %s argument%s (usage: %s %s)", path,
					 cmd->min_args == 1 ? "an" : "more", cmd->min_args == 1 ? "" : "s",
					 tool->name, cmd->usage);
		goto out;
	}
	if (cmd->max_args >= 0 && nargs > cmd->max_args) {
		rc = ml7_cli_usage_error(&ctx, "unexpected argument '%s' (usage: %s %s)",
					 args[cmd->max_args], tool->name, cmd->usage);
		goto out;
	}
	if (ctx.output && ml7_cli_output_format(&ctx) < 0) {
		rc = ML7_EXIT_USAGE;
		goto out;
	}
	if (ctx.quiet && ctx.verbosity)
		ctx.quiet = 0;
	ml7_log_set(log_to_stderr, &ctx, ctx.verbosity);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	rc = cmd->run(&ctx, cmd_opts, nargs, args);
	if (fflush(stdout) != 0 && rc == 0) {
		fprintf(stderr, "%s: cannot write the output\n", tool->prog);
		rc = ML7_EXIT_FAILURE;
	}
	ml7_log_set(NULL, NULL, 0);
out:
	/* lists the parser filled */
	if (cmd && cmd->opts && cmd_opts)
		for (const struct ml7_opt *o = cmd->opts; o->name || o->short_name; o++)
			if (o->type == ML7_OPT_LIST)
				ml7_strlist_free((struct ml7_strlist *)((char *)cmd_opts + o->offset));
	ml7_strlist_free(&ctx.kube.as_groups);
	ml7_free(cmd_opts);
	ml7_free(args);
	return rc;
}
