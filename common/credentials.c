/* credentials.c - exec credential plugins, run as client-go runs them. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "ml7/buf.h"
#include "ml7/clock.h"
#include "ml7/credentials.h"
#include "ml7/mem.h"
#include "ml7/run.h"

#define EXEC_OUTPUT_MAX (1u << 20)
#define EXEC_TIMEOUT_MS 60000L

static void wipe_json(cJSON *n)
{
	for (; n; n = n->next) {
		if (n->valuestring)
			ml7_wipe(n->valuestring, strlen(n->valuestring));
		wipe_json(n->child);
	}
}

void ml7_json_free_secret(cJSON *n)
{
	wipe_json(n);
	cJSON_Delete(n);
}

void ml7_cred_clear(struct ml7_cred *c)
{
	ml7_free_secret(c->token);
	ml7_free(c->cert_pem);
	if (c->key_pem)
		ml7_wipe(c->key_pem, c->key_len);
	ml7_free(c->key_pem);
	memset(c, 0, sizeof(*c));
}

int ml7_exec_cluster_json(const struct ml7_kube_config *cfg, char **out, struct ml7_err *err)
{
	cJSON *c = cJSON_CreateObject(), *conf = NULL;
	char *s = NULL, *b64 = NULL;
	int ok = c != NULL;

	ok = ok && cJSON_AddStringToObject(c, "server", cfg->server);
	if (ok && cfg->tls_server_name)
		ok = cJSON_AddStringToObject(c, "tls-server-name", cfg->tls_server_name) != NULL;
	if (ok && cfg->insecure)
		ok = cJSON_AddTrueToObject(c, "insecure-skip-tls-verify") != NULL;
	if (ok && cfg->ca_pem) {
		b64 = ml7_malloc(4 * ((cfg->ca_len + 2) / 3) + 1);
		ok = b64 && EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)cfg->ca_pem,
					    (int)cfg->ca_len) >= 0 &&
		     cJSON_AddStringToObject(c, "certificate-authority-data", b64);
	}
	if (ok && cfg->proxy_url)
		ok = cJSON_AddStringToObject(c, "proxy-url", cfg->proxy_url) != NULL;
	if (ok && cfg->disable_compression)
		ok = cJSON_AddTrueToObject(c, "disable-compression") != NULL;
	if (ok && cfg->exec && cfg->exec->cluster_config_json &&
	    (conf = cJSON_Parse(cfg->exec->cluster_config_json)))
		cJSON_AddItemToObject(c, "config", conf);
	if (ok)
		s = cJSON_PrintUnformatted(c);
	cJSON_Delete(c);
	ml7_free(b64);
	if (!s)
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	*out = ml7_strdup(s);
	cJSON_free(s);
	return *out ? 0 : ml7_err_set(err, ML7_ENOMEM, "out of memory");
}

/* The installHint as one line without control characters (ANSI escapes). */
static void one_line(const char *in, char *out, size_t n)
{
	size_t o = 0;

	for (const char *p = in; *p && o + 1 < n; p++) {
		if (*p == '\033') {     /* ESC [ ... letter */
			if (p[1] == '[')
				for (p += 2; *p && !isalpha((unsigned char)*p); p++)
					;
			if (!*p)
				break;
			continue;
		}
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			if (o && out[o - 1] != ' ')
				out[o++] = ' ';
			continue;
		}
		out[o++] = *p;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

static int bad_output(const char *command, const char *why, struct ml7_err *err)
{
	return ml7_err_set(err, ML7_EPROTO, "exec plugin '%s': %s", command, why);
}

int ml7_exec_parse(const char *api_version, const char *command, const char *text, size_t len,
		   struct ml7_cred *out, struct ml7_err *err)
{
	cJSON *doc = cJSON_ParseWithLength(text, len);
	const cJSON *st, *tok, *cert, *key, *exp, *av, *kind;
	struct ml7_cred c = {0};
	int rc = 0;

	if (!cJSON_IsObject(doc)) {
		rc = bad_output(command, "the output is not an ExecCredential (not a JSON object)", err);
		goto out;
	}
	av = cJSON_GetObjectItemCaseSensitive(doc, "apiVersion");
	kind = cJSON_GetObjectItemCaseSensitive(doc, "kind");
	if (!cJSON_IsString(av) || strcmp(av->valuestring, api_version) != 0) {
		rc = ml7_err_set(err, ML7_EPROTO, "exec plugin '%s' is configured to use API version %s, "
				 "plugin returned version %s", command, api_version,
				 cJSON_IsString(av) ? av->valuestring : "(none)");
		goto out;
	}
	if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "ExecCredential") != 0) {
		rc = bad_output(command, "the output is not of kind ExecCredential", err);
		goto out;
	}
	st = cJSON_GetObjectItemCaseSensitive(doc, "status");
	if (!cJSON_IsObject(st)) {
		rc = bad_output(command, "the output has no status", err);
		goto out;
	}
	tok = cJSON_GetObjectItemCaseSensitive(st, "token");
	cert = cJSON_GetObjectItemCaseSensitive(st, "clientCertificateData");
	key = cJSON_GetObjectItemCaseSensitive(st, "clientKeyData");
	exp = cJSON_GetObjectItemCaseSensitive(st, "expirationTimestamp");
	if (cJSON_IsString(cert) && !cert->valuestring[0])
		cert = NULL;
	if (cJSON_IsString(key) && !key->valuestring[0])
		key = NULL;
	if (!!cJSON_IsString(cert) != !!cJSON_IsString(key)) {
		rc = bad_output(command, "it returned only a client certificate or a key, not both", err);
		goto out;
	}
	if ((!cJSON_IsString(tok) || !tok->valuestring[0]) && !cJSON_IsString(cert)) {
		rc = bad_output(command, "it returned neither a token nor a client certificate and key", err);
		goto out;
	}
	if (cJSON_IsString(tok) && tok->valuestring[0] && !(c.token = ml7_strdup(tok->valuestring))) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto out;
	}
	if (cJSON_IsString(cert)) {
		if (!strstr(cert->valuestring, "-----BEGIN ") || !strstr(key->valuestring, "-----BEGIN ")) {
			rc = bad_output(command, "clientCertificateData and clientKeyData must be PEM", err);
			goto out;
		}
		c.cert_len = strlen(cert->valuestring);
		c.key_len = strlen(key->valuestring);
		c.cert_pem = ml7_strdup(cert->valuestring);
		c.key_pem = ml7_strdup(key->valuestring);
		if (!c.cert_pem || !c.key_pem) {
			rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (exp && !cJSON_IsNull(exp) &&
	    (!cJSON_IsString(exp) || (c.expires = ml7_parse_rfc3339(exp->valuestring)) < 0)) {
		rc = bad_output(command, "expirationTimestamp is not an RFC 3339 time", err);
		goto out;
	}
out:
	ml7_json_free_secret(doc);
	if (rc) {
		ml7_cred_clear(&c);
		return rc;
	}
	*out = c;
	return 0;
}

/* "NAME=value": the length of NAME. */
static size_t name_len(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq ? (size_t)(eq - kv) : strlen(kv);
}

int ml7_exec_run(const struct ml7_kube_exec *ex, const char *cluster_json, int stdin_tty,
		 long timeout_ms, struct ml7_cred *out, struct ml7_err *err)
{
	struct ml7_run_opts ro = {0};
	struct ml7_run_result res;
	struct ml7_buf info = ML7_BUF_INIT;
	const char **argv = NULL, **env = NULL;
	size_t ne = 0;
	int interactive, rc;

	switch (ex->interactive_mode) {
	case ML7_KUBE_INTERACTIVE_NEVER:
		interactive = 0;
		break;
	case ML7_KUBE_INTERACTIVE_ALWAYS:
		if (!stdin_tty)
			return ml7_err_set(err, ML7_EAUTH, "exec plugin '%s' needs a terminal (interactiveMode "
					   "Always) but stdin is not one", ex->command);
		interactive = 1;
		break;
	default:
		interactive = stdin_tty;
	}
	if (ml7_buf_printf(&info, "KUBERNETES_EXEC_INFO={\"kind\":\"ExecCredential\",\"apiVersion\":\"%s\",\"spec\":{",
			   ex->api_version) ||
	    (ex->provide_cluster_info && cluster_json &&
	     ml7_buf_printf(&info, "\"cluster\":%s,", cluster_json)) ||
	    ml7_buf_printf(&info, "\"interactive\":%s}}", interactive ? "true" : "false"))
		goto nomem;
	argv = ml7_calloc(ex->args.n + 2, sizeof(*argv));
	env = ml7_calloc(ex->env.n + 3, sizeof(*env));
	if (!argv || !env)
		goto nomem;
	argv[0] = ex->command;
	for (size_t i = 0; i < ex->args.n; i++)
		argv[i + 1] = ex->args.items[i];
	/* the plugin's env over ours; of a name given twice the last one counts */
	for (size_t i = 0; i < ex->env.n; i++) {
		size_t l = name_len(ex->env.items[i]);
		int later = 0;

		for (size_t j = i + 1; j < ex->env.n; j++)
			if (name_len(ex->env.items[j]) == l && strncmp(ex->env.items[i], ex->env.items[j], l) == 0)
				later = 1;
		if (!later && !(l == 20 && strncmp(ex->env.items[i], "KUBERNETES_EXEC_INFO", 20) == 0))
			env[ne++] = ex->env.items[i];
	}
	env[ne++] = info.data;
	ro.argv = argv;
	ro.env_add = env;
	ro.inherit_stdin = interactive;
	ro.inherit_stderr = 1;
	ro.timeout_ms = timeout_ms > 0 ? timeout_ms : EXEC_TIMEOUT_MS;
	ro.max_output = EXEC_OUTPUT_MAX;
	rc = ml7_run(&ro, &res, NULL);
	if (rc == ML7_ENOTFOUND) {
		char hint[1024] = "";

		if (ex->install_hint)
			one_line(ex->install_hint, hint, sizeof(hint));
		rc = ml7_err_set(err, ML7_ENOTFOUND, "exec plugin: executable %s not found%s%s", ex->command,
				 hint[0] ? "; " : "", hint);
	} else if (rc == ML7_ETIMEDOUT) {
		rc = ml7_err_set(err, rc, "exec plugin '%s' did not finish within %ld ms", ex->command,
				 ro.timeout_ms);
	} else if (rc == ML7_ELIMIT) {
		rc = ml7_err_set(err, ML7_EPROTO, "exec plugin '%s' printed more than %u bytes", ex->command,
				 EXEC_OUTPUT_MAX);
	} else if (rc == ML7_ECANCELED) {
		rc = ml7_err_set(err, rc, "interrupted while the exec plugin '%s' ran", ex->command);
	} else if (rc) {
		rc = ml7_err_set(err, rc, "exec plugin '%s' could not run", ex->command);
	} else if (res.status != 0) {
		rc = ml7_err_set(err, ML7_EEXEC, "exec plugin: executable %s failed with exit code %d",
				 ex->command, res.status);
	} else {
		rc = ml7_exec_parse(ex->api_version, ex->command, res.out.data ? res.out.data : "",
				    res.out.len, out, err);
	}
	ml7_run_result_free(&res);
	ml7_free(argv);
	ml7_free(env);
	ml7_buf_free(&info);
	return rc;
nomem:
	ml7_free(argv);
	ml7_free(env);
	ml7_buf_free(&info);
	return ml7_err_set(err, ML7_ENOMEM, "out of memory");
}
