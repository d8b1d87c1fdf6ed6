/* kube_int.h - what kube.c and watch.c share; not a public header. */
#ifndef ML7_KUBE_INT_H
#define ML7_KUBE_INT_H

#include "ml7/credentials.h"
#include "ml7/http.h"
#include "ml7/kube.h"

struct ml7_kube {
	struct ml7_kube_config *cfg;  /* own copy */
	struct ml7_http *http;        /* requests */
	struct ml7_http *watch_http;  /* the watch stream, made on first use */
	char *base;                   /* URL base (tls-server-name in place of the host) */
	const char *prefix;           /* the path prefix inside base */
	char *connect_to;             /* with tls-server-name: where to connect */
	char *host_header;            /* with tls-server-name: the real Host */
	int use_exec;
	struct ml7_cred cred;         /* from the exec plugin */
	int cred_valid;
	unsigned long exec_runs;
	char *exec_cluster_json;
	char *userpwd;                /* secret */
	char *file_token;             /* secret: tokenFile content */
	long file_token_at;           /* when it was read (monotonic ms) */
};

struct ml7_kube_call {
	const char *method;
	const char *path;             /* with its query */
	const char *content_type;
	const char *body;
	size_t body_len;
	int idempotent;
	long timeout_ms;              /* -1: --request-timeout */
	size_t max_response;
	int (*on_data)(void *userdata, const char *data, size_t n);
	void *userdata;
};

/* One request with credentials, retries and the 401 refresh.  0 when an HTTP
 * answer came (any status); resp must be freed. */
int ml7_kube_perform(struct ml7_kube *k, struct ml7_http *h, const struct ml7_kube_call *c,
		     struct ml7_http_resp *resp, struct ml7_err *err);
int ml7_kube_status_from_json(long http_status, const cJSON *status, const char *what,
			      struct ml7_err *err);
int ml7_kube_list_url(struct ml7_buf *p, const char *path, const char *label_selector,
		      const char *field_selector);
/* Makes k->watch_http (a connection of its own for the stream). */
int ml7_kube_watch_handle(struct ml7_kube *k, struct ml7_err *err);
int ml7_kube_sleep(long ms, struct ml7_err *err);

#endif
