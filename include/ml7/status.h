/* status.h - what Milvus deployments a cluster holds and how they are exposed.
 *
 * Milvus is found by its Services: labelled app.kubernetes.io/name=milvus with
 * the component (label `component` or `app.kubernetes.io/component`) proxy or
 * standalone (Helm chart), or managed by milvus-operator and named
 * `<instance>-milvus` (Milvus Operator).  Ingresses in the same namespace whose
 * default backend or rules route to such a Service are attached with their
 * address.  Services and Ingresses are read page by page (flat memory for
 * large clusters). */
#ifndef ML7_STATUS_H
#define ML7_STATUS_H

#include <cjson/cJSON.h>

#include "ml7/err.h"

struct ml7_kube;

/* *out: {"items": [{"namespace", "release", "managedBy" ("Helm",
 * "milvus-operator", ...), "component", "service", "type", "clusterIP",
 * "ports": [{"name", "port", "protocol", "nodePort"}], "loadBalancer":
 * ["host or ip", ...], "ingresses": [{"name", "class", "hosts": [...],
 * "address": "..." or null}]}, ...]}, sorted by namespace and release.
 * ns NULL: every namespace; release NULL: every release. */
int ml7_status_collect(struct ml7_kube *k, const char *ns, const char *release, cJSON **out,
		       struct ml7_err *err);

#endif
