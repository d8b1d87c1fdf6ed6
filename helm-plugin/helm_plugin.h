/* helm_plugin.h - pieces of the `helm milvus-l7` front end. */
#ifndef HELM_PLUGIN_H
#define HELM_PLUGIN_H

#include "ml7/cli.h"

void helm_kube_env(struct ml7_kube_flags *kf);

struct ml7_helm_conf;
struct ml7_helm_flip_opts;
/* The helm settings: $HELM_BIN and the connection flags of ctx. */
void helm_conf_from_ctx(const struct ml7_ctx *ctx, long timeout_ms, struct ml7_helm_conf *conf);
/* Runs the flip (or revert) and prints the outcome; returns the exit code. */
int helm_flip_report(struct ml7_ctx *ctx, const struct ml7_helm_conf *conf,
		     const struct ml7_helm_flip_opts *fo);

extern const struct ml7_cmd cmd_upgrade;
extern const struct ml7_cmd cmd_revert;
extern const struct ml7_cmd cmd_post_render;

#endif
