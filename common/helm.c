/* helm.c - run helm, read a deployed release, the values-preserving flip of
 * step 1 of the guide and its revert (see helm.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ml7/buf.h"
#include "ml7/helm.h"
#include "ml7/ingress.h"
#include "ml7/kubeflags.h"
#include "ml7/log.h"
#include "ml7/mem.h"
#include "ml7/run.h"
#include "ml7/strlist.h"

#define DEFAULT_TIMEOUT_MS (5L * 60 * 1000)
#define MAX_ARGS 40

static const char *bin_of(const struct ml7_helm_conf *h)
{
	return h && h->bin && *h->bin ? h->bin : "helm";
}

static int helm_missing(const struct ml7_helm_conf *h, struct ml7_err *err)
{
	return ml7_err_set(err, ML7_ENOTFOUND, "cannot run helm '%s': not found (install Helm 3.14+ "
			   "or set HELM_BIN)", bin_of(h));
}

int ml7_helm_conf_check(const struct ml7_helm_conf *h, struct ml7_err *err)
{
	const struct ml7_kube_flags *f = h ? h->kube : NULL;
	struct ml7_buf b = ML7_BUF_INIT;
	int rc = 0;

	if (!ml7_run_found(bin_of(h)))
		return helm_missing(h, err);
	if (!f)
		return 0;
	if ((f->cluster && ml7_buf_printf(&b, "%s--cluster", b.len ? ", " : "")) ||
	    (f->user && ml7_buf_printf(&b, "%s--user", b.len ? ", " : "")) ||
	    (f->as_uid && ml7_buf_printf(&b, "%s--as-uid", b.len ? ", " : "")) ||
	    (f->client_certificate && ml7_buf_printf(&b, "%s--client-certificate", b.len ? ", " : "")) ||
	    (f->client_key && ml7_buf_printf(&b, "%s--client-key", b.len ? ", " : "")))
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
	else if (b.len)
		rc = ml7_err_set(err, ML7_EINVAL, "helm has no flag for %s, so it would reach the cluster "
				 "differently: put them in a kubeconfig context and use --context", b.data);
	ml7_buf_free(&b);
	return rc;
}

static int push_flag(struct ml7_strlist *l, const char *flag, const char *value)
{
	if (!value || !*value)
		return 0;
	return ml7_strlist_push(l, flag) || ml7_strlist_push(l, value) ? ML7_ENOMEM : 0;
}

/* argv = bin, args..., then the connection flags of the conf.  0 or ML7_ENOMEM. */
static int build_argv(const struct ml7_helm_conf *h, const char *const *args, struct ml7_strlist *argv)
{
	const struct ml7_kube_flags *f = h ? h->kube : NULL;
	int rc = ml7_strlist_push(argv, bin_of(h));

	for (; !rc && args && *args; args++)
		rc = ml7_strlist_push(argv, *args);
	if (!rc && h)
		rc = push_flag(argv, "--namespace", h->namespace_);
	if (rc || !f)
		return rc;
	if ((rc = push_flag(argv, "--kubeconfig", f->kubeconfig)) ||
	    (rc = push_flag(argv, "--kube-context", f->context)) ||
	    (rc = push_flag(argv, "--kube-apiserver", f->server)) ||
	    (rc = push_flag(argv, "--kube-ca-file", f->certificate_authority)) ||
	    (rc = push_flag(argv, "--kube-tls-server-name", f->tls_server_name)) ||
	    (rc = push_flag(argv, "--kube-as-user", f->as)))
		return rc;
	for (size_t i = 0; !rc && i < f->as_groups.n; i++)
		rc = push_flag(argv, "--kube-as-group", f->as_groups.items[i]);
	if (!rc && f->insecure_skip_tls_verify)
		rc = ml7_strlist_push(argv, "--kube-insecure-skip-tls-verify");
	return rc;
}

/* helm's last "Error: ..." line (or its last line), without the prefix. */
static void last_error(const struct ml7_buf *b, char *dst, size_t n)
{
	const char *s = b->data ? b->data : "", *best = NULL, *p = s;
	size_t len = 0;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l && (!best || strncmp(p, "Error: ", 7) == 0 || strncmp(best, "Error: ", 7) != 0)) {
			best = p;
			len = l;
		}
		p += l + (e ? 1 : 0);
	}
	if (best && strncmp(best, "Error: ", 7) == 0) {
		best += 7;
		len -= 7;
	}
	snprintf(dst, n, "%.*s", (int)(best ? len : 0), best ? best : "");
}

int ml7_helm_run(const struct ml7_helm_conf *h, const char *const *args, const char *stdin_data,
		 struct ml7_buf *out, struct ml7_err *err)
{
	struct ml7_strlist argv = ML7_STRLIST_INIT;
	struct ml7_buf token = ML7_BUF_INIT;
	/* with the connection flags given, helm's own environment must not add to them (a
	 * HELM_KUBECONTEXT left in the user's shell); helm reads an empty value as unset */
	const char *env[] = {NULL, "HELM_KUBECONTEXT=", "HELM_KUBEAPISERVER=", "HELM_KUBECAFILE=",
			     "HELM_KUBEASUSER=", "HELM_KUBEASGROUPS=", "HELM_KUBEINSECURE_SKIP_TLS_VERIFY=",
			     "HELM_KUBETLS_SERVER_NAME=", "HELM_NAMESPACE=", NULL};
	struct ml7_run_opts ro = {0};
	struct ml7_run_result res = {0};
	char msg[512];
	int rc;

	token.secret = 1;
	if (build_argv(h, args, &argv) ||
	    (h && h->kube && ml7_buf_printf(&token, "HELM_KUBETOKEN=%s", h->kube->token ? h->kube->token : ""))) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto out;
	}
	env[0] = token.data;
	ro.argv = (const char *const *)argv.items;
	ro.env_add = h && h->kube ? env : NULL;
	ro.stdin_data = stdin_data;
	ro.stdin_len = stdin_data ? strlen(stdin_data) : 0;
	ro.timeout_ms = h && h->timeout_ms > 0 ? h->timeout_ms : DEFAULT_TIMEOUT_MS;
	ml7_log(ML7_LOG_ACTION, "helm %s", args && args[0] ? args[0] : "");
	rc = ml7_run(&ro, &res, err);
	if (rc == ML7_ENOTFOUND) {
		err->msg[0] = 0;
		err->code = 0;
		rc = helm_missing(h, err);
	} else if (rc == 0 && res.status != 0) {
		last_error(&res.err, msg, sizeof(msg));
		rc = ml7_err_set(err, strstr(msg, "not found") ? ML7_ENOTFOUND : ML7_EEXEC, "%s",
				 *msg ? msg : "helm failed");
		if (res.status >= 128)
			ml7_err_prefix(err, "helm exited with status %d", res.status);
	} else if (rc == 0 && out) {
		rc = ml7_buf_append(out, res.out.data ? res.out.data : "", res.out.len);
		if (rc)
			ml7_err_set(err, rc, "helm's output is too large");
	}
	ml7_run_result_free(&res);
out:
	ml7_strlist_free(&argv);
	ml7_buf_free(&token);
	return rc;
}

/* Runs helm and parses its stdout as JSON. */
static int run_json(const struct ml7_helm_conf *h, const char *const *args, cJSON **out,
		    struct ml7_err *err)
{
	struct ml7_buf b = ML7_BUF_INIT;
	cJSON *j;
	int rc;

	b.secret = 1;   /* user values hold storage keys */
	rc = ml7_helm_run(h, args, NULL, &b, err);
	if (rc)
		goto out;
	j = cJSON_ParseWithLength(b.data ? b.data : "", b.len);
	if (!j) {
		rc = ml7_err_set(err, ML7_EPROTO, "cannot parse the output of 'helm %s' as JSON",
				 args[0]);
		goto out;
	}
	*out = j;
out:
	ml7_buf_free(&b);
	return rc;
}

int ml7_helm_version(const struct ml7_helm_conf *h, struct ml7_helm_version *out,
		     struct ml7_err *err)
{
	static const char *const args[] = {"version", "--template", "{{.Version}}", NULL};
	struct ml7_helm_version v = {0};
	struct ml7_buf b = ML7_BUF_INIT;
	int rc;

	rc = ml7_helm_run(h, args, NULL, &b, err);
	if (rc)
		goto out;
	snprintf(v.text, sizeof(v.text), "%s", b.data ? b.data : "");
	v.text[strcspn(v.text, "\r\n")] = 0;
	if (sscanf(v.text, "v%d.%d.%d", &v.major, &v.minor, &v.patch) < 2 || v.major < 3 ||
	    v.major > 4) {
		rc = ml7_err_set(err, ML7_EINVAL, "'%s' reports version '%s': Helm 3.14+ or Helm 4 is "
				 "needed", bin_of(h), v.text);
		goto out;
	}
	*out = v;
out:
	ml7_buf_free(&b);
	return rc;
}

int ml7_helm_has_reset_then_reuse(const struct ml7_helm_version *v)
{
	return v->major > 3 || (v->major == 3 && v->minor >= 14);
}

static char *dup_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return ml7_strdup(cJSON_IsString(v) ? v->valuestring : "");
}

static int int_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (cJSON_IsNumber(v))
		return v->valueint;
	return cJSON_IsString(v) ? atoi(v->valuestring) : 0;
}

/* `helm list` for helm without `get metadata`: "milvus-4.2.1" -> name, version */
static int metadata_from_list(const struct ml7_helm_conf *h, const char *release, cJSON **out,
			      struct ml7_err *err)
{
	char filter[300];
	const char *args[] = {"list", "--all", "--filter", filter, "-o", "json", NULL};
	cJSON *list = NULL, *m = NULL;
	const cJSON *it = NULL, *c;
	int rc;

	snprintf(filter, sizeof(filter), "^%s$", release);
	rc = run_json(h, args, &list, err);
	if (rc)
		return rc;
	cJSON_ArrayForEach(c, list)
		if (cJSON_IsString(cJSON_GetObjectItem(c, "name")) &&
		    strcmp(cJSON_GetObjectItem(c, "name")->valuestring, release) == 0)
			it = c;
	if (!it) {
		rc = ml7_err_set(err, ML7_ENOTFOUND, "release: not found");
		goto out;
	}
	m = cJSON_Duplicate(it, 1);
	c = cJSON_GetObjectItem(it, "chart");
	if (m && cJSON_IsString(c)) {
		const char *s = c->valuestring, *p;
		char name[256];

		for (p = s; (p = strchr(p, '-')); p++)
			if (p[1] >= '0' && p[1] <= '9' && strchr(p + 1, '.'))
				break;
		snprintf(name, sizeof(name), "%.*s", (int)(p ? p - s : (long)strlen(s)), s);
		cJSON_DeleteItemFromObject(m, "chart");
		cJSON_AddStringToObject(m, "chart", name);
		cJSON_AddStringToObject(m, "version", p ? p + 1 : "");
		const char *app = cJSON_GetStringValue(cJSON_GetObjectItem(it, "app_version"));

		cJSON_AddStringToObject(m, "appVersion", app ? app : "");
	}
	if (!m)
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
	else
		*out = m;
out:
	cJSON_Delete(list);
	return rc;
}

static int get_values(const struct ml7_helm_conf *h, const char *release, int all, int revision,
		      cJSON **out, struct ml7_err *err)
{
	char rev[24];
	const char *args[] = {"get", "values", release, "-o", "json", NULL, NULL, NULL};
	cJSON *v = NULL;
	int rc;

	if (all)
		args[5] = "--all";
	if (revision > 0) {
		snprintf(rev, sizeof(rev), "%d", revision);
		args[5] = "--revision";
		args[6] = rev;
	}
	rc = run_json(h, args, &v, err);
	if (rc)
		return rc;
	if (!cJSON_IsObject(v)) {   /* "null" when the user set nothing */
		cJSON_Delete(v);
		v = cJSON_CreateObject();
		if (!v)
			return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	}
	*out = v;
	return 0;
}

void ml7_helm_release_free(struct ml7_helm_release *r)
{
	if (!r)
		return;
	ml7_free(r->name);
	ml7_free(r->namespace_);
	ml7_free(r->chart);
	ml7_free(r->version);
	ml7_free(r->app_version);
	ml7_free(r->status);
	cJSON_Delete(r->values);
	cJSON_Delete(r->computed);
	ml7_free(r);
}

/* the release's metadata and user values, and the computed values when all */
static int release_read(const struct ml7_helm_conf *h, const char *release, int all,
			struct ml7_helm_release **out, struct ml7_err *err)
{
	const char *args[] = {"get", "metadata", release, "-o", "json", NULL};
	struct ml7_helm_release *r = NULL;
	struct ml7_err e2 = {0};
	cJSON *m = NULL;
	int rc;

	rc = run_json(h, args, &m, &e2);
	if (rc && strstr(e2.msg, "unknown command"))
		rc = metadata_from_list(h, release, &m, (ml7_err_clear(&e2), &e2));
	if (rc) {
		if (rc == ML7_ENOTFOUND && strstr(e2.msg, "release: not found"))
			return ml7_err_set(err, rc, "release '%s' not found in namespace '%s'", release,
					   h && h->namespace_ ? h->namespace_ : "(helm's default)");
		*err = e2;
		return rc;
	}
	r = ml7_calloc(1, sizeof(*r));
	if (!r) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto fail;
	}
	r->name = ml7_strdup(release);
	r->namespace_ = dup_str(m, "namespace");
	r->chart = dup_str(m, "chart");
	r->version = dup_str(m, "version");
	r->app_version = dup_str(m, "appVersion");
	r->status = dup_str(m, "status");
	r->revision = int_of(m, "revision");
	if (!r->name || !r->namespace_ || !r->chart || !r->version || !r->app_version || !r->status) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto fail;
	}
	rc = get_values(h, release, 0, 0, &r->values, err);
	if (!rc && all)
		rc = get_values(h, release, 1, 0, &r->computed, err);
	if (rc)
		goto fail;
	cJSON_Delete(m);
	*out = r;
	return 0;
fail:
	cJSON_Delete(m);
	ml7_helm_release_free(r);
	return rc;
}

int ml7_helm_release_get(const struct ml7_helm_conf *h, const char *release,
			 struct ml7_helm_release **out, struct ml7_err *err)
{
	return release_read(h, release, 1, out, err);
}

int ml7_helm_check_milvus(const struct ml7_helm_release *r, struct ml7_err *err)
{
	const cJSON *c = r->computed;

	if (cJSON_IsNumber(ml7_values_get(c, "service.port")) &&
	    ml7_values_get(c, "service.type") && cJSON_IsObject(ml7_values_get(c, "ingress")))
		return 0;
	return ml7_err_set(err, ML7_EINVAL, "release '%s' (chart %s-%s) is not a Milvus chart: it has "
			   "no service.type/service.port and ingress values", r->name, r->chart,
			   r->version);
}

/* --- the flip --- */

void ml7_helm_flip_result_free(struct ml7_helm_flip_result *res)
{
	if (!res)
		return;
	ml7_free(res->chart);
	ml7_free(res->previous_type);
	cJSON_Delete(res->values_before);
	cJSON_Delete(res->values_after);
	cJSON_Delete(res->delta);
	ml7_buf_free(&res->diff);
	ml7_free(res->command);
	ml7_free(res->warning);
	memset(res, 0, sizeof(*res));
}

/* The chart reference names another chart than the deployed one (a repo/name
 * or bare name; paths on disk, URLs and OCI references are not checked). */
static int other_chart(const char *ref, const char *deployed)
{
	struct stat st;
	const char *base = strrchr(ref, '/');

	if (strstr(ref, "://") || stat(ref, &st) == 0 || !*deployed)
		return 0;
	base = base ? base + 1 : ref;
	return strcmp(base, deployed) != 0;
}

static char *join_command(const char *const *argv)
{
	struct ml7_buf b = ML7_BUF_INIT;

	for (; *argv; argv++) {
		int quote = !**argv || strpbrk(*argv, " \t'\"{}$*?") != NULL;

		if (b.len)
			ml7_buf_putc(&b, ' ');
		ml7_buf_printf(&b, quote ? "'%s'" : "%s", *argv);
	}
	return ml7_buf_detach(&b);
}

/* The revision before the last milvus-l7 upgrade, from the history. */
static int flip_revision(const struct ml7_helm_conf *h, const char *release, int *out,
			 struct ml7_err *err)
{
	const char *args[] = {"history", release, "--max", "256", "-o", "json", NULL};
	cJSON *hist = NULL;
	const cJSON *c;
	int rc, found = 0;

	rc = run_json(h, args, &hist, err);
	if (rc)
		return rc;
	cJSON_ArrayForEach(c, hist) {
		const char *d = cJSON_GetStringValue(cJSON_GetObjectItem(c, "description"));
		int rev = int_of(c, "revision");

		if (d && strncmp(d, ML7_HELM_MARK_UPGRADE, strlen(ML7_HELM_MARK_UPGRADE)) == 0 &&
		    rev > found)
			found = rev;
	}
	cJSON_Delete(hist);
	if (found <= 1)
		return ml7_err_set(err, ML7_ENOTFOUND, "release '%s' has no 'helm milvus-l7 upgrade' in "
				   "its history: nothing to revert", release);
	*out = found;
	return 0;
}

static int values_text(const cJSON *v, struct ml7_buf *b)
{
	char *s = cJSON_Print(v);
	int rc;

	if (!s)
		return ML7_ENOMEM;
	rc = ml7_buf_puts(b, s);   /* JSON is YAML: helm reads it with -f - */
	ml7_wipe(s, strlen(s));
	cJSON_free(s);
	return rc;
}

int ml7_helm_flip(const struct ml7_helm_conf *h, const struct ml7_helm_flip_opts *o,
		  struct ml7_helm_flip_result *res, struct ml7_err *err)
{
	struct ml7_helm_version hv;
	struct ml7_helm_release *rel = NULL, *after = NULL;
	struct ml7_buf input = ML7_BUF_INIT, desc = ML7_BUF_INIT;
	struct ml7_strlist argv = ML7_STRLIST_INIT;
	const char *args[MAX_ARGS];
	const char *chart, *version, *type, *prev_type;
	cJSON *alb = NULL, *previous = NULL;
	const cJSON *t;
	int rc, n = 0, diffs;

	memset(res, 0, sizeof(*res));
	input.secret = 1;
	rc = ml7_helm_version(h, &hv, err);
	if (rc)
		goto out;
	rc = ml7_helm_release_get(h, o->release, &rel, err);
	if (rc)
		goto out;
	if (strncmp(rel->status, "pending", 7) == 0) {
		rc = ml7_err_set(err, ML7_ECONFLICT, "release '%s' is %s: another helm operation is in "
				 "progress (or was cut off; see 'helm history %s')", rel->name,
				 rel->status, rel->name);
		goto out;
	}
	rc = ml7_helm_check_milvus(rel, err);
	if (rc)
		goto out;
	chart = o->chart && *o->chart ? o->chart : o->repo ? rel->chart : ML7_HELM_DEFAULT_CHART;
	if (other_chart(chart, rel->chart)) {
		rc = ml7_err_set(err, ML7_EINVAL, "chart '%s' is not the chart of release '%s' (%s): give "
				 "the chart it was installed from", chart, rel->name, rel->chart);
		goto out;
	}
	version = o->version && *o->version ? o->version : rel->version;
	t = ml7_values_get(rel->computed, "service.type");
	prev_type = cJSON_IsString(t) ? t->valuestring : "ClusterIP";
	res->revision_before = res->revision_after = rel->revision;
	res->values_before = cJSON_Duplicate(rel->values, 1);
	res->previous_type = ml7_strdup(prev_type);
	if (!res->values_before || !res->previous_type)
		goto nomem;

	if (o->revert) {
		int frev = 0;

		rc = flip_revision(h, o->release, &frev, err);
		if (!rc)
			rc = get_values(h, o->release, 0, frev - 1, &previous, err);
		if (!rc)
			rc = ml7_values_revert(rel->values, previous, &res->values_after, err);
		if (rc)
			goto out;
		res->delta = cJSON_Duplicate(res->values_after, 1);
		if (!res->delta)
			goto nomem;
		t = ml7_values_get(previous, "service.type");
		type = cJSON_IsString(t) ? t->valuestring : "the chart's default";
		if (ml7_buf_printf(&desc, "%s: service.type back to %s (revision %d)",
				   ML7_HELM_MARK_REVERT, type, frev - 1))
			goto nomem;
	} else {
		const char *host = NULL, *cls = NULL;

		type = o->service_type && *o->service_type ? o->service_type : "ClusterIP";
		if (o->ingress) {
			rc = ml7_ingress_annotations(o->ingress, &alb, err);
			if (rc)
				goto out;
			host = o->ingress->host;
			cls = o->ingress->ingress_class;
		}
		rc = ml7_values_flip_delta(type, alb, host, cls, rel->computed, &res->delta, err);
		if (!rc)
			rc = ml7_values_coalesce(res->delta, rel->values, &res->values_after, err);
		if (rc)
			goto out;
		if (ml7_buf_printf(&desc, "%s: service.type %s -> %s%s", ML7_HELM_MARK_UPGRADE,
				   prev_type, type, alb ? ", ALB ingress values" : ""))
			goto nomem;
	}
	diffs = ml7_values_diff(res->values_before, res->values_after, &res->diff);
	if (diffs < 0)
		goto nomem;
	{
		struct ml7_buf cb = ML7_BUF_INIT;

		if (ml7_buf_printf(&cb, "%s-%s", rel->chart, version))
			goto nomem;
		res->chart = ml7_buf_detach(&cb);
	}
	res->changed = diffs > 0 || strcmp(version, rel->version) != 0;

	args[n++] = "upgrade";
	args[n++] = o->release;
	args[n++] = chart;
	if (o->repo && *o->repo) {
		args[n++] = "--repo";
		args[n++] = o->repo;
	}
	args[n++] = "--version";
	args[n++] = version;
	if (o->revert)
		args[n++] = "--reset-values";
	else
		args[n++] = ml7_helm_has_reset_then_reuse(&hv) ? "--reset-then-reuse-values"
							       : "--reuse-values";
	args[n++] = "-f";
	args[n++] = "-";
	args[n++] = "--description";
	args[n++] = desc.data;
	args[n] = NULL;
	if (build_argv(h, args, &argv) || !(res->command = join_command((const char *const *)argv.items)))
		goto nomem;
	if (!o->revert && !ml7_helm_has_reset_then_reuse(&hv)) {
		struct ml7_buf w = ML7_BUF_INIT;

		ml7_buf_printf(&w, "helm %s has no --reset-then-reuse-values (3.14+): using "
			       "--reuse-values, which keeps the old chart's defaults", hv.text);
		res->warning = ml7_buf_detach(&w);
	}
	if (!res->changed || o->dry_run)
		goto out;

	if (values_text(res->delta, &input))
		goto nomem;
	rc = ml7_helm_run(h, args, input.data, NULL, err);
	if (rc) {
		struct ml7_err e2 = {0};

		if (release_read(h, o->release, 0, &after, &e2) == 0 &&
		    after->revision == rel->revision)
			ml7_err_prefix(err, "helm upgrade failed, nothing changed (release '%s' is still "
				       "at revision %d)", rel->name, rel->revision);
		else if (after && (res->revision_after = after->revision))
			ml7_err_prefix(err, "helm upgrade failed; release '%s' is now at revision %d (%s): "
				       "see 'helm history %s'", rel->name, after->revision,
				       after->status, rel->name);
		else
			ml7_err_prefix(err, "helm upgrade failed");
		goto out;
	}
	rc = release_read(h, o->release, 0, &after, err);
	if (rc) {
		ml7_err_prefix(err, "the upgrade ran, but reading the release back failed");
		goto out;
	}
	res->revision_after = after->revision;
	if (!cJSON_Compare(after->values, res->values_after, 1)) {
		struct ml7_buf w = ML7_BUF_INIT;

		ml7_buf_printf(&w, "the values helm stored differ from the expected ones:\n");
		ml7_values_diff(res->values_after, after->values, &w);
		ml7_free(res->warning);
		res->warning = ml7_buf_detach(&w);
		cJSON_Delete(res->values_after);
		res->values_after = after->values;
		after->values = NULL;
	}
	goto out;
nomem:
	rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
out:
	ml7_strlist_free(&argv);
	ml7_buf_free(&input);
	ml7_buf_free(&desc);
	cJSON_Delete(alb);
	cJSON_Delete(previous);
	ml7_helm_release_free(rel);
	ml7_helm_release_free(after);
	return rc;
}
