/* kube.c - the Kubernetes REST client: credentials per request, Status errors,
 * retries, paged lists. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "kube_int.h"
#include "ml7/cancel.h"
#include "ml7/clock.h"
#include "ml7/log.h"
#include "ml7/mem.h"
#include "ml7/yaml.h"

#define MAX_RETRIES 5
#define RETRY_CAP_MS 10000L
#define TOKEN_FILE_TTL_MS 60000L

/* Sleeps ms; ML7_ECANCELED (with the message) on Ctrl-C. */
int ml7_kube_sleep(long ms, struct ml7_err *err)
{
	return ml7_sleep_ms(ms) ? ml7_err_set(err, ML7_ECANCELED, "interrupted") : 0;
}

static int oom(struct ml7_err *err)
{
	return ml7_err_set(err, ML7_ENOMEM, "out of memory");
}

/* ---- setup -------------------------------------------------------------- */

/* Splits server into the URL base the requests use and, with tls-server-name,
 * the CONNECT_TO entry and Host header that keep the real address. */
static int split_server(struct ml7_kube *k, struct ml7_err *err)
{
	const char *s = k->cfg->server, *hp, *slash, *host_end, *port;
	int https = strncmp(s, "https://", 8) == 0;
	struct ml7_buf b = ML7_BUF_INIT;
	char host[256], portbuf[16];

	hp = s + (https ? 8 : 7);
	slash = strchr(hp, '/');
	if (!slash)
		slash = hp + strlen(hp);
	k->prefix = slash;
	if (!k->cfg->tls_server_name) {
		k->base = ml7_strdup(s);
		return k->base ? 0 : oom(err);
	}
	if (*hp == '[') {
		host_end = memchr(hp, ']', (size_t)(slash - hp));
		if (!host_end)
			return ml7_err_set(err, ML7_EINVAL, "server '%s' is not a valid URL", s);
		host_end++;
	} else {
		host_end = memchr(hp, ':', (size_t)(slash - hp));
		if (!host_end)
			host_end = slash;
	}
	if ((size_t)(host_end - hp) >= sizeof(host))
		return ml7_err_set(err, ML7_EINVAL, "server '%s': the host name is too long", s);
	snprintf(host, sizeof(host), "%.*s", (int)(host_end - hp), hp);
	port = *host_end == ':' ? host_end + 1 : NULL;
	snprintf(portbuf, sizeof(portbuf), "%.*s", port ? (int)(slash - port) : 3,
		 port ? port : (https ? "443" : "80"));
	if (ml7_buf_printf(&b, "%s://%s:%s%s", https ? "https" : "http", k->cfg->tls_server_name,
			   portbuf, slash) ||
	    !(k->base = ml7_buf_detach(&b)) ||
	    ml7_buf_printf(&b, "%s:%s:%s:%s", k->cfg->tls_server_name, portbuf, host, portbuf) ||
	    !(k->connect_to = ml7_buf_detach(&b)) ||
	    ml7_buf_printf(&b, "Host: %.*s", (int)(slash - hp), hp) ||
	    !(k->host_header = ml7_buf_detach(&b))) {
		ml7_buf_free(&b);
		return oom(err);
	}
	k->prefix = k->base + strlen(k->base) - strlen(slash);
	return 0;
}

static int new_handle(struct ml7_kube *k, struct ml7_http **out, struct ml7_err *err)
{
	struct ml7_http_opts o = {0};
	const struct ml7_kube_config *c = k->cfg;
	int rc;

	o.ca_pem = c->ca_pem;
	o.ca_len = c->ca_len;
	o.insecure = c->insecure;
	o.proxy = c->proxy_url;
	o.connect_to = k->connect_to;
	o.user_agent = "milvus-l7 (kubernetes client)";
	o.connect_timeout_ms = c->request_timeout_ms;
	if (k->cred.cert_pem) {
		o.cert_pem = k->cred.cert_pem;
		o.cert_len = k->cred.cert_len;
		o.key_pem = k->cred.key_pem;
		o.key_len = k->cred.key_len;
	} else if (c->cert_pem) {
		o.cert_pem = c->cert_pem;
		o.cert_len = c->cert_len;
		o.key_pem = c->key_pem;
		o.key_len = c->key_len;
	}
	rc = ml7_http_new(&o, out, err);
	if (rc)
		ml7_err_prefix(err, "cannot connect to %s", c->server);
	return rc;
}

int ml7_kube_watch_handle(struct ml7_kube *k, struct ml7_err *err)
{
	return new_handle(k, &k->watch_http, err);
}

int ml7_kube_new(const struct ml7_kube_config *cfg, struct ml7_kube **out, struct ml7_err *err)
{
	struct ml7_kube *k;
	const struct ml7_kube_config *c = cfg;
	int has_creds = c->token || c->token_file || c->username || c->password || c->cert_pem ||
			c->exec;
	int rc;

	if (!c->server)
		return ml7_err_set(err, ML7_EINVAL, "no API server given");
	if (c->insecure && c->ca_pem)
		return ml7_err_set(err, ML7_EINVAL, "specifying a root certificates file with the "
				   "insecure flag is not allowed");
	if (has_creds && strncmp(c->server, "https://", 8) != 0)
		return ml7_err_set(err, ML7_EINVAL, "refusing to send credentials to '%s' over plain "
				   "http; use an https server", c->server);
	k = ml7_calloc(1, sizeof(*k));
	if (!k)
		return oom(err);
	if ((rc = ml7_kube_config_dup(cfg, &k->cfg, err)) || (rc = split_server(k, err)))
		goto fail;
	/* exec only when the user has no other credentials (client-go) */
	k->use_exec = c->exec && !c->token && !c->token_file && !c->username && !c->cert_pem;
	if (k->use_exec && k->cfg->exec->provide_cluster_info &&
	    (rc = ml7_exec_cluster_json(k->cfg, &k->exec_cluster_json, err)))
		goto fail;
	if (c->username || c->password) {
		struct ml7_buf b = ML7_BUF_INIT;

		b.secret = 1;
		if (ml7_buf_printf(&b, "%s:%s", c->username ? c->username : "",
				   c->password ? c->password : "") ||
		    !(k->userpwd = ml7_buf_detach(&b))) {
			ml7_buf_free(&b);
			rc = oom(err);
			goto fail;
		}
	}
	if ((rc = new_handle(k, &k->http, err)))
		goto fail;
	*out = k;
	return 0;
fail:
	ml7_kube_free(k);
	return rc;
}

void ml7_kube_free(struct ml7_kube *k)
{
	if (!k)
		return;
	ml7_http_free(k->http);
	ml7_http_free(k->watch_http);
	ml7_kube_config_free(k->cfg);
	ml7_free(k->base);
	ml7_free(k->connect_to);
	ml7_free(k->host_header);
	ml7_free(k->exec_cluster_json);
	ml7_free_secret(k->userpwd);
	ml7_free_secret(k->file_token);
	ml7_cred_clear(&k->cred);
	ml7_free(k);
}

const char *ml7_kube_namespace(const struct ml7_kube *k)
{
	return k->cfg->namespace_;
}

const char *ml7_kube_server(const struct ml7_kube *k)
{
	return k->cfg->server;
}

/* ---- paths -------------------------------------------------------------- */

static int put_escaped(struct ml7_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int rc;

		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~')
			rc = ml7_buf_putc(out, (char)*p);
		else
			rc = ml7_buf_printf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
		if (rc)
			return rc;
	}
	return 0;
}

static int segment(struct ml7_buf *out, const char *s)
{
	if (!*s || strchr(s, '/') || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return ML7_EINVAL;
	return ml7_buf_putc(out, '/') ? ML7_ENOMEM : put_escaped(out, s) ? ML7_ENOMEM : 0;
}

int ml7_kube_path(struct ml7_buf *out, const char *gv, const char *ns, const char *resource,
		  const char *name, const char *sub)
{
	size_t old = out->len;
	int rc;

	if (!gv || !*gv || !resource)
		return ML7_EINVAL;
	rc = ml7_buf_puts(out, strchr(gv, '/') ? "/apis/" : "/api/");
	if (rc == 0)
		rc = ml7_buf_puts(out, gv);
	if (rc == 0 && ns)
		rc = ml7_buf_puts(out, "/namespaces") ? ML7_ENOMEM : segment(out, ns);
	if (rc == 0)
		rc = segment(out, resource);
	if (rc == 0 && name)
		rc = segment(out, name);
	if (rc == 0 && sub)
		rc = segment(out, sub);
	if (rc) {
		out->len = old;
		if (out->data)
			out->data[old] = '\0';
	}
	return rc;
}

int ml7_kube_query(struct ml7_buf *out, const char *key, const char *value)
{
	if (ml7_buf_putc(out, out->data && strchr(out->data, '?') ? '&' : '?') ||
	    put_escaped(out, key) || ml7_buf_putc(out, '=') || put_escaped(out, value))
		return ML7_ENOMEM;
	return 0;
}

/* ---- errors ------------------------------------------------------------- */

static int code_for(long status)
{
	switch (status) {
	case 404:
		return ML7_ENOTFOUND;
	case 409:
		return ML7_ECONFLICT;
	case 401:
	case 403:
		return ML7_EAUTH;
	case 400:
	case 422:
		return ML7_EINVAL;
	default:
		return ML7_EHTTP;
	}
}

int ml7_kube_status_from_json(long http_status, const cJSON *st, const char *what,
			      struct ml7_err *err)
{
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(st, "message");
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(st, "reason");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(st, "code");
	long status = http_status ? http_status : cJSON_IsNumber(code) ? (long)code->valuedouble : 0;
	int rc = code_for(status);

	if (err && !err->msg[0]) {
		err->http_status = status;
		snprintf(err->reason, sizeof(err->reason), "%s",
			 cJSON_IsString(reason) ? reason->valuestring :
			 status == 410 ? "Gone" : "");
	}
	if (status == 401)
		return ml7_err_set(err, rc, "%s: the API server rejected the credentials (401 "
				   "Unauthorized)", what);
	if (cJSON_IsString(msg) && msg->valuestring[0])
		return ml7_err_set(err, rc, "%s", msg->valuestring);
	return ml7_err_set(err, rc, "%s: HTTP %ld%s%s", what, status,
			   cJSON_IsString(reason) ? " " : "", cJSON_IsString(reason) ? reason->valuestring : "");
}

int ml7_kube_status_error(long http_status, const char *body, size_t len, const char *what,
			  struct ml7_err *err)
{
	cJSON *doc = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(doc, "kind");
	char snippet[160];
	size_t n = 0;
	int rc;

	if (cJSON_IsString(kind) && strcmp(kind->valuestring, "Status") == 0) {
		rc = ml7_kube_status_from_json(http_status, doc, what, err);
		cJSON_Delete(doc);
		return rc;
	}
	cJSON_Delete(doc);
	/* a proxy's or balancer's page: the status line and the start of the text */
	for (size_t i = 0; body && i < len && n + 1 < sizeof(snippet); i++) {
		unsigned char c = (unsigned char)body[i];

		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		if (c < 0x20 || c >= 0x7f)
			continue;
		if (c == ' ' && n && snippet[n - 1] == ' ')
			continue;
		snippet[n++] = (char)c;
	}
	while (n && snippet[n - 1] == ' ')
		n--;
	snippet[n] = '\0';
	if (err && !err->msg[0]) {
		err->http_status = http_status;
		snprintf(err->reason, sizeof(err->reason), "%s", http_status == 410 ? "Gone" : "");
	}
	if (http_status == 401)
		return ml7_err_set(err, ML7_EAUTH, "%s: the API server rejected the credentials (401 "
				   "Unauthorized)", what);
	return ml7_err_set(err, code_for(http_status), "%s: HTTP %ld%s%s", what, http_status,
			   n ? ": " : "", snippet);
}

/* ---- credentials -------------------------------------------------------- */

static int stdin_tty(void)
{
	return isatty(STDIN_FILENO);
}

/* Runs the exec plugin when there is no valid credential; re-reads the token
 * file once a minute (force: now). */
static int refresh_creds(struct ml7_kube *k, int force, struct ml7_err *err)
{
	const struct ml7_kube_config *c = k->cfg;
	long now = ml7_now_ms();
	int rc;

	if (c->token_file && (force || !k->file_token_at || now - k->file_token_at > TOKEN_FILE_TTL_MS)) {
		struct ml7_buf b = ML7_BUF_INIT;
		struct ml7_err e = {0};

		ml7_buf_init(&b, 1u << 20);
		b.secret = 1;
		if (ml7_buf_read_file(&b, c->token_file, &e) == 0) {
			char *t = ml7_buf_detach(&b), *s = t, *end;

			if (!t)
				return oom(err);
			while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
				s++;
			end = s + strlen(s);
			while (end > s && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\t' ||
					   end[-1] == '\r'))
				*--end = '\0';
			if (*s) {
				memmove(t, s, strlen(s) + 1);
				ml7_free_secret(k->file_token);
				k->file_token = t;
			} else {
				ml7_free_secret(t);
			}
		} else if (!c->token && !k->file_token) {
			ml7_buf_free(&b);
			return ml7_err_set(err, ML7_EAUTH, "%s", e.msg);
		}
		ml7_buf_free(&b);
		k->file_token_at = now ? now : 1;
	}
	if (k->use_exec) {
		time_t wall = time(NULL);

		if (k->cred_valid && !force && (!k->cred.expires || wall < k->cred.expires))
			return 0;
		ml7_cred_clear(&k->cred);
		k->cred_valid = 0;
		rc = ml7_exec_run(k->cfg->exec, k->exec_cluster_json, stdin_tty(),
				  k->cfg->request_timeout_ms, &k->cred, err);
		if (rc == ML7_ENOTFOUND || rc == ML7_EEXEC || rc == ML7_EPROTO) {
			if (err)
				err->code = ML7_EAUTH;   /* no credentials: exit 1, as kubectl */
			return ML7_EAUTH;
		}
		if (rc)
			return rc;
		k->exec_runs++;
		k->cred_valid = 1;
		if (k->cred.cert_pem) {
			if ((rc = ml7_http_set_client_cert(k->http, k->cred.cert_pem, k->cred.cert_len,
							   k->cred.key_pem, k->cred.key_len, err)))
				return rc;
			if (k->watch_http &&
			    (rc = ml7_http_set_client_cert(k->watch_http, k->cred.cert_pem, k->cred.cert_len,
							   k->cred.key_pem, k->cred.key_len, err)))
				return rc;
		}
	}
	return 0;
}

static const char *bearer(const struct ml7_kube *k)
{
	if (k->file_token)
		return k->file_token;
	if (k->cfg->token)
		return k->cfg->token;
	if (k->use_exec && k->cred.token)
		return k->cred.token;
	return NULL;
}

/* ---- requests ----------------------------------------------------------- */

static int add_header(struct ml7_strlist *h, const char *name, const char *value)
{
	struct ml7_buf line = ML7_BUF_INIT;

	if (ml7_buf_printf(&line, "%s: %s", name, value))
		return ML7_ENOMEM;
	return ml7_strlist_push_owned(h, ml7_buf_detach(&line));
}

static int build_headers(const struct ml7_kube *k, const struct ml7_kube_call *c,
			 struct ml7_strlist *h)
{
	const struct ml7_kube_config *cfg = k->cfg;
	int rc = ml7_strlist_push(h, "Accept: application/json");

	if (rc == 0 && c->content_type)
		rc = add_header(h, "Content-Type", c->content_type);
	if (rc == 0 && k->host_header)
		rc = ml7_strlist_push(h, k->host_header);
	if (rc == 0 && cfg->as)
		rc = add_header(h, "Impersonate-User", cfg->as);
	if (rc == 0 && cfg->as_uid)
		rc = add_header(h, "Impersonate-Uid", cfg->as_uid);
	for (size_t i = 0; rc == 0 && i < cfg->as_groups.n; i++)
		rc = add_header(h, "Impersonate-Group", cfg->as_groups.items[i]);
	for (size_t i = 0; rc == 0 && i < cfg->as_extra.n; i++) {
		const char *kv = cfg->as_extra.items[i], *eq = strchr(kv, '=');
		char key[256];

		snprintf(key, sizeof(key), "Impersonate-Extra-%.*s", eq ? (int)(eq - kv) : (int)strlen(kv),
			 kv);
		rc = add_header(h, key, eq ? eq + 1 : "");
	}
	return rc;
}

static long retry_wait(const struct ml7_http_resp *resp, int attempt)
{
	long ms = resp->retry_after_s >= 0 ? resp->retry_after_s * 1000 : 250L << attempt;

	return ms > RETRY_CAP_MS ? RETRY_CAP_MS : ms;
}

int ml7_kube_perform(struct ml7_kube *k, struct ml7_http *h, const struct ml7_kube_call *c,
		     struct ml7_http_resp *resp, struct ml7_err *err)
{
	struct ml7_buf url = ML7_BUF_INIT;
	int attempt = 0, reauth = 0, rc;

	if (ml7_buf_printf(&url, "%s%s", k->base, c->path))
		return oom(err);
	for (;;) {
		struct ml7_http_req req = {0};
		struct ml7_strlist hdrs = ML7_STRLIST_INIT;
		struct ml7_err e = {0};

		if ((rc = refresh_creds(k, 0, err)))
			break;
		if (build_headers(k, c, &hdrs)) {
			ml7_strlist_free(&hdrs);
			rc = oom(err);
			break;
		}
		req.method = c->method;
		req.url = url.data;
		req.headers = &hdrs;
		req.body = c->body;
		req.body_len = c->body_len;
		req.timeout_ms = c->timeout_ms >= 0 ? c->timeout_ms : k->cfg->request_timeout_ms;
		req.max_response = c->max_response;
		req.bearer = bearer(k);
		req.userpwd = k->userpwd;
		req.on_data = c->on_data;
		req.userdata = c->userdata;
		rc = ml7_http_do(h, &req, resp, &e);
		ml7_strlist_free(&hdrs);
		if (rc) {
			if (c->idempotent && resp->retryable && attempt < MAX_RETRIES && !c->on_data) {
				ml7_log(ML7_LOG_ACTION, "%s %s: %s; retrying", c->method, c->path, e.msg);
				ml7_http_resp_free(resp);
				if ((rc = ml7_kube_sleep(retry_wait(resp, attempt++), err)))
					break;
				continue;
			}
			if (rc == ML7_ETIMEDOUT && req.timeout_ms == k->cfg->request_timeout_ms &&
			    req.timeout_ms > 0)
				ml7_err_set(err, rc, "%s %s: no answer within the request timeout of %ld ms",
					    c->method, c->path, req.timeout_ms);
			else
				ml7_err_set(err, rc, "%s", e.msg);
			err->http_status = 0;
			break;
		}
		if (resp->status == 401 && !reauth && (k->use_exec || k->cfg->token_file)) {
			/* the cached credential expired early: get a fresh one, once */
			reauth = 1;
			ml7_log(ML7_LOG_ACTION, "401 from the API server: refreshing the credentials");
			ml7_http_resp_free(resp);
			if ((rc = refresh_creds(k, 1, err)))
				break;
			continue;
		}
		if ((resp->status == 429 || resp->status >= 500) && c->idempotent &&
		    attempt < MAX_RETRIES) {
			long wait = retry_wait(resp, attempt++);

			ml7_log(ML7_LOG_ACTION, "%s %s: HTTP %ld; retrying in %ld ms", c->method, c->path,
				resp->status, wait);
			ml7_http_resp_free(resp);
			if ((rc = ml7_kube_sleep(wait, err)))
				break;
			continue;
		}
		break;
	}
	ml7_buf_free(&url);
	return rc;
}

int ml7_kube_request(struct ml7_kube *k, const char *method, const char *path,
		     const char *content_type, const char *body, size_t body_len, int idempotent,
		     cJSON **out, struct ml7_err *err)
{
	struct ml7_kube_call c = {method, path, content_type, body, body_len, idempotent, -1, 0,
				  NULL, NULL};
	struct ml7_http_resp resp;
	char what[512];
	int rc;

	snprintf(what, sizeof(what), "%s %s", method, path);
	rc = ml7_kube_perform(k, k->http, &c, &resp, err);
	if (rc == 0 && (resp.status < 200 || resp.status > 299))
		rc = ml7_kube_status_error(resp.status, resp.body.data, resp.body.len, what, err);
	else if (rc == 0 && out) {
		cJSON *doc = NULL;

		if (resp.body.len && !(doc = cJSON_ParseWithLength(resp.body.data, resp.body.len)))
			rc = ml7_err_set(err, ML7_EPROTO, "%s: the answer is not JSON", what);
		else
			*out = doc;
	}
	ml7_http_resp_free(&resp);
	return rc;
}

/* ---- verbs -------------------------------------------------------------- */

static int write_query(struct ml7_buf *p, const char *path, const struct ml7_kube_write_opts *o,
		       int apply)
{
	int rc = ml7_buf_puts(p, path);

	if (rc == 0 && (apply || (o && o->field_manager)))
		rc = ml7_kube_query(p, "fieldManager",
				    o && o->field_manager ? o->field_manager : ML7_KUBE_FIELD_MANAGER);
	if (rc == 0 && apply && o && o->force)
		rc = ml7_kube_query(p, "force", "true");
	if (rc == 0 && o && o->dry_run)
		rc = ml7_kube_query(p, "dryRun", "All");
	return rc;
}

static int send_json(struct ml7_kube *k, const char *method, const char *path, const char *ctype,
		     const cJSON *obj, const struct ml7_kube_write_opts *o, int apply, int idempotent,
		     cJSON **out, struct ml7_err *err)
{
	struct ml7_buf p = ML7_BUF_INIT;
	char *body = obj ? cJSON_PrintUnformatted(obj) : NULL;
	int rc;

	if ((obj && !body) || write_query(&p, path, o, apply)) {
		ml7_buf_free(&p);
		cJSON_free(body);
		return oom(err);
	}
	rc = ml7_kube_request(k, method, p.data, ctype, body, body ? strlen(body) : 0, idempotent, out,
			      err);
	ml7_buf_free(&p);
	cJSON_free(body);
	return rc;
}

int ml7_kube_get(struct ml7_kube *k, const char *path, cJSON **out, struct ml7_err *err)
{
	cJSON *doc = NULL;
	int rc = ml7_kube_request(k, "GET", path, NULL, NULL, 0, 1, &doc, err);

	if (rc == 0 && out)
		*out = doc;
	else
		cJSON_Delete(doc);
	return rc;
}

int ml7_kube_create(struct ml7_kube *k, const char *collection_path, const cJSON *obj,
		    const struct ml7_kube_write_opts *opts, cJSON **out, struct ml7_err *err)
{
	return send_json(k, "POST", collection_path, "application/json", obj, opts, 0, 0, out, err);
}

int ml7_kube_apply(struct ml7_kube *k, const char *path, const cJSON *obj,
		   const struct ml7_kube_write_opts *opts, cJSON **out, struct ml7_err *err)
{
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");

	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(obj, "apiVersion")) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(obj, "kind")) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(md, "name")))
		return ml7_err_set(err, ML7_EINVAL, "apply %s: the object needs apiVersion, kind and "
				   "metadata.name", path);
	/* JSON is YAML: the apply patch type takes it as it is */
	return send_json(k, "PATCH", path, "application/apply-patch+yaml", obj, opts, 1, 1, out, err);
}

int ml7_kube_patch(struct ml7_kube *k, const char *path, enum ml7_kube_patch_type type,
		   const cJSON *patch, const struct ml7_kube_write_opts *opts, cJSON **out,
		   struct ml7_err *err)
{
	static const char *const types[] = {"application/merge-patch+json",
					    "application/strategic-merge-patch+json",
					    "application/json-patch+json"};

	if ((unsigned)type > ML7_KUBE_PATCH_JSON)
		return ml7_err_set(err, ML7_EINVAL, "unknown patch type %d", (int)type);
	return send_json(k, "PATCH", path, types[type], patch, opts, 0, 0, out, err);
}

int ml7_kube_replace(struct ml7_kube *k, const char *path, const cJSON *obj,
		     const struct ml7_kube_write_opts *opts, cJSON **out, struct ml7_err *err)
{
	return send_json(k, "PUT", path, "application/json", obj, opts, 0, 1, out, err);
}

int ml7_kube_delete(struct ml7_kube *k, const char *path, const struct ml7_kube_write_opts *opts,
		    cJSON **out, struct ml7_err *err)
{
	cJSON *body = NULL;
	int rc;

	if (opts && opts->propagation) {
		body = cJSON_CreateObject();
		if (!body || !cJSON_AddStringToObject(body, "kind", "DeleteOptions") ||
		    !cJSON_AddStringToObject(body, "apiVersion", "v1") ||
		    !cJSON_AddStringToObject(body, "propagationPolicy", opts->propagation)) {
			cJSON_Delete(body);
			return oom(err);
		}
	}
	rc = send_json(k, "DELETE", path, body ? "application/json" : NULL, body, opts, 0, 1, out, err);
	cJSON_Delete(body);
	return rc;
}

/* ---- list --------------------------------------------------------------- */

int ml7_kube_list_url(struct ml7_buf *p, const char *path, const char *label_selector,
		      const char *field_selector)
{
	int rc = ml7_buf_puts(p, path);

	if (rc == 0 && label_selector && *label_selector)
		rc = ml7_kube_query(p, "labelSelector", label_selector);
	if (rc == 0 && field_selector && *field_selector)
		rc = ml7_kube_query(p, "fieldSelector", field_selector);
	return rc;
}

int ml7_kube_list(struct ml7_kube *k, const char *collection_path,
		  const struct ml7_kube_list_opts *opts, ml7_kube_item_fn fn, void *userdata,
		  char **resource_version, struct ml7_err *err)
{
	static const struct ml7_kube_list_opts none;
	const struct ml7_kube_list_opts *o = opts ? opts : &none;
	char *cont = NULL, *rv = NULL, limit[32];
	char last[400] = "", skip[400] = "";   /* "namespace/name": the server's key order */
	int restarted = 0, rc = 0;

	snprintf(limit, sizeof(limit), "%ld", o->limit > 0 ? o->limit : 500);
	for (;;) {
		struct ml7_buf p = ML7_BUF_INIT;
		struct ml7_err e = {0};
		cJSON *page = NULL;
		const cJSON *md, *items, *it, *c, *r;

		if (ml7_kube_list_url(&p, collection_path, o->label_selector, o->field_selector) ||
		    ml7_kube_query(&p, "limit", limit) || (cont && ml7_kube_query(&p, "continue", cont))) {
			ml7_buf_free(&p);
			rc = oom(err);
			break;
		}
		rc = ml7_kube_get(k, p.data, &page, &e);
		ml7_buf_free(&p);
		if (rc && cont && e.http_status == 410 && !restarted) {
			/* the continue token expired: start over, once, and skip what was
			 * delivered (lists come in key order, as the continue token does) */
			restarted = 1;
			memcpy(skip, last, sizeof(skip));
			ml7_free(cont);
			cont = NULL;
			continue;
		}
		if (rc) {
			ml7_err_set(err, rc, "%s", e.msg);
			if (err) {
				err->http_status = e.http_status;
				memcpy(err->reason, e.reason, sizeof(err->reason));
			}
			break;
		}
		items = cJSON_GetObjectItemCaseSensitive(page, "items");
		md = cJSON_GetObjectItemCaseSensitive(page, "metadata");
		c = cJSON_GetObjectItemCaseSensitive(md, "continue");
		r = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
		if (!cJSON_IsObject(page) || (items && !cJSON_IsArray(items) && !cJSON_IsNull(items))) {
			cJSON_Delete(page);
			rc = ml7_err_set(err, ML7_EPROTO, "GET %s: the answer is not a list", collection_path);
			break;
		}
		if (!cJSON_IsArray(items))
			items = NULL;
		cJSON_ArrayForEach(it, items) {
			const cJSON *imd = cJSON_GetObjectItemCaseSensitive(it, "metadata");
			const cJSON *ins = cJSON_GetObjectItemCaseSensitive(imd, "namespace");
			const cJSON *iname = cJSON_GetObjectItemCaseSensitive(imd, "name");

			snprintf(last, sizeof(last), "%s/%s", cJSON_IsString(ins) ? ins->valuestring : "",
				 cJSON_IsString(iname) ? iname->valuestring : "");
			if (skip[0] && strcmp(last, skip) <= 0)
				continue;
			rc = fn(userdata, it, err);
			if (rc)
				break;
		}
		ml7_free(cont);
		cont = cJSON_IsString(c) && c->valuestring[0] ? ml7_strdup(c->valuestring) : NULL;
		if (cJSON_IsString(r)) {
			ml7_free(rv);
			rv = ml7_strdup(r->valuestring);
		}
		cJSON_Delete(page);
		if (rc == 1) {
			rc = 0;
			break;
		}
		if (rc || !cont)
			break;
		if (ml7_canceled()) {
			rc = ml7_err_set(err, ML7_ECANCELED, "interrupted");
			break;
		}
	}
	ml7_free(cont);
	if (rc == 0 && resource_version)
		*resource_version = rv;
	else
		ml7_free(rv);
	return rc;
}
