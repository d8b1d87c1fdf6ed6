/* upgrade.c - `helm milvus-l7 upgrade`: step 1 of the guide without its trap:
 * the Service to ClusterIP (and, with --host/--cert-arn, the ALB values in the
 * chart's own ingress block), every other user value and the chart version kept. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ml7/alb.h"
#include "ml7/helm.h"
#include "ml7/ingress.h"
#include "ml7/ingress_flags.h"
#include "ml7/kube.h"
#include "ml7/probe.h"
#include "ml7/release.h"

#include "helm_plugin.h"

struct upgrade_opts {
	struct ml7_ingress_flags ing;
	const char *version;
	const char *repo;
	const char *service_type;
	int dry_run;
	long timeout_ms;
	int no_verify;
	const char *connect_to;
	const char *ca_file;
};

#define HELM_FLIP_OPTS(T) \
	{"version", 0, ML7_OPT_STRING, offsetof(T, version), "VERSION", \
	 "the chart version to upgrade to (default: the deployed one, so nothing else moves)"}, \
	{"repo", 0, ML7_OPT_STRING, offsetof(T, repo), "URL", \
	 "the chart repository URL (helm --repo); CHART is then the bare chart name"}, \
	{"dry-run", 0, ML7_OPT_BOOL, offsetof(T, dry_run), NULL, \
	 "show the values diff and the helm command; change nothing"}

static const struct ml7_opt upgrade_table[] = {
	ML7_INGRESS_FLAG_OPTS(struct upgrade_opts, ing),
	HELM_FLIP_OPTS(struct upgrade_opts),
	{"service-type", 0, ML7_OPT_STRING, offsetof(struct upgrade_opts, service_type), "TYPE",
	 "the Service type to set (default ClusterIP)"},
	{"timeout", 0, ML7_OPT_DURATION, offsetof(struct upgrade_opts, timeout_ms), "DURATION",
	 "with --host: the most the wait for the ALB may take (default 15m)"},
	{"no-verify", 0, ML7_OPT_BOOL, offsetof(struct upgrade_opts, no_verify), NULL,
	 "with --host: do not wait for the ALB and verify gRPC through it"},
	{"connect-to", 0, ML7_OPT_STRING, offsetof(struct upgrade_opts, connect_to), "HOST:PORT",
	 "verify by dialling this address instead of the ALB's (same TLS names)"},
	{"ca-file", 0, ML7_OPT_STRING, offsetof(struct upgrade_opts, ca_file), "FILE",
	 "the CA for the ALB's certificate (default: the system store)"},
	ML7_OPT_END
};

void helm_conf_from_ctx(const struct ml7_ctx *ctx, long timeout_ms, struct ml7_helm_conf *conf)
{
	const char *bin = getenv("HELM_BIN");

	memset(conf, 0, sizeof(*conf));
	conf->bin = bin && *bin ? bin : NULL;
	conf->namespace_ = ctx->kube.namespace_;
	conf->kube = &ctx->kube;
	conf->timeout_ms = timeout_ms;
}

static int print_json(const struct ml7_ctx *ctx, const struct ml7_helm_flip_result *res,
		      int dry_run)
{
	cJSON *o = cJSON_CreateObject();
	int rc;

	if (!o)
		return ML7_EXIT_FAILURE;
	cJSON_AddBoolToObject(o, "changed", res->changed);
	cJSON_AddBoolToObject(o, "dryRun", dry_run);
	cJSON_AddNumberToObject(o, "revisionBefore", res->revision_before);
	cJSON_AddNumberToObject(o, "revisionAfter", res->revision_after);
	cJSON_AddStringToObject(o, "chart", res->chart ? res->chart : "");
	cJSON_AddStringToObject(o, "previousServiceType",
				res->previous_type ? res->previous_type : "");
	cJSON_AddStringToObject(o, "diff", res->diff.data ? res->diff.data : "");
	cJSON_AddStringToObject(o, "command", res->command ? res->command : "");
	rc = ml7_cli_print_object(ctx, o);
	cJSON_Delete(o);
	return rc;
}

int helm_flip_report(struct ml7_ctx *ctx, const struct ml7_helm_conf *conf,
		     const struct ml7_helm_flip_opts *fo)
{
	struct ml7_helm_flip_result res;
	struct ml7_err err = {0};
	const char *dbg = getenv("HELM_DEBUG");
	int fmt = ml7_cli_output_format(ctx), rc;

	if (fmt < 0)
		return ML7_EXIT_USAGE;
	rc = ml7_helm_flip(conf, fo, &res, &err);
	if (rc) {
		rc = ml7_cli_fail(ctx, &err);
		if (!fo->revert && res.revision_after != res.revision_before)
			ml7_cli_info(ctx, "to undo: helm milvus-l7 revert %s -n %s", fo->release,
				     conf->namespace_ ? conf->namespace_ : "NAMESPACE");
		goto out;
	}
	if (res.warning)
		ml7_cli_warn(ctx, "%s", res.warning);
	if (dbg && strcmp(dbg, "true") == 0 && res.command)
		ml7_cli_info(ctx, "helm command: %s", res.command);
	if (fmt) {
		rc = print_json(ctx, &res, fo->dry_run);
		goto out;
	}
	if (!res.changed) {
		ml7_cli_info(ctx, "release %s: nothing to change (revision %d, chart %s)%s",
			     fo->release, res.revision_before, res.chart,
			     fo->revert ? "" : ": already flipped");
		goto out;
	}
	printf("release %s, chart %s, revision %d: values that %s:\n%s", fo->release, res.chart,
	       res.revision_before, fo->dry_run ? "would change" : "changed",
	       res.diff.len ? res.diff.data : "  (none; only the chart version)\n");
	if (fo->dry_run) {
		printf("would run: %s   (values on stdin)\n", res.command);
		ml7_cli_info(ctx, "dry run: nothing was changed");
	} else {
		printf("%s: revision %d, chart %s; every other user value kept\n",
		       fo->revert ? "reverted" : "upgraded", res.revision_after, res.chart);
		if (!fo->revert)
			ml7_cli_info(ctx, "to undo: helm milvus-l7 revert %s -n %s", fo->release,
				     conf->namespace_ ? conf->namespace_ : "NAMESPACE");
	}
out:
	ml7_helm_flip_result_free(&res);
	return rc;
}

/* When the chart owns the Ingress: wait for the ALB's address, then Milvus
 * GetVersion through it over TLS (the code of `kubectl milvus-l7 wait` and
 * `verify`).  Says plainly what failed and how to undo. */
static int prove(struct ml7_ctx *ctx, const struct upgrade_opts *uo, const char *release)
{
	struct ml7_kube *k = NULL;
	struct ml7_release *rel = NULL;
	struct ml7_ingress_wait_opts wo = {0};
	struct ml7_ingress_wait_result wr = {0};
	struct ml7_probe_opts po = {0};
	struct ml7_probe_result pr;
	struct ml7_err err = {0};
	const char *ns = ctx->kube.namespace_ ? ctx->kube.namespace_ : "NAMESPACE";
	FILE *f = ml7_cli_output_format(ctx) > 0 ? stderr : stdout;   /* -o json owns stdout */
	int rc;

	memset(&pr, 0, sizeof(pr));
	rc = ml7_cli_kube(ctx, &k);
	if (rc)
		goto undo;
	if (ml7_release_find(k, ctx->kube.namespace_, release, NULL, &rel, &err))
		goto fail;
	ml7_cli_info(ctx, "waiting for the ALB of Ingress %s (--no-verify skips this)", rel->service);
	wo.ns = rel->namespace_;
	wo.name = rel->service;       /* the chart names its Ingress like its Service */
	wo.timeout_ms = uo->timeout_ms;
	wo.connect_to = uo->connect_to;
	wo.ca_file = uo->ca_file;
	wo.server_name = uo->ing.host;
	if (ml7_ingress_wait(k, &wo, &wr, &err))
		goto fail;
	fprintf(f, "ALB: %s (address after %.1f s, TLS ready after %.1f s)\n", wr.address,
	       (double)wr.address_ms / 1000.0, (double)wr.ready_ms / 1000.0);
	po.address = wr.address;
	po.server_name = uo->ing.host;
	po.connect_to = uo->connect_to;
	po.ca_file = uo->ca_file;
	rc = ml7_probe_run(&po, &pr, &err);
	if (rc == ML7_EVERIFY) {
		ml7_err_clear(&err);
		ml7_err_set(&err, ML7_EVERIFY, "%s%s%s", pr.summary ? pr.summary : "no answer",
			    pr.hint ? "; hint: " : "", pr.hint ? pr.hint : "");
	}
	if (rc)
		goto fail;
	fprintf(f, "VERIFIED: Milvus %s answers gRPC through %s:%d over %s (server name %s, %ld ms)\n",
	       pr.version ? pr.version : "(no version)", wr.address, pr.port,
	       pr.tls_version ? pr.tls_version : "TLS", uo->ing.host, pr.total_ms);
	goto out;
fail:
	ml7_cli_error(ctx, "verification after the upgrade failed: %s", err.msg);
	rc = ml7_exit_code(err.code);
undo:
	ml7_cli_info(ctx, "the release IS upgraded (Service ClusterIP, Ingress %s); Milvus may not be "
		     "reachable until this is fixed; to undo: helm milvus-l7 revert %s -n %s",
		     rel ? rel->service : release, release, ns);
out:
	ml7_probe_result_free(&pr);
	ml7_release_free(rel);
	ml7_kube_free(k);
	return rc;
}

static int upgrade_run(struct ml7_ctx *ctx, void *o, int argc, char **argv)
{
	struct upgrade_opts *uo = o;
	struct ml7_helm_conf conf;
	struct ml7_helm_flip_opts fo = {0};
	struct ml7_ingress_opts ing = {0};
	struct ml7_err err = {0};
	int with_ingress = uo->ing.host || uo->ing.cert_arns.n, rc;

	if (with_ingress && (!uo->ing.host || !uo->ing.cert_arns.n))
		return ml7_cli_usage_error(ctx, "--host and --cert-arn go together (the chart's ingress "
					   "needs both); without them the Ingress is left to "
					   "'kubectl milvus-l7 ingress apply'");
	if (uo->ing.name)
		return ml7_cli_usage_error(ctx, "--name does not apply: the chart names its Ingress "
					   "after the release");
	if (!with_ingress && (uo->ing.scheme || uo->ing.ssl_policy || uo->ing.group_name ||
			      uo->ing.load_balancer_name || uo->ing.idle_timeout_ms ||
			      uo->ing.inbound_cidrs.n || uo->ing.subnets.n || uo->ing.tags.n ||
			      uo->ing.security_groups.n || uo->ing.wafv2_acl_arn ||
			      uo->ing.ingress_class || uo->ing.annotations.n || uo->ing.group_order))
		return ml7_cli_usage_error(ctx, "the ingress options need --host and --cert-arn");
	if (with_ingress) {
		if (ml7_ingress_flags_apply(&uo->ing, &ing, &err) || ml7_ingress_validate(&ing, &err))
			return ml7_cli_usage_error(ctx, "%s", err.msg);
		fo.ingress = &ing;
	}
	helm_conf_from_ctx(ctx, 0, &conf);
	fo.release = argv[0];
	fo.chart = argc > 1 ? argv[1] : NULL;
	fo.repo = uo->repo;
	fo.version = uo->version;
	fo.service_type = uo->service_type;
	fo.dry_run = uo->dry_run;
	rc = helm_flip_report(ctx, &conf, &fo);
	if (rc || !with_ingress || uo->dry_run || uo->no_verify)
		return rc;
	return prove(ctx, uo, argv[0]);
}

const struct ml7_cmd cmd_upgrade = {
	.name = "upgrade",
	.summary = "flip the Milvus Service to ClusterIP (and set the ALB ingress values), keeping every value",
	.usage = "upgrade RELEASE [CHART] [--host HOST --cert-arn ARN] [--dry-run] [--version V]",
	.help = "Runs 'helm upgrade RELEASE CHART --version <deployed> --reset-then-reuse-values' with\n"
		"service.type=ClusterIP (--reuse-values on helm < 3.14): every value the user set is\n"
		"kept and the chart version stays the deployed one.  CHART defaults to milvus/milvus\n"
		"(the guide's repository alias), or to the deployed chart's name with --repo.\n"
		"With --host and --cert-arn the chart's own ingress block gets the ALB values\n"
		"(enabled, class alb, the guide's annotations with the ARN, the chart's nginx\n"
		"annotations set to null, the host rule); without them the Ingress is left to\n"
		"'kubectl milvus-l7 ingress apply'.  A second run with the same flags changes nothing.\n"
		"--dry-run prints the values diff and the helm command.  Undo: 'helm milvus-l7 revert'.\n"
		"When the chart owns the Ingress, it then waits for the ALB's address (bounded by\n"
		"--timeout, default 15m) and calls Milvus GetVersion through it over TLS, as 'kubectl\n"
		"milvus-l7 wait' and 'verify' do; a failure says so and prints the revert command\n"
		"(exit 4 timed out, 5 verification failed).  --no-verify skips it.",
	.opts = upgrade_table,
	.opts_size = sizeof(struct upgrade_opts),
	.flags = ML7_CMD_KUBE | ML7_CMD_OUTPUT,
	.min_args = 1,
	.max_args = 2,
	.run = upgrade_run,
};
