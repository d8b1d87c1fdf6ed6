/* postrender.c - the Helm post-renderer: in the rendered multi-document YAML,
 * flip the Milvus Service to ClusterIP and add (or replace) the ALB Ingress;
 * every other document is passed through byte for byte. */
#include <stdio.h>
#include <string.h>

#include "ml7/buf.h"
#include "ml7/helm.h"
#include "ml7/ingress.h"
#include "ml7/mem.h"
#include "ml7/release.h"
#include "ml7/yaml.h"

struct doc {
	const char *text;       /* the document's text, its "---" line excluded */
	size_t len;
	cJSON *obj;             /* parsed, or NULL for an empty document */
};

static const char *str_at(const cJSON *o, const char *a, const char *b, const char *c)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	if (b)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	if (c)
		v = cJSON_GetObjectItemCaseSensitive(v, c);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int is_kind(const cJSON *o, const char *kind)
{
	const char *k = str_at(o, "kind", NULL, NULL);

	return k && strcmp(k, kind) == 0;
}

/* The chart's Milvus Service: name=milvus, component proxy or standalone. */
static int is_milvus_service(const cJSON *o)
{
	const char *name = str_at(o, "metadata", "labels", "app.kubernetes.io/name");
	const char *comp = str_at(o, "metadata", "labels", "component");

	if (!comp)
		comp = str_at(o, "metadata", "labels", "app.kubernetes.io/component");
	return is_kind(o, "Service") && name && strcmp(name, "milvus") == 0 && comp &&
	       (strcmp(comp, "proxy") == 0 || strcmp(comp, "standalone") == 0);
}

/* Splits at lines that are "---" (optionally followed by a space or a comment). */
static int split(const char *in, size_t len, struct doc **out, size_t *n, struct ml7_err *err)
{
	struct doc *v = NULL;
	size_t cap = 0, count = 0;
	const char *p = in, *end = in + len, *start = in;

	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		int sep = eol - p >= 3 && strncmp(p, "---", 3) == 0 &&
			  (eol - p == 3 || p[3] == ' ' || p[3] == '\r' || p[3] == '\t');

		if (sep || !nl) {
			const char *stop = sep ? p : end;

			if (count == cap) {
				struct doc *nv;

				cap = cap ? cap * 2 : 16;
				nv = ml7_realloc(v, cap * sizeof(*nv));
				if (!nv) {
					ml7_free(v);
					return ml7_err_set(err, ML7_ENOMEM, "out of memory");
				}
				v = nv;
			}
			v[count].text = start;
			v[count].len = (size_t)(stop - start);
			v[count].obj = NULL;
			count++;
			start = nl ? nl + 1 : end;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	*out = v;
	*n = count;
	return 0;
}

static int port_of(const cJSON *svc)
{
	const cJSON *ports = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(svc, "spec"), "ports"), *p;
	int first = 0;

	cJSON_ArrayForEach(p, ports) {
		const cJSON *num = cJSON_GetObjectItemCaseSensitive(p, "port");
		const char *name = str_at(p, "name", NULL, NULL);

		if (!cJSON_IsNumber(num))
			continue;
		if (name && strcmp(name, "milvus") == 0)
			return num->valueint;
		if (!first)
			first = num->valueint;
	}
	return first ? first : 19530;
}

/* type := service_type; fields only a LoadBalancer/NodePort may carry go */
static void flip_service(cJSON *svc, const char *service_type)
{
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(svc, "spec"), *p;

	if (!spec)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "type");
	cJSON_AddStringToObject(spec, "type", service_type);
	if (strcmp(service_type, "ClusterIP") != 0)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "loadBalancerIP");
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "loadBalancerSourceRanges");
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "externalTrafficPolicy");
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "healthCheckNodePort");
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "allocateLoadBalancerNodePorts");
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(spec, "ports"))
		cJSON_DeleteItemFromObjectCaseSensitive(p, "nodePort");
}

static int emit_doc(struct ml7_buf *out, const cJSON *obj, struct ml7_err *err)
{
	int rc = ml7_buf_puts(out, "---\n");

	if (!rc)
		rc = ml7_yaml_emit(obj, out, err);
	return rc ? ml7_err_set(err, rc, "cannot write the manifests") : 0;
}

int ml7_helm_post_render(const char *in, size_t len, const char *service_type,
			 const struct ml7_ingress_opts *ingress, struct ml7_buf *out,
			 struct ml7_err *err)
{
	struct doc *docs = NULL;
	size_t n = 0, svc = (size_t)-1, ing = (size_t)-1;
	struct ml7_release *rel = NULL;
	cJSON *ingobj = NULL;
	char name[128];
	int rc;

	if (!service_type || !*service_type)
		service_type = "ClusterIP";
	rc = split(in, len, &docs, &n, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "manifest document %zu", i + 1);
		rc = ml7_yaml_parse(docs[i].text, docs[i].len, name, &docs[i].obj, err);
		if (rc)
			goto out;
		if (!is_milvus_service(docs[i].obj))
			continue;
		if (svc != (size_t)-1) {
			rc = ml7_err_set(err, ML7_EINVAL, "two Milvus Services in the manifests: '%s' and "
					 "'%s'", str_at(docs[svc].obj, "metadata", "name", NULL),
					 str_at(docs[i].obj, "metadata", "name", NULL));
			goto out;
		}
		svc = i;
	}
	if (svc == (size_t)-1) {
		rc = ml7_err_set(err, ML7_ENOTFOUND, "no Milvus Service in the manifests (a Service "
				 "labelled app.kubernetes.io/name=milvus, component proxy or standalone)");
		goto out;
	}
	flip_service(docs[svc].obj, service_type);
	if (ingress) {
		const char *sname = str_at(docs[svc].obj, "metadata", "name", NULL);
		const char *iname = ingress->name ? ingress->name : sname;

		rc = ml7_release_new(str_at(docs[svc].obj, "metadata", "labels",
					    "app.kubernetes.io/instance"),
				     str_at(docs[svc].obj, "metadata", "namespace", NULL), sname,
				     port_of(docs[svc].obj), &rel, err);
		if (!rc)
			rc = ml7_ingress_build(ingress, rel, &ingobj, err);
		if (rc)
			goto out;
		for (size_t i = 0; i < n; i++) {
			const char *nm = str_at(docs[i].obj, "metadata", "name", NULL);

			if (is_kind(docs[i].obj, "Ingress") && nm && iname && strcmp(nm, iname) == 0)
				ing = i;
		}
	}
	for (size_t i = 0; i < n && !rc; i++) {
		if (i == svc)
			rc = emit_doc(out, docs[i].obj, err);
		else if (i == ing)
			rc = emit_doc(out, ingobj, err);
		else if (!cJSON_IsNull(docs[i].obj) && (rc = ml7_buf_puts(out, "---\n")) == 0 &&
			 (rc = ml7_buf_append(out, docs[i].text, docs[i].len)) == 0 &&
			 docs[i].len && docs[i].text[docs[i].len - 1] != '\n')
			rc = ml7_buf_putc(out, '\n');
		if (rc && !err->code)
			ml7_err_set(err, rc, "cannot write the manifests");
	}
	if (!rc && ingobj && ing == (size_t)-1)
		rc = emit_doc(out, ingobj, err);
out:
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(docs[i].obj);
	ml7_free(docs);
	cJSON_Delete(ingobj);
	ml7_release_free(rel);
	return rc;
}
