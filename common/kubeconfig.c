/* kubeconfig.c - load, merge and resolve kubeconfig files as client-go's
 * clientcmd does: KUBECONFIG list (first wins), --kubeconfig, ~/.kube/config,
 * the kubectl override flags, in-cluster config. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ml7/buf.h"
#include "ml7/clock.h"
#include "ml7/credentials.h"
#include "ml7/kubeconfig.h"
#include "ml7/mem.h"
#include "ml7/yaml.h"

#define KUBECONFIG_MAX (16u << 20)
#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"
#define EXEC_EXTENSION "client.authentication.k8s.io/exec"

struct kfile {
	char *path;
	char *dir;
	cJSON *doc;       /* a mapping, or NULL for an empty file */
};

struct loader {
	struct kfile *files;
	size_t n;
	const struct ml7_kube_flags *flags;
	const struct ml7_kube_env *env;
	char cwd[PATH_MAX];
	struct ml7_err *err;
};

/* ---- small helpers ------------------------------------------------------ */

/* the parsed tree held tokens, passwords and keys */
static void free_json(cJSON *n)
{
	ml7_json_free_secret(n);
}

/* "cannot read 'x': No such file" -> "No such file" */
static const char *cause_of(const char *msg)
{
	const char *c = strstr(msg, "': ");

	return c ? c + 3 : msg;
}

static int oom(struct ml7_err *err)
{
	return ml7_err_set(err, ML7_ENOMEM, "out of memory");
}

static int set_dup(char **dst, const char *s, struct ml7_err *err)
{
	char *p = NULL;

	if (s && !(p = ml7_strdup(s)))
		return oom(err);
	ml7_free_secret(*dst);
	*dst = p;
	return 0;
}

/* dir + "/" + path unless path is absolute (or empty). */
static char *resolve_path(const char *dir, const char *path)
{
	struct ml7_buf b = ML7_BUF_INIT;

	if (!path || !*path || path[0] == '/' || !dir)
		return ml7_strdup(path ? path : "");
	if (ml7_buf_printf(&b, "%s/%s", dir, path)) {
		ml7_buf_free(&b);
		return NULL;
	}
	return ml7_buf_detach(&b);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return ml7_strdup(".");
	if (slash == path)
		return ml7_strdup("/");
	return ml7_strndup(path, (size_t)(slash - path));
}

static const char *trim_copy(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	if (i)
		memmove(s, s + i, n - i + 1);
	return s;
}

/* Standard base64 of the *-data fields (whitespace ignored, padding optional).
 * The result is NUL-terminated; secret material is wiped on failure. */
static int b64_decode(const char *in, char **out, size_t *out_len)
{
	size_t n = strlen(in), o = 0;
	unsigned acc = 0;
	int bits = 0, pad = 0;
	char *p = ml7_malloc(n / 4 * 3 + 4);

	if (!p)
		return ML7_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)in[i], v;

		if (isspace(c))
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad)
			goto bad;   /* data after padding */
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			goto bad;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			p[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (bits >= 6 || pad > 2)
		goto bad;   /* a lone trailing character */
	p[o] = '\0';
	*out = p;
	*out_len = o;
	return 0;
bad:
	ml7_wipe(p, n / 4 * 3 + 4);
	ml7_free(p);
	return ML7_EINVAL;
}

static const cJSON *as_array(const cJSON *a)
{
	return cJSON_IsArray(a) ? a : NULL;
}

static const cJSON *as_object(const cJSON *o)
{
	return cJSON_IsObject(o) ? o : NULL;
}

/* ---- typed field access ------------------------------------------------- */

/* A string field: *out is NULL when absent or null.  Another type is an error. */
static int get_str(const cJSON *o, const char *key, const char *where, const char **out,
		   struct ml7_err *err)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return ml7_err_set(err, ML7_EINVAL, "%s: %s must be a string", where, key);
	*out = v->valuestring[0] ? v->valuestring : NULL;
	return 0;
}

static int get_bool(const cJSON *o, const char *key, const char *where, int *out,
		    struct ml7_err *err)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v))
		return ml7_err_set(err, ML7_EINVAL, "%s: %s must be true or false", where, key);
	*out = cJSON_IsTrue(v);
	return 0;
}

/* ---- reading the files -------------------------------------------------- */

static const char *const sections[][2] = {
	{"clusters", "cluster"}, {"users", "user"}, {"contexts", "context"}};

/* Checks the shape of one file and that no name repeats inside a list. */
static int check_file(const struct kfile *f, struct ml7_err *err)
{
	const cJSON *cur;

	if (!f->doc)
		return 0;
	if (!cJSON_IsObject(f->doc))
		return ml7_err_set(err, ML7_EINVAL, "cannot read kubeconfig '%s': not a kubeconfig "
				   "(the top level is not a mapping)", f->path);
	cur = cJSON_GetObjectItemCaseSensitive(f->doc, "current-context");
	if (cur && !cJSON_IsNull(cur) && !cJSON_IsString(cur))
		return ml7_err_set(err, ML7_EINVAL, "cannot read kubeconfig '%s': current-context must "
				   "be a string", f->path);
	for (size_t s = 0; s < 3; s++) {
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(f->doc, sections[s][0]), *it, *it2;
		size_t i = 0;

		if (!list || cJSON_IsNull(list))
			continue;
		if (!cJSON_IsArray(list))
			return ml7_err_set(err, ML7_EINVAL, "cannot read kubeconfig '%s': %s must be a list",
					   f->path, sections[s][0]);
		cJSON_ArrayForEach(it, list) {
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
			const cJSON *body = cJSON_GetObjectItemCaseSensitive(it, sections[s][1]);
			size_t j = 0;

			if (!cJSON_IsObject(it) || !cJSON_IsString(name) || !name->valuestring[0])
				return ml7_err_set(err, ML7_EINVAL, "cannot read kubeconfig '%s': %s[%zu] has "
						   "no name", f->path, sections[s][0], i);
			if (body && !cJSON_IsNull(body) && !cJSON_IsObject(body))
				return ml7_err_set(err, ML7_EINVAL, "cannot read kubeconfig '%s': %s \"%s\": "
						   "%s must be a mapping", f->path, sections[s][1],
						   name->valuestring, sections[s][1]);
			cJSON_ArrayForEach(it2, list) {
				const cJSON *n2 = cJSON_GetObjectItemCaseSensitive(it2, "name");

				if (j++ >= i)
					break;
				if (cJSON_IsString(n2) && strcmp(n2->valuestring, name->valuestring) == 0)
					return ml7_err_set(err, ML7_EINVAL, "cannot read kubeconfig '%s': "
							   "duplicate name \"%s\" in %s", f->path,
							   name->valuestring, sections[s][0]);
			}
			i++;
		}
	}
	return 0;
}

/* Reads one file.  missing_ok: a missing file is skipped (returns 1). */
static int add_file(struct loader *ld, const char *path, int missing_ok)
{
	struct ml7_buf b = ML7_BUF_INIT;
	struct ml7_err e = {0};
	struct kfile f = {0}, *grown;
	cJSON *doc = NULL;
	char label[PATH_MAX + 40];
	int rc;

	for (size_t i = 0; i < ld->n; i++)
		if (strcmp(ld->files[i].path, path) == 0)
			return 1;   /* listed twice: once is enough */
	ml7_buf_init(&b, KUBECONFIG_MAX);
	b.secret = 1;
	rc = ml7_buf_read_file(&b, path, &e);
	if (rc == ML7_ENOTFOUND && missing_ok) {
		ml7_buf_free(&b);
		return 1;
	}
	if (rc) {
		ml7_buf_free(&b);
		if (rc == ML7_ENOTFOUND)
			return ml7_err_set(ld->err, rc, "cannot read kubeconfig '%s': no such file", path);
		return ml7_err_set(ld->err, rc, "cannot read kubeconfig '%s': %s", path, cause_of(e.msg));
	}
	snprintf(label, sizeof(label), "cannot read kubeconfig '%s'", path);
	rc = ml7_yaml_parse(b.data, b.len, label, &doc, ld->err);
	ml7_buf_free(&b);
	if (rc)
		return rc;
	if (cJSON_IsNull(doc)) {
		cJSON_Delete(doc);
		doc = NULL;
	}
	f.doc = doc;
	f.path = ml7_strdup(path);
	f.dir = dir_of(path);
	grown = ml7_realloc(ld->files, (ld->n + 1) * sizeof(*grown));
	if (!f.path || !f.dir || !grown) {
		if (grown)
			ld->files = grown;
		ml7_free(f.path);
		ml7_free(f.dir);
		free_json(doc);
		return oom(ld->err);
	}
	ld->files = grown;
	ld->files[ld->n++] = f;
	return check_file(&ld->files[ld->n - 1], ld->err);
}

static void loader_free(struct loader *ld)
{
	for (size_t i = 0; i < ld->n; i++) {
		ml7_free(ld->files[i].path);
		ml7_free(ld->files[i].dir);
		free_json(ld->files[i].doc);
	}
	ml7_free(ld->files);
}

/* The first file that names an entry wins the whole entry. */
static const cJSON *find_entry(const struct loader *ld, int section, const char *name,
			       const struct kfile **from)
{
	for (size_t i = 0; i < ld->n; i++) {
		const cJSON *list = ld->files[i].doc ?
			cJSON_GetObjectItemCaseSensitive(ld->files[i].doc, sections[section][0]) : NULL;
		const cJSON *it;

		cJSON_ArrayForEach(it, as_array(list)) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");

			if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0) {
				const cJSON *body = cJSON_GetObjectItemCaseSensitive(it, sections[section][1]);
				static const cJSON empty = {0};

				*from = &ld->files[i];
				return cJSON_IsObject(body) ? body : &empty;
			}
		}
	}
	return NULL;
}

static const char *current_context(const struct loader *ld)
{
	for (size_t i = 0; i < ld->n; i++) {
		const cJSON *c = ld->files[i].doc ?
			cJSON_GetObjectItemCaseSensitive(ld->files[i].doc, "current-context") : NULL;

		if (cJSON_IsString(c) && c->valuestring[0])
			return c->valuestring;
	}
	return NULL;
}

static int config_empty(const struct loader *ld)
{
	for (size_t i = 0; i < ld->n; i++) {
		if (!ld->files[i].doc)
			continue;
		if (current_context(ld))
			return 0;
		for (size_t s = 0; s < 3; s++)
			if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ld->files[i].doc,
										 sections[s][0])) > 0)
				return 0;
	}
	return 1;
}

static int sources_string(const struct loader *ld, char **out, struct ml7_err *err)
{
	struct ml7_buf b = ML7_BUF_INIT;

	for (size_t i = 0; i < ld->n; i++)
		if (ml7_buf_printf(&b, "%s%s", i ? ":" : "", ld->files[i].path)) {
			ml7_buf_free(&b);
			return oom(err);
		}
	*out = ml7_buf_detach(&b);
	return *out ? 0 : oom(err);
}

/* ---- resolution --------------------------------------------------------- */

/* Reads a PEM file named by the config or a flag into *pem. */
static int read_pem(const char *path, const char *what, const char *where, int secret, char **pem,
		    size_t *len, struct ml7_err *err)
{
	struct ml7_buf b = ML7_BUF_INIT;
	struct ml7_err e = {0};
	int rc;

	ml7_buf_init(&b, 4u << 20);
	b.secret = secret;
	rc = ml7_buf_read_file(&b, path, &e);
	if (rc) {
		ml7_buf_free(&b);
		return ml7_err_set(err, rc, "%s: cannot read %s '%s': %s", where, what, path,
				   cause_of(e.msg));
	}
	*len = b.len;
	*pem = ml7_buf_detach(&b);
	return 0;
}

static int check_pem(const char *pem, const char *what, const char *where, struct ml7_err *err)
{
	if (!strstr(pem, "-----BEGIN "))
		return ml7_err_set(err, ML7_EINVAL, "%s: %s is not PEM (no -----BEGIN line)", where, what);
	return 0;
}

/* One of file / data: the file (resolved against dir) or the base64 data. */
static int load_material(const char *file, const char *data, const char *dir, const char *what,
			 const char *where, int secret, char **pem, size_t *len, struct ml7_err *err)
{
	int rc;

	if (data) {
		rc = b64_decode(data, pem, len);
		if (rc == ML7_ENOMEM)
			return oom(err);
		if (rc)
			return ml7_err_set(err, ML7_EINVAL, "%s: %s-data is not valid base64", where, what);
		return check_pem(*pem, what, where, err);
	}
	if (file) {
		char *path = resolve_path(dir, file);

		if (!path)
			return oom(err);
		rc = read_pem(path, what, where, secret, pem, len, err);
		ml7_free(path);
		if (rc)
			return rc;
		return check_pem(*pem, what, where, err);
	}
	return 0;
}

static int parse_exec(const cJSON *ex, const char *dir, const char *where, const cJSON *cluster,
		      struct ml7_kube_exec **out, struct ml7_err *err)
{
	struct ml7_kube_exec *e = ml7_calloc(1, sizeof(*e));
	const char *command, *api, *mode, *hint;
	const cJSON *args, *env, *it;
	int rc;

	if (!e)
		return oom(err);
	if ((rc = get_str(ex, "command", where, &command, err)) ||
	    (rc = get_str(ex, "apiVersion", where, &api, err)) ||
	    (rc = get_str(ex, "interactiveMode", where, &mode, err)) ||
	    (rc = get_str(ex, "installHint", where, &hint, err)) ||
	    (rc = get_bool(ex, "provideClusterInfo", where, &e->provide_cluster_info, err)))
		goto fail;
	if (!command) {
		rc = ml7_err_set(err, ML7_EINVAL, "%s: exec plugin: command is required", where);
		goto fail;
	}
	if (!api || (strcmp(api, "client.authentication.k8s.io/v1") != 0 &&
		     strcmp(api, "client.authentication.k8s.io/v1beta1") != 0)) {
		rc = ml7_err_set(err, ML7_EINVAL, "%s: exec plugin: invalid apiVersion \"%s\" (use "
				 "client.authentication.k8s.io/v1 or v1beta1)", where, api ? api : "");
		goto fail;
	}
	if (!mode && strcmp(api, "client.authentication.k8s.io/v1") == 0) {
		rc = ml7_err_set(err, ML7_EINVAL, "%s: exec plugin: interactiveMode must be specified "
				 "for %s", where, api);
		goto fail;
	}
	if (!mode || strcmp(mode, "IfAvailable") == 0)
		e->interactive_mode = ML7_KUBE_INTERACTIVE_IF_AVAILABLE;
	else if (strcmp(mode, "Never") == 0)
		e->interactive_mode = ML7_KUBE_INTERACTIVE_NEVER;
	else if (strcmp(mode, "Always") == 0)
		e->interactive_mode = ML7_KUBE_INTERACTIVE_ALWAYS;
	else {
		rc = ml7_err_set(err, ML7_EINVAL, "%s: exec plugin: invalid interactiveMode \"%s\" (use "
				 "Never, IfAvailable or Always)", where, mode);
		goto fail;
	}
	/* a command with a path separator is relative to the kubeconfig's folder */
	e->command = strchr(command, '/') ? resolve_path(dir, command) : ml7_strdup(command);
	e->api_version = ml7_strdup(api);
	if (!e->command || !e->api_version || (hint && !(e->install_hint = ml7_strdup(hint)))) {
		rc = oom(err);
		goto fail;
	}
	args = cJSON_GetObjectItemCaseSensitive(ex, "args");
	if (args && !cJSON_IsNull(args) && !cJSON_IsArray(args)) {
		rc = ml7_err_set(err, ML7_EINVAL, "%s: exec plugin: args must be a list", where);
		goto fail;
	}
	cJSON_ArrayForEach(it, as_array(args)) {
		if (!cJSON_IsString(it)) {
			rc = ml7_err_set(err, ML7_EINVAL, "%s: exec plugin: args must be strings", where);
			goto fail;
		}
		if ((rc = ml7_strlist_push(&e->args, it->valuestring))) {
			oom(err);
			goto fail;
		}
	}
	env = cJSON_GetObjectItemCaseSensitive(ex, "env");
	if (env && !cJSON_IsNull(env) && !cJSON_IsArray(env)) {
		rc = ml7_err_set(err, ML7_EINVAL, "%s: exec plugin: env must be a list", where);
		goto fail;
	}
	cJSON_ArrayForEach(it, as_array(env)) {
		const char *name, *value;
		struct ml7_buf b = ML7_BUF_INIT;

		if ((rc = get_str(it, "name", where, &name, err)) ||
		    (rc = get_str(it, "value", where, &value, err)))
			goto fail;
		if (!name || strchr(name, '=')) {
			rc = ml7_err_set(err, ML7_EINVAL, "%s: exec plugin: env entry without a valid name",
					 where);
			goto fail;
		}
		b.secret = 1;
		if (ml7_buf_printf(&b, "%s=%s", name, value ? value : "") ||
		    ml7_strlist_push_owned(&e->env, ml7_buf_detach(&b))) {
			ml7_buf_free(&b);
			rc = oom(err);
			goto fail;
		}
	}
	/* the cluster's own exec configuration, passed in KUBERNETES_EXEC_INFO */
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(cluster, "extensions")) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, EXEC_EXTENSION) == 0) {
			e->cluster_config_json =
				cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(it, "extension"));
			if (!e->cluster_config_json) {
				rc = oom(err);
				goto fail;
			}
		}
	}
	*out = e;
	return 0;
fail:
	ml7_strlist_free(&e->env);
	ml7_strlist_free(&e->args);
	ml7_free(e->command);
	ml7_free(e->api_version);
	ml7_free(e->install_hint);
	if (e->cluster_config_json)
		cJSON_free(e->cluster_config_json);
	ml7_free(e);
	return rc ? rc : ML7_EINVAL;
}

static void exec_free(struct ml7_kube_exec *e)
{
	if (!e)
		return;
	ml7_free(e->command);
	ml7_strlist_free(&e->args);
	for (size_t i = 0; i < e->env.n; i++)
		ml7_wipe(e->env.items[i], strlen(e->env.items[i]));
	ml7_strlist_free(&e->env);
	ml7_free(e->api_version);
	ml7_free(e->install_hint);
	if (e->cluster_config_json)
		cJSON_free(e->cluster_config_json);
	ml7_free(e);
}

void ml7_kube_config_free(struct ml7_kube_config *c)
{
	if (!c)
		return;
	ml7_free(c->context);
	ml7_free(c->cluster_name);
	ml7_free(c->user_name);
	ml7_free(c->server);
	ml7_free(c->namespace_);
	ml7_free(c->ca_pem);
	ml7_free(c->tls_server_name);
	ml7_free(c->cert_pem);
	if (c->key_pem)
		ml7_wipe(c->key_pem, c->key_len);
	ml7_free(c->key_pem);
	ml7_free_secret(c->token);
	ml7_free(c->token_file);
	ml7_free(c->username);
	ml7_free_secret(c->password);
	exec_free(c->exec);
	ml7_free(c->as);
	ml7_free(c->as_uid);
	ml7_strlist_free(&c->as_groups);
	ml7_strlist_free(&c->as_extra);
	ml7_free(c->proxy_url);
	ml7_free(c->source);
	ml7_free(c);
}

static int dup_str(char **dst, const char *src, int *bad)
{
	if (src && !(*dst = ml7_strdup(src)))
		*bad = 1;
	return *bad;
}

static void dup_mem(char **dst, const char *src, size_t n, int *bad)
{
	if (!src)
		return;
	*dst = ml7_malloc(n + 1);
	if (!*dst) {
		*bad = 1;
		return;
	}
	memcpy(*dst, src, n);
	(*dst)[n] = '\0';
}

int ml7_kube_config_dup(const struct ml7_kube_config *s, struct ml7_kube_config **out,
			struct ml7_err *err)
{
	struct ml7_kube_config *c = ml7_calloc(1, sizeof(*c));
	int bad = 0;

	if (!c)
		return oom(err);
	*c = (struct ml7_kube_config){.namespace_from_flag = s->namespace_from_flag,
		.ca_len = s->ca_len, .insecure = s->insecure, .cert_len = s->cert_len,
		.key_len = s->key_len, .disable_compression = s->disable_compression,
		.request_timeout_ms = s->request_timeout_ms, .in_cluster = s->in_cluster};
	dup_str(&c->context, s->context, &bad);
	dup_str(&c->cluster_name, s->cluster_name, &bad);
	dup_str(&c->user_name, s->user_name, &bad);
	dup_str(&c->server, s->server, &bad);
	dup_str(&c->namespace_, s->namespace_, &bad);
	dup_mem(&c->ca_pem, s->ca_pem, s->ca_len, &bad);
	dup_str(&c->tls_server_name, s->tls_server_name, &bad);
	dup_mem(&c->cert_pem, s->cert_pem, s->cert_len, &bad);
	dup_mem(&c->key_pem, s->key_pem, s->key_len, &bad);
	dup_str(&c->token, s->token, &bad);
	dup_str(&c->token_file, s->token_file, &bad);
	dup_str(&c->username, s->username, &bad);
	dup_str(&c->password, s->password, &bad);
	dup_str(&c->as, s->as, &bad);
	dup_str(&c->as_uid, s->as_uid, &bad);
	dup_str(&c->proxy_url, s->proxy_url, &bad);
	dup_str(&c->source, s->source, &bad);
	bad |= ml7_strlist_copy(&c->as_groups, &s->as_groups) != 0;
	bad |= ml7_strlist_copy(&c->as_extra, &s->as_extra) != 0;
	if (s->exec && !bad) {
		struct ml7_kube_exec *e = ml7_calloc(1, sizeof(*e));

		c->exec = e;
		if (!e) {
			bad = 1;
		} else {
			e->interactive_mode = s->exec->interactive_mode;
			e->provide_cluster_info = s->exec->provide_cluster_info;
			dup_str(&e->command, s->exec->command, &bad);
			dup_str(&e->api_version, s->exec->api_version, &bad);
			dup_str(&e->install_hint, s->exec->install_hint, &bad);
			bad |= ml7_strlist_copy(&e->args, &s->exec->args) != 0;
			bad |= ml7_strlist_copy(&e->env, &s->exec->env) != 0;
			if (s->exec->cluster_config_json &&
			    !(e->cluster_config_json = cJSON_malloc(strlen(s->exec->cluster_config_json) + 1)))
				bad = 1;
			else if (s->exec->cluster_config_json)
				strcpy(e->cluster_config_json, s->exec->cluster_config_json);
		}
	}
	if (bad) {
		ml7_kube_config_free(c);
		return oom(err);
	}
	*out = c;
	return 0;
}

/* A path given as a flag: relative to the working directory. */
static char *flag_path(const struct loader *ld, const char *p)
{
	return resolve_path(ld->cwd[0] ? ld->cwd : NULL, p);
}

static int check_server(struct ml7_kube_config *c, const char *where, struct ml7_err *err)
{
	char *s = c->server;
	size_t n;

	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0) {
		struct ml7_buf b = ML7_BUF_INIT;

		if (strstr(s, "://"))
			return ml7_err_set(err, ML7_EINVAL, "%s: server '%s' is not an http or https URL",
					   where, s);
		/* host:port without a scheme: https, as client-go assumes for TLS */
		if (ml7_buf_printf(&b, "https://%s", s))
			return oom(err);
		ml7_free(s);
		c->server = s = ml7_buf_detach(&b);
	}
	n = strlen(s);
	while (n > 8 && s[n - 1] == '/')
		s[--n] = '\0';
	if (!s[s[4] == 's' ? 8 : 7] || strchr(s, ' ') || strchr(s, '?') || strchr(s, '#'))
		return ml7_err_set(err, ML7_EINVAL, "%s: server '%s' is not a valid URL", where, s);
	return 0;
}

static int check_proxy(const char *p, const char *where, struct ml7_err *err)
{
	if (strncmp(p, "http://", 7) && strncmp(p, "https://", 8) && strncmp(p, "socks5://", 9))
		return ml7_err_set(err, ML7_EINVAL, "%s: proxy-url '%s' has an unsupported scheme "
				   "(use http, https or socks5)", where, p);
	return 0;
}

static int read_trimmed(const char *path, int secret, char **out, struct ml7_err *err)
{
	struct ml7_buf b = ML7_BUF_INIT;
	int rc;

	ml7_buf_init(&b, 1u << 20);
	b.secret = secret;
	rc = ml7_buf_read_file(&b, path, err);
	if (rc) {
		ml7_buf_free(&b);
		return rc;
	}
	*out = ml7_buf_detach(&b);
	trim_copy(*out);
	return 0;
}

static int namespace_default(struct ml7_kube_config *c, const char *ns, struct ml7_err *err)
{
	return set_dup(&c->namespace_, ns && *ns ? ns : "default", err);
}

/* Applies the flags that kubectl lets override everything, config or not. */
static int apply_common_flags(const struct loader *ld, struct ml7_kube_config *c,
			      struct ml7_err *err)
{
	const struct ml7_kube_flags *f = ld->flags;
	int rc;

	if (f->request_timeout && (rc = ml7_kube_parse_timeout(f->request_timeout,
								&c->request_timeout_ms, err)))
		return rc;
	if (f->as && (rc = set_dup(&c->as, f->as, err)))
		return rc;
	if (f->as_uid && (rc = set_dup(&c->as_uid, f->as_uid, err)))
		return rc;
	if (f->as_groups.n) {
		ml7_strlist_free(&c->as_groups);
		if (ml7_strlist_copy(&c->as_groups, &f->as_groups))
			return oom(err);
	}
	if (f->namespace_ && *f->namespace_) {
		c->namespace_from_flag = 1;
		if ((rc = set_dup(&c->namespace_, f->namespace_, err)))
			return rc;
	}
	return 0;
}

static int check_credentials(struct ml7_kube_config *c, const char *where, struct ml7_err *err)
{
	if ((c->token || c->token_file) && (c->username || c->password))
		return ml7_err_set(err, ML7_EINVAL, "%s: more than one authentication method found "
				   "(token and basic auth); only one is allowed", where);
	if (!!c->cert_pem != !!c->key_pem)
		return ml7_err_set(err, ML7_EINVAL, "%s: %s without %s", where,
				   c->cert_pem ? "client-certificate" : "client-key",
				   c->cert_pem ? "client-key" : "client-certificate");
	if (c->insecure && c->ca_pem)
		return ml7_err_set(err, ML7_EINVAL, "%s: specifying a root certificates file with the "
				   "insecure flag is not allowed", where);
	return 0;
}

/* Flags-only (no kubeconfig) or in-cluster. */
static int resolve_bare(struct loader *ld, int in_cluster, struct ml7_kube_config *c)
{
	const struct ml7_kube_flags *f = ld->flags;
	const struct ml7_kube_env *env = ld->env;
	struct ml7_err *err = ld->err;
	const char *sa = env->sa_dir ? env->sa_dir : SA_DIR;
	char *p;
	int rc;

	if (in_cluster) {
		const char *host = env->service_host, *port = env->service_port;
		struct ml7_buf b = ML7_BUF_INIT;

		c->in_cluster = 1;
		if (ml7_buf_printf(&b, strchr(host, ':') ? "https://[%s]:%s" : "https://%s:%s", host,
				   port) ||
		    !(c->server = ml7_buf_detach(&b)) || set_dup(&c->source, "in-cluster", err)) {
			ml7_buf_free(&b);
			return oom(err);
		}
		if (ml7_buf_printf(&b, "%s/token", sa) || !(c->token_file = ml7_buf_detach(&b)))
			return oom(err);
		if (ml7_buf_printf(&b, "%s/ca.crt", sa)) {
			ml7_buf_free(&b);
			return oom(err);
		}
		rc = access(b.data, R_OK) == 0 ?
			load_material(b.data, NULL, NULL, "certificate-authority", "in-cluster config", 0,
				      &c->ca_pem, &c->ca_len, err) : 0;
		ml7_buf_free(&b);
		if (rc)
			return rc;
		if (env->pod_namespace && *env->pod_namespace) {
			if ((rc = set_dup(&c->namespace_, env->pod_namespace, err)))
				return rc;
		} else {
			char *ns = NULL;
			struct ml7_err ignore = {0};

			if (ml7_buf_printf(&b, "%s/namespace", sa))
				return oom(err);
			if (read_trimmed(b.data, 0, &ns, &ignore) == 0 && *ns)
				c->namespace_ = ns;
			else
				ml7_free(ns);
			ml7_buf_free(&b);
		}
	} else if (set_dup(&c->source, "flags", err)) {
		return ML7_ENOMEM;
	}
	if (f->server && ((rc = set_dup(&c->server, f->server, err)) ||
			  (rc = check_server(c, "--server", err))))
		return rc;
	if (f->tls_server_name && (rc = set_dup(&c->tls_server_name, f->tls_server_name, err)))
		return rc;
	if (f->certificate_authority) {
		ml7_free(c->ca_pem);
		c->ca_pem = NULL;
		if (!(p = flag_path(ld, f->certificate_authority)))
			return oom(err);
		rc = load_material(p, NULL, NULL, "certificate-authority", "--certificate-authority", 0,
				   &c->ca_pem, &c->ca_len, err);
		ml7_free(p);
		if (rc)
			return rc;
	}
	c->insecure = f->insecure_skip_tls_verify;
	if (f->token) {
		ml7_free(c->token_file);
		c->token_file = NULL;
		if ((rc = set_dup(&c->token, f->token, err)))
			return rc;
	}
	if (f->client_certificate) {
		if (!(p = flag_path(ld, f->client_certificate)))
			return oom(err);
		rc = load_material(p, NULL, NULL, "client-certificate", "--client-certificate", 0,
				   &c->cert_pem, &c->cert_len, err);
		ml7_free(p);
		if (rc)
			return rc;
	}
	if (f->client_key) {
		if (!(p = flag_path(ld, f->client_key)))
			return oom(err);
		rc = load_material(p, NULL, NULL, "client-key", "--client-key", 1, &c->key_pem,
				   &c->key_len, err);
		ml7_free(p);
		if (rc)
			return rc;
	}
	if ((rc = apply_common_flags(ld, c, err)))
		return rc;
	if (!c->namespace_ && (rc = namespace_default(c, NULL, err)))
		return rc;
	return check_credentials(c, in_cluster ? "in-cluster config" : "flags", err);
}

static int resolve(struct loader *ld, struct ml7_kube_config *c)
{
	const struct ml7_kube_flags *f = ld->flags;
	struct ml7_err *err = ld->err;
	const struct kfile *ctx_file = NULL, *cl_file = NULL, *u_file = NULL;
	const cJSON *ctx = NULL, *cl = NULL, *u = NULL;
	const char *ctx_name, *cl_name = NULL, *u_name = NULL, *ns = NULL, *s;
	const char *ca_file = NULL, *ca_data = NULL, *cert_file = NULL, *cert_data = NULL;
	const char *key_file = NULL, *key_data = NULL, *v;
	char where[600], *p = NULL;
	int rc;

	if ((rc = sources_string(ld, &c->source, err)))
		return rc;
	ctx_name = f->context && *f->context ? f->context : current_context(ld);
	if (ctx_name) {
		ctx = find_entry(ld, 2, ctx_name, &ctx_file);
		if (!ctx)
			return ml7_err_set(err, ML7_EINVAL, "context \"%s\" does not exist in kubeconfig "
					   "'%s'", ctx_name, c->source);
		snprintf(where, sizeof(where), "kubeconfig '%s': context \"%s\"", ctx_file->path, ctx_name);
		if ((rc = get_str(ctx, "cluster", where, &cl_name, err)) ||
		    (rc = get_str(ctx, "user", where, &u_name, err)) ||
		    (rc = get_str(ctx, "namespace", where, &ns, err)))
			return rc;
		if (set_dup(&c->context, ctx_name, err))
			return ML7_ENOMEM;
	}
	if (f->cluster && *f->cluster)
		cl_name = f->cluster;
	if (f->user && *f->user)
		u_name = f->user;
	if (!cl_name && !f->server)
		return ml7_err_set(err, ML7_EINVAL, "no cluster chosen in kubeconfig '%s' (no "
				   "current-context; use --context or --cluster)", c->source);
	if (cl_name) {
		cl = find_entry(ld, 0, cl_name, &cl_file);
		if (!cl)
			return ml7_err_set(err, ML7_EINVAL, "cluster \"%s\" does not exist in kubeconfig "
					   "'%s'", cl_name, c->source);
		if (set_dup(&c->cluster_name, cl_name, err))
			return ML7_ENOMEM;
	}
	if (u_name) {
		u = find_entry(ld, 1, u_name, &u_file);
		if (!u)
			return ml7_err_set(err, ML7_EINVAL, "user \"%s\" does not exist in kubeconfig '%s'",
					   u_name, c->source);
		if (set_dup(&c->user_name, u_name, err))
			return ML7_ENOMEM;
	}

	/* cluster */
	if (cl) {
		snprintf(where, sizeof(where), "kubeconfig '%s': cluster \"%s\"", cl_file->path, cl_name);
		if ((rc = get_str(cl, "server", where, &s, err)) ||
		    (rc = get_str(cl, "certificate-authority", where, &ca_file, err)) ||
		    (rc = get_str(cl, "certificate-authority-data", where, &ca_data, err)) ||
		    (rc = get_bool(cl, "insecure-skip-tls-verify", where, &c->insecure, err)) ||
		    (rc = get_bool(cl, "disable-compression", where, &c->disable_compression, err)))
			return rc;
		if ((s && set_dup(&c->server, s, err)))
			return ML7_ENOMEM;
		if ((rc = get_str(cl, "tls-server-name", where, &v, err)) ||
		    (v && set_dup(&c->tls_server_name, v, err)))
			return rc ? rc : ML7_ENOMEM;
		if ((rc = get_str(cl, "proxy-url", where, &v, err)) ||
		    (v && ((rc = check_proxy(v, where, err)) || (rc = set_dup(&c->proxy_url, v, err)))))
			return rc;
		if (ca_file && ca_data)
			return ml7_err_set(err, ML7_EINVAL, "%s: certificate-authority-data and "
					   "certificate-authority are both set; keep one", where);
	}
	/* the cluster overrides, with kubectl's side effects */
	if (f->server) {
		if (set_dup(&c->server, f->server, err))
			return ML7_ENOMEM;
		if (!f->tls_server_name && set_dup(&c->tls_server_name, NULL, err))
			return ML7_ENOMEM;
	}
	if (f->tls_server_name && set_dup(&c->tls_server_name, f->tls_server_name, err))
		return ML7_ENOMEM;
	if (f->insecure_skip_tls_verify || f->certificate_authority) {
		c->insecure = f->insecure_skip_tls_verify;
		ca_data = NULL;
		ca_file = NULL;
		if (f->certificate_authority) {
			if (!(p = flag_path(ld, f->certificate_authority)))
				return oom(err);
			rc = load_material(p, NULL, NULL, "certificate-authority", "--certificate-authority",
					   0, &c->ca_pem, &c->ca_len, err);
			ml7_free(p);
			if (rc)
				return rc;
		}
	}
	if (!c->server)
		return ml7_err_set(err, ML7_EINVAL, "no server found for cluster \"%s\" in kubeconfig '%s'",
				   cl_name ? cl_name : "", c->source);
	if ((rc = check_server(c, cl ? where : "--server", err)))
		return rc;
	if (cl && (rc = load_material(ca_file, ca_data, cl_file->dir, "certificate-authority", where,
				      0, &c->ca_pem, &c->ca_len, err)))
		return rc;

	/* user */
	if (u) {
		const cJSON *ex, *groups, *extra, *it;
		const char *tok, *tokf;

		snprintf(where, sizeof(where), "kubeconfig '%s': user \"%s\"", u_file->path, u_name);
		if ((rc = get_str(u, "client-certificate", where, &cert_file, err)) ||
		    (rc = get_str(u, "client-certificate-data", where, &cert_data, err)) ||
		    (rc = get_str(u, "client-key", where, &key_file, err)) ||
		    (rc = get_str(u, "client-key-data", where, &key_data, err)) ||
		    (rc = get_str(u, "token", where, &tok, err)) ||
		    (rc = get_str(u, "tokenFile", where, &tokf, err)))
			return rc;
		if (cert_file && cert_data)
			return ml7_err_set(err, ML7_EINVAL, "%s: client-certificate-data and "
					   "client-certificate are both set; keep one", where);
		if (key_file && key_data)
			return ml7_err_set(err, ML7_EINVAL, "%s: client-key-data and client-key are both "
					   "set; keep one", where);
		if (tok && set_dup(&c->token, tok, err))
			return ML7_ENOMEM;
		if (tokf && !(c->token_file = resolve_path(u_file->dir, tokf)))
			return oom(err);
		if ((rc = get_str(u, "username", where, &v, err)) || (v && set_dup(&c->username, v, err)))
			return rc ? rc : ML7_ENOMEM;
		if ((rc = get_str(u, "password", where, &v, err)) || (v && set_dup(&c->password, v, err)))
			return rc ? rc : ML7_ENOMEM;
		if ((rc = get_str(u, "as", where, &v, err)) || (v && set_dup(&c->as, v, err)))
			return rc ? rc : ML7_ENOMEM;
		if ((rc = get_str(u, "as-uid", where, &v, err)) || (v && set_dup(&c->as_uid, v, err)))
			return rc ? rc : ML7_ENOMEM;
		groups = cJSON_GetObjectItemCaseSensitive(u, "as-groups");
		cJSON_ArrayForEach(it, as_array(groups))
			if (cJSON_IsString(it) && ml7_strlist_push(&c->as_groups, it->valuestring))
				return oom(err);
		extra = cJSON_GetObjectItemCaseSensitive(u, "as-user-extra");
		cJSON_ArrayForEach(it, as_object(extra)) {
			const cJSON *val;

			cJSON_ArrayForEach(val, as_array(it)) {
				struct ml7_buf b = ML7_BUF_INIT;

				if (!cJSON_IsString(val))
					continue;
				if (ml7_buf_printf(&b, "%s=%s", it->string, val->valuestring) ||
				    ml7_strlist_push_owned(&c->as_extra, ml7_buf_detach(&b))) {
					ml7_buf_free(&b);
					return oom(err);
				}
			}
		}
		ex = cJSON_GetObjectItemCaseSensitive(u, "exec");
		if (cJSON_GetObjectItemCaseSensitive(u, "auth-provider")) {
			const cJSON *ap = cJSON_GetObjectItemCaseSensitive(u, "auth-provider");
			const cJSON *apn = cJSON_GetObjectItemCaseSensitive(ap, "name");

			if (ex && !cJSON_IsNull(ex))
				return ml7_err_set(err, ML7_EINVAL, "%s: auth-provider cannot be combined with "
						   "an exec plugin", where);
			return ml7_err_set(err, ML7_EINVAL, "%s: the auth-provider \"%s\" has been removed "
					   "from Kubernetes clients; use an exec credential plugin (EKS: aws "
					   "eks update-kubeconfig, GKE: gke-gcloud-auth-plugin, AKS: kubelogin)",
					   where, cJSON_IsString(apn) ? apn->valuestring : "");
		}
		if (ex && !cJSON_IsNull(ex)) {
			if (!cJSON_IsObject(ex))
				return ml7_err_set(err, ML7_EINVAL, "%s: exec must be a mapping", where);
			if ((rc = parse_exec(ex, u_file->dir, where, cl, &c->exec, err)))
				return rc;
		}
	} else {
		snprintf(where, sizeof(where), "kubeconfig '%s'", c->source);
	}
	/* the user overrides */
	if (f->token) {
		if (set_dup(&c->token, f->token, err))
			return ML7_ENOMEM;
		ml7_free(c->token_file);
		c->token_file = NULL;
	}
	if (f->client_certificate) {
		cert_data = NULL;
		if (!(p = flag_path(ld, f->client_certificate)))
			return oom(err);
		rc = load_material(p, NULL, NULL, "client-certificate", "--client-certificate", 0,
				   &c->cert_pem, &c->cert_len, err);
		ml7_free(p);
		if (rc)
			return rc;
	} else if (u && (rc = load_material(cert_file, cert_data, u_file->dir, "client-certificate",
					    where, 0, &c->cert_pem, &c->cert_len, err))) {
		return rc;
	}
	if (f->client_key) {
		if (!(p = flag_path(ld, f->client_key)))
			return oom(err);
		rc = load_material(p, NULL, NULL, "client-key", "--client-key", 1, &c->key_pem,
				   &c->key_len, err);
		ml7_free(p);
		if (rc)
			return rc;
	} else if (u && (rc = load_material(key_file, key_data, u_file->dir, "client-key", where, 1,
					    &c->key_pem, &c->key_len, err))) {
		return rc;
	}
	/* a token file must be readable when it is the only token */
	if (c->token_file && !c->token) {
		char *t = NULL;
		struct ml7_err e = {0};

		rc = read_trimmed(c->token_file, 1, &t, &e);
		if (rc == 0 && !*t)
			rc = ml7_err_set(err, ML7_EINVAL, "%s: tokenFile '%s' is empty", where, c->token_file);
		ml7_free_secret(t);
		if (rc)
			return ml7_err_set(err, rc, "%s: %s", where, e.msg);
	}
	if ((rc = apply_common_flags(ld, c, err)))
		return rc;
	if (!c->namespace_ && (rc = namespace_default(c, ns, err)))
		return rc;
	return check_credentials(c, where, err);
}

/* ---- entry points ------------------------------------------------------- */

/* A file the configuration names that is missing or unreadable is a bad
 * configuration (exit 1, as kubectl), not a missing Kubernetes object. */
static int config_code(int rc, struct ml7_err *err)
{
	if (rc == ML7_ENOTFOUND || rc == ML7_EIO) {
		if (err)
			err->code = ML7_EINVAL;
		return ML7_EINVAL;
	}
	return rc;
}

static int in_cluster_possible(const struct ml7_kube_env *env)
{
	char path[PATH_MAX];

	if (!env->service_host || !*env->service_host || !env->service_port || !*env->service_port)
		return 0;
	snprintf(path, sizeof(path), "%s/token", env->sa_dir ? env->sa_dir : SA_DIR);
	return access(path, R_OK) == 0;
}

static int finish(struct loader *ld, int in_cluster, int bare, struct ml7_kube_config **out)
{
	struct ml7_kube_config *c = ml7_calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return oom(ld->err);
	rc = bare ? resolve_bare(ld, in_cluster, c) : resolve(ld, c);
	if (rc) {
		ml7_kube_config_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static const char *env_or(const char *v, const char *name)
{
	if (v)
		return v;
	v = getenv(name);
	return v ? v : "";
}

int ml7_kube_config_load_env(const struct ml7_kube_flags *flags, const struct ml7_kube_env *env_in,
			     struct ml7_kube_config **out, struct ml7_err *err)
{
	static const struct ml7_kube_flags no_flags;
	struct ml7_kube_env env = env_in ? *env_in : (struct ml7_kube_env){0};
	struct loader ld;
	int rc = 0, bare = 0, in_cluster = 0;

	memset(&ld, 0, sizeof(ld));
	ld.flags = flags ? flags : &no_flags;
	ld.err = err;
	env.kubeconfig = env_or(env.kubeconfig, "KUBECONFIG");
	env.home = env_or(env.home, "HOME");
	env.service_host = env_or(env.service_host, "KUBERNETES_SERVICE_HOST");
	env.service_port = env_or(env.service_port, "KUBERNETES_SERVICE_PORT");
	env.pod_namespace = env_or(env.pod_namespace, "POD_NAMESPACE");
	ld.env = &env;
	if (env.cwd)
		snprintf(ld.cwd, sizeof(ld.cwd), "%s", env.cwd);
	else if (!getcwd(ld.cwd, sizeof(ld.cwd)))
		ld.cwd[0] = '\0';

	if (ld.flags->kubeconfig && *ld.flags->kubeconfig) {
		char *p = flag_path(&ld, ld.flags->kubeconfig);

		rc = p ? add_file(&ld, p, 0) : oom(err);
		ml7_free(p);
	} else if (*env.kubeconfig) {
		struct ml7_strlist l = ML7_STRLIST_INIT;

		rc = ml7_strlist_split(&l, env.kubeconfig, ':', 1) ? oom(err) : 0;
		for (size_t i = 0; rc >= 0 && i < l.n; i++) {
			char *p = flag_path(&ld, l.items[i]);

			rc = p ? add_file(&ld, p, 1) : oom(err);
			ml7_free(p);
		}
		ml7_strlist_free(&l);
	} else if (*env.home) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/.kube/config", env.home);
		rc = add_file(&ld, path, 1);
	}
	if (rc < 0)
		goto out;
	if (config_empty(&ld)) {
		bare = 1;
		in_cluster = !ld.flags->server && in_cluster_possible(&env);
		if (!in_cluster && !ld.flags->server) {
			rc = ml7_err_set(err, ML7_EINVAL, "no Kubernetes configuration found: set KUBECONFIG, "
					 "pass --kubeconfig or --server, or create ~/.kube/config");
			goto out;
		}
	}
	rc = finish(&ld, in_cluster, bare, out);
out:
	loader_free(&ld);
	return rc < 0 ? config_code(rc, err) : 0;
}

int ml7_kube_config_load(const struct ml7_kube_flags *flags, struct ml7_kube_config **out,
			 struct ml7_err *err)
{
	return ml7_kube_config_load_env(flags, NULL, out, err);
}

int ml7_kube_config_from_text(const char *text, size_t len, const char *name, const char *dir,
			      const struct ml7_kube_flags *flags, struct ml7_kube_config **out,
			      struct ml7_err *err)
{
	static const struct ml7_kube_flags no_flags;
	struct ml7_kube_env env = {0};
	struct loader ld;
	struct kfile f = {0};
	char label[PATH_MAX + 40];
	int rc;

	memset(&ld, 0, sizeof(ld));
	ld.flags = flags ? flags : &no_flags;
	ld.env = &env;
	ld.err = err;
	if (!getcwd(ld.cwd, sizeof(ld.cwd)))
		ld.cwd[0] = '\0';
	snprintf(label, sizeof(label), "cannot read kubeconfig '%s'", name ? name : "-");
	if ((rc = ml7_yaml_parse(text, len, label, &f.doc, err)))
		return rc;
	if (cJSON_IsNull(f.doc)) {
		cJSON_Delete(f.doc);
		f.doc = NULL;
	}
	f.path = ml7_strdup(name ? name : "-");
	f.dir = ml7_strdup(dir ? dir : ".");
	ld.files = ml7_malloc(sizeof(f));
	if (!f.path || !f.dir || !ld.files) {
		ml7_free(f.path);
		ml7_free(f.dir);
		free_json(f.doc);
		ml7_free(ld.files);
		return oom(err);
	}
	ld.files[ld.n++] = f;
	rc = check_file(&ld.files[0], err);
	if (rc == 0)
		rc = finish(&ld, 0, config_empty(&ld) && ld.flags->server, out);
	loader_free(&ld);
	return config_code(rc, err);
}

/* ---- --request-timeout -------------------------------------------------- */

int ml7_kube_parse_timeout(const char *s, long *out_ms, struct ml7_err *err)
{
	char *end;
	long v;

	if (!s || !*s)
		goto bad;
	/* a bare integer is seconds, else a Go duration (client-go's ParseTimeout) */
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end == '\0' && errno == 0) {
		if (v < 0 || v > LONG_MAX / 1000)
			goto bad;
		*out_ms = v * 1000;
		return 0;
	}
	if (ml7_parse_go_duration(s, out_ms) == 0)
		return 0;
bad:
	return ml7_err_set(err, ML7_EINVAL, "invalid --request-timeout '%s': use whole seconds or a "
			   "duration such as 1s, 2m or 3h", s ? s : "");
}
