/* alb.c - the ALB Ingress on the cluster: apply, wait (address, controller
 * Events, IngressClass, DNS/TLS readiness), delete. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "ml7/alb.h"
#include "ml7/buf.h"
#include "ml7/cancel.h"
#include "ml7/clock.h"
#include "ml7/http.h"
#include "ml7/ingress.h"
#include "ml7/kube.h"
#include "ml7/log.h"
#include "ml7/mem.h"

#define INGRESS_GV "networking.k8s.io/v1"

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

int ml7_dry_run_parse(const char *s, int *out, struct ml7_err *err)
{
	if (!s || !*s || strcmp(s, "none") == 0)
		*out = ML7_DRY_RUN_NONE;
	else if (strcmp(s, "client") == 0)
		*out = ML7_DRY_RUN_CLIENT;
	else if (strcmp(s, "server") == 0)
		*out = ML7_DRY_RUN_SERVER;
	else
		return ml7_err_set(err, ML7_EINVAL, "--dry-run must be client, server or none, not '%s'", s);
	return 0;
}

static int ingress_path(struct ml7_buf *b, const char *ns, const char *name)
{
	ml7_buf_reset(b);
	return ml7_kube_path(b, INGRESS_GV, ns, "ingresses", name, NULL);
}

/* ---- apply -------------------------------------------------------------- */

/* Whether manager applied the object (managedFields), and the annotation keys
 * ("f:KEY") it owns there (may be NULL). */
static int applied_by(const cJSON *obj, const char *manager, const cJSON **annotations)
{
	const cJSON *mf;

	*annotations = NULL;
	cJSON_ArrayForEach(mf, at(obj, "metadata", "managedFields")) {
		const char *m = str(mf, "manager", NULL), *op = str(mf, "operation", NULL);

		if (m && op && strcmp(m, manager) == 0 && strcmp(op, "Apply") == 0) {
			*annotations = at(at(mf, "fieldsV1", "f:metadata"), "f:annotations", NULL);
			return 1;
		}
	}
	return 0;
}

static int subset(const cJSON *want, const cJSON *have)
{
	const cJSON *w;

	cJSON_ArrayForEach(w, want) {
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(have, w->string);

		if (!h || !cJSON_Compare(w, h, 1))
			return 0;
	}
	return 1;
}

/* 1 when the cluster's object already is what we would apply: our labels and
 * annotations present with our values, no annotation we owned before left
 * over, the same spec, and milvus-l7 an applier of it. */
static int same_as_applied(const cJSON *want, const cJSON *have)
{
	const cJSON *owned, *o;
	const cJSON *want_ann = at(want, "metadata", "annotations");

	if (!applied_by(have, ML7_KUBE_FIELD_MANAGER, &owned) || !subset(at(want, "metadata", "labels"), at(have, "metadata", "labels")) ||
	    !subset(want_ann, at(have, "metadata", "annotations")) ||
	    !cJSON_Compare(at(want, "spec", NULL), at(have, "spec", NULL), 1))
		return 0;
	cJSON_ArrayForEach(o, owned)
		if (o->string && strncmp(o->string, "f:", 2) == 0 &&
		    !cJSON_GetObjectItemCaseSensitive(want_ann, o->string + 2))
			return 0;
	return 1;
}

static long number(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = at(o, a, b);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

int ml7_ingress_apply(struct ml7_kube *k, const cJSON *in, const struct ml7_ingress_apply_opts *opts,
		      struct ml7_ingress_apply_result *res, struct ml7_err *err)
{
	struct ml7_kube_write_opts wo = {0};
	struct ml7_buf path = ML7_BUF_INIT;
	cJSON *obj = NULL, *have = NULL, *out = NULL;
	const char *name = str(in, "metadata", "name"), *ns = str(in, "metadata", "namespace");
	long gen_before = 0;
	char rv_before[64] = "";
	int rc;

	memset(res, 0, sizeof(*res));
	if (!name)
		return ml7_err_set(err, ML7_EINVAL, "the Ingress has no name");
	if (!ns)
		ns = ml7_kube_namespace(k);
	obj = cJSON_Duplicate(in, 1);
	rc = ML7_ENOMEM;
	if (!obj || (!str(obj, "metadata", "namespace") &&
		     !cJSON_AddStringToObject(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "namespace", ns)) ||
	    ingress_path(&path, ns, name)) {
		ml7_err_set(err, rc, "out of memory");
		goto out;
	}
	rc = ml7_kube_get(k, path.data, &have, err);
	if (rc == ML7_ENOTFOUND) {
		ml7_err_clear(err);
		have = NULL;
	} else if (rc) {
		ml7_err_prefix(err, "cannot read ingress %s/%s", ns, name);
		goto out;
	}
	if (have && !ml7_ingress_is_managed(have) && !(opts && opts->force)) {
		rc = ml7_err_set(err, ML7_ECONFLICT, "ingress %s/%s exists and milvus-l7 does not manage it (no label "
				 ML7_INGRESS_MANAGED_BY_LABEL "=" ML7_INGRESS_MANAGED_BY "); --force takes it over",
				 ns, name);
		goto out;
	}
	if (have) {
		gen_before = number(have, "metadata", "generation");
		snprintf(rv_before, sizeof(rv_before), "%s", str(have, "metadata", "resourceVersion") ?
			 str(have, "metadata", "resourceVersion") : "");
	}
	res->applied_at = time(NULL);
	if (have && same_as_applied(obj, have)) {
		/* nothing to write: a second run changes nothing, not even managedFields */
		res->action = ML7_APPLY_UNCHANGED;
		res->generation = gen_before;
		snprintf(res->resource_version, sizeof(res->resource_version), "%s", rv_before);
		res->object = have;
		have = NULL;
		rc = 0;
		goto out;
	}
	res->action = have ? ML7_APPLY_UPDATED : ML7_APPLY_CREATED;
	if (opts && opts->dry_run == ML7_DRY_RUN_CLIENT) {
		res->generation = gen_before;
		res->object = obj;
		obj = NULL;
		rc = 0;
		goto out;
	}
	wo.field_manager = ML7_KUBE_FIELD_MANAGER;
	wo.force = opts && opts->force;
	wo.dry_run = opts && opts->dry_run == ML7_DRY_RUN_SERVER;
	rc = ml7_kube_apply(k, path.data, obj, &wo, &out, err);
	if (rc == ML7_ECONFLICT) {
		ml7_err_prefix(err, "ingress %s/%s: fields owned by another manager; --force takes them", ns, name);
		goto out;
	}
	if (rc) {
		ml7_err_prefix(err, "cannot apply ingress %s/%s", ns, name);
		goto out;
	}
	res->generation = number(out, "metadata", "generation");
	snprintf(res->resource_version, sizeof(res->resource_version), "%s",
		 str(out, "metadata", "resourceVersion") ? str(out, "metadata", "resourceVersion") : "");
	if (have && !wo.dry_run && res->generation == gen_before && strcmp(res->resource_version, rv_before) == 0)
		res->action = ML7_APPLY_UNCHANGED;
	res->object = out;
	out = NULL;
out:
	cJSON_Delete(obj);
	cJSON_Delete(have);
	cJSON_Delete(out);
	ml7_buf_free(&path);
	return rc;
}

/* ---- events ------------------------------------------------------------- */

static time_t event_time(const cJSON *ev)
{
	static const char *const fields[] = {"lastTimestamp", "eventTime", "firstTimestamp"};

	for (size_t i = 0; i < 3; i++) {
		time_t t = ml7_parse_rfc3339(str(ev, fields[i], NULL));

		if (t != -1)
			return t;
	}
	const cJSON *s = at(ev, "series", "lastObservedTime");

	return cJSON_IsString(s) ? ml7_parse_rfc3339(s->valuestring) : -1;
}

int ml7_alb_event_verdict(const cJSON *ev, const char *name, time_t since, char *msg, size_t n)
{
	const char *kind = str(ev, "involvedObject", "kind"), *obj = str(ev, "involvedObject", "name");
	const char *reason = str(ev, "reason", NULL), *text = str(ev, "message", NULL);
	time_t t = event_time(ev);

	if (!kind || strcmp(kind, "Ingress") != 0 || !obj || strcmp(obj, name) != 0 || !reason)
		return 0;
	if (t == -1 || t < since)
		return 0;
	if (strcmp(reason, "FailedBuildModel") == 0 || strcmp(reason, "FailedDeployModel") == 0 ||
	    strcmp(reason, "FailedAddFinalizer") == 0 || strcmp(reason, "FailedUpdateStatus") == 0 ||
	    strcmp(reason, "FailedLoadGroupID") == 0 || strcmp(reason, "ConflictingIngressClass") == 0) {
		/* one line: the controller's messages carry "\n\tstatus code: ..." */
		size_t j = 0;

		snprintf(msg, n, "%s: ", reason);
		j = strlen(msg);
		for (const char *p = text ? text : ""; *p && j + 1 < n; p++)
			msg[j++] = (*p == '\n' || *p == '\t') ? ' ' : *p;
		msg[j] = '\0';
		while (j > 0 && msg[j - 1] == ' ')
			msg[--j] = '\0';
		for (char *d = strstr(msg, "  "); d; d = strstr(d, "  "))
			memmove(d, d + 1, strlen(d));
		return 1;
	}
	if (strcmp(reason, "SuccessfullyReconciled") == 0) {
		snprintf(msg, n, "%s", text ? text : "Successfully reconciled");
		return 2;
	}
	return 0;
}

/* ---- wait --------------------------------------------------------------- */

struct waiter {
	struct ml7_kube *k;
	const struct ml7_ingress_wait_opts *o;
	struct ml7_ingress_wait_result *res;
	const char *ns;
	long start;
	time_t since;
	char uid[64];
	char host[256];             /* the rule's host */
	char klass[256];
	int activity;               /* the controller showed signs of life */
	int deleted;
	int failed;
	char fail_msg[ML7_ERR_MSG_MAX - 64];
	char note[512];
};

static void progress(struct waiter *w, int phase, const char *note)
{
	struct ml7_wait_progress p;

	if (!w->o->progress)
		return;
	p.phase = phase;
	p.elapsed_ms = ml7_now_ms() - w->start;
	p.address = w->res->address[0] ? w->res->address : NULL;
	p.note = note;
	w->o->progress(w->o->userdata, &p);
}

/* Reads what the Ingress says: the address, the uid, the host, the class. */
static void look_at(struct waiter *w, const cJSON *ing)
{
	const cJSON *lb = cJSON_GetArrayItem(at(at(ing, "status", "loadBalancer"), "ingress", NULL), 0);
	const cJSON *fin;
	const char *h = str(lb, "hostname", NULL), *ip = str(lb, "ip", NULL);

	snprintf(w->uid, sizeof(w->uid), "%s", str(ing, "metadata", "uid") ? str(ing, "metadata", "uid") : "");
	if (!w->host[0]) {
		const char *rh = str(cJSON_GetArrayItem(at(ing, "spec", "rules"), 0), "host", NULL);

		snprintf(w->host, sizeof(w->host), "%s", rh ? rh : "");
	}
	if (!w->klass[0]) {
		const char *c = str(ing, "spec", "ingressClassName");

		if (!c)
			c = str(at(ing, "metadata", "annotations"), "kubernetes.io/ingress.class", NULL);
		snprintf(w->klass, sizeof(w->klass), "%s", c ? c : "");
	}
	cJSON_ArrayForEach(fin, at(ing, "metadata", "finalizers"))
		if (cJSON_IsString(fin) && (strcmp(fin->valuestring, "ingress.k8s.aws/resources") == 0 ||
					    strncmp(fin->valuestring, "group.ingress.k8s.aws/", 23) == 0))
			w->activity = 1;
	if ((h && *h) || (ip && *ip)) {
		if (!w->res->address[0]) {
			snprintf(w->res->address, sizeof(w->res->address), "%s", h && *h ? h : ip);
			w->res->is_ip = !(h && *h);
			w->res->address_ms = ml7_now_ms() - w->start;
			w->activity = 1;
		}
	}
}

struct ev_scan {
	struct waiter *w;
	int reported_ok;
};

static int scan_event(void *ud, const cJSON *ev, struct ml7_err *err)
{
	struct waiter *w = ud;
	const char *uid = str(ev, "involvedObject", "uid");
	char msg[sizeof(w->fail_msg)];
	int v;

	const char *erv = str(ev, "involvedObject", "resourceVersion");
	time_t since = w->since;
	char *end1, *end2;

	(void)err;
	if (uid && w->uid[0] && strcmp(uid, w->uid) != 0)
		return 0;       /* about an earlier Ingress of the same name */
	if (w->o->since_resource_version && erv) {
		/* resourceVersions are etcd revisions: compare them when both are numbers */
		unsigned long long a = strtoull(erv, &end1, 10), b = strtoull(w->o->since_resource_version, &end2, 10);

		if (!*end1 && !*end2 && *erv && *w->o->since_resource_version) {
			if (a < b)
				return 0;
			since = 0;
		}
	}
	v = ml7_alb_event_verdict(ev, w->o->name, since, msg, sizeof(msg));
	if (v)
		w->activity = 1;
	if (v == 1) {
		w->failed = 1;
		snprintf(w->fail_msg, sizeof(w->fail_msg), "%s", msg);
		return 1;
	}
	if (v == 2 && !w->res->reconciled) {
		w->res->reconciled = 1;
		progress(w, ML7_WAIT_ADDRESS, "SuccessfullyReconciled");
	}
	return 0;
}

static int check_events(struct waiter *w, struct ml7_err *err)
{
	struct ml7_kube_list_opts lo = {0};
	struct ml7_buf path = ML7_BUF_INIT, sel = ML7_BUF_INIT;
	int rc;

	if (ml7_kube_path(&path, "v1", w->ns, "events", NULL, NULL) ||
	    ml7_buf_printf(&sel, "involvedObject.kind=Ingress,involvedObject.name=%s", w->o->name)) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto out;
	}
	lo.field_selector = sel.data;
	rc = ml7_kube_list(w->k, path.data, &lo, scan_event, w, NULL, err);
	if (rc)
		ml7_err_prefix(err, "cannot read the events of ingress %s/%s", w->ns, w->o->name);
out:
	ml7_buf_free(&path);
	ml7_buf_free(&sel);
	return rc;
}

/* Why the controller looks absent, or "" when its IngressClass is there. */
static int class_problem(struct waiter *w, char *buf, size_t n, struct ml7_err *err)
{
	struct ml7_buf path = ML7_BUF_INIT;
	cJSON *ic = NULL;
	const char *ctl;
	int rc;

	buf[0] = '\0';
	if (!w->klass[0]) {
		snprintf(buf, n, "the Ingress names no IngressClass (spec.ingressClassName)");
		return 0;
	}
	if (ml7_kube_path(&path, INGRESS_GV, NULL, "ingressclasses", w->klass, NULL)) {
		ml7_buf_free(&path);
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	}
	rc = ml7_kube_get(w->k, path.data, &ic, err);
	ml7_buf_free(&path);
	if (rc == ML7_ENOTFOUND) {
		ml7_err_clear(err);
		snprintf(buf, n, "there is no IngressClass '%s' (controller " ML7_ALB_CONTROLLER ")", w->klass);
		return 0;
	}
	if (rc == ML7_EAUTH) {          /* cannot tell; say nothing about the class */
		ml7_err_clear(err);
		return 0;
	}
	if (rc)
		return rc;
	ctl = str(ic, "spec", "controller");
	if (!ctl || strcmp(ctl, ML7_ALB_CONTROLLER) != 0)
		snprintf(buf, n, "IngressClass '%s' belongs to controller '%s', not " ML7_ALB_CONTROLLER, w->klass,
			 ctl ? ctl : "(none)");
	cJSON_Delete(ic);
	return 0;
}

struct watch_state {
	struct waiter *w;
	int changed;
};

static int on_ingress(void *ud, int type, const cJSON *obj, struct ml7_err *err)
{
	struct watch_state *s = ud;
	int had = s->w->res->address[0] != '\0';

	(void)err;
	if (type == ML7_KUBE_DELETED) {
		s->w->deleted = 1;
		return 1;
	}
	if (type != ML7_KUBE_ADDED && type != ML7_KUBE_MODIFIED)
		return 0;
	look_at(s->w, obj);
	s->changed = 1;
	/* stop when the address appears; otherwise go on watching within this slice */
	return !had && s->w->res->address[0] ? 1 : 0;
}

static int split_host_port(const char *s, char *host, size_t hn, int *port)
{
	const char *c = strrchr(s, ':');
	char *end;
	long p;

	if (!c || c == s)
		return -1;
	p = strtol(c + 1, &end, 10);
	if (*end || p < 1 || p > 65535)
		return -1;
	if (s[0] == '[' && c[-1] == ']')
		snprintf(host, hn, "%.*s", (int)(c - s - 2), s + 1);
	else
		snprintf(host, hn, "%.*s", (int)(c - s), s);
	*port = (int)p;
	return 0;
}

/* One readiness attempt: 0 ready; otherwise the reason in note. */
static int ready_once(struct waiter *w, int *phase, char *note, size_t n)
{
	const struct ml7_ingress_wait_opts *o = w->o;
	struct addrinfo hints, *ai = NULL;
	struct ml7_http_opts ho;
	struct ml7_http_req req;
	struct ml7_http_resp resp;
	struct ml7_http *h = NULL;
	struct ml7_err e = {0};
	char connect_to[600], url[400], chost[256];
	const char *sni = o->server_name ? o->server_name : w->host;
	int port = o->listener_port ? o->listener_port : 443, cport = port, rc, g;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	*phase = ML7_WAIT_DNS;
	g = getaddrinfo(w->res->address, NULL, &hints, &ai);
	if (g) {
		snprintf(note, n, "%s does not resolve yet: %s", w->res->address, gai_strerror(g));
		return -1;
	}
	freeaddrinfo(ai);
	*phase = ML7_WAIT_TLS;
	snprintf(chost, sizeof(chost), "%s", w->res->address);
	if (o->connect_to && split_host_port(o->connect_to, chost, sizeof(chost), &cport)) {
		snprintf(note, n, "connect_to '%s' is not HOST:PORT", o->connect_to);
		return -2;
	}
	if (!sni || !*sni)
		sni = w->res->address;
	snprintf(connect_to, sizeof(connect_to), "%s:%d:%s%s%s:%d", sni, port, strchr(chost, ':') ? "[" : "",
		 chost, strchr(chost, ':') ? "]" : "", cport);
	snprintf(url, sizeof(url), "https://%s:%d/", sni, port);
	memset(&ho, 0, sizeof(ho));
	ho.ca_file = o->ca_file;
	ho.connect_to = connect_to;
	ho.connect_timeout_ms = 5000;
	ho.user_agent = "milvus-l7";
	if (ml7_http_new(&ho, &h, &e)) {
		snprintf(note, n, "%s", e.msg);
		return -2;
	}
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.method = "GET";
	req.url = url;
	req.timeout_ms = 5000;
	req.max_response = 4096;
	rc = ml7_http_do(h, &req, &resp, &e);
	if (rc)
		snprintf(note, n, "TLS on %s:%d (server name %s) does not answer yet: %s", w->res->address, port, sni,
			 e.msg);
	ml7_http_resp_free(&resp);
	ml7_http_free(h);
	return rc ? -1 : 0;
}

static int wait_ready(struct waiter *w, long deadline, struct ml7_err *err)
{
	long backoff = 250;
	int phase = ML7_WAIT_DNS, last_phase = 0;

	for (;;) {
		char note[600] = "";
		int rc = ready_once(w, &phase, note, sizeof(note));

		if (rc == 0) {
			w->res->ready_ms = ml7_now_ms() - w->start;
			progress(w, ML7_WAIT_READY, NULL);
			return 0;
		}
		if (rc == -2)
			return ml7_err_set(err, ML7_EINVAL, "%s", note);
		progress(w, phase, phase != last_phase ? note : NULL);
		last_phase = phase;
		ml7_log(ML7_LOG_ACTION, "%s", note);
		if (ml7_now_ms() + backoff > deadline)
			return ml7_err_set(err, ML7_ETIMEDOUT, "the address %s is set but not ready: %s", w->res->address,
					   note);
		if (ml7_sleep_ms(backoff))
			return ml7_err_set(err, ML7_ECANCELED, "interrupted; nothing was changed");
		backoff = backoff * 2 > 5000 ? 5000 : backoff * 2;
	}
}

int ml7_ingress_wait(struct ml7_kube *k, const struct ml7_ingress_wait_opts *o,
		     struct ml7_ingress_wait_result *res, struct ml7_err *err)
{
	struct waiter w;
	struct ml7_buf path = ML7_BUF_INIT, coll = ML7_BUF_INIT, sel = ML7_BUF_INIT;
	struct ml7_kube_watch_stats stats;
	cJSON *ing = NULL;
	long timeout = o->timeout_ms > 0 ? o->timeout_ms : 15L * 60 * 1000;
	long grace = o->grace_ms > 0 ? o->grace_ms : 60L * 1000;
	long deadline, last_events = 0;
	char rv[128] = "", problem[300] = "";
	int rc, grace_told = 0, need_verdict;

	memset(&w, 0, sizeof(w));
	memset(res, 0, sizeof(*res));
	memset(&stats, 0, sizeof(stats));
	w.k = k;
	w.o = o;
	w.res = res;
	w.ns = o->ns ? o->ns : ml7_kube_namespace(k);
	w.start = ml7_now_ms();
	deadline = w.start + timeout;
	if (!o->name)
		return ml7_err_set(err, ML7_EINVAL, "no Ingress name to wait for");
	rc = ML7_ENOMEM;
	if (ingress_path(&path, w.ns, o->name) || ml7_kube_path(&coll, INGRESS_GV, w.ns, "ingresses", NULL, NULL) ||
	    ml7_buf_printf(&sel, "metadata.name=%s", o->name)) {
		ml7_err_set(err, rc, "out of memory");
		goto out;
	}
	rc = ml7_kube_get(k, path.data, &ing, err);
	if (rc) {
		if (rc == ML7_ENOTFOUND) {
			ml7_err_clear(err);
			ml7_err_set(err, rc, "ingress %s/%s not found", w.ns, o->name);
		} else {
			ml7_err_prefix(err, "cannot read ingress %s/%s", w.ns, o->name);
		}
		goto out;
	}
	look_at(&w, ing);
	/* Events older than the last apply by milvus-l7 (or the creation) are stale */
	w.since = o->since;
	if (!w.since) {
		const cJSON *mf;

		w.since = ml7_parse_rfc3339(str(ing, "metadata", "creationTimestamp"));
		cJSON_ArrayForEach(mf, at(ing, "metadata", "managedFields")) {
			const char *m = str(mf, "manager", NULL);
			time_t t = ml7_parse_rfc3339(str(mf, "time", NULL));

			if (m && strcmp(m, ML7_KUBE_FIELD_MANAGER) == 0 && t > w.since)
				w.since = t;
		}
		if (w.since == -1)
			w.since = time(NULL);
	}
	snprintf(rv, sizeof(rv), "%s", str(ing, "metadata", "resourceVersion") ? str(ing, "metadata", "resourceVersion") : "");
	/* An address from before a fresh apply may be stale: then wait (up to the
	 * grace period) for the controller's verdict on what was applied. */
	need_verdict = res->address[0] && (o->since_resource_version || time(NULL) - w.since < grace / 1000);
	progress(&w, ML7_WAIT_ADDRESS, NULL);
	for (;;) {
		struct ml7_kube_watch_opts wo = {0};
		struct watch_state ws = {&w, 0};
		long now = ml7_now_ms(), slice;

		if (now - last_events >= 1000) {
			last_events = now;
			rc = check_events(&w, err);
			if (rc)
				goto out;
			if (w.failed) {
				rc = ml7_err_set(err, ML7_EVERIFY, "the AWS Load Balancer Controller failed on ingress "
						 "%s/%s: %s", w.ns, o->name, w.fail_msg);
				goto out;
			}
		}
		if (res->address[0] && (!need_verdict || res->reconciled || now - w.start >= grace))
			break;
		progress(&w, ML7_WAIT_ADDRESS, NULL);
		if (!w.activity && !grace_told && now - w.start >= grace) {
			grace_told = 1;
			rc = class_problem(&w, problem, sizeof(problem), err);
			if (rc)
				goto out;
			if (problem[0]) {
				rc = ml7_err_set(err, ML7_EVERIFY, "no Event from the AWS Load Balancer Controller after "
						 "%lds and %s: the controller looks absent (install it, or fix the class)",
						 grace / 1000, problem);
				goto out;
			}
			progress(&w, ML7_WAIT_ADDRESS, "no Event from the AWS Load Balancer Controller yet: it looks "
				 "absent, or it does not watch this namespace");
		}
		if (now >= deadline) {
			rc = ml7_err_set(err, ML7_ETIMEDOUT, "ingress %s/%s has no address after %lds%s", w.ns, o->name,
					 timeout / 1000, w.activity ? "; the controller is working on it" :
					 "; no Event from the AWS Load Balancer Controller: it looks absent");
			goto out;
		}
		slice = deadline - now < 1000 ? deadline - now : 1000;
		wo.field_selector = sel.data;
		wo.resource_version = rv;
		wo.timeout_ms = slice;
		memset(&stats, 0, sizeof(stats));
		rc = ml7_kube_watch(k, coll.data, &wo, on_ingress, &ws, &stats, err);
		res->watch_reconnects += stats.reconnects;
		if (stats.resource_version[0])
			snprintf(rv, sizeof(rv), "%s", stats.resource_version);
		if (rc == ML7_ETIMEDOUT) {
			ml7_err_clear(err);
			rc = 0;
		}
		if (rc == ML7_ECANCELED) {
			ml7_err_clear(err);
			ml7_err_set(err, rc, "interrupted; the Ingress is left as it is");
			goto out;
		}
		if (rc)
			goto out;
		if (w.deleted) {
			rc = ml7_err_set(err, ML7_ENOTFOUND, "ingress %s/%s was deleted while waiting", w.ns, o->name);
			goto out;
		}
		if (ws.changed)
			last_events = 0;        /* the controller touched it: look at the Events now */
	}
	if (o->address_only) {
		rc = 0;
		goto out;
	}
	progress(&w, ML7_WAIT_DNS, NULL);
	rc = wait_ready(&w, deadline, err);
out:
	cJSON_Delete(ing);
	ml7_buf_free(&path);
	ml7_buf_free(&coll);
	ml7_buf_free(&sel);
	return rc;
}

/* ---- delete ------------------------------------------------------------- */

static int on_gone(void *ud, int type, const cJSON *obj, struct ml7_err *err)
{
	(void)obj, (void)err;
	if (type == ML7_KUBE_DELETED) {
		*(int *)ud = 1;
		return 1;
	}
	return 0;
}

int ml7_ingress_delete(struct ml7_kube *k, const char *ns, const char *name,
		       const struct ml7_ingress_delete_opts *opts, int *gone_before, struct ml7_err *err)
{
	struct ml7_kube_write_opts wo = {0};
	struct ml7_buf path = ML7_BUF_INIT, coll = ML7_BUF_INIT, sel = ML7_BUF_INIT;
	cJSON *have = NULL, *out = NULL;
	int rc, gone = 0;

	if (gone_before)
		*gone_before = 0;
	if (!ns)
		ns = ml7_kube_namespace(k);
	rc = ML7_ENOMEM;
	if (ingress_path(&path, ns, name) || ml7_kube_path(&coll, INGRESS_GV, ns, "ingresses", NULL, NULL) ||
	    ml7_buf_printf(&sel, "metadata.name=%s", name)) {
		ml7_err_set(err, rc, "out of memory");
		goto out;
	}
	rc = ml7_kube_get(k, path.data, &have, err);
	if (rc == ML7_ENOTFOUND) {
		ml7_err_clear(err);
		if (gone_before)
			*gone_before = 1;
		rc = 0;
		goto out;
	}
	if (rc) {
		ml7_err_prefix(err, "cannot read ingress %s/%s", ns, name);
		goto out;
	}
	if (!ml7_ingress_is_managed(have) && !(opts && opts->force)) {
		rc = ml7_err_set(err, ML7_ECONFLICT, "ingress %s/%s is not managed by milvus-l7 (no label "
				 ML7_INGRESS_MANAGED_BY_LABEL "=" ML7_INGRESS_MANAGED_BY "); --force deletes it anyway",
				 ns, name);
		goto out;
	}
	if (opts && opts->dry_run == ML7_DRY_RUN_CLIENT)
		goto out;
	wo.dry_run = opts && opts->dry_run == ML7_DRY_RUN_SERVER;
	rc = ml7_kube_delete(k, path.data, &wo, &out, err);
	if (rc == ML7_ENOTFOUND) {
		ml7_err_clear(err);
		rc = 0;
		goto out;
	}
	if (rc) {
		ml7_err_prefix(err, "cannot delete ingress %s/%s", ns, name);
		goto out;
	}
	if (wo.dry_run || !opts || opts->wait_ms <= 0)
		goto out;
	/* the controller removes the ALB, then its finalizer; the object goes last */
	{
		struct ml7_kube_watch_opts wopts = {0};
		cJSON *now = NULL;
		char rv[128];

		rc = ml7_kube_get(k, path.data, &now, err);
		if (rc == ML7_ENOTFOUND) {
			ml7_err_clear(err);
			rc = 0;
			goto out;
		}
		if (rc)
			goto out;
		snprintf(rv, sizeof(rv), "%s", str(now, "metadata", "resourceVersion") ?
			 str(now, "metadata", "resourceVersion") : "");
		cJSON_Delete(now);
		wopts.resource_version = rv[0] ? rv : NULL;
		wopts.field_selector = sel.data;
		wopts.timeout_ms = opts->wait_ms;
		rc = ml7_kube_watch(k, coll.data, &wopts, on_gone, &gone, NULL, err);
		if (rc == ML7_ETIMEDOUT) {
			ml7_err_clear(err);
			rc = ml7_err_set(err, ML7_ETIMEDOUT, "ingress %s/%s is still there after %lds (finalizers: the "
					 "AWS Load Balancer Controller has not released it)", ns, name,
					 opts->wait_ms / 1000);
		}
	}
out:
	cJSON_Delete(have);
	cJSON_Delete(out);
	ml7_buf_free(&path);
	ml7_buf_free(&coll);
	ml7_buf_free(&sel);
	return rc;
}
