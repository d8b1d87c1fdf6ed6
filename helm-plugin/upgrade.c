/* upgrade.c - `helm milvus-l7 upgrade`: step 1 of the guide without its trap:
 * the Service to ClusterIP (and, with --host/--cert-arn, the ALB values in the
 * chart's own ingress block), every other user value and the chart version kept. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ml7/helm.h"
#include "ml7/ingress.h"
#include "ml7/ingress_flags.h"

#include "helm_plugin.h"

struct upgrade_opts {
	struct ml7_ingress_flags ing;
	const char *version;
	const char *repo;
	const char *service_type;
	int dry_run;
	long timeout_ms;
};

#define HELM_FLIP_OPTS(T) \
	{"version", 0, ML7_OPT_STRING, offsetof(T, version), "VERSION", \
	 "the chart version to upgrade to (default: the deployed one, so nothing else moves)"}, \
	{"repo", 0, ML7_OPT_STRING, offsetof(T, repo), "URL", \
	 "the chart repository URL (helm --repo); CHART is then the bare chart name"}, \
	{"dry-run", 0, ML7_OPT_BOOL, offsetof(T, dry_run), NULL, \
	 "show the values diff and the helm command; change nothing"}, \
	{"timeout", 0, ML7_OPT_DURATION, offsetof(T, timeout_ms), "DURATION", \
	 "the most each helm call may take (default 5m)"}

static const struct ml7_opt upgrade_table[] = {
	ML7_INGRESS_FLAG_OPTS(struct upgrade_opts, ing),
	HELM_FLIP_OPTS(struct upgrade_opts),
	{"service-type", 0, ML7_OPT_STRING, offsetof(struct upgrade_opts, service_type), "TYPE",
	 "the Service type to set (default ClusterIP)"},
	ML7_OPT_END
};

void helm_conf_from_ctx(const struct ml7_ctx *ctx, long timeout_ms, struct ml7_helm_conf *conf)
{
	const char *bin = getenv("HELM_BIN");

	memset(conf, 0, sizeof(*conf));
	conf->bin = bin && *bin ? bin : NULL;
	conf->namespace_ = ctx->kube.namespace_;
	conf->kube_context = ctx->kube.context;
	conf->kubeconfig = ctx->kube.kubeconfig;
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
		if (!fo->revert && !fo->dry_run && res.revision_after > 0)
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

static int upgrade_run(struct ml7_ctx *ctx, void *o, int argc, char **argv)
{
	struct upgrade_opts *uo = o;
	struct ml7_helm_conf conf;
	struct ml7_helm_flip_opts fo = {0};
	struct ml7_ingress_opts ing = {0};
	struct ml7_err err = {0};
	int with_ingress = uo->ing.host || uo->ing.cert_arns.n;

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
	helm_conf_from_ctx(ctx, uo->timeout_ms, &conf);
	fo.release = argv[0];
	fo.chart = argc > 1 ? argv[1] : NULL;
	fo.repo = uo->repo;
	fo.version = uo->version;
	fo.service_type = uo->service_type;
	fo.dry_run = uo->dry_run;
	return helm_flip_report(ctx, &conf, &fo);
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
		"--dry-run prints the values diff and the helm command.  Undo: 'helm milvus-l7 revert'.",
	.opts = upgrade_table,
	.opts_size = sizeof(struct upgrade_opts),
	.flags = ML7_CMD_KUBE | ML7_CMD_OUTPUT,
	.min_args = 1,
	.max_args = 2,
	.run = upgrade_run,
};
