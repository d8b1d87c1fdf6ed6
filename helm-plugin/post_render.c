/* post_render.c - `helm-milvus-l7 post-render`: a Helm post-renderer.  Helm 3:
 * `--post-renderer PATH/helm-milvus-l7 --post-renderer-args post-render`;
 * Helm 4: the postrenderer/v1 plugin in helm-plugin/postrenderer/
 * (`--post-renderer milvus-l7-postrender`).  Manifests on stdin, result on stdout. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ml7/buf.h"
#include "ml7/helm.h"
#include "ml7/ingress.h"
#include "ml7/ingress_flags.h"

#include "helm_plugin.h"

struct post_render_opts {
	struct ml7_ingress_flags ing;
	const char *service_type;
};

static const struct ml7_opt post_render_table[] = {
	ML7_INGRESS_FLAG_OPTS(struct post_render_opts, ing),
	{"service-type", 0, ML7_OPT_STRING, offsetof(struct post_render_opts, service_type), "TYPE",
	 "the Service type to set (default ClusterIP)"},
	ML7_OPT_END
};

static int post_render_run(struct ml7_ctx *ctx, void *o, int argc, char **argv)
{
	struct post_render_opts *po = o;
	struct ml7_ingress_opts ing = {0};
	struct ml7_buf in = ML7_BUF_INIT, out = ML7_BUF_INIT;
	struct ml7_err err = {0};
	int with_ingress = po->ing.host || po->ing.cert_arns.n, rc = 0;
	char chunk[65536];
	ssize_t n;

	(void)argc;
	(void)argv;
	if (with_ingress && (!po->ing.host || !po->ing.cert_arns.n))
		return ml7_cli_usage_error(ctx, "--host and --cert-arn go together");
	if (with_ingress && (ml7_ingress_flags_apply(&po->ing, &ing, &err) ||
			     ml7_ingress_validate(&ing, &err)))
		return ml7_cli_usage_error(ctx, "%s", err.msg);
	while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) > 0)
		if (ml7_buf_append(&in, chunk, (size_t)n)) {
			ml7_cli_error(ctx, "the manifests on stdin are too large");
			rc = ML7_EXIT_FAILURE;
			goto out;
		}
	if (n < 0) {
		ml7_cli_error(ctx, "cannot read the manifests on stdin");
		rc = ML7_EXIT_FAILURE;
		goto out;
	}
	if (ml7_helm_post_render(in.data ? in.data : "", in.len, po->service_type,
				 with_ingress ? &ing : NULL, &out, &err)) {
		rc = ml7_cli_fail(ctx, &err);
		goto out;
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		ml7_cli_error(ctx, "cannot write the manifests");
		rc = ML7_EXIT_FAILURE;
	}
out:
	ml7_buf_free(&in);
	ml7_buf_free(&out);
	return rc;
}

const struct ml7_cmd cmd_post_render = {
	.name = "post-render",
	.summary = "a Helm post-renderer: the Milvus Service to ClusterIP, the ALB Ingress added",
	.usage = "post-render [--host HOST --cert-arn ARN] < manifests.yaml",
	.help = "Reads helm's rendered manifests on stdin and writes them to stdout with the Milvus\n"
		"Service flipped to ClusterIP and, with --host and --cert-arn, the ALB Ingress added (or\n"
		"replacing the chart's Ingress of the same name).  Every other document is unchanged.\n"
		"Helm 3:  helm upgrade ... --post-renderer PATH/helm-milvus-l7 \\\n"
		"             --post-renderer-args post-render --post-renderer-args --host=H ...\n"
		"Helm 4:  helm plugin install helm-plugin/postrenderer, then\n"
		"         helm upgrade ... --post-renderer milvus-l7-postrender --post-renderer-args --host=H ...",
	.opts = post_render_table,
	.opts_size = sizeof(struct post_render_opts),
	.min_args = 0,
	.max_args = 0,
	.run = post_render_run,
};
