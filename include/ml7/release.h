/* release.h - the Milvus Service behind a Helm release or a Milvus Operator CR.
 *
 * Helm chart: the Service labelled app.kubernetes.io/instance=RELEASE and
 * app.kubernetes.io/name=milvus whose component (label `component` or
 * `app.kubernetes.io/component`) is proxy or standalone and that has a port
 * named `milvus` (else 19530).  Milvus Operator: the Service `<CR>-milvus`
 * (labels app.kubernetes.io/instance=CR, managed-by milvus-operator).
 * None or several: ML7_ENOTFOUND / ML7_EINVAL with a message that lists what
 * was found. */
#ifndef ML7_RELEASE_H
#define ML7_RELEASE_H

#include "ml7/err.h"

struct ml7_kube;

enum ml7_release_kind {
	ML7_RELEASE_GIVEN = 0,       /* named by the user (--service), not looked up */
	ML7_RELEASE_HELM,
	ML7_RELEASE_OPERATOR
};

struct ml7_release {
	char *name;                  /* the release or CR name */
	char *namespace_;            /* NULL: not known (the object is then namespace-less) */
	char *service;               /* the Service the Ingress routes to */
	int port;                    /* its gRPC port number (19530) */
	char *port_name;             /* "milvus", or NULL */
	char *service_type;          /* "ClusterIP", "LoadBalancer", "NodePort", or NULL */
	char *component;             /* "proxy", "standalone", or NULL */
	int kind;                    /* enum ml7_release_kind */
};

/* Finds the Service of RELEASE in namespace ns (NULL: the client's).  service
 * non-NULL: only that one of the release's Milvus Services (a release with
 * several); NULL: the one there is. */
int ml7_release_find(struct ml7_kube *k, const char *ns, const char *release, const char *service,
		     struct ml7_release **out, struct ml7_err *err);

/* A release the caller describes (no lookup): copies the strings. */
int ml7_release_new(const char *name, const char *ns, const char *service, int port,
		    struct ml7_release **out, struct ml7_err *err);

void ml7_release_free(struct ml7_release *r);

#endif
