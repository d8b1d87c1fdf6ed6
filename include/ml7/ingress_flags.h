/* ingress_flags.h - the Ingress flags, shared by every command that builds the
 * ALB Ingress (ingress render/apply, setup, the Helm plugin).
 *
 * A command struct T holds a `struct ml7_ingress_flags member`; its option
 * table lists ML7_INGRESS_FLAG_OPTS(T, member) among its own rows, and its
 * run() turns the flags into model options with ml7_ingress_flags_apply(). */
#ifndef ML7_INGRESS_FLAGS_H
#define ML7_INGRESS_FLAGS_H

#include <stddef.h>

#include "ml7/cli.h"
#include "ml7/ingress.h"
#include "ml7/strlist.h"

struct ml7_ingress_flags {
	const char *host;
	struct ml7_strlist cert_arns;
	const char *scheme;
	const char *ssl_policy;
	const char *group_name;
	const char *group_order;        /* parsed by apply: may be negative */
	const char *load_balancer_name;
	long idle_timeout_ms;
	struct ml7_strlist inbound_cidrs;
	struct ml7_strlist subnets;
	struct ml7_strlist security_groups;
	struct ml7_strlist tags;
	const char *wafv2_acl_arn;
	const char *ingress_class;
	const char *name;
	struct ml7_strlist annotations;
};

#define ML7_INGRESS_FLAG_OPTS(T, m) \
	{"host", 0, ML7_OPT_STRING, offsetof(T, m.host), "HOST", \
	 "the name clients connect to (the Ingress rule's host; *.example.com allowed)"}, \
	{"cert-arn", 0, ML7_OPT_LIST, offsetof(T, m.cert_arns), "ARN", \
	 "ACM certificate ARN for the HTTPS listener (repeatable or a,b; the first is the default)"}, \
	{"scheme", 0, ML7_OPT_STRING, offsetof(T, m.scheme), "SCHEME", \
	 "internet-facing (default) or internal"}, \
	{"ssl-policy", 0, ML7_OPT_STRING, offsetof(T, m.ssl_policy), "POLICY", \
	 "the listener's TLS policy, e.g. ELBSecurityPolicy-TLS13-1-2-2021-06"}, \
	{"group-name", 0, ML7_OPT_STRING, offsetof(T, m.group_name), "NAME", \
	 "share one ALB with the other Ingresses of this group"}, \
	{"group-order", 0, ML7_OPT_STRING, offsetof(T, m.group_order), "N", \
	 "rank within the group, -1000..1000 (lower first)"}, \
	{"load-balancer-name", 0, ML7_OPT_STRING, offsetof(T, m.load_balancer_name), "NAME", \
	 "the ALB's name (at most 32 characters; set at creation only)"}, \
	{"idle-timeout", 0, ML7_OPT_DURATION, offsetof(T, m.idle_timeout_ms), "DURATION", \
	 "the ALB idle timeout, 1s..4000s (the default 60s cuts long searches and index builds)"}, \
	{"inbound-cidrs", 0, ML7_OPT_LIST, offsetof(T, m.inbound_cidrs), "CIDR", \
	 "who may connect (repeatable or a,b; default 0.0.0.0/0)"}, \
	{"subnets", 0, ML7_OPT_LIST, offsetof(T, m.subnets), "SUBNET", \
	 "subnet IDs or Name tags, two or more (default: discovered by tags)"}, \
	{"security-groups", 0, ML7_OPT_LIST, offsetof(T, m.security_groups), "SG", \
	 "security group IDs or Name tags (default: made by the controller)"}, \
	{"tags", 0, ML7_OPT_LIST, offsetof(T, m.tags), "K=V", \
	 "AWS tags for the ALB and its target group (repeatable or k=v,k2=v2)"}, \
	{"wafv2-acl-arn", 0, ML7_OPT_STRING, offsetof(T, m.wafv2_acl_arn), "ARN", \
	 "a regional WAFv2 web ACL to attach, or none"}, \
	{"ingress-class", 0, ML7_OPT_STRING, offsetof(T, m.ingress_class), "CLASS", \
	 "the IngressClass of the AWS Load Balancer Controller (default alb)"}, \
	{"name", 0, ML7_OPT_STRING, offsetof(T, m.name), "NAME", \
	 "the Ingress name (default: the Milvus Service's name)"}, \
	{"annotation", 0, ML7_OPT_LIST, offsetof(T, m.annotations), "K=V", \
	 "an extra annotation, e.g. alb.ingress.kubernetes.io/healthcheck-path=/x (repeatable)"}

/* Fills opts from flags (opts borrows the flags' strings; other fields of
 * opts are left as they are).  A malformed --group-order or an idle timeout
 * that is not whole seconds: ML7_EINVAL with the message. */
int ml7_ingress_flags_apply(const struct ml7_ingress_flags *flags, struct ml7_ingress_opts *opts,
			    struct ml7_err *err);

#endif
