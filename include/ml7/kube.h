/* kube.h - a Kubernetes API client: REST verbs, server-side apply, paged
 * lists and watches with resume.
 *
 * One client holds one libcurl handle (connection reuse, HTTP/2 when the
 * server offers it) and the credentials of its config (token, token file,
 * client certificate, exec plugin; an exec plugin runs once and again after a
 * 401).  Paths are API paths ("/api/v1/namespaces/milvus/services"), built
 * with ml7_kube_path(); a path may carry its own query string.  Objects are
 * cJSON; *out is the decoded response body, owned by the caller.
 *
 * Errors: a Kubernetes Status becomes the message, err->http_status the HTTP
 * status and err->reason the Status reason ("NotFound", "Conflict",
 * "AlreadyExists", "Invalid", ...).  Codes: 404 -> ML7_ENOTFOUND,
 * 409 -> ML7_ECONFLICT (AlreadyExists too: check err->reason), 401/403 ->
 * ML7_EAUTH, 410 -> ML7_EHTTP with reason "Expired" or "Gone", 422/400 ->
 * ML7_EINVAL, other statuses -> ML7_EHTTP; transport failures ML7_ENET,
 * ML7_ETLS, ML7_ETIMEDOUT (--request-timeout), ML7_ECANCELED (Ctrl-C).
 *
 * Retries: 429 and 5xx are retried for idempotent requests only (GET, PUT,
 * DELETE, server-side apply; never POST or other PATCHes), waiting Retry-After
 * (else a backoff from 250 ms), each wait capped at 10 s, at most 5 retries.
 */
#ifndef ML7_KUBE_H
#define ML7_KUBE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "ml7/buf.h"
#include "ml7/err.h"
#include "ml7/kubeconfig.h"

#define ML7_KUBE_FIELD_MANAGER "milvus-l7"

struct ml7_kube;

/* Copies what it needs from cfg (cfg may be freed afterwards).  Refuses to send
 * credentials over plain http (ML7_EINVAL) and a CA together with insecure. */
int ml7_kube_new(const struct ml7_kube_config *cfg, struct ml7_kube **out, struct ml7_err *err);
void ml7_kube_free(struct ml7_kube *k);

/* The resolved namespace (-n, the context's, or "default"); borrowed. */
const char *ml7_kube_namespace(const struct ml7_kube *k);
/* The server URL (with any path prefix); borrowed. */
const char *ml7_kube_server(const struct ml7_kube *k);

/* Appends an API path to out:
 *   group_version "v1"                   -> /api/v1
 *   group_version "networking.k8s.io/v1" -> /apis/networking.k8s.io/v1
 * then /namespaces/NS when ns is not NULL, /RESOURCE, /NAME when name is not
 * NULL, /SUBRESOURCE when sub is not NULL.  Names are percent-escaped.
 * 0, ML7_EINVAL (an empty or '/'-holding segment) or ML7_ENOMEM. */
int ml7_kube_path(struct ml7_buf *out, const char *group_version, const char *ns,
		  const char *resource, const char *name, const char *sub);

/* Appends "?key=value" or "&key=value" (value escaped) to a path in out. */
int ml7_kube_query(struct ml7_buf *out, const char *key, const char *value);

/* ---- verbs -------------------------------------------------------------- */

struct ml7_kube_write_opts {
	const char *field_manager;   /* NULL: "milvus-l7" */
	int force;                   /* apply: take fields owned by other managers */
	int dry_run;                 /* dryRun=All: validated and admitted, not stored */
	const char *propagation;     /* delete: "Foreground", "Background", "Orphan"; NULL: server's default */
};

enum ml7_kube_patch_type {
	ML7_KUBE_PATCH_MERGE = 0,    /* application/merge-patch+json */
	ML7_KUBE_PATCH_STRATEGIC,    /* application/strategic-merge-patch+json */
	ML7_KUBE_PATCH_JSON          /* application/json-patch+json */
};

/* GET path.  out may be NULL (existence check). */
int ml7_kube_get(struct ml7_kube *k, const char *path, cJSON **out, struct ml7_err *err);

/* POST obj to a collection path.  opts may be NULL. */
int ml7_kube_create(struct ml7_kube *k, const char *collection_path, const cJSON *obj,
		    const struct ml7_kube_write_opts *opts, cJSON **out, struct ml7_err *err);

/* Server-side apply: PATCH application/apply-patch+yaml with fieldManager
 * (default milvus-l7), force only when opts->force.  obj must carry
 * apiVersion, kind and metadata.name.  Creates the object when it is absent.
 * A field owned by another manager: ML7_ECONFLICT, reason "Conflict", the
 * message lists the fields.  path is the object's path (a "/status" path
 * applies the status subresource). */
int ml7_kube_apply(struct ml7_kube *k, const char *path, const cJSON *obj,
		   const struct ml7_kube_write_opts *opts, cJSON **out, struct ml7_err *err);

/* PATCH with the given patch type (e.g. a merge patch of ".../status"). */
int ml7_kube_patch(struct ml7_kube *k, const char *path, enum ml7_kube_patch_type type,
		   const cJSON *patch, const struct ml7_kube_write_opts *opts, cJSON **out,
		   struct ml7_err *err);

/* PUT (replace; obj should carry metadata.resourceVersion). */
int ml7_kube_replace(struct ml7_kube *k, const char *path, const cJSON *obj,
		     const struct ml7_kube_write_opts *opts, cJSON **out, struct ml7_err *err);

/* DELETE with opts->propagation and opts->dry_run.  out (may be NULL) gets the
 * server's answer (the object or a Status). */
int ml7_kube_delete(struct ml7_kube *k, const char *path, const struct ml7_kube_write_opts *opts,
		    cJSON **out, struct ml7_err *err);

/* Any request: method, path, body (may be NULL) with its content type.
 * 2xx: *out (may be NULL) gets the decoded body (NULL for an empty one).
 * Otherwise the Status error.  Retries as described above when idempotent. */
int ml7_kube_request(struct ml7_kube *k, const char *method, const char *path,
		     const char *content_type, const char *body, size_t body_len, int idempotent,
		     cJSON **out, struct ml7_err *err);

/* ---- list --------------------------------------------------------------- */

struct ml7_kube_list_opts {
	const char *label_selector;  /* "app.kubernetes.io/name=milvus,component in (proxy,standalone)" */
	const char *field_selector;  /* "metadata.name=x" */
	long limit;                  /* page size; 0: 500 */
};

/* Called once per item, in order; item is borrowed (valid during the call).
 * Return 0 to go on, 1 to stop early (ml7_kube_list then returns 0), or a
 * negative code (after setting err) to fail. */
typedef int (*ml7_kube_item_fn)(void *userdata, const cJSON *item, struct ml7_err *err);

/* Lists a collection path page by page (limit/continue; a 410 for an expired
 * continue token restarts the list once, skipping the items already delivered:
 * lists come in the server's key order).  Only one page is in memory at a
 * time.  resource_version (may be NULL) gets the list's resourceVersion, for a
 * following watch; free it with ml7_free(). */
int ml7_kube_list(struct ml7_kube *k, const char *collection_path,
		  const struct ml7_kube_list_opts *opts, ml7_kube_item_fn fn, void *userdata,
		  char **resource_version, struct ml7_err *err);

/* ---- watch -------------------------------------------------------------- */

enum ml7_kube_event_type {
	ML7_KUBE_ADDED = 1,
	ML7_KUBE_MODIFIED,
	ML7_KUBE_DELETED,
	ML7_KUBE_BOOKMARK,           /* obj holds only metadata.resourceVersion */
	ML7_KUBE_RELIST              /* obj NULL: the history was lost (410); what follows are
					ADDED events for every current object: reset your state */
};

struct ml7_kube_watch_opts {
	const char *label_selector;
	const char *field_selector;  /* one object: "metadata.name=NAME" */
	const char *resource_version;/* start after this; NULL: list first and deliver the
					current objects as ADDED (no RELIST before them) */
	long timeout_ms;             /* overall deadline; 0: none.  Passing it: ML7_ETIMEDOUT */
	long server_timeout_s;       /* timeoutSeconds of each watch request; 0: 300 */
	size_t max_event;            /* the largest event accepted; 0: 64 MiB */
	int max_reconnects;          /* consecutive failed reconnects before giving up; 0: 10 */
};

/* Called per event; obj is borrowed.  Return 0 to go on, 1 to stop (the watch
 * returns 0), or a negative code (after setting err) to fail.  The callback
 * may call other ml7_kube functions on the same client: the watch streams on a
 * connection of its own. */
typedef int (*ml7_kube_event_fn)(void *userdata, int type, const cJSON *obj, struct ml7_err *err);

struct ml7_kube_watch_stats {
	unsigned long events;        /* delivered, bookmarks included */
	unsigned long bookmarks;
	unsigned long reconnects;    /* watch requests after the first */
	unsigned long relists;       /* after 410 */
	char resource_version[128];  /* the last one seen */
};

/* Watches a collection path until the callback stops it, the deadline passes
 * or Ctrl-C (ML7_ECANCELED).  A dropped connection or a server-side timeout
 * resumes from the last resourceVersion seen; a 410 (HTTP or an ERROR event)
 * lists again (ML7_KUBE_RELIST, then ADDED per object) and watches on from the
 * list.  Other ERROR events fail with the Status.  stats may be NULL. */
int ml7_kube_watch(struct ml7_kube *k, const char *collection_path,
		   const struct ml7_kube_watch_opts *opts, ml7_kube_event_fn fn, void *userdata,
		   struct ml7_kube_watch_stats *stats, struct ml7_err *err);

/* ---- helpers (exposed for tests and fuzzing) ---------------------------- */

/* Turns a non-2xx answer into err: a Status body gives message and reason;
 * anything else the status line.  what labels the request ("GET /api/v1/x").
 * Returns the code. */
int ml7_kube_status_error(long http_status, const char *body, size_t len, const char *what,
			  struct ml7_err *err);

/* The newline-delimited JSON decoder of the watch stream: feed it bytes as
 * they arrive (any chunking); it calls fn once per complete object.  A line
 * over max bytes is ML7_ELIMIT; a line that is not JSON is ML7_EPROTO. */
struct ml7_ndjson;
typedef int (*ml7_ndjson_fn)(void *userdata, cJSON *obj, struct ml7_err *err);  /* obj is borrowed */
int ml7_ndjson_new(size_t max, ml7_ndjson_fn fn, void *userdata, struct ml7_ndjson **out,
		   struct ml7_err *err);
/* 0, or the callback's or the decoder's error.  A callback's 1 (stop) is returned as 1. */
int ml7_ndjson_feed(struct ml7_ndjson *d, const char *data, size_t n, struct ml7_err *err);
/* Bytes held of an unfinished object. */
size_t ml7_ndjson_pending(const struct ml7_ndjson *d);
void ml7_ndjson_reset(struct ml7_ndjson *d);
void ml7_ndjson_free(struct ml7_ndjson *d);

#endif
