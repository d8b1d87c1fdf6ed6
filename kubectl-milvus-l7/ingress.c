/* ingress.c - `kubectl milvus-l7 ingress render|apply|delete`. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ml7/buf.h"
#include "ml7/cli.h"
#include "ml7/ingress.h"
#include "ml7/ingress_flags.h"
#include "ml7/release.h"
#include "ml7/strlist.h"
#include "ml7/yaml.h"

struct render_opts {
	struct ml7_ingress_flags ing;
	const char *service;
	int port;
	const char *region;
};

#define TARGET_OPTS(T) \
	{"service", 0, ML7_OPT_STRING, offsetof(T, service), "NAME", \
	 "route to this Service instead of looking the release up (no cluster needed)"}, \
	{"port", 0, ML7_OPT_INT, offsetof(T, port), "PORT", "the Service's gRPC port with --service (default 19530)"}, \
	{"region", 0, ML7_OPT_STRING, offsetof(T, region), "REGION", \
	 "the cluster's AWS region: the certificate ARN must be in it"}

static const struct ml7_opt render_table[] = {
	ML7_INGRESS_FLAG_OPTS(struct render_opts, ing),
	TARGET_OPTS(struct render_opts),
	ML7_OPT_END
};

/* Model options and the release (looked up, or described by --service). */
static int prepare(struct ml7_ctx *ctx, const struct ml7_ingress_flags *flags, const char *release,
		   const char *service, int port, const char *region, struct ml7_ingress_opts *opts,
		   struct ml7_release **rel)
{
	struct ml7_err err = {0};
	struct ml7_strlist warn = ML7_STRLIST_INIT;

	memset(opts, 0, sizeof(*opts));
	if (ml7_ingress_flags_apply(flags, opts, &err))
		return ml7_cli_usage_error(ctx, "%s", err.msg);
	opts->region = region;
	if (ml7_ingress_validate(opts, &err))
		return ml7_cli_usage_error(ctx, "%s", err.msg);
	if (port && !service)
		return ml7_cli_usage_error(ctx, "--port goes with --service");
	if (!service)
		return ml7_cli_usage_error(ctx, "give --service NAME: looking the release up needs the "
					   "Kubernetes client");
	if (ml7_release_new(release, ctx->kube.namespace_, service, port ? port : 19530, rel, &err))
		return ml7_cli_fail(ctx, &err);
	if (!ctx->quiet && ml7_ingress_warnings(opts, &warn) == 0)
		for (size_t i = 0; i < warn.n; i++)
			ml7_cli_warn(ctx, "%s", warn.items[i]);
	ml7_strlist_free(&warn);
	return 0;
}

static int render_run(struct ml7_ctx *ctx, void *o, int argc, char **argv)
{
	struct render_opts *ro = o;
	struct ml7_ingress_opts opts;
	struct ml7_release *rel = NULL;
	struct ml7_err err = {0};
	struct ml7_buf b = ML7_BUF_INIT;
	cJSON *obj = NULL;
	int rc;

	(void)argc;
	rc = prepare(ctx, &ro->ing, argv[0], ro->service, ro->port, ro->region, &opts, &rel);
	if (rc)
		goto out;
	if (ml7_ingress_build(&opts, rel, &obj, &err)) {
		rc = ml7_cli_fail(ctx, &err);
		goto out;
	}
	if (ml7_cli_output_format(ctx) != 0) {
		rc = ml7_cli_print_object(ctx, obj);
		goto out;
	}
	if (ml7_yaml_emit(obj, &b, &err)) {
		rc = ml7_cli_fail(ctx, &err);
		goto out;
	}
	if (fwrite(b.data, 1, b.len, stdout) != b.len) {
		ml7_cli_error(ctx, "cannot write the output");
		rc = ML7_EXIT_FAILURE;
	}
out:
	ml7_buf_free(&b);
	cJSON_Delete(obj);
	ml7_release_free(rel);
	return rc;
}

static const struct ml7_cmd cmd_ingress_render = {
	.name = "render",
	.summary = "print the ALB Ingress for a Milvus release (YAML, or -o json)",
	.usage = "ingress render RELEASE --host HOST --cert-arn ARN [flags]",
	.help = "Prints the Ingress that 'ingress apply' would apply.  By default it is exactly the\n"
		"object of the Milvus guide: internet-facing, HTTPS 443, backend protocol GRPC, target\n"
		"type ip, class alb, the host rule / Prefix to the Milvus Service's gRPC port.\n"
		"'ingress render ... | kubectl apply -f -' gives the same object as 'ingress apply'.",
	.opts = render_table,
	.opts_size = sizeof(struct render_opts),
	.flags = ML7_CMD_KUBE | ML7_CMD_OUTPUT,
	.min_args = 1,
	.max_args = 1,
	.run = render_run,
};

static const struct ml7_cmd *const ingress_cmds[] = {
	&cmd_ingress_render,
	NULL
};

const struct ml7_cmd cmd_ingress = {
	.name = "ingress",
	.summary = "render, apply or delete the ALB Ingress of a Milvus release",
	.usage = "ingress render|apply|delete RELEASE [flags]",
	.subcommands = ingress_cmds,
};
