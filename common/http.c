/* http.c - libcurl, set up in one place. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "ml7/cancel.h"
#include "ml7/castore.h"
#include "ml7/http.h"
#include "ml7/log.h"
#include "ml7/mem.h"

struct ml7_http {
	CURL *curl;
	struct curl_slist *connect_to;
};

struct xfer {
	CURL *curl;
	const struct ml7_http_req *req;
	struct ml7_http_resp *resp;
	int limit_hit;
	int callback_stop;
};

static int curl_ready;

static int curl_setup(struct ml7_err *err)
{
	if (curl_ready)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return ml7_err_set(err, ML7_ENOMEM, "cannot initialise libcurl");
	curl_ready = 1;
	return 0;
}

static int set_blob(CURL *c, CURLoption opt, const char *p, size_t n)
{
	struct curl_blob b = {(void *)p, n, CURL_BLOB_COPY};

	return curl_easy_setopt(c, opt, &b) != CURLE_OK;
}

int ml7_http_new(const struct ml7_http_opts *o, struct ml7_http **out, struct ml7_err *err)
{
	struct ml7_http *h;
	int bad = 0;

	if (curl_setup(err))
		return err->code;
	h = ml7_calloc(1, sizeof(*h));
	if (!h || !(h->curl = curl_easy_init())) {
		ml7_free(h);
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	}
	bad |= curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(h->curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK;
	bad |= curl_easy_setopt(h->curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS) != CURLE_OK;
	bad |= curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
	bad |= curl_easy_setopt(h->curl, CURLOPT_USERAGENT,
				o->user_agent ? o->user_agent : "milvus-l7") != CURLE_OK;
	/* a proxy only when configured: never from the environment by surprise.  socks5:// as
	 * Go (kubectl) reads it: the proxy resolves the host name, which curl calls socks5h:// */
	if (o->proxy && strncmp(o->proxy, "socks5://", 9) == 0) {
		struct ml7_buf p = ML7_BUF_INIT;

		bad |= ml7_buf_printf(&p, "socks5h://%s", o->proxy + 9) != 0;
		bad |= !p.data || curl_easy_setopt(h->curl, CURLOPT_PROXY, p.data) != CURLE_OK;
		ml7_buf_free(&p);
	} else {
		bad |= curl_easy_setopt(h->curl, CURLOPT_PROXY, o->proxy ? o->proxy : "") != CURLE_OK;
	}
	if (o->connect_timeout_ms > 0)
		bad |= curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms) != CURLE_OK;
	/* A CA given is the only one trusted (as in kubectl): libcurl's compiled-in bundle and
	 * folder are switched off.  Else the system's, found at run time (castore.h). */
	if (o->ca_pem || o->ca_file) {
		bad |= curl_easy_setopt(h->curl, CURLOPT_CAPATH, NULL) != CURLE_OK;
		if (o->ca_pem) {
			bad |= curl_easy_setopt(h->curl, CURLOPT_CAINFO, NULL) != CURLE_OK;
			bad |= set_blob(h->curl, CURLOPT_CAINFO_BLOB, o->ca_pem, o->ca_len);
		} else {
			bad |= curl_easy_setopt(h->curl, CURLOPT_CAINFO, o->ca_file) != CURLE_OK;
		}
	} else {
		bad |= curl_easy_setopt(h->curl, CURLOPT_CAINFO, ml7_system_ca_file()) != CURLE_OK;
		bad |= curl_easy_setopt(h->curl, CURLOPT_CAPATH, ml7_system_ca_dir()) != CURLE_OK;
	}
	if (o->cert_pem) {
		bad |= set_blob(h->curl, CURLOPT_SSLCERT_BLOB, o->cert_pem, o->cert_len);
		bad |= curl_easy_setopt(h->curl, CURLOPT_SSLCERTTYPE, "PEM") != CURLE_OK;
	}
	if (o->key_pem) {
		bad |= set_blob(h->curl, CURLOPT_SSLKEY_BLOB, o->key_pem, o->key_len);
		bad |= curl_easy_setopt(h->curl, CURLOPT_SSLKEYTYPE, "PEM") != CURLE_OK;
	}
	if (o->insecure) {
		bad |= curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 0L) != CURLE_OK;
		bad |= curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 0L) != CURLE_OK;
	}
	if (o->connect_to) {
		h->connect_to = curl_slist_append(NULL, o->connect_to);
		bad |= !h->connect_to ||
		       curl_easy_setopt(h->curl, CURLOPT_CONNECT_TO, h->connect_to) != CURLE_OK;
	}
	if (bad) {
		ml7_http_free(h);
		return ml7_err_set(err, ML7_EINVAL, "cannot set up the HTTP client (libcurl refused an option)");
	}
	*out = h;
	return 0;
}

int ml7_http_set_client_cert(struct ml7_http *h, const char *cert_pem, size_t cert_len,
			     const char *key_pem, size_t key_len, struct ml7_err *err)
{
	int bad = set_blob(h->curl, CURLOPT_SSLCERT_BLOB, cert_pem, cert_len);

	bad |= set_blob(h->curl, CURLOPT_SSLKEY_BLOB, key_pem, key_len);
	bad |= curl_easy_setopt(h->curl, CURLOPT_SSLCERTTYPE, "PEM") != CURLE_OK;
	bad |= curl_easy_setopt(h->curl, CURLOPT_SSLKEYTYPE, "PEM") != CURLE_OK;
	if (bad)
		return ml7_err_set(err, ML7_EINVAL, "cannot set the client certificate (libcurl refused it)");
	return 0;
}

void ml7_http_free(struct ml7_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->connect_to);
	ml7_free(h);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;

	if (x->req->on_data && !x->resp->status)
		curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &x->resp->status);
	if (x->req->on_data && x->resp->status >= 200 && x->resp->status < 300) {
		if (x->req->on_data(x->req->userdata, p, len)) {
			x->callback_stop = 1;
			return 0;
		}
		return len;
	}
	if (ml7_buf_append(&x->resp->body, p, len)) {
		x->limit_hit = 1;
		return 0;
	}
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;

	if (len > 12 && strncasecmp(p, "retry-after:", 12) == 0) {
		char num[32];
		size_t l = len - 12 < sizeof(num) - 1 ? len - 12 : sizeof(num) - 1;
		char *end;
		long v;

		memcpy(num, p + 12, l);
		num[l] = '\0';
		v = strtol(num, &end, 10);
		if (end != num && v >= 0)
			x->resp->retry_after_s = v;
	}
	return len;
}

static int on_debug(CURL *c, curl_infotype type, char *data, size_t n, void *ud)
{
	const struct xfer *x = ud;

	(void)c;
	switch (type) {
	case CURLINFO_HEADER_OUT:
		ml7_log_data(ML7_LOG_WIRE, "> ", data, n);
		break;
	case CURLINFO_HEADER_IN:
		ml7_log_data(ML7_LOG_WIRE, "< ", data, n);
		break;
	case CURLINFO_DATA_OUT:
		if (x && x->req->secret_body)   /* e.g. a private key on its way to ACM */
			ml7_log(ML7_LOG_WIRE, "> [%zu bytes of secret body not shown]", n);
		else
			ml7_log_data(ML7_LOG_WIRE, "> ", data, n > 2048 ? 2048 : n);
		break;
	case CURLINFO_DATA_IN:
		ml7_log_data(ML7_LOG_WIRE, "< ", data, n > 2048 ? 2048 : n);
		break;
	default:
		break;
	}
	return 0;
}

static int on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	(void)ud, (void)a, (void)b, (void)c, (void)d;
	return ml7_canceled();
}

static int curl_code(CURLcode cc)
{
	switch (cc) {
	case CURLE_OPERATION_TIMEDOUT:
		return ML7_ETIMEDOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return ML7_ETLS;
	case CURLE_ABORTED_BY_CALLBACK:
		return ML7_ECANCELED;
	default:
		return ML7_ENET;
	}
}

int ml7_http_do(struct ml7_http *h, const struct ml7_http_req *req, struct ml7_http_resp *resp,
		struct ml7_err *err)
{
	struct curl_slist *hdrs = NULL;
	struct xfer x = {h->curl, req, resp, 0, 0};
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *c = h->curl;
	CURLcode cc;
	char *ct = NULL;
	int rc = 0;

	memset(resp, 0, sizeof(*resp));
	ml7_buf_init(&resp->body, req->max_response);
	resp->retry_after_s = -1;
	for (size_t i = 0; req->headers && i < req->headers->n; i++) {
		struct curl_slist *t = curl_slist_append(hdrs, req->headers->items[i]);

		if (!t) {
			curl_slist_free_all(hdrs);
			return ml7_err_set(err, ML7_ENOMEM, "out of memory");
		}
		hdrs = t;
	}
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	curl_easy_setopt(c, CURLOPT_NOBODY, strcmp(req->method, "HEAD") == 0 ? 1L : 0L);
	if (req->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	} else {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
		curl_easy_setopt(c, CURLOPT_HTTPGET, strcmp(req->method, "GET") == 0 ? 1L : 0L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : 0L);
	curl_easy_setopt(c, CURLOPT_AWS_SIGV4, req->aws_sigv4);
	curl_easy_setopt(c, CURLOPT_USERPWD, req->userpwd);
	if (req->bearer) {
		curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, req->bearer);
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_VERBOSE, ml7_log_enabled(ML7_LOG_WIRE) ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, &x);

	cc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, NULL);   /* x lives on this stack frame */
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &resp->seconds);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		snprintf(resp->content_type, sizeof(resp->content_type), "%s", ct);
	/* the secret and the body must not stay referenced by the handle */
	curl_easy_setopt(c, CURLOPT_USERPWD, NULL);
	curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, NULL);
	curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(c, CURLOPT_AWS_SIGV4, NULL);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hdrs);

	if (x.limit_hit)
		rc = ml7_err_set(err, ML7_ELIMIT, "%s %s: the response is larger than %zu bytes",
				 req->method, req->url, resp->body.max ? resp->body.max : (size_t)ML7_BUF_DEFAULT_MAX);
	else if (x.callback_stop)
		rc = 0;     /* the caller stopped the stream on purpose */
	else if (cc != CURLE_OK) {
		resp->retryable = cc == CURLE_GOT_NOTHING || cc == CURLE_RECV_ERROR ||
				  cc == CURLE_SEND_ERROR || cc == CURLE_PARTIAL_FILE ||
				  cc == CURLE_HTTP2 || cc == CURLE_HTTP2_STREAM;
		if (cc == CURLE_ABORTED_BY_CALLBACK)
			rc = ml7_err_set(err, ML7_ECANCELED, "%s %s: interrupted", req->method, req->url);
		else
			rc = ml7_err_set(err, curl_code(cc), "%s %s: %s", req->method, req->url,
					 errbuf[0] ? errbuf : curl_easy_strerror(cc));
	}
	ml7_log(ML7_LOG_HTTP, "%s %s %ld (%.0f ms)", req->method, req->url, resp->status,
		resp->seconds * 1000);
	return rc;
}

void ml7_http_resp_free(struct ml7_http_resp *resp)
{
	ml7_buf_free(&resp->body);
}
