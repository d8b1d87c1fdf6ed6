/* flow.c - the setup pipeline (see flow.h). */
#include <stdio.h>
#include <string.h>

#include "ml7/alb.h"
#include "ml7/buf.h"
#include "ml7/cancel.h"
#include "ml7/clock.h"
#include "ml7/flow.h"
#include "ml7/log.h"
#include "ml7/mem.h"
#include "ml7/release.h"
#include "ml7/strlist.h"

#include "flow_int.h"

static const char *const step_names[ML7_FLOW_NSTEPS] = {
	"preflight", "certificate", "service", "ingress", "wait", "verify"
};
static const char *const state_names[] = { "pending", "done", "skipped", "planned", "failed" };

const char *ml7_flow_step_name(enum ml7_flow_step s)
{
	return (unsigned)s < ML7_FLOW_NSTEPS ? step_names[s] : "?";
}

const char *ml7_flow_state_name(enum ml7_flow_state s)
{
	return (unsigned)s <= ML7_FLOW_FAILED ? state_names[s] : "?";
}

void flow_progress(struct flow *f, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!f->o->on_progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	f->o->on_progress(f->o->userdata, f->step, line);
}

void flow_warn(struct flow *f, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ml7_log(ML7_LOG_ACTION, "warning: %s", line);
	if (f->o->on_warn)
		f->o->on_warn(f->o->userdata, line);
}

long flow_left_ms(const struct flow *f)
{
	long left = f->deadline - ml7_now_ms();

	return left > 0 ? left : 0;
}

/* ---- state kept for resume: the ConfigMap milvus-l7-RELEASE ---------------- */

static int state_path(struct flow *f, struct ml7_buf *path, int with_name, struct ml7_err *err)
{
	char name[300];
	int rc;

	snprintf(name, sizeof(name), "milvus-l7-%s", f->o->release);
	rc = ml7_kube_path(path, "v1", f->ns, "configmaps", with_name ? name : NULL, NULL);
	if (rc)
		return ml7_err_set(err, rc, "cannot build the path of ConfigMap %s", name);
	return 0;
}

int flow_state_load(struct flow *f, struct ml7_err *err)
{
	struct ml7_buf path = ML7_BUF_INIT;
	cJSON *cm = NULL;
	const cJSON *data;
	struct ml7_err e = { 0 };
	int rc;

	rc = state_path(f, &path, 1, err);
	if (rc)
		goto out;
	rc = ml7_kube_get(f->k, path.data, &cm, &e);
	if (rc == ML7_ENOTFOUND) {
		rc = 0;
		goto out;
	}
	if (rc) {
		ml7_err_set(err, rc, "cannot read the setup state: %s", e.msg);
		goto out;
	}
	data = cJSON_GetObjectItemCaseSensitive(cm, "data");
	f->state_arn = json_strdup(data, "certificate-arn");
	f->state_sha = json_strdup(data, "certificate-sha256");
out:
	cJSON_Delete(cm);
	ml7_buf_free(&path);
	return rc;
}

int flow_state_save(struct flow *f, const char *arn, const char *sha256, struct ml7_err *err)
{
	struct ml7_buf path = ML7_BUF_INIT;
	cJSON *cm = cJSON_CreateObject(), *meta, *data, *labels;
	char name[300];
	int rc;

	snprintf(name, sizeof(name), "milvus-l7-%s", f->o->release);
	cJSON_AddStringToObject(cm, "apiVersion", "v1");
	cJSON_AddStringToObject(cm, "kind", "ConfigMap");
	meta = cJSON_AddObjectToObject(cm, "metadata");
	cJSON_AddStringToObject(meta, "name", name);
	cJSON_AddStringToObject(meta, "namespace", f->ns);
	labels = cJSON_AddObjectToObject(meta, "labels");
	cJSON_AddStringToObject(labels, "app.kubernetes.io/managed-by", "milvus-l7");
	cJSON_AddStringToObject(labels, "app.kubernetes.io/instance", f->o->release);
	data = cJSON_AddObjectToObject(cm, "data");
	cJSON_AddStringToObject(data, "certificate-arn", arn);
	cJSON_AddStringToObject(data, "certificate-sha256", sha256);
	cJSON_AddStringToObject(data, "host", f->o->ingress.host);
	if (!cJSON_GetObjectItem(data, "host")) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto out;
	}
	rc = state_path(f, &path, 1, err);
	if (!rc)
		rc = ml7_kube_apply(f->k, path.data, cm, NULL, NULL, err);
	if (rc)
		ml7_err_prefix(err, "cannot record the certificate in ConfigMap %s/%s", f->ns, name);
out:
	cJSON_Delete(cm);
	ml7_buf_free(&path);
	return rc;
}

char *json_strdup(const cJSON *obj, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));

	return s && *s ? ml7_strdup(s) : NULL;
}

/* ---- the run --------------------------------------------------------------- */

static int run_step(struct flow *f, enum ml7_flow_step s, struct ml7_err *err)
{
	static int (*const fns[ML7_FLOW_NSTEPS])(struct flow *, struct ml7_err *) = {
		flow_step_preflight, flow_step_certificate, flow_step_service,
		flow_step_ingress, flow_step_wait, flow_step_verify
	};
	struct ml7_flow_result *res = f->res;
	long t0 = ml7_now_ms();
	int rc;

	f->step = s;
	ml7_free(f->detail);
	f->detail = NULL;
	ml7_log(ML7_LOG_ACTION, "step %s", step_names[s]);
	rc = ml7_canceled() ? ml7_err_set(err, ML7_ECANCELED, "interrupted") : fns[s](f, err);
	res->elapsed_ms[s] = ml7_now_ms() - t0;
	if (rc) {
		res->state[s] = ML7_FLOW_FAILED;
		res->failed = s;
		res->detail[s] = ml7_strdup(err->msg);
	} else {
		res->state[s] = f->state;
		res->detail[s] = f->detail ? f->detail : ml7_strdup("");
		f->detail = NULL;
	}
	if (f->o->on_step)
		f->o->on_step(f->o->userdata, s, res->state[s], res->detail[s] ? res->detail[s] : "",
			      res->elapsed_ms[s]);
	return rc;
}

void flow_done(struct flow *f, enum ml7_flow_state state, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	f->state = state;
	ml7_free(f->detail);
	f->detail = ml7_strdup(line);
}

int ml7_flow_run(struct ml7_kube *k, const struct ml7_flow_opts *o, struct ml7_flow_result *res,
		 struct ml7_err *err)
{
	static const enum ml7_flow_step order[ML7_FLOW_NSTEPS] = {
		ML7_FLOW_PREFLIGHT, ML7_FLOW_CERTIFICATE, ML7_FLOW_SERVICE,
		ML7_FLOW_INGRESS, ML7_FLOW_WAIT, ML7_FLOW_VERIFY
	};
	static const enum ml7_flow_step order_keep_l4[ML7_FLOW_NSTEPS] = {
		ML7_FLOW_PREFLIGHT, ML7_FLOW_CERTIFICATE, ML7_FLOW_INGRESS,
		ML7_FLOW_WAIT, ML7_FLOW_VERIFY, ML7_FLOW_SERVICE
	};
	const enum ml7_flow_step *steps = o->keep_l4 ? order_keep_l4 : order;
	struct flow f = { 0 };
	int rc = 0, i;

	memset(res, 0, sizeof(*res));
	res->failed = -1;
	f.k = k;
	f.o = o;
	f.res = res;
	f.ns = o->ns ? o->ns : ml7_kube_namespace(k);
	f.deadline = ml7_now_ms() + (o->timeout_ms > 0 ? o->timeout_ms : 10 * 60 * 1000L);
	for (i = 0; i < ML7_FLOW_NSTEPS && !rc; i++)
		rc = run_step(&f, steps[i], err);
	flow_free(&f);
	return rc;
}

void ml7_flow_result_free(struct ml7_flow_result *res)
{
	int i;

	if (!res)
		return;
	for (i = 0; i < ML7_FLOW_NSTEPS; i++)
		ml7_free(res->detail[i]);
	ml7_free(res->certificate_arn);
	ml7_free(res->address);
	ml7_free(res->ingress_name);
	if (res->probed)
		ml7_probe_result_free(&res->probe);
	memset(res, 0, sizeof(*res));
	res->failed = -1;
}
