/* acm.c - ImportCertificate and DescribeCertificate over JSON 1.1, SigV4 by libcurl. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "ml7/acm.h"
#include "ml7/buf.h"
#include "ml7/cert.h"
#include "ml7/clock.h"
#include "ml7/http.h"
#include "ml7/log.h"
#include "ml7/mem.h"
#include "ml7/version.h"

#define ATTEMPTS 3

struct ml7_acm {
	const struct ml7_aws *aws;
	struct ml7_http *http;
	char url[512];
	char sigv4[96];
};

int ml7_acm_new(const struct ml7_aws *aws, struct ml7_acm **out, struct ml7_err *err)
{
	struct ml7_http_opts ho;
	struct ml7_acm *c;
	char ua[64];
	int rc;

	if (!aws || !aws->region || !aws->endpoint || !aws->access_key_id || !aws->secret_access_key)
		return ml7_err_set(err, ML7_EINVAL, "no AWS credentials or region");
	if (!(c = ml7_calloc(1, sizeof(*c))))
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	memset(&ho, 0, sizeof(ho));
	snprintf(ua, sizeof(ua), "milvus-l7/%s", ml7_version());
	ho.ca_file = aws->ca_bundle;
	ho.user_agent = ua;
	ho.connect_timeout_ms = 10000;
	if ((rc = ml7_http_new(&ho, &c->http, err))) {
		ml7_free(c);
		return rc;
	}
	c->aws = aws;
	snprintf(c->url, sizeof(c->url), "%s/", aws->endpoint);
	/* region and service explicit: curl 7.88 would guess them from the host name */
	snprintf(c->sigv4, sizeof(c->sigv4), "aws:amz:%s:acm", aws->region);
	*out = c;
	return 0;
}

void ml7_acm_free(struct ml7_acm *c)
{
	if (!c)
		return;
	ml7_http_free(c->http);
	ml7_free(c);
}

void ml7_acm_error_name(const char *type, char *out, size_t size)
{
	size_t n = strcspn(type, ":");
	const char *hash = memchr(type, '#', n);

	if (hash) {
		n -= (size_t)(hash + 1 - type);
		type = hash + 1;
	}
	snprintf(out, size, "%.*s", (int)n, type);
}

static int is(const char *name, const char *a)
{
	return strcmp(name, a) == 0;
}

/* Folds an ACM error answer into err. */
static int aws_error(const struct ml7_acm *c, const char *op, const struct ml7_http_resp *resp,
		     struct ml7_err *err)
{
	cJSON *j = cJSON_ParseWithLength(resp->body.data ? resp->body.data : "", resp->body.len);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "__type");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
	const char *src = c->aws->creds_source;
	char name[96] = "", msg[400];
	int code, rc;

	if (!cJSON_IsString(m))
		m = cJSON_GetObjectItemCaseSensitive(j, "Message");
	if (cJSON_IsString(t))
		ml7_acm_error_name(t->valuestring, name, sizeof(name));
	snprintf(msg, sizeof(msg), "%s", cJSON_IsString(m) ? m->valuestring : "");
	for (char *p = msg; *p; p++)     /* one line */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (!name[0]) {
		rc = ml7_err_set(err, ML7_EHTTP, "ACM %s: HTTP %ld without an AWS error%s%.200s", op, resp->status,
				 resp->body.len ? ": " : "", resp->body.data ? resp->body.data : "");
		goto done;
	}
	if (is(name, "ExpiredTokenException") || is(name, "ExpiredToken") || is(name, "RequestExpired")) {
		rc = ml7_err_set(err, ML7_EAUTH, "the AWS session token has expired (credentials from %s): "
				 "refresh the credentials (%s)", src, name);
	} else if (is(name, "UnrecognizedClientException") || is(name, "InvalidClientTokenId")) {
		rc = ml7_err_set(err, ML7_EAUTH, "AWS does not know the access key ID or its session token "
				 "(credentials from %s): %s", src, msg);
	} else if (is(name, "InvalidSignatureException") || is(name, "SignatureDoesNotMatch") ||
		   is(name, "IncompleteSignatureException") || is(name, "MissingAuthenticationTokenException")) {
		rc = ml7_err_set(err, ML7_EAUTH, "AWS rejected the request signature (%s; check the secret "
				 "access key from %s, the region %s and the clock): %s", name, src, c->aws->region, msg);
	} else if (is(name, "AccessDeniedException")) {
		rc = ml7_err_set(err, ML7_EAUTH, "access denied: %s (the identity needs acm:%s)", msg, op);
	} else if (is(name, "ResourceNotFoundException")) {
		rc = ml7_err_set(err, ML7_ENOTFOUND, "certificate not found in region %s: %s", c->aws->region, msg);
	} else if (is(name, "InvalidArnException")) {
		rc = ml7_err_set(err, ML7_EINVAL, "invalid certificate ARN: %s", msg);
	} else if (is(name, "LimitExceededException")) {
		rc = ml7_err_set(err, ML7_ELIMIT, "ACM limit reached: %s (delete unused certificates or ask for "
				 "a higher quota)", msg);
	} else if (is(name, "ThrottlingException") || is(name, "TooManyRequestsException")) {
		rc = ml7_err_set(err, ML7_ELIMIT, "ACM is throttling the requests (%s): %s; try again later", name, msg);
	} else if (is(name, "ValidationException") || is(name, "InvalidParameterException") ||
		   is(name, "InvalidTagException") || is(name, "TooManyTagsException") ||
		   is(name, "TagPolicyException") || is(name, "SerializationException")) {
		rc = ml7_err_set(err, ML7_EINVAL, "ACM refused the %s request (%s): %s", op, name, msg);
	} else {
		rc = ml7_err_set(err, resp->status >= 500 ? ML7_EHTTP : ML7_EPROTO, "ACM %s failed: %s (HTTP %ld): %s",
				 op, name, resp->status, msg);
	}
done:
	code = rc;
	if (err) {
		err->http_status = resp->status;
		snprintf(err->reason, sizeof(err->reason), "%s", name);
	}
	cJSON_Delete(j);
	return code;
}

static int retryable(const struct ml7_http_resp *resp)
{
	const char *b = resp->body.data ? resp->body.data : "";

	return resp->status >= 500 || (resp->status == 400 && strstr(b, "ThrottlingException"));
}

/* One signed call; *out is the parsed 2xx answer. */
static int call(struct ml7_acm *c, const char *op, const char *body, size_t body_len, int secret_body,
		cJSON **out, struct ml7_err *err)
{
	const struct ml7_aws *a = c->aws;
	struct ml7_strlist hdrs = ML7_STRLIST_INIT;
	struct ml7_http_req req;
	struct ml7_http_resp resp;
	struct ml7_buf userpwd = ML7_BUF_INIT, tok = ML7_BUF_INIT;
	char target[96];
	int rc = 0;

	userpwd.secret = tok.secret = 1;
	snprintf(target, sizeof(target), "X-Amz-Target: CertificateManager.%s", op);
	if (ml7_strlist_push(&hdrs, "Content-Type: application/x-amz-json-1.1") ||
	    ml7_strlist_push(&hdrs, target) ||
	    ml7_buf_printf(&userpwd, "%s:%s", a->access_key_id, a->secret_access_key)) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto done;
	}
	/* curl does not add the session token: our header, signed like the others */
	if (a->session_token && (ml7_buf_printf(&tok, "X-Amz-Security-Token: %s", a->session_token) ||
				 ml7_strlist_push_owned(&hdrs, ml7_buf_detach(&tok)))) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto done;
	}
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = c->url;
	req.headers = &hdrs;
	req.body = body;
	req.body_len = body_len;
	req.timeout_ms = 60000;
	req.max_response = 1024 * 1024;
	req.aws_sigv4 = c->sigv4;
	req.userpwd = userpwd.data;
	req.secret_body = secret_body;
	for (int attempt = 1;; attempt++) {
		rc = ml7_http_do(c->http, &req, &resp, err);
		if (rc == 0 && resp.status >= 200 && resp.status < 300) {
			cJSON *j = cJSON_ParseWithLength(resp.body.data ? resp.body.data : "", resp.body.len);

			if (!cJSON_IsObject(j)) {
				cJSON_Delete(j);
				rc = ml7_err_set(err, ML7_EPROTO, "ACM %s: the answer is not a JSON object", op);
			} else {
				*out = j;
			}
		} else if (rc == 0 && attempt < ATTEMPTS && retryable(&resp)) {
			ml7_log(ML7_LOG_ACTION, "ACM %s: HTTP %ld, retrying", op, resp.status);
			ml7_http_resp_free(&resp);
			if ((rc = ml7_sleep_ms(250L << attempt))) {
				rc = ml7_err_set(err, rc, "interrupted");
				break;
			}
			continue;
		} else if (rc == 0) {
			rc = aws_error(c, op, &resp, err);
		}
		ml7_http_resp_free(&resp);
		break;
	}
done:
	for (size_t i = 0; i < hdrs.n; i++)
		ml7_wipe(hdrs.items[i], strlen(hdrs.items[i]));
	ml7_strlist_free(&hdrs);
	ml7_buf_free(&userpwd);
	ml7_buf_free(&tok);
	return rc;
}

/* Appends "name":"base64(p)" to b (a secret buffer when p is). */
static int put_blob(struct ml7_buf *b, const char *name, const char *p, size_t n)
{
	size_t need = 4 * ((n + 2) / 3) + 1;

	if (ml7_buf_printf(b, "%s\"%s\":\"", b->len > 1 ? "," : "", name) || ml7_buf_reserve(b, need))
		return ML7_ENOMEM;
	b->len += (size_t)EVP_EncodeBlock((unsigned char *)b->data + b->len, (const unsigned char *)p, (int)n);
	b->data[b->len] = '\0';
	return ml7_buf_putc(b, '"');
}

static int put_string(struct ml7_buf *b, const char *s)
{
	cJSON *j = cJSON_CreateString(s);
	char *p = j ? cJSON_PrintUnformatted(j) : NULL;
	int rc = p ? ml7_buf_puts(b, p) : ML7_ENOMEM;

	cJSON_free(p);
	cJSON_Delete(j);
	return rc;
}

static int put_tags(struct ml7_buf *b, const struct ml7_strlist *tags, struct ml7_err *err)
{
	if (tags->n > 50)
		return ml7_err_set(err, ML7_EINVAL, "%zu tags: ACM takes at most 50", tags->n);
	if (ml7_buf_puts(b, ",\"Tags\":["))
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	for (size_t i = 0; i < tags->n; i++) {
		const char *t = tags->items[i], *eq = strchr(t, '=');
		size_t kl = eq ? (size_t)(eq - t) : strlen(t);
		char *k;
		int rc;

		if (kl < 1 || kl > 128 || (eq && strlen(eq + 1) > 256))
			return ml7_err_set(err, ML7_EINVAL, "tag '%s': the key takes 1 to 128 characters and the "
					   "value at most 256", t);
		if (strncmp(t, "aws:", 4) == 0)
			return ml7_err_set(err, ML7_EINVAL, "tag '%s': keys starting with 'aws:' are reserved", t);
		if (!(k = ml7_strndup(t, kl)))
			return ml7_err_set(err, ML7_ENOMEM, "out of memory");
		rc = ml7_buf_printf(b, "%s{\"Key\":", i ? "," : "") || put_string(b, k) ||
		     ml7_buf_puts(b, ",\"Value\":") || put_string(b, eq ? eq + 1 : "") || ml7_buf_putc(b, '}');
		ml7_free(k);
		if (rc)
			return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	}
	return ml7_buf_putc(b, ']') ? ml7_err_set(err, ML7_ENOMEM, "out of memory") : 0;
}

int ml7_acm_import(struct ml7_acm *c, const struct ml7_acm_import_req *r, char **arn_out, struct ml7_err *err)
{
	struct ml7_buf body = ML7_BUF_INIT;
	cJSON *ans = NULL;
	const cJSON *arn;
	int rc;

	body.secret = 1;
	if (!r->cert_pem || !r->key_pem)
		return ml7_err_set(err, ML7_EINVAL, "a certificate and its private key are needed");
	if (r->arn && (rc = ml7_aws_acm_arn_check(r->arn, err)))
		return rc;
	if (r->arn && r->tags && r->tags->n)
		return ml7_err_set(err, ML7_EINVAL, "tags cannot be set when re-importing onto an ARN "
				   "(ACM keeps the tags of the certificate)");
	if (ml7_buf_putc(&body, '{') ||
	    put_blob(&body, "Certificate", r->cert_pem, strlen(r->cert_pem)) ||
	    put_blob(&body, "PrivateKey", r->key_pem, r->key_len) ||
	    (r->chain_pem && put_blob(&body, "CertificateChain", r->chain_pem, strlen(r->chain_pem))) ||
	    (r->arn && (ml7_buf_puts(&body, ",\"CertificateArn\":") || put_string(&body, r->arn)))) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto done;
	}
	if (r->tags && r->tags->n && (rc = put_tags(&body, r->tags, err)))
		goto done;
	if (ml7_buf_putc(&body, '}')) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto done;
	}
	ml7_log(ML7_LOG_ACTION, "importing the certificate into ACM in %s%s%s", c->aws->region,
		r->arn ? " onto " : "", r->arn ? r->arn : "");
	if ((rc = call(c, "ImportCertificate", body.data, body.len, 1, &ans, err)))
		goto done;
	arn = cJSON_GetObjectItemCaseSensitive(ans, "CertificateArn");
	if (!cJSON_IsString(arn) || ml7_aws_acm_arn_check(arn->valuestring, NULL))
		rc = ml7_err_set(err, ML7_EPROTO, "ACM ImportCertificate: no valid CertificateArn in the answer");
	else if (!(*arn_out = ml7_strdup(arn->valuestring)))
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
done:
	cJSON_Delete(ans);
	ml7_buf_free(&body);
	return rc;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static time_t jtime(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? (time_t)v->valuedouble : 0;
}

static int jlist(const cJSON *o, const char *k, struct ml7_strlist *l)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, k))
		if (cJSON_IsString(it) && ml7_strlist_push(l, it->valuestring))
			return ML7_ENOMEM;
	return 0;
}

int ml7_acm_describe(struct ml7_acm *c, const char *arn, struct ml7_acm_cert **out, struct ml7_err *err)
{
	struct ml7_buf body = ML7_BUF_INIT;
	struct ml7_acm_cert *cert = NULL;
	cJSON *ans = NULL, *raw;
	int rc;

	if ((rc = ml7_aws_acm_arn_check(arn, err)))
		return rc;
	if (ml7_buf_puts(&body, "{\"CertificateArn\":") || put_string(&body, arn) || ml7_buf_putc(&body, '}')) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = call(c, "DescribeCertificate", body.data, body.len, 0, &ans, err)))
		goto done;
	raw = cJSON_DetachItemFromObjectCaseSensitive(ans, "Certificate");
	if (!cJSON_IsObject(raw) || !jstr(raw, "CertificateArn")) {
		cJSON_Delete(raw);
		rc = ml7_err_set(err, ML7_EPROTO, "ACM DescribeCertificate: no Certificate in the answer");
		goto done;
	}
	if (!(cert = ml7_calloc(1, sizeof(*cert)))) {
		cJSON_Delete(raw);
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto done;
	}
	cert->raw = raw;
	cert->arn = jstr(raw, "CertificateArn");
	cert->domain = jstr(raw, "DomainName");
	cert->status = jstr(raw, "Status");
	cert->type = jstr(raw, "Type");
	cert->key_algorithm = jstr(raw, "KeyAlgorithm");
	cert->issuer = jstr(raw, "Issuer");
	cert->failure_reason = jstr(raw, "FailureReason");
	cert->not_before = jtime(raw, "NotBefore");
	cert->not_after = jtime(raw, "NotAfter");
	cert->imported_at = jtime(raw, "ImportedAt");
	if (jlist(raw, "SubjectAlternativeNames", &cert->sans) || jlist(raw, "InUseBy", &cert->in_use_by)) {
		ml7_acm_cert_free(cert);
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto done;
	}
	*out = cert;
done:
	cJSON_Delete(ans);
	ml7_buf_free(&body);
	return rc;
}

void ml7_acm_cert_free(struct ml7_acm_cert *cert)
{
	if (!cert)
		return;
	ml7_strlist_free(&cert->sans);
	ml7_strlist_free(&cert->in_use_by);
	cJSON_Delete(cert->raw);
	ml7_free(cert);
}

int ml7_acm_cert_problems(const struct ml7_acm_cert *cert, const char *host, time_t now,
			  struct ml7_strlist *problems)
{
	struct ml7_buf b = ML7_BUF_INIT;
	int n = 0, covered = 0;

	if (!cert->status || strcmp(cert->status, "ISSUED") != 0) {
		ml7_buf_printf(&b, "the certificate's status is %s, not ISSUED%s%s", cert->status ? cert->status : "unknown",
			       cert->failure_reason ? ": " : "", cert->failure_reason ? cert->failure_reason : "");
		n += ml7_strlist_push(problems, b.data) == 0;
		ml7_buf_reset(&b);
	}
	if (cert->not_after && cert->not_after <= now) {
		n += ml7_strlist_push(problems, "the certificate has expired") == 0;
	}
	if (host) {
		for (size_t i = 0; i < cert->sans.n; i++)
			covered |= ml7_cert_host_match(cert->sans.items[i], host);
		if (!covered) {
			ml7_buf_printf(&b, "'%s' is not covered by the certificate's names", host);
			n += ml7_strlist_push(problems, b.data) == 0;
		}
	}
	ml7_buf_free(&b);
	return n;
}

int ml7_acm_preflight(const struct ml7_aws_opts *opts, const char *arn, const char *host, int *checked,
		      struct ml7_strlist *problems, struct ml7_err *err)
{
	struct ml7_aws_opts o = *opts;
	struct ml7_aws *aws = NULL;
	struct ml7_acm *acm = NULL;
	struct ml7_acm_cert *cert = NULL;
	struct ml7_err e;
	int rc;

	*checked = 0;
	ml7_err_clear(&e);
	o.arn = arn;
	if (!o.service)
		o.service = "acm";
	if ((rc = ml7_aws_acm_arn_check(arn, err)))
		return rc;
	rc = ml7_aws_resolve(&o, &aws, &e);
	if (rc == ML7_EAUTH && strcmp(e.reason, "NoCredentials") == 0)
		return 0;
	if (rc == 0 && (rc = ml7_acm_new(aws, &acm, &e)) == 0 && (rc = ml7_acm_describe(acm, arn, &cert, &e)) == 0) {
		*checked = 1;
		ml7_acm_cert_problems(cert, host, time(NULL), problems);
	}
	if (rc && err && !err->code)
		*err = e;
	ml7_acm_cert_free(cert);
	ml7_acm_free(acm);
	ml7_aws_free(aws);
	return rc;
}
