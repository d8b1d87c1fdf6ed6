/* kube_connect.c - the front ends' way to a Kubernetes client: the kubectl
 * flags (or Helm's HELM_* environment) -> a resolved kubeconfig -> a client. */
#include "ml7/cli.h"
#include "ml7/kube.h"
#include "ml7/log.h"

int ml7_cli_kube(struct ml7_ctx *ctx, struct ml7_kube **out)
{
	struct ml7_kube_config *cfg = NULL;
	struct ml7_err err = {0};
	int rc = ml7_kube_config_load(&ctx->kube, &cfg, &err);

	if (rc == 0) {
		ml7_log(ML7_LOG_ACTION, "kubernetes: context %s, cluster %s, user %s, server %s, "
			"namespace %s (from %s)", cfg->context ? cfg->context : "-",
			cfg->cluster_name ? cfg->cluster_name : "-", cfg->user_name ? cfg->user_name : "-",
			cfg->server, cfg->namespace_, cfg->source);
		rc = ml7_kube_new(cfg, out, &err);
	}
	ml7_kube_config_free(cfg);
	return rc ? ml7_cli_fail(ctx, &err) : 0;
}
