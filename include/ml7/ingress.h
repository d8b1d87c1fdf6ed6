/* ingress.h - the ALB Ingress of a Milvus release: options -> object.
 *
 * By default the object is exactly the one of the Milvus guide "Set up a
 * Layer-7 Load Balancer for Milvus on AWS":
 *
 *   apiVersion: networking.k8s.io/v1, kind: Ingress, name = the Service name
 *   labels:      app.kubernetes.io/managed-by: milvus-l7
 *   annotations: alb.ingress.kubernetes.io/scheme: internet-facing
 *                alb.ingress.kubernetes.io/backend-protocol-version: GRPC
 *                alb.ingress.kubernetes.io/target-type: ip
 *                alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS":443}]'
 *                alb.ingress.kubernetes.io/certificate-arn: ARN[,ARN...]
 *   spec:        ingressClassName: alb; one rule: host, path / Prefix,
 *                backend service:port number
 *
 * Each option adds one annotation (or changes one field); the gRPC health
 * check defaults of the controller (/AWS.ALB/healthcheck, code 12) are left
 * alone unless an --annotation sets them.
 *
 * Lists are borrowed arrays of strings; an entry may hold several values
 * separated by commas ("a,b"), as the annotations do.  Nothing is copied: the
 * strings must live as long as the opts. */
#ifndef ML7_INGRESS_H
#define ML7_INGRESS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "ml7/err.h"

struct ml7_release;
struct ml7_strlist;

#define ML7_INGRESS_MANAGED_BY_LABEL "app.kubernetes.io/managed-by"
#define ML7_INGRESS_MANAGED_BY "milvus-l7"
#define ML7_ALB_PREFIX "alb.ingress.kubernetes.io/"
#define ML7_INGRESS_DEFAULT_CLASS "alb"

struct ml7_ingress_list {
	const char *const *items;
	size_t n;
};

struct ml7_ingress_opts {
	const char *name;               /* NULL: the release's Service name */
	const char *host;               /* required: the rule's host (wildcard *.x allowed) */
	struct ml7_ingress_list cert_arns;   /* required: ACM ARNs; the first is the default */
	const char *scheme;             /* NULL: internet-facing; or internal */
	const char *ssl_policy;         /* NULL: the controller's default */
	const char *group_name;
	int group_order;                /* -1000..1000, used when group_order_set */
	int group_order_set;
	const char *load_balancer_name; /* <= 32 characters */
	long idle_timeout_s;            /* 0: not set (the ALB default is 60 s); 1..4000 */
	struct ml7_ingress_list inbound_cidrs;
	struct ml7_ingress_list subnets;     /* IDs (subnet-...) or Name tags; >= 2 */
	struct ml7_ingress_list security_groups;  /* IDs (sg-...) or Name tags */
	struct ml7_ingress_list tags;        /* k=v */
	const char *wafv2_acl_arn;      /* an ARN, or "none" */
	const char *ingress_class;      /* NULL: alb */
	struct ml7_ingress_list annotations; /* extra "key=value", one per entry (no splitting) */
	const char *region;             /* the cluster's region when known: the ARNs must match */
};

/* Checks every option; the first fault gives one message naming the flag and
 * the rule, e.g.
 *   certificate ARN 'arn:aws:acm:us-east-1:1234:certificate/x': the account must be 12 digits
 * 0 or ML7_EINVAL. */
int ml7_ingress_validate(const struct ml7_ingress_opts *opts, struct ml7_err *err);

/* Validates, then builds the Ingress for the release (namespace, Service,
 * port).  *out is a new object owned by the caller. */
int ml7_ingress_build(const struct ml7_ingress_opts *opts, const struct ml7_release *release,
		      cJSON **out, struct ml7_err *err);

/* The annotations of the object alone, as a JSON object of strings
 * (validated): what the Helm plugin puts into the chart's ingress block. */
int ml7_ingress_annotations(const struct ml7_ingress_opts *opts, cJSON **out, struct ml7_err *err);

/* Advice about valid options (appended to out, one line each): the ALB idle
 * timeout of 60 s when none is set, an internal scheme, security groups that
 * turn off inbound-cidrs.  0 or ML7_ENOMEM. */
int ml7_ingress_warnings(const struct ml7_ingress_opts *opts, struct ml7_strlist *out);

/* Single rules, exposed for other modules (doctor, cert) and tests.  Each
 * returns 0 or ML7_EINVAL with the message for what. */
int ml7_ingress_check_cert_arn(const char *arn, const char *region, struct ml7_err *err);
int ml7_ingress_check_host(const char *host, struct ml7_err *err);
/* The region of an ACM ARN into buf ("" when it is not an ARN). */
void ml7_ingress_arn_region(const char *arn, char *buf, size_t n);

/* 1 when obj's metadata.labels say milvus-l7 manages it. */
int ml7_ingress_is_managed(const cJSON *obj);

#endif
