/* status.c - find the Milvus deployments of a cluster and what exposes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml7/buf.h"
#include "ml7/kube.h"
#include "ml7/mem.h"
#include "ml7/status.h"

#define MILVUS_SELECTOR "app.kubernetes.io/name=milvus"

static const char *label(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "metadata"),
						 "labels"), key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *meta(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int add_str(cJSON *o, const char *key, const char *v)
{
	return (v ? cJSON_AddStringToObject(o, key, v) : cJSON_AddNullToObject(o, key)) != NULL;
}

/* status.loadBalancer.ingress[] -> ["host or ip", ...] */
static cJSON *lb_addresses(const cJSON *obj)
{
	const cJSON *lb = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "status"),
						 "loadBalancer"), "ingress");
	cJSON *out = cJSON_CreateArray(), *it;

	cJSON_ArrayForEach(it, lb) {
		const char *a = str(it, "hostname") ? str(it, "hostname") : str(it, "ip");

		if (out && a && !cJSON_AddItemToArray(out, cJSON_CreateString(a))) {
			cJSON_Delete(out);
			return NULL;
		}
	}
	return out;
}

static int on_service(void *ud, const cJSON *svc, struct ml7_err *err)
{
	cJSON *items = ud, *item, *ports, *it;
	const char *comp = label(svc, "component"), *name = meta(svc, "name");
	const char *managed = label(svc, "app.kubernetes.io/managed-by");
	const char *inst = label(svc, "app.kubernetes.io/instance");
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(svc, "spec");
	int operator_svc = 0;

	if (!comp)
		comp = label(svc, "app.kubernetes.io/component");
	if (managed && inst && name && strcmp(managed, "milvus-operator") == 0) {
		size_t n = strlen(inst);

		operator_svc = strncmp(name, inst, n) == 0 && strcmp(name + n, "-milvus") == 0;
	}
	if (!operator_svc && (!comp || (strcmp(comp, "proxy") != 0 && strcmp(comp, "standalone") != 0)))
		return 0;
	item = cJSON_CreateObject();
	if (!item || !cJSON_AddItemToArray(items, item) || !add_str(item, "namespace", meta(svc, "namespace")) ||
	    !add_str(item, "release", inst ? inst : name) || !add_str(item, "managedBy", managed) ||
	    !add_str(item, "component", comp) || !add_str(item, "service", name) ||
	    !add_str(item, "type", str(spec, "type")) || !add_str(item, "clusterIP", str(spec, "clusterIP")) ||
	    !(ports = cJSON_AddArrayToObject(item, "ports")))
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(spec, "ports")) {
		cJSON *p = cJSON_CreateObject();
		const cJSON *port = cJSON_GetObjectItemCaseSensitive(it, "port");
		const cJSON *node = cJSON_GetObjectItemCaseSensitive(it, "nodePort");

		if (!p || !cJSON_AddItemToArray(ports, p) || !add_str(p, "name", str(it, "name")) ||
		    !cJSON_AddNumberToObject(p, "port", cJSON_IsNumber(port) ? port->valuedouble : 0) ||
		    !add_str(p, "protocol", str(it, "protocol") ? str(it, "protocol") : "TCP") ||
		    (cJSON_IsNumber(node) && !cJSON_AddNumberToObject(p, "nodePort", node->valuedouble)))
			return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	}
	if (!cJSON_AddItemToObject(item, "loadBalancer", lb_addresses(svc)) ||
	    !cJSON_AddArrayToObject(item, "ingresses"))
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	return 0;
}

/* The Milvus items by "namespace/service", for the Ingress backends. */
struct entry {
	char *key;
	cJSON *item;
};

struct index {
	struct entry *e;
	size_t n;
};

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

static cJSON *find_item(const struct index *ix, const char *ns, const char *service)
{
	char key[400];
	struct entry want = {key, NULL}, *hit;

	snprintf(key, sizeof(key), "%s/%s", ns, service);
	hit = bsearch(&want, ix->e, ix->n, sizeof(*ix->e), by_key);
	return hit ? hit->item : NULL;
}

static int attach(cJSON *item, const cJSON *ing, struct ml7_err *err)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(ing, "spec"), *rule, *e0;
	cJSON *list = cJSON_GetObjectItemCaseSensitive(item, "ingresses"), *e, *hosts, *addr;
	const char *cls = str(spec, "ingressClassName"), *name = meta(ing, "name");

	cJSON_ArrayForEach(e0, list)   /* several rules to one Service: once */
		if (name && str(e0, "name") && strcmp(str(e0, "name"), name) == 0)
			return 0;
	if (!cls)
		cls = str(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ing, "metadata"),
							   "annotations"), "kubernetes.io/ingress.class");
	e = cJSON_CreateObject();
	addr = lb_addresses(ing);
	if (!e || !addr || !cJSON_AddItemToArray(list, e) || !add_str(e, "name", name) ||
	    !add_str(e, "class", cls) || !(hosts = cJSON_AddArrayToObject(e, "hosts")) ||
	    !add_str(e, "address", cJSON_GetArraySize(addr) ? cJSON_GetArrayItem(addr, 0)->valuestring : NULL)) {
		cJSON_Delete(addr);
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	}
	cJSON_Delete(addr);
	cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(spec, "rules"))
		if (str(rule, "host") && !cJSON_AddItemToArray(hosts, cJSON_CreateString(str(rule, "host"))))
			return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	return 0;
}

/* Attaches the Ingress to every Milvus Service of its namespace it routes to
 * (default backend or a rule's path). */
static int on_ingress(void *ud, const cJSON *ing, struct ml7_err *err)
{
	const struct index *ix = ud;
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(ing, "spec"), *rule, *path;
	const char *ns = meta(ing, "namespace"), *n;
	cJSON *item;
	int rc;

	if (!ns)
		return 0;
	n = str(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(spec, "defaultBackend"),
						 "service"), "name");
	if (n && (item = find_item(ix, ns, n)) && (rc = attach(item, ing, err)))
		return rc;
	cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(spec, "rules")) {
		cJSON_ArrayForEach(path, cJSON_GetObjectItemCaseSensitive(
					   cJSON_GetObjectItemCaseSensitive(rule, "http"), "paths")) {
			n = str(cJSON_GetObjectItemCaseSensitive(
					cJSON_GetObjectItemCaseSensitive(path, "backend"), "service"), "name");
			if (n && (item = find_item(ix, ns, n)) && (rc = attach(item, ing, err)))
				return rc;
		}
	}
	return 0;
}

static void index_free(struct index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		ml7_free(ix->e[i].key);
	ml7_free(ix->e);
}

static int index_build(cJSON *items, struct index *ix, struct ml7_err *err)
{
	cJSON *it;

	ix->e = ml7_calloc((size_t)cJSON_GetArraySize(items), sizeof(*ix->e));
	if (!ix->e)
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	cJSON_ArrayForEach(it, items) {
		struct ml7_buf b = ML7_BUF_INIT;

		if (ml7_buf_printf(&b, "%s/%s", str(it, "namespace") ? str(it, "namespace") : "",
				   str(it, "service") ? str(it, "service") : "")) {
			ml7_buf_free(&b);
			return ml7_err_set(err, ML7_ENOMEM, "out of memory");
		}
		ix->e[ix->n].key = ml7_buf_detach(&b);
		ix->e[ix->n++].item = it;
	}
	qsort(ix->e, ix->n, sizeof(*ix->e), by_key);
	return 0;
}

static int by_ns_release(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	int c = strcmp(str(x, "namespace") ? str(x, "namespace") : "", str(y, "namespace") ? str(y, "namespace") : "");

	if (c)
		return c;
	c = strcmp(str(x, "release") ? str(x, "release") : "", str(y, "release") ? str(y, "release") : "");
	return c ? c : strcmp(str(x, "service") ? str(x, "service") : "", str(y, "service") ? str(y, "service") : "");
}

static int sort_items(cJSON *items, struct ml7_err *err)
{
	int n = cJSON_GetArraySize(items);
	cJSON **v;

	if (n < 2)
		return 0;
	v = ml7_calloc((size_t)n, sizeof(*v));
	if (!v)
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	for (int i = n - 1; i >= 0; i--)
		v[i] = cJSON_DetachItemFromArray(items, i);
	qsort(v, (size_t)n, sizeof(*v), by_ns_release);
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(items, v[i]);
	ml7_free(v);
	return 0;
}

int ml7_status_collect(struct ml7_kube *k, const char *ns, const char *release, cJSON **out,
		       struct ml7_err *err)
{
	struct ml7_buf path = ML7_BUF_INIT, sel = ML7_BUF_INIT;
	cJSON *doc = cJSON_CreateObject(), *items = doc ? cJSON_AddArrayToObject(doc, "items") : NULL;
	struct ml7_kube_list_opts lo = {0};
	int rc;

	if (!items || ml7_buf_puts(&sel, MILVUS_SELECTOR) ||
	    (release && ml7_buf_printf(&sel, ",app.kubernetes.io/instance=%s", release))) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = ml7_kube_path(&path, "v1", ns, "services", NULL, NULL))) {
		rc = ml7_err_set(err, rc, "invalid namespace '%s'", ns ? ns : "");
		goto out;
	}
	lo.label_selector = sel.data;
	if ((rc = ml7_kube_list(k, path.data, &lo, on_service, items, NULL, err)))
		goto out;
	if ((rc = sort_items(items, err)))
		goto out;
	if (cJSON_GetArraySize(items) > 0) {
		struct index ix = {0};
		struct ml7_kube_list_opts lo2 = {NULL, NULL, 100};

		ml7_buf_reset(&path);
		rc = ml7_kube_path(&path, "networking.k8s.io/v1", ns, "ingresses", NULL, NULL);
		if (rc == 0)
			rc = index_build(items, &ix, err);
		if (rc == 0)
			rc = ml7_kube_list(k, path.data, &lo2, on_ingress, &ix, NULL, err);
		index_free(&ix);
	}
out:
	ml7_buf_free(&path);
	ml7_buf_free(&sel);
	if (rc) {
		cJSON_Delete(doc);
		return rc;
	}
	*out = doc;
	return 0;
}
