/* values.c - Helm values as cJSON trees: helm's merge rule, the keys the flip
 * changes, its revert, and a diff that shows exactly what changes. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ml7/buf.h"
#include "ml7/helm.h"
#include "ml7/mem.h"

#define NGINX_PREFIX "nginx.ingress.kubernetes.io/"
#define CLASS_ANNOTATION "kubernetes.io/ingress.class"

static int oom(struct ml7_err *err)
{
	return ml7_err_set(err, ML7_ENOMEM, "out of memory");
}

/* dst = overrides merged over src, as pkg/chartutil/coalesce.go CoalesceTables
 * (merge = false): only tables merge; a null in dst deletes src's key. */
static int coalesce(cJSON *dst, const cJSON *src)
{
	const cJSON *sv;

	cJSON_ArrayForEach(sv, src) {
		cJSON *dv = cJSON_GetObjectItemCaseSensitive(dst, sv->string);

		if (dv && cJSON_IsNull(dv)) {
			cJSON_DeleteItemFromObjectCaseSensitive(dst, sv->string);
		} else if (!dv) {
			cJSON *copy = cJSON_Duplicate(sv, 1);

			if (!copy || !cJSON_AddItemToObject(dst, sv->string, copy)) {
				cJSON_Delete(copy);
				return ML7_ENOMEM;
			}
		} else if (cJSON_IsObject(sv) && cJSON_IsObject(dv)) {
			if (coalesce(dv, sv))
				return ML7_ENOMEM;
		}
		/* otherwise dst's value wins (helm warns for table vs non-table) */
	}
	return 0;
}

int ml7_values_coalesce(const cJSON *overrides, const cJSON *base, cJSON **out,
			struct ml7_err *err)
{
	cJSON *dst = overrides && cJSON_IsObject(overrides) ? cJSON_Duplicate(overrides, 1)
							    : cJSON_CreateObject();

	if (!dst)
		return oom(err);
	if (base && cJSON_IsObject(base) && coalesce(dst, base)) {
		cJSON_Delete(dst);
		return oom(err);
	}
	*out = dst;
	return 0;
}

static const cJSON *child(const cJSON *obj, const char *key, size_t n)
{
	const cJSON *c;

	if (!cJSON_IsObject(obj))
		return NULL;
	cJSON_ArrayForEach(c, obj)
		if (c->string && strlen(c->string) == n && memcmp(c->string, key, n) == 0)
			return c;
	return NULL;
}

const cJSON *ml7_values_get(const cJSON *values, const char *path)
{
	const cJSON *v = values;

	while (v && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		v = child(v, path, n);
		path += n + (dot ? 1 : 0);
	}
	return v;
}

int ml7_values_flip_delta(const char *service_type, const cJSON *alb_annotations,
			  const char *host, const char *ingress_class, const cJSON *computed,
			  cJSON **out, struct ml7_err *err)
{
	cJSON *d = cJSON_CreateObject(), *svc, *ing, *ann, *rules, *rule;
	const cJSON *have = ml7_values_get(computed, "ingress.annotations"), *a;
	int class_field = ml7_values_get(computed, "ingress.ingressClassName") != NULL;

	if (!d)
		return oom(err);
	svc = cJSON_AddObjectToObject(d, "service");
	if (!svc || !cJSON_AddStringToObject(svc, "type", service_type ? service_type : "ClusterIP"))
		goto nomem;
	if (!alb_annotations)
		goto done;
	if (!host || !*host) {
		cJSON_Delete(d);
		return ml7_err_set(err, ML7_EINVAL, "the ingress values need a host");
	}
	if (!ingress_class || !*ingress_class)
		ingress_class = "alb";
	ing = cJSON_AddObjectToObject(d, "ingress");
	if (!ing || !cJSON_AddTrueToObject(ing, "enabled"))
		goto nomem;
	if (class_field && !cJSON_AddStringToObject(ing, "ingressClassName", ingress_class))
		goto nomem;
	ann = cJSON_AddObjectToObject(ing, "annotations");
	if (!ann)
		goto nomem;
	/* helm merges maps: the chart's nginx defaults go only when set to null */
	cJSON_ArrayForEach(a, have) {
		if (!a->string || cJSON_GetObjectItemCaseSensitive(alb_annotations, a->string))
			continue;
		if ((strncmp(a->string, NGINX_PREFIX, strlen(NGINX_PREFIX)) == 0 ||
		     (class_field && strcmp(a->string, CLASS_ANNOTATION) == 0)) &&
		    !cJSON_AddNullToObject(ann, a->string))
			goto nomem;
	}
	cJSON_ArrayForEach(a, alb_annotations) {
		cJSON *copy = cJSON_Duplicate(a, 1);

		if (!copy || !cJSON_AddItemToObject(ann, a->string, copy)) {
			cJSON_Delete(copy);
			goto nomem;
		}
	}
	if (!class_field && !cJSON_AddStringToObject(ann, CLASS_ANNOTATION, ingress_class))
		goto nomem;
	rules = cJSON_AddArrayToObject(ing, "rules");
	rule = cJSON_CreateObject();
	if (!rules || !rule || !cJSON_AddItemToArray(rules, rule)) {
		cJSON_Delete(rule);
		goto nomem;
	}
	if (!cJSON_AddStringToObject(rule, "host", host) ||
	    !cJSON_AddStringToObject(rule, "path", "/") ||
	    !cJSON_AddStringToObject(rule, "pathType", "Prefix"))
		goto nomem;
done:
	*out = d;
	return 0;
nomem:
	cJSON_Delete(d);
	return oom(err);
}

/* dst[key] = a copy of src's value at key, or removed when src has none. */
static int put_back(cJSON *dst, const cJSON *src, const char *key)
{
	const cJSON *v = cJSON_IsObject(src) ? cJSON_GetObjectItemCaseSensitive(src, key) : NULL;
	cJSON *copy;

	cJSON_DeleteItemFromObjectCaseSensitive(dst, key);
	if (!v)
		return 0;
	copy = cJSON_Duplicate(v, 1);
	if (!copy || !cJSON_AddItemToObject(dst, key, copy)) {
		cJSON_Delete(copy);
		return ML7_ENOMEM;
	}
	return 0;
}

int ml7_values_revert(const cJSON *current, const cJSON *previous, cJSON **out,
		      struct ml7_err *err)
{
	cJSON *v = cJSON_IsObject(current) ? cJSON_Duplicate(current, 1) : cJSON_CreateObject();
	const cJSON *prev_svc = ml7_values_get(previous, "service");
	cJSON *svc;

	if (!v)
		return oom(err);
	if (put_back(v, previous, "ingress"))
		goto nomem;
	svc = cJSON_GetObjectItemCaseSensitive(v, "service");
	if (svc && cJSON_IsObject(svc)) {
		if (put_back(svc, prev_svc, "type"))
			goto nomem;
		if (!svc->child && !cJSON_IsObject(prev_svc))
			cJSON_DeleteItemFromObjectCaseSensitive(v, "service");
	} else if (put_back(v, previous, "service")) {
		goto nomem;
	}
	*out = v;
	return 0;
nomem:
	cJSON_Delete(v);
	return oom(err);
}

/* --- diff --- */

static int secret_key(const char *k)
{
	static const char *const words[] = {"secret", "password", "token", "accesskey",
					    "privatekey", "credential", NULL};

	for (size_t i = 0; k && words[i]; i++)
		if (strcasestr(k, words[i]))
			return 1;
	return 0;
}

struct leaf {
	char *path;
	char *text;     /* compact JSON of the value */
	int hide;       /* a secret: shown as <hidden> */
};

struct leaves {
	struct leaf *v;
	size_t n, cap;
};

static int leaf_cmp(const void *a, const void *b)
{
	return strcmp(((const struct leaf *)a)->path, ((const struct leaf *)b)->path);
}

static int add_leaf(struct leaves *l, const char *path, const cJSON *v, int hide)
{
	char *text;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct leaf *nv = ml7_realloc(l->v, cap * sizeof(*nv));

		if (!nv)
			return ML7_ENOMEM;
		l->v = nv;
		l->cap = cap;
	}
	{
		char *j = cJSON_PrintUnformatted(v);

		text = j ? ml7_strdup(j) : NULL;
		cJSON_free(j);
	}
	l->v[l->n].hide = hide;
	l->v[l->n].path = ml7_strdup(path);
	l->v[l->n].text = text;
	if (!l->v[l->n].path || !text) {
		ml7_free(l->v[l->n].path);
		ml7_free(text);
		return ML7_ENOMEM;
	}
	l->n++;
	return 0;
}

/* Every leaf (scalar, array or empty object) under v, with its dotted path;
 * keys that hold a dot are quoted. */
static int flatten(const cJSON *v, struct ml7_buf *path, struct leaves *l, int hide)
{
	const cJSON *c;

	if (!cJSON_IsObject(v) || (!v->child && path->len))
		return add_leaf(l, path->len ? path->data : "(root)", v, hide);
	cJSON_ArrayForEach(c, v) {
		size_t mark = path->len;
		int rc = 0;

		if (path->len)
			rc = ml7_buf_putc(path, '.');
		if (!rc)
			rc = strchr(c->string, '.') ? ml7_buf_printf(path, "\"%s\"", c->string)
						    : ml7_buf_puts(path, c->string);
		if (!rc)
			rc = flatten(c, path, l, hide || secret_key(c->string));
		path->len = mark;
		if (path->data)
			path->data[mark] = 0;
		if (rc)
			return rc;
	}
	return 0;
}

static void leaves_free(struct leaves *l)
{
	for (size_t i = 0; i < l->n; i++) {
		ml7_free(l->v[i].path);
		ml7_free(l->v[i].text);
	}
	ml7_free(l->v);
}

int ml7_values_diff(const cJSON *before, const cJSON *after, struct ml7_buf *out)
{
	struct leaves a = {0}, b = {0};
	struct ml7_buf path = ML7_BUF_INIT;
	size_t i = 0, j = 0;
	int rc, changes = 0;
	cJSON *empty = cJSON_CreateObject();

	if (!empty)
		return ML7_ENOMEM;
	rc = flatten(before ? before : empty, &path, &a, 0);
	if (!rc)
		rc = flatten(after ? after : empty, &path, &b, 0);
	if (rc)
		goto out;
	if (a.n)
		qsort(a.v, a.n, sizeof(*a.v), leaf_cmp);
	if (b.n)
		qsort(b.v, b.n, sizeof(*b.v), leaf_cmp);
	while (!rc && (i < a.n || j < b.n)) {
		int c = i == a.n ? 1 : j == b.n ? -1 : strcmp(a.v[i].path, b.v[j].path);

		if (c == 0 && strcmp(a.v[i].text, b.v[j].text) == 0) {
			i++, j++;
			continue;
		}
		changes++;
		if (c <= 0) {
			rc = ml7_buf_printf(out, "- %s: %s\n", a.v[i].path,
					    a.v[i].hide ? "<hidden>" : a.v[i].text);
			i++;
		}
		if (!rc && c >= 0) {
			rc = ml7_buf_printf(out, "+ %s: %s\n", b.v[j].path,
					    b.v[j].hide ? "<hidden>" : b.v[j].text);
			j++;
		}
	}
out:
	leaves_free(&a);
	leaves_free(&b);
	ml7_buf_free(&path);
	cJSON_Delete(empty);
	return rc ? rc : changes;
}
