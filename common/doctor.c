/* doctor.c - the preflight report: namespace, Service, IngressClass, the
 * controller, conflicting Ingresses, certificate ARNs. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ml7/alb.h"
#include "ml7/buf.h"
#include "ml7/cancel.h"
#include "ml7/doctor.h"
#include "ml7/ingress.h"
#include "ml7/kube.h"
#include "ml7/mem.h"
#include "ml7/release.h"

static const cJSON *at(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	return b ? cJSON_GetObjectItemCaseSensitive(v, b) : v;
}

static const char *str(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = at(o, a, b);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *ml7_check_status_name(int status)
{
	return status == ML7_CHECK_OK ? "OK" : status == ML7_CHECK_WARN ? "WARN" : "FAIL";
}

void ml7_doctor_report_free(struct ml7_doctor_report *r)
{
	if (!r)
		return;
	ml7_free(r->checks);
	r->checks = NULL;
	r->n = 0;
}

__attribute__((format(printf, 5, 6)))
static int add(struct ml7_doctor_report *r, const char *name, int status, const char *hint, const char *fmt, ...)
{
	struct ml7_check *c = ml7_realloc(r->checks, (r->n + 1) * sizeof(*c));
	va_list ap;

	if (!c)
		return ML7_ENOMEM;
	r->checks = c;
	c += r->n++;
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->status = status;
	snprintf(c->hint, sizeof(c->hint), "%s", hint ? hint : "");
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	if (status > r->worst)
		r->worst = status;
	return 0;
}

struct region_scan {
	char *buf;
	size_t n;
};

static int node_region(void *ud, const cJSON *node, struct ml7_err *err)
{
	struct region_scan *s = ud;
	const cJSON *labels = at(at(node, "metadata", NULL), "labels", NULL);
	const char *r = str(labels, "topology.kubernetes.io/region", NULL);

	(void)err;
	if (!r)
		r = str(labels, "failure-domain.beta.kubernetes.io/region", NULL);
	if (!r)
		return 0;
	snprintf(s->buf, s->n, "%s", r);
	return 1;
}

void ml7_cluster_region(struct ml7_kube *k, char *buf, size_t n)
{
	struct ml7_kube_list_opts lo = {0};
	struct region_scan s = {buf, n};
	struct ml7_err err = {0};

	buf[0] = '\0';
	lo.limit = 5;
	ml7_kube_list(k, "/api/v1/nodes", &lo, node_region, &s, NULL, &err);
}

static int get(struct ml7_kube *k, const char *gv, const char *ns, const char *res, const char *name, cJSON **out,
	       struct ml7_err *err)
{
	struct ml7_buf p = ML7_BUF_INIT;
	int rc;

	*out = NULL;
	if (ml7_kube_path(&p, gv, ns, res, name, NULL))
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
	else
		rc = ml7_kube_get(k, p.data, out, err);
	ml7_buf_free(&p);
	return rc;
}

/* ---- the checks --------------------------------------------------------- */

static int check_namespace(struct ml7_kube *k, const char *ns, struct ml7_doctor_report *r)
{
	struct ml7_err err = {0};
	cJSON *o = NULL;
	int rc = get(k, "v1", NULL, "namespaces", ns, &o, &err);

	cJSON_Delete(o);
	if (rc == 0)
		return add(r, "namespace", ML7_CHECK_OK, NULL, "namespace %s exists", ns);
	if (rc == ML7_ENOTFOUND)
		return add(r, "namespace", ML7_CHECK_FAIL, "give the release's namespace with -n", "namespace %s not found",
			   ns);
	return add(r, "namespace", ML7_CHECK_WARN, NULL, "cannot read namespace %s: %s", ns, err.msg);
}

static int check_service(struct ml7_kube *k, const struct ml7_doctor_opts *o, const char *ns,
			 struct ml7_release **rel, struct ml7_doctor_report *r)
{
	struct ml7_err err = {0};
	int rc;

	*rel = NULL;
	if (o->service) {
		cJSON *svc = NULL;
		const cJSON *p;
		int port = 0;

		rc = get(k, "v1", ns, "services", o->service, &svc, &err);
		if (rc) {
			cJSON_Delete(svc);
			return add(r, "service", ML7_CHECK_FAIL, "check --service and -n", "Service %s/%s: %s", ns,
				   o->service, err.msg);
		}
		cJSON_ArrayForEach(p, at(svc, "spec", "ports")) {
			const char *pn = str(p, "name", NULL);
			const cJSON *num = at(p, "port", NULL);

			if (cJSON_IsNumber(num) && ((pn && strcmp(pn, "milvus") == 0) || num->valueint == 19530)) {
				port = num->valueint;
				break;
			}
		}
		if (!port) {
			cJSON_Delete(svc);
			return add(r, "service", ML7_CHECK_FAIL, NULL, "Service %s/%s has no port named milvus nor 19530",
				   ns, o->service);
		}
		rc = ml7_release_new(o->release, ns, o->service, port, rel, &err);
		if (rc == 0) {
			const char *t = str(svc, "spec", "type");

			(*rel)->service_type = ml7_strdup(t ? t : "ClusterIP");
			if (!(*rel)->service_type)
				rc = ML7_ENOMEM;
		}
		cJSON_Delete(svc);
		if (rc)
			return ML7_ENOMEM;
	} else {
		rc = ml7_release_find(k, ns, o->release, NULL, rel, &err);
		if (rc == ML7_ENOMEM)
			return rc;
		if (rc)   /* several: the message already asks for --service */
			return add(r, "service", ML7_CHECK_FAIL, rc == ML7_ENOTFOUND ?
				   "check the release name and -n, or give --service" : NULL, "%s", err.msg);
	}
	return add(r, "service", ML7_CHECK_OK, NULL, "Service %s/%s, gRPC port %s%s%d%s%s", ns, (*rel)->service,
		   (*rel)->port_name ? (*rel)->port_name : "", (*rel)->port_name ? " " : "", (*rel)->port,
		   (*rel)->kind == ML7_RELEASE_OPERATOR ? " (Milvus Operator)" :
		   (*rel)->kind == ML7_RELEASE_HELM ? " (Helm chart" : "",
		   (*rel)->kind == ML7_RELEASE_HELM ? ((*rel)->component && strcmp((*rel)->component, "proxy") == 0 ?
						       ", cluster)" : ", standalone)") : "");
}

static int check_service_type(const struct ml7_release *rel, struct ml7_doctor_report *r)
{
	const char *t = rel->service_type ? rel->service_type : "ClusterIP";

	if (strcmp(t, "ClusterIP") == 0)
		return add(r, "service-type", ML7_CHECK_OK, NULL, "the Service is ClusterIP: reached only through the ALB");
	if (strcmp(t, "LoadBalancer") == 0)
		return add(r, "service-type", ML7_CHECK_WARN, rel->kind == ML7_RELEASE_OPERATOR ?
			   "set serviceType: ClusterIP under spec.components.proxy (or standalone) of the Milvus CR" :
			   "flip it with 'helm milvus-l7 upgrade' (values kept)",
			   "the Service is a LoadBalancer: its own Layer-4 balancer stays up and open beside the ALB");
	return add(r, "service-type", ML7_CHECK_WARN, NULL, "the Service is %s; the ALB (target type ip) needs no "
		   "node port", t);
}

static int check_class(struct ml7_kube *k, const char *klass, struct ml7_doctor_report *r)
{
	struct ml7_err err = {0};
	cJSON *ic = NULL;
	const char *ctl;
	int rc = get(k, "networking.k8s.io/v1", NULL, "ingressclasses", klass, &ic, &err);

	if (rc == ML7_ENOTFOUND)
		return add(r, "ingress-class", ML7_CHECK_FAIL, "install the AWS Load Balancer Controller (its Helm "
			   "chart creates the class), or name yours with --ingress-class",
			   "no IngressClass '%s'", klass);
	if (rc) {
		cJSON_Delete(ic);
		return add(r, "ingress-class", ML7_CHECK_WARN, NULL, "cannot read IngressClass %s: %s", klass, err.msg);
	}
	ctl = str(ic, "spec", "controller");
	rc = ctl && strcmp(ctl, ML7_ALB_CONTROLLER) == 0 ?
	     add(r, "ingress-class", ML7_CHECK_OK, NULL, "IngressClass %s, controller %s", klass, ctl) :
	     add(r, "ingress-class", ML7_CHECK_FAIL, "use the class of the AWS Load Balancer Controller",
		 "IngressClass %s belongs to controller '%s', not " ML7_ALB_CONTROLLER, klass, ctl ? ctl : "(none)");
	cJSON_Delete(ic);
	return rc;
}

struct dep_scan {
	char name[300];
	long ready, want;
	int n;
};

static int dep_item(void *ud, const cJSON *d, struct ml7_err *err)
{
	struct dep_scan *s = ud;
	const cJSON *ready = at(d, "status", "readyReplicas"), *want = at(d, "spec", "replicas");

	(void)err;
	if (s->n++ == 0) {
		snprintf(s->name, sizeof(s->name), "%s/%s", str(d, "metadata", "namespace"), str(d, "metadata", "name"));
		s->ready = cJSON_IsNumber(ready) ? (long)ready->valuedouble : 0;
		s->want = cJSON_IsNumber(want) ? (long)want->valuedouble : 1;
	}
	return 0;
}

static int check_controller(struct ml7_kube *k, struct ml7_doctor_report *r)
{
	struct ml7_kube_list_opts lo = {0};
	struct ml7_err err = {0};
	struct dep_scan s;
	cJSON *d = NULL;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = get(k, "apps/v1", "kube-system", "deployments", "aws-load-balancer-controller", &d, &err);
	if (rc == 0) {
		dep_item(&s, d, NULL);
	} else if (rc == ML7_ENOTFOUND) {
		ml7_err_clear(&err);
		lo.label_selector = "app.kubernetes.io/name=aws-load-balancer-controller";
		rc = ml7_kube_list(k, "/apis/apps/v1/deployments", &lo, dep_item, &s, NULL, &err);
	}
	cJSON_Delete(d);
	if (rc)
		return add(r, "controller", ML7_CHECK_WARN, NULL, "cannot look for the AWS Load Balancer Controller: %s",
			   err.msg);
	if (s.n == 0)
		return add(r, "controller", ML7_CHECK_WARN, "install it: helm install aws-load-balancer-controller "
			   "eks/aws-load-balancer-controller -n kube-system",
			   "no Deployment kube-system/aws-load-balancer-controller (nor one labelled "
			   "app.kubernetes.io/name=aws-load-balancer-controller)");
	if (s.ready < 1)
		return add(r, "controller", ML7_CHECK_FAIL, "look at its pods: kubectl -n kube-system get pods -l "
			   "app.kubernetes.io/name=aws-load-balancer-controller",
			   "Deployment %s has no ready replica (its webhook rejects Ingress writes meanwhile)", s.name);
	return add(r, "controller", ML7_CHECK_OK, NULL, "Deployment %s, %ld/%ld ready", s.name, s.ready, s.want);
}

struct ing_scan {
	const char *name, *host, *service;
	struct ml7_buf others;
	int same_name_unmanaged;
};

static int ing_item(void *ud, const cJSON *ing, struct ml7_err *err)
{
	struct ing_scan *s = ud;
	const char *name = str(ing, "metadata", "name");
	const cJSON *rule, *path;

	(void)err;
	if (!name)
		return 0;
	if (strcmp(name, s->name) == 0) {
		if (!ml7_ingress_is_managed(ing))
			s->same_name_unmanaged = 1;
		return 0;
	}
	cJSON_ArrayForEach(rule, at(ing, "spec", "rules")) {
		const char *h = str(rule, "host", NULL);
		int hit = s->host && h && strcmp(h, s->host) == 0;

		cJSON_ArrayForEach(path, at(at(rule, "http", NULL), "paths", NULL)) {
			const char *svc = str(at(path, "backend", NULL), "service", "name");

			if (svc && s->service && strcmp(svc, s->service) == 0)
				hit = 1;
		}
		if (hit) {
			ml7_buf_printf(&s->others, "%s%s", s->others.len ? ", " : "", name);
			break;
		}
	}
	return 0;
}

static int check_ingress(struct ml7_kube *k, const char *ns, const char *name, const char *host, const char *service,
			 struct ml7_doctor_report *r)
{
	struct ml7_kube_list_opts lo = {0};
	struct ml7_err err = {0};
	struct ml7_buf p = ML7_BUF_INIT;
	struct ing_scan s = {name, host, service, ML7_BUF_INIT, 0};
	int rc;

	if (ml7_kube_path(&p, "networking.k8s.io/v1", ns, "ingresses", NULL, NULL))
		return ML7_ENOMEM;
	rc = ml7_kube_list(k, p.data, &lo, ing_item, &s, NULL, &err);
	ml7_buf_free(&p);
	if (rc)
		rc = add(r, "ingress", ML7_CHECK_WARN, NULL, "cannot list the Ingresses of %s: %s", ns, err.msg);
	else if (s.same_name_unmanaged)
		rc = add(r, "ingress", ML7_CHECK_FAIL, "choose another --name, or take it over with --force",
			 "ingress %s/%s exists and milvus-l7 does not manage it", ns, name);
	else if (s.others.len)
		rc = add(r, "ingress", ML7_CHECK_WARN, "two Ingresses for one host or Service make two ALBs (or fight in "
			 "a group); delete the old one", "other Ingresses route the same host or Service: %s",
			 s.others.data);
	else
		rc = add(r, "ingress", ML7_CHECK_OK, NULL, "no conflicting Ingress in %s", ns);
	ml7_buf_free(&s.others);
	return rc;
}

static int check_certs(const struct ml7_doctor_opts *o, const char *region, struct ml7_doctor_report *r)
{
	if (o->n_cert_arns == 0)
		return add(r, "certificate", ML7_CHECK_WARN, "give --cert-arn (or import one with 'kubectl milvus-l7 "
			   "cert import')", "no certificate ARN given; nothing to check");
	for (size_t i = 0; i < o->n_cert_arns; i++) {
		struct ml7_err err = {0};
		int rc;

		if (ml7_ingress_check_cert_arn(o->cert_arns[i], region, &err))
			rc = add(r, "certificate", ML7_CHECK_FAIL, "an ALB uses ACM certificates of its own region", "%s",
				 err.msg);
		else if (!region || !*region)
			rc = add(r, "certificate", ML7_CHECK_WARN, "give --region to check it", "%s: well-formed; the "
				 "cluster's region is unknown (no node carries topology.kubernetes.io/region)",
				 o->cert_arns[i]);
		else
			rc = add(r, "certificate", ML7_CHECK_OK, NULL, "%s: well-formed, region %s", o->cert_arns[i],
				 region);
		if (rc)
			return rc;
	}
	return 0;
}

int ml7_doctor_run(struct ml7_kube *k, const struct ml7_doctor_opts *o, struct ml7_doctor_report *out,
		   struct ml7_err *err)
{
	struct ml7_doctor_report r = {NULL, 0, ML7_CHECK_OK};
	struct ml7_release *rel = NULL;
	const char *ns = o->ns ? o->ns : ml7_kube_namespace(k);
	char region[64] = "";
	int rc;

	if (o->region)
		snprintf(region, sizeof(region), "%s", o->region);
	else if (o->n_cert_arns)
		ml7_cluster_region(k, region, sizeof(region));
	rc = check_namespace(k, ns, &r);
	if (!rc)
		rc = check_service(k, o, ns, &rel, &r);
	if (!rc && rel)
		rc = check_service_type(rel, &r);
	if (!rc)
		rc = check_class(k, o->ingress_class ? o->ingress_class : ML7_INGRESS_DEFAULT_CLASS, &r);
	if (!rc)
		rc = check_controller(k, &r);
	if (!rc)
		rc = check_ingress(k, ns, o->ingress_name ? o->ingress_name : rel ? rel->service : o->release, o->host,
				   rel ? rel->service : NULL, &r);
	if (!rc)
		rc = check_certs(o, region, &r);
	ml7_release_free(rel);
	if (!rc && ml7_canceled())
		rc = ML7_ECANCELED;
	if (rc) {
		ml7_doctor_report_free(&r);
		return ml7_err_set(err, rc, rc == ML7_ECANCELED ? "interrupted" : "out of memory");
	}
	*out = r;
	return 0;
}
