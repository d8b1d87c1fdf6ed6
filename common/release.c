/* release.c - find the Milvus Service of a Helm release or Operator CR. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ml7/buf.h"
#include "ml7/kube.h"
#include "ml7/mem.h"
#include "ml7/release.h"
#include "ml7/strlist.h"

void ml7_release_free(struct ml7_release *r)
{
	if (!r)
		return;
	ml7_free(r->name);
	ml7_free(r->namespace_);
	ml7_free(r->service);
	ml7_free(r->port_name);
	ml7_free(r->service_type);
	ml7_free(r->component);
	ml7_free(r);
}

static int dup_opt(char **dst, const char *s)
{
	if (!s)
		return 0;
	*dst = ml7_strdup(s);
	return *dst ? 0 : ML7_ENOMEM;
}

int ml7_release_new(const char *name, const char *ns, const char *service, int port,
		    struct ml7_release **out, struct ml7_err *err)
{
	struct ml7_release *r = ml7_calloc(1, sizeof(*r));

	if (!r || dup_opt(&r->name, name) || dup_opt(&r->namespace_, ns) || dup_opt(&r->service, service)) {
		ml7_release_free(r);
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	}
	r->port = port;
	r->kind = ML7_RELEASE_GIVEN;
	*out = r;
	return 0;
}

/* ---- discovery ---------------------------------------------------------- */

static const char *label(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "labels"), key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *str_at(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, a), b);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

struct scan {
	const char *release;
	const char *only;               /* the Service asked for, or NULL */
	char operator_name[300];        /* <release>-milvus */
	cJSON *found;                   /* array of the candidate Services (copies) */
	struct ml7_buf passed;          /* the release's Milvus Services that are not --service */
	struct ml7_buf others;          /* other Services of the release, for the message */
};

static const char *component_of(const cJSON *svc)
{
	const char *c = label(svc, "component");

	return c ? c : label(svc, "app.kubernetes.io/component");
}

static int scan_item(void *ud, const cJSON *item, struct ml7_err *err)
{
	struct scan *s = ud;
	const char *name = str_at(item, "metadata", "name");
	const char *comp = component_of(item);
	const char *mgr = label(item, "app.kubernetes.io/managed-by");
	int operator_svc = name && strcmp(name, s->operator_name) == 0 && mgr &&
			   strcmp(mgr, "milvus-operator") == 0;

	int milvus = operator_svc || (comp && (strcmp(comp, "proxy") == 0 || strcmp(comp, "standalone") == 0));

	if (!name)
		return 0;
	if (milvus && s->only && strcmp(name, s->only) != 0) {
		if (ml7_buf_printf(&s->passed, "%s%s (%s)", s->passed.len ? ", " : "", name,
				   comp ? comp : "operator"))
			return ml7_err_set(err, ML7_ENOMEM, "out of memory");
		return 0;
	}
	if (milvus) {
		cJSON *copy = cJSON_Duplicate(item, 1);

		if (!copy || !cJSON_AddItemToArray(s->found, copy)) {
			cJSON_Delete(copy);
			return ml7_err_set(err, ML7_ENOMEM, "out of memory");
		}
		return 0;
	}
	if (ml7_buf_printf(&s->others, "%s%s (%s)", s->others.len ? ", " : "", name, comp ? comp : "no component"))
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	return 0;
}

static int collect_instance(void *ud, const cJSON *item, struct ml7_err *err)
{
	struct ml7_strlist *names = ud;
	const char *inst = label(item, "app.kubernetes.io/instance");

	if (inst && ml7_strlist_find(names, inst) < 0 && ml7_strlist_push(names, inst))
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	return 0;
}

static const cJSON *grpc_port(const cJSON *svc, struct ml7_buf *seen)
{
	const cJSON *ports = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(svc, "spec"), "ports");
	const cJSON *p, *by_number = NULL;

	cJSON_ArrayForEach(p, ports) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "name");
		const cJSON *num = cJSON_GetObjectItemCaseSensitive(p, "port");

		if (cJSON_IsString(name) && strcmp(name->valuestring, "milvus") == 0 && cJSON_IsNumber(num))
			return p;
		if (cJSON_IsNumber(num) && num->valueint == 19530)
			by_number = p;
		ml7_buf_printf(seen, "%s%s:%d", seen->len ? ", " : "", cJSON_IsString(name) ? name->valuestring : "-",
			       cJSON_IsNumber(num) ? num->valueint : 0);
	}
	return by_number;
}

int ml7_release_find(struct ml7_kube *k, const char *ns, const char *release, const char *service,
		     struct ml7_release **out, struct ml7_err *err)
{
	struct ml7_kube_list_opts lo = {0};
	struct scan s;
	struct ml7_strlist nm = ML7_STRLIST_INIT;
	struct ml7_buf path = ML7_BUF_INIT, sel = ML7_BUF_INIT, ports = ML7_BUF_INIT;
	struct ml7_release *r = NULL;
	const cJSON *svc, *port;
	int rc;

	memset(&s, 0, sizeof(s));
	if (!ns)
		ns = ml7_kube_namespace(k);
	if (!release || !*release)
		return ml7_err_set(err, ML7_EINVAL, "no release name given");
	s.release = release;
	s.only = service;
	snprintf(s.operator_name, sizeof(s.operator_name), "%s-milvus", release);
	s.found = cJSON_CreateArray();
	rc = ML7_ENOMEM;
	if (!s.found || ml7_kube_path(&path, "v1", ns, "services", NULL, NULL) ||
	    ml7_buf_printf(&sel, "app.kubernetes.io/instance=%s,app.kubernetes.io/name=milvus", release)) {
		ml7_err_set(err, rc, "out of memory");
		goto out;
	}
	lo.label_selector = sel.data;
	rc = ml7_kube_list(k, path.data, &lo, scan_item, &s, NULL, err);
	if (rc) {
		ml7_err_prefix(err, "cannot list the Services of release '%s' in namespace '%s'", release, ns);
		goto out;
	}
	if (cJSON_GetArraySize(s.found) == 0 && service && s.passed.len) {
		rc = ml7_err_set(err, ML7_ENOTFOUND, "--service %s is not a Milvus Service of release '%s' in "
				 "namespace '%s'; its Milvus Services: %s", service, release, ns, s.passed.data);
		goto out;
	}
	if (cJSON_GetArraySize(s.found) == 0) {
		/* what is there, for the message */
		lo.label_selector = "app.kubernetes.io/name=milvus";
		ml7_kube_list(k, path.data, &lo, collect_instance, &nm, NULL, NULL);
		for (size_t i = 0; i < nm.n; i++)
			ml7_buf_printf(&ports, "%s%s", i ? ", " : "", nm.items[i]);
		rc = ml7_err_set(err, ML7_ENOTFOUND, "no Milvus Service of release '%s' in namespace '%s' "
				 "(looked for app.kubernetes.io/instance=%s,app.kubernetes.io/name=milvus with "
				 "component proxy or standalone, and the Operator's %s); %s%s%s%s%s", release, ns,
				 release, s.operator_name, s.others.len ? "other Services of the release: " : "",
				 s.others.len ? s.others.data : "", s.others.len ? "; " : "",
				 nm.n ? "Milvus releases in this namespace: " : "no Milvus release in this namespace",
				 nm.n ? ports.data : "");
		goto out;
	}
	if (cJSON_GetArraySize(s.found) > 1) {
		struct ml7_buf list = ML7_BUF_INIT;

		cJSON_ArrayForEach(svc, s.found)
			ml7_buf_printf(&list, "%s%s (%s)", list.len ? ", " : "", str_at(svc, "metadata", "name"),
				       component_of(svc) ? component_of(svc) : "operator");
		rc = ml7_err_set(err, ML7_EINVAL, "release '%s' has several Milvus Services in namespace '%s': %s; "
				 "name one with --service", release, ns, list.data ? list.data : "");
		ml7_buf_free(&list);
		goto out;
	}
	svc = cJSON_GetArrayItem(s.found, 0);
	port = grpc_port(svc, &ports);
	if (!port) {
		rc = ml7_err_set(err, ML7_ENOTFOUND, "Service %s/%s has no port named milvus nor 19530 (ports: %s)",
				 ns, str_at(svc, "metadata", "name"), ports.len ? ports.data : "none");
		goto out;
	}
	rc = ml7_release_new(release, ns, str_at(svc, "metadata", "name"),
			     cJSON_GetObjectItemCaseSensitive(port, "port")->valueint, &r, err);
	if (rc)
		goto out;
	r->kind = label(svc, "app.kubernetes.io/managed-by") &&
		  strcmp(label(svc, "app.kubernetes.io/managed-by"), "milvus-operator") == 0 ?
		  ML7_RELEASE_OPERATOR : ML7_RELEASE_HELM;
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(port, "name")))
		dup_opt(&r->port_name, cJSON_GetObjectItemCaseSensitive(port, "name")->valuestring);
	dup_opt(&r->service_type, str_at(svc, "spec", "type") ? str_at(svc, "spec", "type") : "ClusterIP");
	dup_opt(&r->component, component_of(svc));
	if ((cJSON_IsString(cJSON_GetObjectItemCaseSensitive(port, "name")) && !r->port_name) || !r->service_type) {
		ml7_release_free(r);
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto out;
	}
	*out = r;
out:
	cJSON_Delete(s.found);
	ml7_buf_free(&s.others);
	ml7_buf_free(&s.passed);
	ml7_strlist_free(&nm);
	ml7_buf_free(&path);
	ml7_buf_free(&sel);
	ml7_buf_free(&ports);
	return rc;
}
