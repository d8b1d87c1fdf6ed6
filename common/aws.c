/* aws.c - the AWS CLI's credential chain, region and endpoint resolution. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "ml7/aws.h"
#include "ml7/buf.h"
#include "ml7/clock.h"
#include "ml7/mem.h"
#include "ml7/run.h"
#include "ml7/strlist.h"

#define FILE_MAX (1024 * 1024)

/* ---- INI files ------------------------------------------------------------------------- */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* "k = v" / "k: v" -> key lower-cased in place; 0 or -1 when there is no delimiter */
static int split_kv(char *line, char **k, char **v)
{
	char *d = strpbrk(line, "=:");

	if (!d)
		return -1;
	*d = '\0';
	*k = trim(line);
	*v = trim(d + 1);
	for (char *p = *k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return **k ? 0 : -1;
}

/* A value that began empty and continued on indented lines: nested "k = v" lines.
 * 0, ML7_ENOMEM, or ML7_EINVAL for a line without '='. */
static int nested(const char *value, cJSON **out)
{
	char *copy = ml7_strdup(value), *save = NULL, *k, *v;
	cJSON *o = cJSON_CreateObject();
	int rc = 0;

	if (!copy || !o) {
		rc = ML7_ENOMEM;
		goto done;
	}
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!*trim(l))
			continue;
		if (split_kv(l, &k, &v)) {
			rc = ML7_EINVAL;
			goto done;
		}
		if (!cJSON_AddStringToObject(o, k, v)) {
			rc = ML7_ENOMEM;
			goto done;
		}
	}
done:
	if (copy)
		ml7_free_secret(copy);
	if (rc)
		cJSON_Delete(o);
	else
		*out = o;
	return rc;
}

/* Overwrites every string of a tree (they may hold secrets). */
static void wipe_tree(cJSON *j)
{
	for (cJSON *c = j ? j->child : NULL; c; c = c->next)
		if (cJSON_IsString(c) && c->valuestring)
			ml7_wipe(c->valuestring, strlen(c->valuestring));
		else
			wipe_tree(c);
}

static void delete_wiped(cJSON *j)
{
	wipe_tree(j);
	cJSON_Delete(j);
}

static int finish_key(cJSON *sec, const char *key, struct ml7_buf *val, size_t keyline, struct ml7_err *err)
{
	cJSON *v = NULL;

	if (val->len > 1 && val->data[0] == '\n') {
		int rc = nested(val->data + 1, &v);

		if (rc == ML7_EINVAL)
			return ml7_err_set(err, ML7_EINVAL, "line %zu: cannot parse the nested values of '%s'",
					   keyline, key);
		if (rc)
			return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	} else {
		v = cJSON_CreateString(val->len == 1 && val->data[0] == '\n' ? "" : val->data ? val->data : "");
	}
	if (!v)
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	cJSON_DeleteItemFromObjectCaseSensitive(sec, key);
	cJSON_AddItemToObject(sec, key, v);
	ml7_buf_reset(val);
	return 0;
}

int ml7_aws_ini_parse(const char *text, size_t n, cJSON **out, struct ml7_err *err)
{
	struct ml7_buf line = ML7_BUF_INIT, val = ML7_BUF_INIT;
	cJSON *root = cJSON_CreateObject(), *sec = NULL;
	char key[256] = "";
	size_t i = 0, lineno = 0, keyline = 0;
	int rc = 0;

	line.secret = val.secret = 1;
	if (!root)
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	while (i < n && rc == 0) {
		size_t e = i;
		int indented;
		char *l, *k, *v;

		while (e < n && text[e] != '\n')
			e++;
		lineno++;
		if (memchr(text + i, '\0', e - i)) {
			rc = ml7_err_set(err, ML7_EINVAL, "line %zu: a NUL byte", lineno);
			break;
		}
		ml7_buf_reset(&line);
		if (ml7_buf_append(&line, text + i, e - i) || ml7_buf_putc(&line, '\0')) {
			rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
			break;
		}
		i = e + 1;
		indented = line.data[0] == ' ' || line.data[0] == '\t';
		l = trim(line.data);
		if (!*l || *l == '#' || *l == ';')
			continue;
		if (indented && key[0]) {   /* continues the value of the key before it */
			if (ml7_buf_putc(&val, '\n') || ml7_buf_puts(&val, l))
				rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
			continue;
		}
		if (key[0]) {
			if ((rc = finish_key(sec, key, &val, keyline, err)))
				break;
			key[0] = '\0';
		}
		if (*l == '[') {
			char *end = strrchr(l, ']');

			if (!end) {
				rc = ml7_err_set(err, ML7_EINVAL, "line %zu: a section header without ']'", lineno);
				break;
			}
			*end = '\0';
			l = trim(l + 1);
			sec = cJSON_GetObjectItemCaseSensitive(root, l);
			if (!sec && !(sec = cJSON_AddObjectToObject(root, l)))
				rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
			continue;
		}
		if (!sec) {
			rc = ml7_err_set(err, ML7_EINVAL, "line %zu: a value before the first [section]", lineno);
			break;
		}
		if (split_kv(l, &k, &v)) {
			rc = ml7_err_set(err, ML7_EINVAL, "line %zu: expected 'key = value'", lineno);
			break;
		}
		snprintf(key, sizeof(key), "%s", k);
		keyline = lineno;
		/* an empty first value may start a nested block: "\n" marks it */
		if (*v ? ml7_buf_puts(&val, v) : ml7_buf_putc(&val, '\n'))
			rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
	}
	if (rc == 0 && key[0])
		rc = finish_key(sec, key, &val, keyline, err);
	ml7_buf_free(&line);
	ml7_buf_free(&val);
	if (rc) {
		delete_wiped(root);
		return rc;
	}
	*out = root;
	return 0;
}

/* ---- credential_process command line ---------------------------------------------------- */

void ml7_aws_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		ml7_free(argv[i]);
	ml7_free(argv);
}

int ml7_aws_split_command(const char *s, char ***argv, struct ml7_err *err)
{
	struct ml7_strlist words = ML7_STRLIST_INIT;
	struct ml7_buf w = ML7_BUF_INIT;
	const char *bad = NULL;
	int in_word = 0, nomem = 0;

	for (const char *p = s; *p && !bad && !nomem; p++) {
		char c = *p;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (in_word)
				nomem |= ml7_strlist_pushn(&words, w.data ? w.data : "", w.len) != 0;
			ml7_buf_reset(&w);
			in_word = 0;
			continue;
		}
		in_word = 1;
		if (c == '\'') {
			const char *q = strchr(p + 1, '\'');

			if (!q) {
				bad = "no closing quotation";
				break;
			}
			nomem |= ml7_buf_append(&w, p + 1, (size_t)(q - p - 1)) != 0;
			p = q;
		} else if (c == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1] == '\n') {
					p++;
					continue;
				}
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$' || p[1] == '`'))
					p++;
				nomem |= ml7_buf_putc(&w, *p) != 0;
			}
			if (!*p) {
				bad = "no closing quotation";
				break;
			}
		} else if (c == '\\') {
			if (!p[1]) {
				bad = "no escaped character";
				break;
			}
			p++;
			if (*p != '\n')
				nomem |= ml7_buf_putc(&w, *p) != 0;
		} else {
			nomem |= ml7_buf_putc(&w, c) != 0;
		}
	}
	if (!bad && !nomem && in_word)
		nomem |= ml7_strlist_pushn(&words, w.data ? w.data : "", w.len) != 0;
	ml7_buf_free(&w);
	if (!bad && !nomem && words.n == 0)
		bad = "empty command";
	if (!bad && !nomem && ml7_strlist_push(&words, "") == 0) {
		/* hand the items over, NULL-terminated */
		ml7_free(words.items[words.n - 1]);
		words.items[words.n - 1] = NULL;
		*argv = words.items;
		return 0;
	}
	ml7_strlist_free(&words);
	if (bad)
		return ml7_err_set(err, ML7_EINVAL, "cannot split credential_process: %s", bad);
	return ml7_err_set(err, ML7_ENOMEM, "out of memory");
}

/* ---- partitions and ARNs ---------------------------------------------------------------- */

void ml7_aws_partition(const char *region, const char **partition, const char **dns_suffix)
{
	static const struct { const char *prefix, *partition, *suffix; } t[] = {
		{"cn-", "aws-cn", "amazonaws.com.cn"},
		{"us-gov-", "aws-us-gov", "amazonaws.com"},
		{"us-isob-", "aws-iso-b", "sc2s.sgov.gov"},
		{"us-isof-", "aws-iso-f", "csp.hci.ic.gov"},
		{"us-iso-", "aws-iso", "c2s.ic.gov"},
		{"eu-isoe-", "aws-iso-e", "cloud.adc-e.uk"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (region && strncmp(region, t[i].prefix, strlen(t[i].prefix)) == 0) {
			*partition = t[i].partition;
			*dns_suffix = t[i].suffix;
			return;
		}
	*partition = "aws";
	*dns_suffix = "amazonaws.com";
}

static int copy_field(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int ml7_aws_arn_parse(const char *arn, struct ml7_aws_arn *out, struct ml7_err *err)
{
	const char *p[6];
	const char *s = arn;
	struct ml7_aws_arn a;

	if (!arn || strncmp(arn, "arn:", 4) != 0)
		goto bad;
	p[0] = arn;
	for (int i = 1; i < 6; i++) {
		s = strchr(s, ':');
		if (!s)
			goto bad;
		p[i] = ++s;
	}
	if (copy_field(a.partition, sizeof(a.partition), p[1], (size_t)(p[2] - p[1] - 1)) ||
	    copy_field(a.service, sizeof(a.service), p[2], (size_t)(p[3] - p[2] - 1)) ||
	    copy_field(a.region, sizeof(a.region), p[3], (size_t)(p[4] - p[3] - 1)) ||
	    copy_field(a.account, sizeof(a.account), p[4], (size_t)(p[5] - p[4] - 1)) ||
	    copy_field(a.resource, sizeof(a.resource), p[5], strlen(p[5])) || !a.partition[0] ||
	    !a.service[0] || !a.resource[0])
		goto bad;
	*out = a;
	return 0;
bad:
	return ml7_err_set(err, ML7_EINVAL, "'%s' is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)",
			   arn ? arn : "");
}

static int all_of(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(set, s[i]))
			return 0;
	return 1;
}

int ml7_aws_acm_arn_check(const char *arn, struct ml7_err *err)
{
	static const char *const partitions[] = {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b",
						 "aws-iso-e", "aws-iso-f", NULL};
	struct ml7_aws_arn a;
	int ok = 0;

	if (ml7_aws_arn_parse(arn, &a, err))
		return ML7_EINVAL;
	for (int i = 0; partitions[i]; i++)
		ok |= strcmp(a.partition, partitions[i]) == 0;
	if (!ok || strcmp(a.service, "acm") != 0 || !a.region[0] ||
	    !all_of(a.region, strlen(a.region), "abcdefghijklmnopqrstuvwxyz0123456789-") ||
	    strlen(a.account) != 12 || !all_of(a.account, 12, "0123456789") ||
	    strncmp(a.resource, "certificate/", 12) != 0 || strlen(a.resource + 12) != 36 ||
	    !all_of(a.resource + 12, 36, "0123456789abcdef-"))
		return ml7_err_set(err, ML7_EINVAL, "'%s' is not an ACM certificate ARN "
				   "(arn:aws:acm:REGION:ACCOUNT:certificate/UUID)", arn);
	return 0;
}

/* ---- resolution ------------------------------------------------------------------------- */

struct resolver {
	const struct ml7_aws_opts *o;
	struct ml7_aws *a;
	time_t now;
	int explicit_profile;
	char cred_path[1024], conf_path[1024];
	cJSON *cred_file, *conf_file;
	const cJSON *cred_sec, *conf_sec;
	struct ml7_err *err;
};

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static const char *str_of(const cJSON *sec, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(sec, key);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* A key of the profile: the credentials file's section wins over the config file's. */
static const char *profile_value(const struct resolver *r, const char *key)
{
	const char *v = str_of(r->cred_sec, key);

	return v ? v : str_of(r->conf_sec, key);
}

static int truthy(const char *v)
{
	return v && strcasecmp(v, "true") == 0;
}

static int load_file(struct resolver *r, const char *env_name, const char *def, char *path, size_t size,
		     cJSON **out)
{
	struct ml7_buf b = ML7_BUF_INIT;
	const char *p = env(env_name), *home = env("HOME");
	int rc;

	if (p && p[0] == '~' && p[1] == '/' && home)
		snprintf(path, size, "%s%s", home, p + 1);
	else if (p)
		snprintf(path, size, "%s", p);
	else if (home)
		snprintf(path, size, "%s/%s", home, def);
	else
		return 0;
	b.secret = 1;
	b.max = FILE_MAX;
	rc = ml7_buf_read_file(&b, path, r->err);
	if (rc == ML7_ENOTFOUND) {
		ml7_err_clear(r->err);
		return 0;
	}
	if (rc == 0 && (rc = ml7_aws_ini_parse(b.data ? b.data : "", b.len, out, r->err)))
		ml7_err_prefix(r->err, "cannot parse '%s'", path);
	ml7_buf_free(&b);
	return rc;
}

static int set_creds(struct resolver *r, const char *akid, const char *secret, const char *token,
		     const char *what)
{
	struct ml7_aws *a = r->a;

	if (!(a->access_key_id = ml7_strdup(akid)) || !(a->secret_access_key = ml7_strdup(secret)) ||
	    (token && !(a->session_token = ml7_strdup(token))))
		return ml7_err_set(r->err, ML7_ENOMEM, "out of memory");
	snprintf(a->creds_source, sizeof(a->creds_source), "%s", what);
	return 0;
}

static int set_expiration(struct resolver *r, const char *s, const char *what)
{
	char when[40];
	struct tm tm;
	time_t t;

	if (!s)
		return 0;
	if ((t = ml7_parse_rfc3339(s)) < 0)
		return ml7_err_set(r->err, ML7_EAUTH, "%s: cannot read the expiration '%s'", what, s);
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (t <= r->now)
		return ml7_err_set(r->err, ML7_EAUTH, "%s: the credentials expired at %s; refresh them", what, when);
	r->a->expiration = t;
	return 0;
}

static int from_process(struct resolver *r, const char *cmd)
{
	struct ml7_run_result res;
	struct ml7_run_opts ro;
	char what[200], **argv = NULL;
	cJSON *j = NULL;
	const cJSON *ver;
	const char *akid, *secret;
	int rc;

	snprintf(what, sizeof(what), "credential_process of profile '%s'", r->a->profile);
	memset(&ro, 0, sizeof(ro));
	memset(&res, 0, sizeof(res));
	if ((rc = ml7_aws_split_command(cmd, &argv, r->err))) {
		ml7_err_prefix(r->err, "%s", what);
		return rc;
	}
	ro.argv = (const char *const *)argv;
	ro.timeout_ms = r->o->process_timeout_ms > 0 ? r->o->process_timeout_ms : 60000;
	ro.max_output = 64 * 1024;
	rc = ml7_run(&ro, &res, r->err);
	if (rc) {
		ml7_err_prefix(r->err, "%s", what);
		goto done;
	}
	if (res.status != 0) {
		const char *e = res.err.data ? res.err.data : "";
		size_t l = strcspn(e, "\n");

		rc = ml7_err_set(r->err, ML7_EEXEC, "%s exited with status %d%s%.*s", what, res.status,
				 l ? ": " : "", (int)(l > 200 ? 200 : l), e);
		goto done;
	}
	j = cJSON_ParseWithLength(res.out.data ? res.out.data : "", res.out.len);
	ver = cJSON_GetObjectItemCaseSensitive(j, "Version");
	if (!cJSON_IsObject(j)) {
		rc = ml7_err_set(r->err, ML7_EAUTH, "%s did not print a JSON object", what);
		goto done;
	}
	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1) {
		rc = ml7_err_set(r->err, ML7_EAUTH, "%s printed an unsupported Version (supported: 1)", what);
		goto done;
	}
	akid = str_of(j, "AccessKeyId");
	secret = str_of(j, "SecretAccessKey");
	if (!akid || !secret) {
		rc = ml7_err_set(r->err, ML7_EAUTH, "%s printed no %s", what, akid ? "SecretAccessKey" : "AccessKeyId");
		goto done;
	}
	if ((rc = set_expiration(r, str_of(j, "Expiration"), what)))
		goto done;
	rc = set_creds(r, akid, secret, str_of(j, "SessionToken"), what);
done:
	if (j) {
		wipe_tree(j);
		cJSON_Delete(j);
	}
	ml7_run_result_free(&res);
	ml7_aws_argv_free(argv);
	return rc;
}

static int unsupported(struct resolver *r, const char *what)
{
	return ml7_err_set(r->err, ML7_EAUTH, "profile '%s' uses %s, which milvus-l7 does not support: "
			   "export plain credentials first (eval \"$(aws configure export-credentials --profile %s "
			   "--format env)\")", r->a->profile, what, r->a->profile);
}

static int resolve_creds(struct resolver *r)
{
	const char *akid = env("AWS_ACCESS_KEY_ID"), *secret = env("AWS_SECRET_ACCESS_KEY");
	char what[1200];
	int rc;

	if (!r->explicit_profile && (akid || secret)) {
		if (!akid || !secret)
			return ml7_err_set(r->err, ML7_EAUTH, "partial credentials in the environment: %s is not set",
					   akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		if ((rc = set_expiration(r, env("AWS_CREDENTIAL_EXPIRATION"), "the environment's credentials")))
			return rc;
		return set_creds(r, akid, secret, env("AWS_SESSION_TOKEN") ? env("AWS_SESSION_TOKEN")
					: env("AWS_SECURITY_TOKEN"), "environment");
	}
	if (profile_value(r, "role_arn"))
		return unsupported(r, "role_arn (assume role)");
	if (profile_value(r, "web_identity_token_file") ||
	    (env("AWS_WEB_IDENTITY_TOKEN_FILE") && env("AWS_ROLE_ARN")))
		return unsupported(r, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)");
	if (profile_value(r, "sso_session") || profile_value(r, "sso_start_url"))
		return unsupported(r, "IAM Identity Center (SSO)");
	akid = str_of(r->cred_sec, "aws_access_key_id");
	secret = str_of(r->cred_sec, "aws_secret_access_key");
	if (akid || secret) {
		snprintf(what, sizeof(what), "shared credentials file '%s' [%s]", r->cred_path, r->a->profile);
		if (!akid || !secret)
			return ml7_err_set(r->err, ML7_EAUTH, "partial credentials in %s: %s is missing", what,
					   akid ? "aws_secret_access_key" : "aws_access_key_id");
		return set_creds(r, akid, secret, str_of(r->cred_sec, "aws_session_token") ?
				 str_of(r->cred_sec, "aws_session_token") : str_of(r->cred_sec, "aws_security_token"),
				 what);
	}
	if (profile_value(r, "credential_process"))
		return from_process(r, profile_value(r, "credential_process"));
	akid = str_of(r->conf_sec, "aws_access_key_id");
	secret = str_of(r->conf_sec, "aws_secret_access_key");
	if (akid || secret) {
		snprintf(what, sizeof(what), "config file '%s' profile '%s'", r->conf_path, r->a->profile);
		if (!akid || !secret)
			return ml7_err_set(r->err, ML7_EAUTH, "partial credentials in %s: %s is missing", what,
					   akid ? "aws_secret_access_key" : "aws_access_key_id");
		return set_creds(r, akid, secret, str_of(r->conf_sec, "aws_session_token"), what);
	}
	if (env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") || env("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
		return ml7_err_set(r->err, ML7_EAUTH, "no AWS credentials: container credentials "
				   "(AWS_CONTAINER_CREDENTIALS_*) are not supported; export AWS_ACCESS_KEY_ID, "
				   "AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN");
	snprintf(r->err->reason, sizeof(r->err->reason), "NoCredentials");
	return ml7_err_set(r->err, ML7_EAUTH, "no AWS credentials found (environment, profile '%s' in '%s' "
			   "and '%s'); set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE "
			   "(instance metadata is not used)", r->a->profile,
			   r->cred_path[0] ? r->cred_path : "~/.aws/credentials",
			   r->conf_path[0] ? r->conf_path : "~/.aws/config");
}

static int resolve_region(struct resolver *r)
{
	struct ml7_aws *a = r->a;
	struct ml7_aws_arn arn;
	const char *v, *src;
	char buf[160];

	if ((v = r->o->region) && *v)
		src = "--region";
	else if ((v = env("AWS_REGION")))
		src = "AWS_REGION";
	else if ((v = env("AWS_DEFAULT_REGION")))
		src = "AWS_DEFAULT_REGION";
	else if ((v = profile_value(r, "region"))) {
		snprintf(buf, sizeof(buf), "profile '%s'", a->profile);
		src = buf;
	} else {
		v = NULL;
		src = "the ARN";
	}
	if (r->o->arn) {
		if (ml7_aws_arn_parse(r->o->arn, &arn, r->err))
			return ML7_EINVAL;
		if (!v)
			v = arn.region;
		else if (strcmp(v, arn.region) != 0)
			return ml7_err_set(r->err, ML7_EINVAL, "the ARN is in region %s but the region is %s (from %s): "
					   "a certificate is used in its own region", arn.region, v, src);
	}
	if (!v)
		return ml7_err_set(r->err, ML7_EINVAL, "no AWS region: pass --region or set AWS_REGION "
				   "(or region in profile '%s')", a->profile);
	if (!all_of(v, strlen(v), "abcdefghijklmnopqrstuvwxyz0123456789-") || strlen(v) > 40)
		return ml7_err_set(r->err, ML7_EINVAL, "'%s' is not an AWS region (from %s)", v, src);
	snprintf(a->region_source, sizeof(a->region_source), "%s", src);
	if (!(a->region = ml7_strdup(v)))
		return ml7_err_set(r->err, ML7_ENOMEM, "out of memory");
	return 0;
}

static int resolve_endpoint(struct resolver *r)
{
	struct ml7_aws *a = r->a;
	const char *svc = r->o->service ? r->o->service : "acm", *suffix, *v = NULL, *src = NULL;
	int ignore = truthy(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
		     truthy(profile_value(r, "ignore_configured_endpoint_urls"));
	char name[96], sect[160];

	ml7_aws_partition(a->region, &a->partition, &suffix);
	snprintf(name, sizeof(name), "AWS_ENDPOINT_URL_%s", r->o->env_service ? r->o->env_service : "ACM");
	if (r->o->endpoint_url && *r->o->endpoint_url) {
		v = r->o->endpoint_url;
		src = "--endpoint-url";
	} else if (!ignore && (v = env(name))) {
		src = name;
	} else if (!ignore && (v = env("AWS_ENDPOINT_URL"))) {
		src = "AWS_ENDPOINT_URL";
	} else if (!ignore && profile_value(r, "services")) {
		snprintf(sect, sizeof(sect), "services %s", profile_value(r, "services"));
		v = str_of(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r->conf_file, sect), svc),
			   "endpoint_url");
		src = "the profile's services section";
	}
	if (!v && !ignore && (v = profile_value(r, "endpoint_url")))
		src = "the profile's endpoint_url";
	if (v) {
		size_t l = strlen(v);

		if (strncmp(v, "https://", 8) != 0)
			return ml7_err_set(r->err, ML7_EINVAL, "the endpoint '%s' (from %s) is not https://: "
					   "the private key must not cross the network in clear", v, src);
		while (l > 8 && v[l - 1] == '/')
			l--;
		a->endpoint = ml7_strndup(v, l);
	} else {
		int fips = truthy(env("AWS_USE_FIPS_ENDPOINT")) || truthy(profile_value(r, "use_fips_endpoint"));
		char url[256];

		snprintf(url, sizeof(url), "https://%s%s.%s.%s", svc, fips ? "-fips" : "", a->region, suffix);
		a->endpoint = ml7_strdup(url);
		src = fips ? "the partition's FIPS endpoint" : "the partition's endpoint";
	}
	snprintf(a->endpoint_source, sizeof(a->endpoint_source), "%s", src);
	if (!a->endpoint)
		return ml7_err_set(r->err, ML7_ENOMEM, "out of memory");
	if ((v = env("AWS_CA_BUNDLE")) || (v = profile_value(r, "ca_bundle")))
		if (!(a->ca_bundle = ml7_strdup(v)))
			return ml7_err_set(r->err, ML7_ENOMEM, "out of memory");
	return 0;
}

int ml7_aws_resolve(const struct ml7_aws_opts *o, struct ml7_aws **out, struct ml7_err *err)
{
	struct resolver r;
	char sect[160];
	const char *p;
	int rc;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.err = err;
	r.now = o->now ? o->now : time(NULL);
	if (!(r.a = ml7_calloc(1, sizeof(*r.a))))
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	r.explicit_profile = o->profile && *o->profile;
	p = r.explicit_profile ? o->profile : env("AWS_PROFILE") ? env("AWS_PROFILE") : "default";
	snprintf(r.a->profile, sizeof(r.a->profile), "%s", p);
	if ((rc = load_file(&r, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials", r.cred_path,
			    sizeof(r.cred_path), &r.cred_file)) ||
	    (rc = load_file(&r, "AWS_CONFIG_FILE", ".aws/config", r.conf_path, sizeof(r.conf_path),
			    &r.conf_file)))
		goto done;
	r.cred_sec = cJSON_GetObjectItemCaseSensitive(r.cred_file, p);
	snprintf(sect, sizeof(sect), "profile %s", p);
	if (strcmp(p, "default") == 0 && cJSON_GetObjectItemCaseSensitive(r.conf_file, "default"))
		r.conf_sec = cJSON_GetObjectItemCaseSensitive(r.conf_file, "default");
	else
		r.conf_sec = cJSON_GetObjectItemCaseSensitive(r.conf_file, sect);
	if (!r.cred_sec && !r.conf_sec && strcmp(p, "default") != 0) {
		rc = ml7_err_set(err, ML7_EAUTH, "the config profile (%s) could not be found in '%s' nor '%s'", p,
				 r.cred_path[0] ? r.cred_path : "~/.aws/credentials",
				 r.conf_path[0] ? r.conf_path : "~/.aws/config");
		goto done;
	}
	if ((rc = resolve_creds(&r)) || (rc = resolve_region(&r)) || (rc = resolve_endpoint(&r)))
		goto done;
done:
	if (r.cred_file)
		delete_wiped(r.cred_file);
	if (r.conf_file)
		delete_wiped(r.conf_file);
	if (rc) {
		ml7_aws_free(r.a);
		return rc;
	}
	*out = r.a;
	return 0;
}

void ml7_aws_free(struct ml7_aws *a)
{
	if (!a)
		return;
	ml7_free(a->access_key_id);
	ml7_free_secret(a->secret_access_key);
	ml7_free_secret(a->session_token);
	ml7_free(a->region);
	ml7_free(a->endpoint);
	ml7_free(a->ca_bundle);
	ml7_free(a);
}
