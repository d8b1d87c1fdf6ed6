/* setup.c - `kubectl milvus-l7 setup RELEASE`: the whole procedure (flow.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml7/cli.h"
#include "ml7/flow.h"
#include "ml7/ingress_flags.h"
#include "ml7/kube.h"
#include "ml7/mem.h"
#include "ml7/probe.h"

struct setup_opts {
	struct ml7_ingress_flags ing;
	const char *cert, *key, *chain;
	const char *profile, *region;
	const char *ca_file, *connect_to;
	const char *milvus_user, *milvus_token, *db;
	const char *chart, *service;
	long timeout_ms;
	int dry_run, force, keep_l4;
};

static const struct ml7_opt setup_options[] = {
	ML7_INGRESS_FLAG_OPTS(struct setup_opts, ing),
	{"cert", 0, ML7_OPT_STRING, offsetof(struct setup_opts, cert), "FILE",
	 "import this certificate (PEM or DER) into ACM instead of giving --cert-arn"},
	{"key", 0, ML7_OPT_STRING, offsetof(struct setup_opts, key), "FILE",
	 "its private key (unencrypted; never logged nor copied to disk)"},
	{"chain", 0, ML7_OPT_STRING, offsetof(struct setup_opts, chain), "FILE",
	 "the intermediate certificates, leaf excluded"},
	{"profile", 0, ML7_OPT_STRING, offsetof(struct setup_opts, profile), "NAME",
	 "AWS profile for ACM (default $AWS_PROFILE)"},
	{"region", 0, ML7_OPT_STRING, offsetof(struct setup_opts, region), "REGION",
	 "AWS region for ACM (default: the AWS CLI's order, else the ARN's)"},
	{"ca-file", 0, ML7_OPT_STRING, offsetof(struct setup_opts, ca_file), "FILE",
	 "verify: trust this CA for the balancer's certificate (a private CA)"},
	{"connect-to", 0, ML7_OPT_STRING, offsetof(struct setup_opts, connect_to), "HOST:PORT",
	 "verify: dial HOST:PORT instead of the balancer's address on 443"},
	{"milvus-user", 0, ML7_OPT_STRING, offsetof(struct setup_opts, milvus_user), "USER",
	 "verify: Milvus user (password from $MILVUS_PASSWORD)"},
	{"milvus-token", 0, ML7_OPT_STRING, offsetof(struct setup_opts, milvus_token), "TOKEN",
	 "verify: Milvus API token (better: $MILVUS_TOKEN)"},
	{"db", 0, ML7_OPT_STRING, offsetof(struct setup_opts, db), "NAME",
	 "verify: the Milvus database to connect to"},
	{"service", 0, ML7_OPT_STRING, offsetof(struct setup_opts, service), "NAME",
	 "the Milvus Service to route to, when the release has several"},
	{"chart", 0, ML7_OPT_STRING, offsetof(struct setup_opts, chart), "CHART",
	 "Helm release: the chart to upgrade with (default: the deployed chart from its repository)"},
	{"timeout", 0, ML7_OPT_DURATION, offsetof(struct setup_opts, timeout_ms), "DURATION",
	 "give up after this long, all steps together (default 10m)"},
	{"dry-run", 0, ML7_OPT_BOOL, offsetof(struct setup_opts, dry_run), NULL,
	 "check everything and show what each step would do; write nothing"},
	{"force", 0, ML7_OPT_BOOL, offsetof(struct setup_opts, force), NULL,
	 "take over an Ingress of that name that milvus-l7 does not manage"},
	{"keep-l4-until-verified", 0, ML7_OPT_BOOL, offsetof(struct setup_opts, keep_l4), NULL,
	 "flip the Service to ClusterIP only after the ALB has verified (no gap for clients)"},
	ML7_OPT_END
};

struct printer {
	const struct ml7_ctx *ctx;
	int json;
};

static const char *mark(enum ml7_flow_state s)
{
	switch (s) {
	case ML7_FLOW_DONE: return "done   ";
	case ML7_FLOW_SKIPPED: return "skipped";
	case ML7_FLOW_PLANNED: return "planned";
	case ML7_FLOW_FAILED: return "FAILED ";
	default: return "       ";
	}
}

static void on_step(void *ud, enum ml7_flow_step step, enum ml7_flow_state state, const char *detail,
		    long ms)
{
	struct printer *p = ud;

	if (p->json || state == ML7_FLOW_FAILED)
		return;     /* a failure is said once, with the resume command, at the end */
	if (p->ctx->quiet)
		return;
	printf("%-11s %s %6.2fs  %s\n", ml7_flow_step_name(step), mark(state), ms / 1000.0, detail);
	fflush(stdout);
}

static void on_progress(void *ud, enum ml7_flow_step step, const char *line)
{
	struct printer *p = ud;

	if (!p->ctx->quiet && p->ctx->verbosity >= 1)
		ml7_cli_info(p->ctx, "%s: %s", ml7_flow_step_name(step), line);
}

static void on_warn(void *ud, const char *line)
{
	struct printer *p = ud;

	ml7_cli_warn(p->ctx, "%s", line);
}

/* Appends a as one shell word. */
static void shell_word(const char *a)
{
	if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "-_./:=,@%+") == strlen(a)) {
		fputs(a, stderr);
		return;
	}
	fputc('\'', stderr);
	for (; *a; a++) {
		if (*a == '\'')
			fputs("'\\''", stderr);
		else
			fputc(*a, stderr);
	}
	fputc('\'', stderr);
}

/* The command that resumes: this one, as typed, with secrets left out and
 * without --dry-run; the tool's name as the user calls it. */
static void print_resume(const struct ml7_ctx *ctx)
{
	static const char *const secret[] = { "--milvus-token", "--token", NULL };
	int i, skip = 0;

	fprintf(stderr, "%s: resume with: %s", ctx->tool->prog, ctx->tool->name);
	for (i = 1; i < ctx->argc; i++) {
		const char *a = ctx->argv[i];
		int j, hide = 0;

		if (skip) {
			skip = 0;
			fputs(" '<hidden>'", stderr);
			continue;
		}
		if (!strcmp(a, "--dry-run") || !strcmp(a, "--dry-run=true"))
			continue;
		for (j = 0; secret[j]; j++) {
			size_t n = strlen(secret[j]);

			if (!strcmp(a, secret[j]))
				skip = 1;
			else if (!strncmp(a, secret[j], n) && a[n] == '=')
				hide = 1;
		}
		fputc(' ', stderr);
		if (hide) {
			fwrite(a, 1, strcspn(a, "="), stderr);
			fputs("='<hidden>'", stderr);
		} else {
			shell_word(a);
		}
	}
	fputc('\n', stderr);
}

static cJSON *result_json(const struct ml7_flow_opts *fo, const struct ml7_flow_result *r)
{
	cJSON *o = cJSON_CreateObject(), *steps = cJSON_AddArrayToObject(o, "steps");
	int i;

	cJSON_AddStringToObject(o, "release", fo->release);
	cJSON_AddStringToObject(o, "host", fo->ingress.host);
	cJSON_AddBoolToObject(o, "dryRun", fo->dry_run);
	cJSON_AddBoolToObject(o, "ok", r->failed < 0);
	for (i = 0; i < ML7_FLOW_NSTEPS; i++) {
		cJSON *s;

		if (r->state[i] == ML7_FLOW_PENDING)
			continue;
		s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "step", ml7_flow_step_name(i));
		cJSON_AddStringToObject(s, "state", ml7_flow_state_name(r->state[i]));
		cJSON_AddStringToObject(s, "detail", r->detail[i] ? r->detail[i] : "");
		cJSON_AddNumberToObject(s, "seconds", r->elapsed_ms[i] / 1000.0);
		cJSON_AddItemToArray(steps, s);
	}
	if (r->failed >= 0)
		cJSON_AddStringToObject(o, "failedStep", ml7_flow_step_name(r->failed));
	if (r->certificate_arn)
		cJSON_AddStringToObject(o, "certificateArn", r->certificate_arn);
	if (r->address)
		cJSON_AddStringToObject(o, "address", r->address);
	if (r->probed) {
		cJSON *v = cJSON_AddObjectToObject(o, "verify");

		cJSON_AddStringToObject(v, "diagnosis", ml7_probe_diag_name(r->probe.diag));
		if (r->probe.summary)
			cJSON_AddStringToObject(v, "summary", r->probe.summary);
		if (r->probe.version)
			cJSON_AddStringToObject(v, "milvusVersion", r->probe.version);
		if (r->probe.peer)
			cJSON_AddStringToObject(v, "peer", r->probe.peer);
		if (r->probe.tls_version)
			cJSON_AddStringToObject(v, "tlsVersion", r->probe.tls_version);
		cJSON_AddNumberToObject(v, "milliseconds", r->probe.total_ms);
	}
	return o;
}

static int usage_check(struct ml7_ctx *ctx, const struct setup_opts *o)
{
	if (!o->ing.host)
		return ml7_cli_usage_error(ctx, "--host is required");
	if (o->ing.cert_arns.n && (o->cert || o->key))
		return ml7_cli_usage_error(ctx, "give either --cert-arn or --cert/--key, not both");
	if (!o->ing.cert_arns.n && !(o->cert && o->key))
		return ml7_cli_usage_error(ctx, "--cert-arn, or --cert and --key, is required");
	if (o->chain && !o->cert)
		return ml7_cli_usage_error(ctx, "--chain needs --cert and --key");
	if (o->milvus_user && o->milvus_token)
		return ml7_cli_usage_error(ctx, "give either --milvus-user or --milvus-token, not both");
	return 0;
}

static int run_setup(struct ml7_ctx *ctx, void *opts, int argc, char **argv)
{
	struct setup_opts *o = opts;
	struct ml7_flow_opts fo = { 0 };
	struct ml7_flow_result res;
	struct printer p = { .ctx = ctx };
	struct ml7_kube *k = NULL;
	struct ml7_err err = { 0 };
	char *snippets = NULL;
	int fmt, rc, i;

	(void)argc;
	fmt = ml7_cli_output_format(ctx);
	if (fmt < 0)
		return ML7_EXIT_USAGE;
	p.json = fmt > 0;
	rc = usage_check(ctx, o);
	if (rc)
		return rc;
	fo.release = argv[0];
	fo.ns = ctx->kube.namespace_;
	fo.service = o->service;
	if (ml7_ingress_flags_apply(&o->ing, &fo.ingress, &err))
		return ml7_cli_usage_error(ctx, "%s", err.msg);
	fo.cert_file = o->cert;
	fo.key_file = o->key;
	fo.chain_file = o->chain;
	fo.aws_profile = o->profile;
	fo.aws_region = o->region;
	fo.kube = &ctx->kube;
	fo.chart = o->chart;
	fo.helm_bin = getenv("HELM_BIN");
	fo.ca_file = o->ca_file;
	fo.connect_to = o->connect_to;
	fo.milvus_user = o->milvus_user;
	fo.milvus_password = o->milvus_user ? getenv("MILVUS_PASSWORD") : NULL;
	fo.milvus_token = o->milvus_token ? o->milvus_token : getenv("MILVUS_TOKEN");
	fo.db = o->db;
	fo.timeout_ms = o->timeout_ms;
	fo.dry_run = o->dry_run;
	fo.force = o->force;
	fo.keep_l4 = o->keep_l4;
	fo.on_step = on_step;
	fo.on_progress = on_progress;
	fo.on_warn = on_warn;
	fo.userdata = &p;

	rc = ml7_cli_kube(ctx, &k);
	if (rc)
		return rc;
	rc = ml7_flow_run(k, &fo, &res, &err);
	if (p.json) {
		cJSON *j = result_json(&fo, &res);

		ml7_cli_print_object(ctx, j);
		cJSON_Delete(j);
	}
	if (rc) {
		ml7_cli_error(ctx, "%s: %s", ml7_flow_step_name(res.failed), err.msg);
		fprintf(stderr, "%s: setup stopped at step %s.", ctx->tool->prog,
			ml7_flow_step_name(res.failed));
		for (i = 0; i < ML7_FLOW_NSTEPS; i++)
			if (res.state[i] == ML7_FLOW_DONE || res.state[i] == ML7_FLOW_SKIPPED)
				fprintf(stderr, "%s %s", i ? "," : " Done:", ml7_flow_step_name(i));
		fputc('\n', stderr);
		if (!fo.dry_run)
			print_resume(ctx);
		rc = ml7_exit_code(rc);
	} else if (!p.json && !ctx->quiet && !fo.dry_run) {
		struct ml7_probe_opts po;

		ml7_flow_probe_opts(&fo, res.address, &po);
		if (ml7_probe_snippets(&po, &snippets, &err) == 0)
			printf("\n%s", snippets);
	}
	ml7_free(snippets);
	ml7_flow_result_free(&res);
	ml7_kube_free(k);
	return rc;
}

const struct ml7_cmd cmd_setup = {
	.name = "setup",
	.summary = "run the whole procedure: certificate, ClusterIP, ALB Ingress, wait, verify",
	.usage = "setup RELEASE --host HOST (--cert-arn ARN | --cert FILE --key FILE [--chain FILE]) [flags]",
	.help = "Runs the Milvus guide's Layer-7 procedure end to end and proves it works:\n"
		"  preflight    the release, its Service and port, every option checked\n"
		"  certificate  --cert-arn described in ACM, or --cert/--key checked and imported\n"
		"  service      the Milvus Service to ClusterIP (Helm: values kept; Operator: the CR)\n"
		"  ingress      the ALB Ingress, server-side applied\n"
		"  wait         the controller's address, or its failure event\n"
		"  verify       TLS and Milvus RPCs through the balancer, retried until it answers\n"
		"Each step prints one line.  Run it again after a failure: finished steps are found\n"
		"in the cluster and skipped.  --dry-run writes nothing.  --keep-l4-until-verified\n"
		"keeps the Layer-4 balancer until the Layer-7 one answers: no gap for clients, at the\n"
		"price of paying for both balancers for a few minutes.",
	.opts = setup_options,
	.opts_size = sizeof(struct setup_opts),
	.flags = ML7_CMD_KUBE | ML7_CMD_OUTPUT,
	.min_args = 1,
	.max_args = 1,
	.run = run_setup,
};
