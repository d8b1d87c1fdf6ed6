/* raw.c - `kubectl milvus-l7 raw VERB PATH`: the Kubernetes client by hand,
 * like `kubectl get --raw`, for debugging a connection (hidden). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ml7/buf.h"
#include "ml7/cli.h"
#include "ml7/kube.h"
#include "ml7/yaml.h"

struct raw_opts {
	const char *file;
	int force;
	int dry_run;
	const char *propagation;
	const char *selector;
	const char *field_selector;
	int limit;
	int count;
	long timeout_ms;
	const char *resource_version;
	int server_timeout;
};

static const struct ml7_opt raw_table[] = {
	{"filename", 'f', ML7_OPT_STRING, offsetof(struct raw_opts, file), "FILE",
	 "the object (YAML or JSON) for apply, create, patch (merge patch) and replace"},
	{"force", 0, ML7_OPT_BOOL, offsetof(struct raw_opts, force), NULL,
	 "apply: take over fields other managers own"},
	{"dry-run", 0, ML7_OPT_BOOL, offsetof(struct raw_opts, dry_run), NULL,
	 "writes: let the server check and admit it without storing it"},
	{"cascade", 0, ML7_OPT_STRING, offsetof(struct raw_opts, propagation), "POLICY",
	 "delete: Foreground, Background or Orphan"},
	{"selector", 'l', ML7_OPT_STRING, offsetof(struct raw_opts, selector), "SELECTOR",
	 "list, watch: label selector"},
	{"field-selector", 0, ML7_OPT_STRING, offsetof(struct raw_opts, field_selector), "SELECTOR",
	 "list, watch: field selector"},
	{"limit", 0, ML7_OPT_INT, offsetof(struct raw_opts, limit), "N", "list: page size (default 500)"},
	{"count", 0, ML7_OPT_INT, offsetof(struct raw_opts, count), "N",
	 "watch: stop after N events (bookmarks not counted)"},
	{"timeout", 0, ML7_OPT_DURATION, offsetof(struct raw_opts, timeout_ms), "DURATION",
	 "watch: give up after this long (exit 4)"},
	{"resource-version", 0, ML7_OPT_STRING, offsetof(struct raw_opts, resource_version), "RV",
	 "watch: start after this resourceVersion instead of listing first"},
	{"server-timeout", 0, ML7_OPT_INT, offsetof(struct raw_opts, server_timeout), "SECONDS",
	 "watch: timeoutSeconds of each watch request (default 300)"},
	ML7_OPT_END
};

static int read_object(struct ml7_ctx *ctx, const char *file, cJSON **out)
{
	struct ml7_buf b = ML7_BUF_INIT;
	struct ml7_err err = {0};
	int rc;

	if (!file)
		return ml7_cli_usage_error(ctx, "this verb needs -f FILE");
	rc = ml7_buf_read_file(&b, strcmp(file, "-") == 0 ? "/dev/stdin" : file, &err);
	if (rc == 0)
		rc = ml7_yaml_parse(b.data, b.len, file, out, &err);
	ml7_buf_free(&b);
	return rc ? ml7_cli_fail(ctx, &err) : 0;
}

static int print_item(void *ud, const cJSON *item, struct ml7_err *err)
{
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(item, "metadata");
	const cJSON *ns = cJSON_GetObjectItemCaseSensitive(md, "namespace");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(md, "name");

	(void)err;
	++*(long *)ud;
	printf("%s%s%s\n", cJSON_IsString(ns) ? ns->valuestring : "", cJSON_IsString(ns) ? "/" : "",
	       cJSON_IsString(name) ? name->valuestring : "?");
	return 0;
}

struct watch_ctx {
	int count;
	int seen;
};

static int print_event(void *ud, int type, const cJSON *obj, struct ml7_err *err)
{
	static const char *const names[] = {"", "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "RELIST"};
	struct watch_ctx *w = ud;
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(md, "name");
	const cJSON *rv = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");

	(void)err;
	printf("%s %s %s\n", names[type], cJSON_IsString(name) ? name->valuestring : "-",
	       cJSON_IsString(rv) ? rv->valuestring : "-");
	fflush(stdout);
	if (type != ML7_KUBE_BOOKMARK && type != ML7_KUBE_RELIST && w->count && ++w->seen >= w->count)
		return 1;
	return 0;
}

static int raw_run(struct ml7_ctx *ctx, void *opts, int argc, char **argv)
{
	struct raw_opts *o = opts;
	struct ml7_kube_write_opts wo = {NULL, o->force, o->dry_run, o->propagation};
	const char *verb = argv[0], *path = argv[1];
	struct ml7_kube *k = NULL;
	struct ml7_err err = {0};
	cJSON *obj = NULL, *res = NULL;
	int rc;

	(void)argc;
	if (path[0] != '/')
		return ml7_cli_usage_error(ctx, "the path must start with '/', e.g. /api/v1/namespaces");
	if (strcmp(verb, "get") && strcmp(verb, "list") && strcmp(verb, "watch") &&
	    strcmp(verb, "delete") && strcmp(verb, "apply") && strcmp(verb, "create") &&
	    strcmp(verb, "patch") && strcmp(verb, "replace"))
		return ml7_cli_usage_error(ctx, "unknown verb '%s' (get, list, watch, apply, create, "
					   "patch, replace, delete)", verb);
	if ((strcmp(verb, "apply") == 0 || strcmp(verb, "create") == 0 || strcmp(verb, "patch") == 0 ||
	     strcmp(verb, "replace") == 0) && (rc = read_object(ctx, o->file, &obj)))
		return rc;
	if ((rc = ml7_cli_kube(ctx, &k))) {
		cJSON_Delete(obj);
		return rc;
	}
	if (strcmp(verb, "get") == 0) {
		rc = ml7_kube_get(k, path, &res, &err);
	} else if (strcmp(verb, "list") == 0) {
		struct ml7_kube_list_opts lo = {o->selector, o->field_selector, o->limit};
		char *rv = NULL;
		long n = 0;

		rc = ml7_kube_list(k, path, &lo, print_item, &n, &rv, &err);
		if (rc == 0)
			fprintf(stderr, "%ld items, resourceVersion %s\n", n, rv ? rv : "-");
		free(rv);
	} else if (strcmp(verb, "watch") == 0) {
		struct ml7_kube_watch_opts wopts = {o->selector, o->field_selector, o->resource_version,
						    o->timeout_ms, o->server_timeout, 0, 0};
		struct ml7_kube_watch_stats st;
		struct watch_ctx w = {o->count, 0};

		rc = ml7_kube_watch(k, path, &wopts, print_event, &w, &st, &err);
		fprintf(stderr, "events %lu, bookmarks %lu, reconnects %lu, relists %lu, "
			"resourceVersion %s\n", st.events, st.bookmarks, st.reconnects, st.relists,
			st.resource_version[0] ? st.resource_version : "-");
	} else if (strcmp(verb, "delete") == 0) {
		rc = ml7_kube_delete(k, path, &wo, &res, &err);
	} else if (strcmp(verb, "apply") == 0) {
		rc = ml7_kube_apply(k, path, obj, &wo, &res, &err);
	} else if (strcmp(verb, "create") == 0) {
		rc = ml7_kube_create(k, path, obj, &wo, &res, &err);
	} else if (strcmp(verb, "patch") == 0) {
		rc = ml7_kube_patch(k, path, ML7_KUBE_PATCH_MERGE, obj, &wo, &res, &err);
	} else {
		rc = ml7_kube_replace(k, path, obj, &wo, &res, &err);
	}
	ml7_kube_free(k);
	cJSON_Delete(obj);
	if (rc) {
		cJSON_Delete(res);
		return ml7_cli_fail(ctx, &err);
	}
	rc = res ? ml7_cli_print_object(ctx, res) : 0;
	cJSON_Delete(res);
	return rc;
}

const struct ml7_cmd cmd_raw = {
	.name = "raw",
	.summary = "send one request to the Kubernetes API server (debugging)",
	.usage = "raw get|list|watch|apply|create|patch|replace|delete PATH [-f FILE] [flags]",
	.help = "Uses the same connection as every other command (kubeconfig, flags, exec plugins),\n"
		"like 'kubectl get --raw'.  PATH is an API path such as\n"
		"/apis/networking.k8s.io/v1/namespaces/milvus/ingresses.\n",
	.opts = raw_table,
	.opts_size = sizeof(struct raw_opts),
	.flags = ML7_CMD_KUBE | ML7_CMD_OUTPUT | ML7_CMD_HIDDEN,
	.min_args = 2,
	.max_args = 2,
	.run = raw_run,
};
