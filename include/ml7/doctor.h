/* doctor.h - a preflight report before the ALB Ingress is applied.
 *
 * Checks, each OK / WARN / FAIL with a detail and a hint:
 *   namespace      the namespace exists
 *   service        the Milvus Service of the release and its gRPC port
 *   service-type   ClusterIP (a LoadBalancer Service keeps its own balancer)
 *   ingress-class  IngressClass alb with controller ingress.k8s.aws/alb
 *   controller     the AWS Load Balancer Controller Deployment and its ready replicas
 *   ingress        no Ingress of that name that milvus-l7 does not manage, and no other
 *                  Ingress routing the same host or Service
 *   certificate    each --cert-arn: syntax, and region against the cluster's region
 * Reading errors of one check (e.g. RBAC) make that check WARN; the run goes on. */
#ifndef ML7_DOCTOR_H
#define ML7_DOCTOR_H

#include <stddef.h>

#include "ml7/err.h"

struct ml7_kube;

enum ml7_check_status { ML7_CHECK_OK = 0, ML7_CHECK_WARN = 1, ML7_CHECK_FAIL = 2 };

struct ml7_check {
	char name[32];
	int status;                  /* enum ml7_check_status */
	char detail[512];
	char hint[256];              /* "" when none */
};

struct ml7_doctor_opts {
	const char *ns;              /* NULL: the client's namespace */
	const char *release;
	const char *service;         /* skip discovery: this Service (port 19530 or named milvus) */
	const char *ingress_name;    /* NULL: the Service's name */
	const char *ingress_class;   /* NULL: alb */
	const char *host;            /* the rule's host, for the conflict check (may be NULL) */
	const char *const *cert_arns;
	size_t n_cert_arns;
	const char *region;          /* NULL: from the nodes' topology.kubernetes.io/region */
};

struct ml7_doctor_report {
	struct ml7_check *checks;
	size_t n;
	int worst;                   /* enum ml7_check_status */
};

/* Runs every check.  0 (whatever the checks found) or ML7_ENOMEM /
 * ML7_ECANCELED; the report is freed with ml7_doctor_report_free(). */
int ml7_doctor_run(struct ml7_kube *k, const struct ml7_doctor_opts *opts, struct ml7_doctor_report *out,
		   struct ml7_err *err);
void ml7_doctor_report_free(struct ml7_doctor_report *r);
const char *ml7_check_status_name(int status);    /* "OK", "WARN", "FAIL" */

/* The cluster's AWS region from a node's topology.kubernetes.io/region (or
 * the beta label) into buf; "" when unknown (no nodes, or not allowed). */
void ml7_cluster_region(struct ml7_kube *k, char *buf, size_t n);

#endif
