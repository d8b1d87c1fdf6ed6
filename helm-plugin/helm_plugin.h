/* helm_plugin.h - pieces of the `helm milvus-l7` front end. */
#ifndef HELM_PLUGIN_H
#define HELM_PLUGIN_H

#include "ml7/cli.h"

void helm_kube_env(struct ml7_kube_flags *kf);

#endif
