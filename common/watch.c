/* watch.c - the ndjson stream decoder and the watch loop: resume from the last
 * resourceVersion, relist after 410, bookmarks, deadline, Ctrl-C. */
#include <stdio.h>
#include <string.h>

#include "kube_int.h"
#include "ml7/cancel.h"
#include "ml7/clock.h"
#include "ml7/log.h"
#include "ml7/mem.h"

/* ---- ndjson ------------------------------------------------------------- */

struct ml7_ndjson {
	struct ml7_buf line;
	size_t max;
	ml7_ndjson_fn fn;
	void *userdata;
};

int ml7_ndjson_new(size_t max, ml7_ndjson_fn fn, void *userdata, struct ml7_ndjson **out,
		   struct ml7_err *err)
{
	struct ml7_ndjson *d = ml7_calloc(1, sizeof(*d));

	if (!d)
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	d->max = max ? max : ML7_BUF_DEFAULT_MAX;
	ml7_buf_init(&d->line, d->max);
	d->fn = fn;
	d->userdata = userdata;
	*out = d;
	return 0;
}

static int only_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static int emit(struct ml7_ndjson *d, const char *s, size_t n, struct ml7_err *err)
{
	cJSON *obj;
	int rc;

	if (only_space(s, n))
		return 0;
	obj = cJSON_ParseWithLength(s, n);
	if (!obj)
		return ml7_err_set(err, ML7_EPROTO, "the watch stream holds a line that is not JSON: "
				   "%.60s", s);
	rc = d->fn(d->userdata, obj, err);
	cJSON_Delete(obj);
	return rc;
}

int ml7_ndjson_feed(struct ml7_ndjson *d, const char *data, size_t n, struct ml7_err *err)
{
	while (n) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl ? (size_t)(nl - data) : n;
		int rc;

		if (d->line.len + take > d->max)
			return ml7_err_set(err, ML7_ELIMIT, "a watch event is larger than %zu bytes", d->max);
		if (!nl) {
			if (ml7_buf_append(&d->line, data, take))
				return ml7_err_set(err, ML7_ENOMEM, "out of memory");
			return 0;
		}
		if (d->line.len) {
			if (ml7_buf_append(&d->line, data, take))
				return ml7_err_set(err, ML7_ENOMEM, "out of memory");
			rc = emit(d, d->line.data, d->line.len, err);
			ml7_buf_reset(&d->line);
			if (d->line.cap > (1u << 20))
				ml7_buf_free(&d->line);   /* one huge event must not pin its memory */
		} else {
			rc = emit(d, data, take, err);    /* a whole line in this chunk: no copy */
		}
		if (rc)
			return rc;
		data += take + 1;
		n -= take + 1;
	}
	return 0;
}

size_t ml7_ndjson_pending(const struct ml7_ndjson *d)
{
	return d->line.len;
}

void ml7_ndjson_reset(struct ml7_ndjson *d)
{
	ml7_buf_free(&d->line);
}

void ml7_ndjson_free(struct ml7_ndjson *d)
{
	if (!d)
		return;
	ml7_buf_free(&d->line);
	ml7_free(d);
}

/* ---- watch -------------------------------------------------------------- */

struct wstate {
	struct ml7_kube *k;
	ml7_kube_event_fn fn;
	void *userdata;
	struct ml7_kube_watch_stats *st;
	struct ml7_ndjson *dec;
	const char *path;
	int stop;            /* the callback said 1 */
	int relist;          /* 410 seen */
	int rc;              /* a callback's or the stream's error */
	unsigned long round_events;
	struct ml7_err *err;
};

static void note_rv(struct wstate *w, const cJSON *obj)
{
	const cJSON *rv = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "resourceVersion");

	if (cJSON_IsString(rv))
		snprintf(w->st->resource_version, sizeof(w->st->resource_version), "%s", rv->valuestring);
}

static int deliver(struct wstate *w, int type, const cJSON *obj)
{
	int rc;

	w->st->events++;
	if (type == ML7_KUBE_BOOKMARK)
		w->st->bookmarks++;
	rc = w->fn(w->userdata, type, obj, w->err);
	if (rc == 1) {
		w->stop = 1;
		return 1;
	}
	if (rc) {
		w->rc = rc;
		return rc;
	}
	return 0;
}

/* One decoded line of the stream. */
static int on_event(void *ud, cJSON *ev, struct ml7_err *err)
{
	struct wstate *w = ud;
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(ev, "type");
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(ev, "object");
	const char *t = cJSON_IsString(type) ? type->valuestring : "";
	int kind;

	w->round_events++;
	if (strcmp(t, "ERROR") == 0) {
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(obj, "code");

		if (cJSON_IsNumber(code) && (long)code->valuedouble == 410) {
			w->relist = 1;
			return 1;
		}
		w->rc = ml7_kube_status_from_json(0, obj, w->path, err);
		return w->rc;
	}
	if (strcmp(t, "ADDED") == 0)
		kind = ML7_KUBE_ADDED;
	else if (strcmp(t, "MODIFIED") == 0)
		kind = ML7_KUBE_MODIFIED;
	else if (strcmp(t, "DELETED") == 0)
		kind = ML7_KUBE_DELETED;
	else if (strcmp(t, "BOOKMARK") == 0)
		kind = ML7_KUBE_BOOKMARK;
	else
		return w->rc = ml7_err_set(err, ML7_EPROTO, "watch %s: unknown event type '%s'", w->path, t);
	if (!cJSON_IsObject(obj))
		return w->rc = ml7_err_set(err, ML7_EPROTO, "watch %s: a %s event without an object",
					   w->path, t);
	note_rv(w, obj);
	return deliver(w, kind, obj);
}

static int on_data(void *ud, const char *data, size_t n)
{
	struct wstate *w = ud;
	int rc = ml7_ndjson_feed(w->dec, data, n, w->err);

	if (rc < 0 && !w->rc)
		w->rc = rc;
	return rc != 0;   /* stop the stream on 1 (stop/relist) or an error */
}

static int list_item(void *ud, const cJSON *item, struct ml7_err *err)
{
	struct wstate *w = ud;

	(void)err;
	return deliver(w, ML7_KUBE_ADDED, item);
}

/* Lists and delivers every object as ADDED; the list's rv is where the watch starts. */
static int relist(struct wstate *w, const struct ml7_kube_watch_opts *o, int announce)
{
	struct ml7_kube_list_opts lo = {o->label_selector, o->field_selector, 0};
	char *rv = NULL;
	int rc;

	if (announce && deliver(w, ML7_KUBE_RELIST, NULL))
		return w->stop ? 0 : w->rc;
	rc = ml7_kube_list(w->k, w->path, &lo, list_item, w, &rv, w->err);
	if (rc) {
		ml7_free(rv);
		return w->stop ? 0 : rc;
	}
	snprintf(w->st->resource_version, sizeof(w->st->resource_version), "%s", rv ? rv : "");
	ml7_free(rv);
	return 0;
}

int ml7_kube_watch(struct ml7_kube *k, const char *collection_path,
		   const struct ml7_kube_watch_opts *opts, ml7_kube_event_fn fn, void *userdata,
		   struct ml7_kube_watch_stats *stats, struct ml7_err *err)
{
	static const struct ml7_kube_watch_opts none;
	const struct ml7_kube_watch_opts *o = opts ? opts : &none;
	struct ml7_kube_watch_stats local;
	struct wstate w;
	long deadline = o->timeout_ms > 0 ? ml7_now_ms() + o->timeout_ms : 0;
	int max_fail = o->max_reconnects > 0 ? o->max_reconnects : 10, fails = 0, rc = 0, first = 1;
	char server_timeout[24];

	memset(&local, 0, sizeof(local));
	memset(&w, 0, sizeof(w));
	w.k = k;
	w.fn = fn;
	w.userdata = userdata;
	w.st = stats ? stats : &local;
	memset(w.st, 0, sizeof(*w.st));
	w.path = collection_path;
	w.err = err;
	snprintf(server_timeout, sizeof(server_timeout), "%ld",
		 o->server_timeout_s > 0 ? o->server_timeout_s : 300);
	if ((rc = ml7_ndjson_new(o->max_event, on_event, &w, &w.dec, err)))
		return rc;
	if (!k->watch_http && (rc = ml7_kube_watch_handle(k, err)))
		goto out;
	if (o->resource_version) {
		snprintf(w.st->resource_version, sizeof(w.st->resource_version), "%s", o->resource_version);
	} else if ((rc = relist(&w, o, 0)) || w.stop) {
		goto out;
	}
	for (;;) {
		struct ml7_buf p = ML7_BUF_INIT;
		struct ml7_kube_call c = {"GET", NULL, NULL, NULL, 0, 1, 0, 0, on_data, &w};
		struct ml7_http_resp resp;
		struct ml7_err e = {0};
		long left = 0;

		if (ml7_canceled()) {
			rc = ml7_err_set(err, ML7_ECANCELED, "interrupted");
			break;
		}
		if (deadline && (left = deadline - ml7_now_ms()) <= 0) {
			rc = ml7_err_set(err, ML7_ETIMEDOUT, "the watch of %s reached its deadline of %ld ms",
					 collection_path, o->timeout_ms);
			break;
		}
		if (ml7_kube_list_url(&p, collection_path, o->label_selector, o->field_selector) ||
		    ml7_kube_query(&p, "watch", "1") || ml7_kube_query(&p, "allowWatchBookmarks", "true") ||
		    (w.st->resource_version[0] &&
		     ml7_kube_query(&p, "resourceVersion", w.st->resource_version)) ||
		    ml7_kube_query(&p, "timeoutSeconds", server_timeout)) {
			ml7_buf_free(&p);
			rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
			break;
		}
		if (!first)
			w.st->reconnects++;
		first = 0;
		c.path = p.data;
		c.timeout_ms = left;
		w.round_events = 0;
		ml7_ndjson_reset(w.dec);
		rc = ml7_kube_perform(k, k->watch_http, &c, &resp, &e);
		ml7_buf_free(&p);
		if (w.stop) {
			rc = 0;
			ml7_http_resp_free(&resp);
			break;
		}
		if (w.rc) {
			rc = w.rc;
			ml7_http_resp_free(&resp);
			break;
		}
		if (w.relist || (rc == 0 && resp.status == 410)) {
			ml7_http_resp_free(&resp);
			w.relist = 0;
			w.st->relists++;
			ml7_log(ML7_LOG_ACTION, "watch %s: resourceVersion %s is gone; listing again",
				collection_path, w.st->resource_version);
			if ((rc = relist(&w, o, 1)) || w.stop)
				break;
			fails = 0;
			continue;
		}
		if (rc == 0 && (resp.status < 200 || resp.status > 299)) {
			char what[512];

			snprintf(what, sizeof(what), "watch %s", collection_path);
			rc = ml7_kube_status_error(resp.status, resp.body.data, resp.body.len, what, err);
			ml7_http_resp_free(&resp);
			break;
		}
		ml7_http_resp_free(&resp);
		if (rc == ML7_ECANCELED) {
			ml7_err_set(err, rc, "interrupted");
			break;
		}
		if (rc == ML7_ETIMEDOUT && deadline && ml7_now_ms() >= deadline)
			continue;       /* reported at the top of the loop */
		if (rc == ML7_EAUTH || rc == ML7_ENOTFOUND || rc == ML7_EPROTO || rc == ML7_EINVAL ||
		    rc == ML7_EEXEC || rc == ML7_ENOMEM) {
			ml7_err_set(err, rc, "%s", e.msg);
			break;
		}
		/* a dropped connection, or the server ended the watch: resume */
		if (rc || w.round_events == 0) {
			if (++fails > max_fail) {
				if (rc)
					ml7_err_set(err, rc, "watch %s: %s (gave up after %d reconnects)",
						    collection_path, e.msg, max_fail);
				else
					rc = ml7_err_set(err, ML7_ENET, "watch %s: the server keeps ending the "
							 "watch without events (gave up after %d reconnects)",
							 collection_path, max_fail);
				break;
			}
			ml7_log(ML7_LOG_ACTION, "watch %s: %s; resuming from resourceVersion %s",
				collection_path, rc ? e.msg : "ended", w.st->resource_version);
			left = fails > 5 ? 5000 : 100L << fails;
			if (deadline && deadline - ml7_now_ms() < left)
				left = deadline - ml7_now_ms();
			if ((rc = ml7_kube_sleep(left, err)))
				break;
		} else {
			fails = 0;
		}
		rc = 0;
	}
out:
	ml7_ndjson_free(w.dec);
	return rc;
}
