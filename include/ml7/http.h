/* http.h - HTTP(S) requests through one reused libcurl handle.
 *
 * TLS material is given in memory (curl BLOB options) and never written to
 * disk.  Verification is on unless insecure is set.  Every request is logged
 * at ML7_LOG_HTTP (verb, URL, status, time) and its headers and body at
 * ML7_LOG_WIRE, through the redaction filter. */
#ifndef ML7_HTTP_H
#define ML7_HTTP_H

#include <stddef.h>

#include "ml7/buf.h"
#include "ml7/err.h"
#include "ml7/strlist.h"

struct ml7_http;

struct ml7_http_opts {
	const char *ca_pem;          /* CA bundle, PEM in memory; NULL: ca_file or the system store */
	size_t ca_len;
	const char *ca_file;
	const char *cert_pem;        /* client certificate and key, PEM in memory */
	size_t cert_len;
	const char *key_pem;
	size_t key_len;
	int insecure;                /* skip verification (said loudly by the caller) */
	const char *proxy;           /* http://, https://, socks5:// (names resolved by the proxy, as in Go) or NULL (then no proxy env either) */
	const char *connect_to;      /* curl CONNECT_TO entry "HOST:PORT:CONNECT-HOST:CONNECT-PORT" */
	const char *user_agent;
	long connect_timeout_ms;     /* 0: curl's default */
};

/* One request.  The body of the response is collected into resp->body unless
 * on_data is set and the status is 2xx; then it is streamed to on_data, which
 * returns 0 to go on (an error answer is still collected into resp->body). */
struct ml7_http_req {
	const char *method;          /* "GET", "POST", ... */
	const char *url;
	const struct ml7_strlist *headers;   /* "Name: value" lines */
	const char *body;
	size_t body_len;
	long timeout_ms;             /* the whole request; 0: none */
	size_t max_response;         /* cap of resp->body; 0: 64 MiB */
	const char *aws_sigv4;       /* CURLOPT_AWS_SIGV4 parameter, e.g. "aws:amz:us-east-1:acm" */
	const char *userpwd;         /* secret: "user:password" (SigV4: "AKID:SECRET") */
	const char *bearer;          /* secret: sent as "Authorization: Bearer ..." */
	int (*on_data)(void *userdata, const char *data, size_t n);
	void *userdata;
	int secret_body;             /* the request body holds a secret: never logged, not even redacted */
};

struct ml7_http_resp {
	long status;
	struct ml7_buf body;
	long retry_after_s;          /* Retry-After in seconds, -1 when absent */
	char content_type[128];
	double seconds;              /* total time */
	int retryable;               /* the connection broke before a whole answer came (reset,
					EOF, HTTP/2 stream error): an idempotent request may be
					sent again */
};

int ml7_http_new(const struct ml7_http_opts *opts, struct ml7_http **out, struct ml7_err *err);
void ml7_http_free(struct ml7_http *h);

/* Replaces the client certificate and key (PEM in memory) for the following
 * requests, e.g. when an exec credential plugin returned new ones. */
int ml7_http_set_client_cert(struct ml7_http *h, const char *cert_pem, size_t cert_len,
			     const char *key_pem, size_t key_len, struct ml7_err *err);

/* Performs the request.  0 when an HTTP response arrived, whatever its status;
 * ML7_ENET, ML7_ETLS, ML7_ETIMEDOUT, ML7_ELIMIT or ML7_ECANCELED otherwise,
 * with curl's message.  resp must be freed with ml7_http_resp_free() after
 * every call. */
int ml7_http_do(struct ml7_http *h, const struct ml7_http_req *req, struct ml7_http_resp *resp,
		struct ml7_err *err);
void ml7_http_resp_free(struct ml7_http_resp *resp);

#endif
