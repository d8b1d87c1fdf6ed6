/* ingress.c - `kubectl milvus-l7 ingress render|apply|delete`. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ml7/acm.h"
#include "ml7/alb.h"
#include "ml7/aws.h"
#include "ml7/buf.h"
#include "ml7/cli.h"
#include "ml7/doctor.h"
#include "ml7/ingress.h"
#include "ml7/ingress_flags.h"
#include "ml7/kube.h"
#include "ml7/log.h"
#include "ml7/release.h"
#include "ml7/strlist.h"
#include "ml7/yaml.h"

/* The options every ingress subcommand shares: the Ingress flags and the target. */
struct ingress_opts {
	struct ml7_ingress_flags ing;
	const char *service;
	int port;
	const char *region;
	const char *dry_run;
	int force;
	const char *wait;
	int no_cert_check;
};

#define TARGET_OPTS(T) \
	{"service", 0, ML7_OPT_STRING, offsetof(T, service), "NAME", \
	 "route to this Service instead of looking the release up"}, \
	{"port", 0, ML7_OPT_INT, offsetof(T, port), "PORT", "the Service's gRPC port with --service (default 19530)"}, \
	{"region", 0, ML7_OPT_STRING, offsetof(T, region), "REGION", \
	 "the cluster's AWS region (default: from the nodes' topology labels): the ARN must be in it"}

static const struct ml7_opt render_table[] = {
	ML7_INGRESS_FLAG_OPTS(struct ingress_opts, ing),
	TARGET_OPTS(struct ingress_opts),
	ML7_OPT_END
};

static const struct ml7_opt apply_table[] = {
	ML7_INGRESS_FLAG_OPTS(struct ingress_opts, ing),
	TARGET_OPTS(struct ingress_opts),
	{"dry-run", 0, ML7_OPT_STRING, offsetof(struct ingress_opts, dry_run), "client|server",
	 "show what would change: client sends nothing, server validates without storing"},
	{"force", 0, ML7_OPT_BOOL, offsetof(struct ingress_opts, force), NULL,
	 "take over an Ingress milvus-l7 does not manage, and fields owned by another manager"},
	{"no-cert-check", 0, ML7_OPT_BOOL, offsetof(struct ingress_opts, no_cert_check), NULL,
	 "do not look the certificate up in ACM first (done when AWS credentials are configured)"},
	ML7_OPT_END
};

static const struct ml7_opt delete_table[] = {
	{"name", 0, ML7_OPT_STRING, offsetof(struct ingress_opts, ing.name), "NAME",
	 "the Ingress name (default: the Milvus Service's name)"},
	{"service", 0, ML7_OPT_STRING, offsetof(struct ingress_opts, service), "NAME",
	 "the Milvus Service (its name is the default Ingress name) instead of looking the release up"},
	{"dry-run", 0, ML7_OPT_STRING, offsetof(struct ingress_opts, dry_run), "client|server",
	 "show what would be deleted, delete nothing"},
	{"force", 0, ML7_OPT_BOOL, offsetof(struct ingress_opts, force), NULL,
	 "delete it even when milvus-l7 does not manage it"},
	{"wait", 0, ML7_OPT_STRING, offsetof(struct ingress_opts, wait), "DURATION",
	 "wait until the controller has removed the ALB and the object is gone (default 2m; 0: do not wait)"},
	ML7_OPT_END
};

/* The release: described by --service, or looked up on the cluster (k). */
static int target(struct ml7_ctx *ctx, struct ml7_kube *k, const char *release, const char *service, int port,
		  struct ml7_release **rel)
{
	struct ml7_err err = {0};
	int rc;

	if (port && !service)
		return ml7_cli_usage_error(ctx, "--port goes with --service");
	if (service)
		rc = ml7_release_new(release, k ? ml7_kube_namespace(k) : ctx->kube.namespace_, service,
				     port ? port : 19530, rel, &err);
	else
		rc = ml7_release_find(k, NULL, release, NULL, rel, &err);
	return rc ? ml7_cli_fail(ctx, &err) : 0;
}

/* Model options from the flags, validated; the region from the flag or the nodes. */
static int model(struct ml7_ctx *ctx, struct ml7_kube *k, struct ingress_opts *io, struct ml7_ingress_opts *opts,
		 char *region, size_t rn)
{
	struct ml7_err err = {0};
	struct ml7_strlist warn = ML7_STRLIST_INIT;

	memset(opts, 0, sizeof(*opts));
	if (ml7_ingress_flags_apply(&io->ing, opts, &err) || ml7_ingress_validate(opts, &err))
		return ml7_cli_usage_error(ctx, "%s", err.msg);
	snprintf(region, rn, "%s", io->region ? io->region : "");
	if (!io->region && k)
		ml7_cluster_region(k, region, rn);
	opts->region = region[0] ? region : NULL;
	if (opts->region && ml7_ingress_validate(opts, &err))
		return ml7_cli_usage_error(ctx, "%s", err.msg);
	if (!ctx->quiet && ml7_ingress_warnings(opts, &warn) == 0)
		for (size_t i = 0; i < warn.n; i++)
			ml7_cli_warn(ctx, "%s", warn.items[i]);
	ml7_strlist_free(&warn);
	return 0;
}

static int print_yaml(struct ml7_ctx *ctx, const cJSON *obj)
{
	struct ml7_err err = {0};
	struct ml7_buf b = ML7_BUF_INIT;
	int rc = 0;

	if (ml7_yaml_emit(obj, &b, &err))
		rc = ml7_cli_fail(ctx, &err);
	else if (fwrite(b.data, 1, b.len, stdout) != b.len)
		rc = ml7_err_set(&err, ML7_EIO, "cannot write the output"), rc = ml7_cli_fail(ctx, &err);
	ml7_buf_free(&b);
	return rc;
}

static int render_run(struct ml7_ctx *ctx, void *o, int argc, char **argv)
{
	struct ingress_opts *io = o;
	struct ml7_ingress_opts opts;
	struct ml7_release *rel = NULL;
	struct ml7_kube *k = NULL;
	struct ml7_err err = {0};
	char region[64];
	cJSON *obj = NULL;
	int rc;

	(void)argc;
	/* with --service no cluster is needed; --region then is the only region check */
	if (!io->service && (rc = ml7_cli_kube(ctx, &k)))
		return rc;
	rc = model(ctx, k, io, &opts, region, sizeof(region));
	if (!rc)
		rc = target(ctx, k, argv[0], io->service, io->port, &rel);
	if (rc)
		goto out;
	if (ml7_ingress_build(&opts, rel, &obj, &err)) {
		rc = ml7_cli_fail(ctx, &err);
		goto out;
	}
	rc = ml7_cli_output_format(ctx) != 0 ? ml7_cli_print_object(ctx, obj) : print_yaml(ctx, obj);
out:
	cJSON_Delete(obj);
	ml7_release_free(rel);
	ml7_kube_free(k);
	return rc;
}

/* When AWS credentials are configured: every ARN exists in ACM, is ISSUED, not
 * expired and covers the host; otherwise the controller would fail later. */
static int cert_check(struct ml7_ctx *ctx, const cJSON *obj, const char *host)
{
	const cJSON *ann = cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"), "annotations");
	const cJSON *v = cJSON_GetObjectItem(ann, ML7_ALB_PREFIX "certificate-arn");
	struct ml7_strlist arns = ML7_STRLIST_INIT;
	struct ml7_aws_opts ao;
	int rc = 0;

	if (!cJSON_IsString(v) || ml7_strlist_split(&arns, v->valuestring, ',', 1)) {
		ml7_cli_error(ctx, "out of memory");
		return ML7_EXIT_FAILURE;
	}
	memset(&ao, 0, sizeof(ao));
	ao.service = "acm";
	ao.env_service = "ACM";
	for (size_t i = 0; i < arns.n && rc == 0; i++) {
		struct ml7_strlist problems = ML7_STRLIST_INIT;
		struct ml7_err err = {0};
		int checked = 0, r = ml7_acm_preflight(&ao, arns.items[i], host, &checked, &problems, &err);

		if (r == ML7_ENOTFOUND || r == ML7_EINVAL) {
			rc = ml7_cli_fail(ctx, &err);
		} else if (r) {
			ml7_cli_warn(ctx, "cannot check certificate %s in ACM: %s", arns.items[i], err.msg);
		} else if (problems.n) {
			char msg[ML7_ERR_MSG_MAX] = "";

			for (size_t j = 0; j < problems.n; j++)
				snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s%s", j ? "; " : "",
					 problems.items[j]);
			ml7_cli_error(ctx, "certificate %s cannot serve %s: %s (--no-cert-check skips this check)",
				      arns.items[i], host, msg);
			rc = ML7_EXIT_FAILURE;
		} else if (!checked && i == 0) {
			ml7_log(ML7_LOG_ACTION, "no AWS credentials configured: the certificate is not looked up in ACM");
		}
		ml7_strlist_free(&problems);
	}
	ml7_strlist_free(&arns);
	return rc;
}

static int apply_run(struct ml7_ctx *ctx, void *o, int argc, char **argv)
{
	static const char *const verbs[] = {"", "created", "configured", "unchanged"};
	struct ingress_opts *io = o;
	struct ml7_ingress_opts opts;
	struct ml7_ingress_apply_opts ao = {0};
	struct ml7_ingress_apply_result res = {0};
	struct ml7_release *rel = NULL;
	struct ml7_kube *k = NULL;
	struct ml7_err err = {0};
	char region[64];
	cJSON *obj = NULL;
	int rc;

	(void)argc;
	if (ml7_dry_run_parse(io->dry_run, &ao.dry_run, &err))
		return ml7_cli_usage_error(ctx, "%s", err.msg);
	ao.force = io->force;
	if ((rc = ml7_cli_kube(ctx, &k)))
		return rc;
	rc = model(ctx, k, io, &opts, region, sizeof(region));
	if (!rc)
		rc = target(ctx, k, argv[0], io->service, io->port, &rel);
	if (rc)
		goto out;
	if (rel->service_type && strcmp(rel->service_type, "LoadBalancer") == 0 && !ctx->quiet)
		ml7_cli_warn(ctx, "Service %s/%s is a LoadBalancer: its Layer-4 balancer stays up beside the ALB; "
			     "flip it with 'helm milvus-l7 upgrade'", rel->namespace_, rel->service);
	if (ml7_ingress_build(&opts, rel, &obj, &err)) {
		rc = ml7_cli_fail(ctx, &err);
		goto out;
	}
	if (!io->no_cert_check && (rc = cert_check(ctx, obj, opts.host)))
		goto out;
	if (ml7_ingress_apply(k, obj, &ao, &res, &err)) {
		rc = ml7_cli_fail(ctx, &err);
		goto out;
	}
	if (ml7_cli_output_format(ctx) != 0) {
		rc = ml7_cli_print_object(ctx, res.object);
	} else {
		printf("ingress.networking.k8s.io/%s %s%s\n", cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"),
		       "name")->valuestring, verbs[res.action],
		       ao.dry_run == ML7_DRY_RUN_CLIENT ? " (dry run)" : ao.dry_run == ML7_DRY_RUN_SERVER ?
		       " (server dry run)" : "");
		if (!ao.dry_run && res.action != ML7_APPLY_UNCHANGED)
			ml7_cli_info(ctx, "next: %s wait %s -n %s", ctx->tool->name, argv[0], rel->namespace_);
	}
out:
	cJSON_Delete(res.object);
	cJSON_Delete(obj);
	ml7_release_free(rel);
	ml7_kube_free(k);
	return rc;
}

static int delete_run(struct ml7_ctx *ctx, void *o, int argc, char **argv)
{
	struct ingress_opts *io = o;
	struct ml7_ingress_delete_opts dop = {0};
	struct ml7_release *rel = NULL;
	struct ml7_kube *k = NULL;
	struct ml7_err err = {0};
	const char *name = io->ing.name;
	int rc, gone = 0;

	(void)argc;
	if (ml7_dry_run_parse(io->dry_run, &dop.dry_run, &err))
		return ml7_cli_usage_error(ctx, "%s", err.msg);
	dop.force = io->force;
	dop.wait_ms = 120000;
	if (io->wait && ml7_parse_duration(io->wait, &dop.wait_ms))
		return ml7_cli_usage_error(ctx, "option '--wait' needs a duration such as 30s or 2m, not '%s'", io->wait);
	if ((rc = ml7_cli_kube(ctx, &k)))
		return rc;
	if (!name) {
		rc = target(ctx, k, argv[0], io->service, 0, &rel);
		if (rc)
			goto out;
		name = rel->service;
	}
	if (ml7_ingress_delete(k, NULL, name, &dop, &gone, &err)) {
		rc = ml7_cli_fail(ctx, &err);
		goto out;
	}
	if (gone)
		printf("ingress.networking.k8s.io/%s not found: nothing to delete\n", name);
	else
		printf("ingress.networking.k8s.io/%s deleted%s\n", name, dop.dry_run == ML7_DRY_RUN_CLIENT ?
		       " (dry run)" : dop.dry_run == ML7_DRY_RUN_SERVER ? " (server dry run)" : "");
out:
	ml7_release_free(rel);
	ml7_kube_free(k);
	return rc;
}

static const struct ml7_cmd cmd_ingress_render = {
	.name = "render",
	.summary = "print the ALB Ingress for a Milvus release (YAML, or -o json)",
	.usage = "ingress render RELEASE --host HOST --cert-arn ARN [flags]",
	.help = "Prints the Ingress that 'ingress apply' would apply.  By default it is exactly the\n"
		"object of the Milvus guide: internet-facing, HTTPS 443, backend protocol GRPC, target\n"
		"type ip, class alb, the host rule / Prefix to the Milvus Service's gRPC port.\n"
		"'ingress render ... | kubectl apply -f -' gives the same object as 'ingress apply'.\n"
		"With --service no cluster is contacted.",
	.opts = render_table,
	.opts_size = sizeof(struct ingress_opts),
	.flags = ML7_CMD_KUBE | ML7_CMD_OUTPUT,
	.min_args = 1,
	.max_args = 1,
	.run = render_run,
};

static const struct ml7_cmd cmd_ingress_apply = {
	.name = "apply",
	.summary = "create or update the ALB Ingress (server-side apply, field manager milvus-l7)",
	.usage = "ingress apply RELEASE --host HOST --cert-arn ARN [--dry-run=client|server] [--force] [flags]",
	.help = "Server-side apply of the object 'ingress render' prints.  An Ingress of that name that\n"
		"milvus-l7 does not manage, or fields another manager owns, stop it unless --force.\n"
		"Running it again with the same flags writes nothing.",
	.opts = apply_table,
	.opts_size = sizeof(struct ingress_opts),
	.flags = ML7_CMD_KUBE | ML7_CMD_OUTPUT,
	.min_args = 1,
	.max_args = 1,
	.run = apply_run,
};

static const struct ml7_cmd cmd_ingress_delete = {
	.name = "delete",
	.summary = "delete the ALB Ingress (only one milvus-l7 manages, unless --force)",
	.usage = "ingress delete RELEASE [--name NAME] [--dry-run=client|server] [--force] [--wait 2m]",
	.help = "Deleting the Ingress makes the AWS Load Balancer Controller delete the ALB, its target\n"
		"group and security groups; the object goes last, when the controller drops its finalizer.",
	.opts = delete_table,
	.opts_size = sizeof(struct ingress_opts),
	.flags = ML7_CMD_KUBE,
	.min_args = 1,
	.max_args = 1,
	.run = delete_run,
};

static const struct ml7_cmd *const ingress_cmds[] = {
	&cmd_ingress_render,
	&cmd_ingress_apply,
	&cmd_ingress_delete,
	NULL
};

const struct ml7_cmd cmd_ingress = {
	.name = "ingress",
	.summary = "render, apply or delete the ALB Ingress of a Milvus release",
	.usage = "ingress render|apply|delete RELEASE [flags]",
	.subcommands = ingress_cmds,
};
