/* status.c - `kubectl milvus-l7 status [RELEASE] [-A]`: the Milvus deployments
 * of a namespace (or all) with their Service and the Ingresses in front. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ml7/buf.h"
#include "ml7/cli.h"
#include "ml7/kube.h"
#include "ml7/status.h"

struct status_opts {
	int all_namespaces;
};

static const struct ml7_opt status_table[] = {
	{"all-namespaces", 'A', ML7_OPT_BOOL, offsetof(struct status_opts, all_namespaces), NULL,
	 "look in every namespace"},
	ML7_OPT_END
};

enum { C_NS, C_RELEASE, C_MANAGED, C_SERVICE, C_TYPE, C_PORTS, C_INGRESS, C_ADDRESS, NCOLS };

static const char *const heads[NCOLS] = {"NAMESPACE", "RELEASE", "MANAGED-BY", "SERVICE", "TYPE",
					 "PORTS", "INGRESS", "ADDRESS"};

static const char *s(const cJSON *o, const char *key, const char *dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : dflt;
}

/* The cells of one row, into bufs[NCOLS]. */
static int cells(const cJSON *it, struct ml7_buf *b)
{
	const cJSON *p, *ing, *lb = cJSON_GetObjectItemCaseSensitive(it, "loadBalancer");
	const cJSON *ings = cJSON_GetObjectItemCaseSensitive(it, "ingresses");
	int rc = 0, i = 0;

	for (int c = 0; c < NCOLS; c++)
		ml7_buf_reset(&b[c]);
	rc |= ml7_buf_puts(&b[C_NS], s(it, "namespace", "-"));
	rc |= ml7_buf_puts(&b[C_RELEASE], s(it, "release", "-"));
	rc |= ml7_buf_puts(&b[C_MANAGED], s(it, "managedBy", "-"));
	rc |= ml7_buf_puts(&b[C_SERVICE], s(it, "service", "-"));
	rc |= ml7_buf_puts(&b[C_TYPE], s(it, "type", "ClusterIP"));
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(it, "ports")) {
		const cJSON *port = cJSON_GetObjectItemCaseSensitive(p, "port");
		const cJSON *node = cJSON_GetObjectItemCaseSensitive(p, "nodePort");

		rc |= ml7_buf_printf(&b[C_PORTS], "%s%d", i++ ? "," : "",
				     cJSON_IsNumber(port) ? port->valueint : 0);
		if (cJSON_IsNumber(node))
			rc |= ml7_buf_printf(&b[C_PORTS], ":%d", node->valueint);
		rc |= ml7_buf_printf(&b[C_PORTS], "/%s", s(p, "protocol", "TCP"));
	}
	if (!i)
		rc |= ml7_buf_puts(&b[C_PORTS], "-");
	i = 0;
	cJSON_ArrayForEach(ing, ings)
		rc |= ml7_buf_printf(&b[C_INGRESS], "%s%s", i++ ? "," : "", s(ing, "name", "?"));
	if (i) {
		rc |= ml7_buf_puts(&b[C_ADDRESS], s(cJSON_GetArrayItem(ings, 0), "address", "<pending>"));
	} else {
		rc |= ml7_buf_puts(&b[C_INGRESS], "-");
		if (strcmp(s(it, "type", ""), "LoadBalancer") == 0)
			rc |= ml7_buf_puts(&b[C_ADDRESS], cJSON_GetArraySize(lb) ?
					   cJSON_GetArrayItem(lb, 0)->valuestring : "<pending>");
		else
			rc |= ml7_buf_puts(&b[C_ADDRESS], "-");
	}
	return rc;
}

static int print_table(const cJSON *items, int with_ns)
{
	struct ml7_buf b[NCOLS];
	size_t w[NCOLS];
	const cJSON *it;
	int rc = 0;

	for (int c = 0; c < NCOLS; c++) {
		ml7_buf_init(&b[c], 0);
		w[c] = strlen(heads[c]);
	}
	cJSON_ArrayForEach(it, items) {
		rc |= cells(it, b);
		for (int c = 0; c < NCOLS; c++)
			if (b[c].len > w[c])
				w[c] = b[c].len;
	}
	for (int c = with_ns ? 0 : 1; c < NCOLS; c++)
		printf(c < NCOLS - 1 ? "%-*s   " : "%-*s\n", c < NCOLS - 1 ? (int)w[c] : 0, heads[c]);
	cJSON_ArrayForEach(it, items) {
		rc |= cells(it, b);
		for (int c = with_ns ? 0 : 1; c < NCOLS; c++)
			printf(c < NCOLS - 1 ? "%-*s   " : "%-*s\n", c < NCOLS - 1 ? (int)w[c] : 0,
			       b[c].data ? b[c].data : "");
	}
	for (int c = 0; c < NCOLS; c++)
		ml7_buf_free(&b[c]);
	return rc;
}

static int status_run(struct ml7_ctx *ctx, void *opts, int argc, char **argv)
{
	struct status_opts *o = opts;
	const char *release = argc ? argv[0] : NULL, *ns;
	struct ml7_kube *k = NULL;
	struct ml7_err err = {0};
	cJSON *doc = NULL, *items;
	int rc;

	if (o->all_namespaces && ctx->kube.namespace_)
		return ml7_cli_usage_error(ctx, "-A and -n do not go together");
	if ((rc = ml7_cli_kube(ctx, &k)))
		return rc;
	ns = o->all_namespaces ? NULL : ml7_kube_namespace(k);
	rc = ml7_status_collect(k, ns, release, &doc, &err);
	if (rc) {
		ml7_kube_free(k);
		return ml7_cli_fail(ctx, &err);
	}
	items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	if (ml7_cli_output_format(ctx) > 0)
		rc = ml7_cli_print_object(ctx, doc);
	else if (cJSON_GetArraySize(items) > 0 && print_table(items, o->all_namespaces))
		rc = ML7_EXIT_FAILURE;
	if (rc == 0 && cJSON_GetArraySize(items) == 0) {
		if (release) {
			ml7_cli_error(ctx, "no Milvus release \"%s\" found %s%s%s (no Service labelled "
				      "app.kubernetes.io/instance=%s, app.kubernetes.io/name=milvus)", release,
				      ns ? "in namespace \"" : "in any namespace", ns ? ns : "", ns ? "\"" : "",
				      release);
			rc = ML7_EXIT_NOTFOUND;
		} else if (ml7_cli_output_format(ctx) == 0) {
			ml7_cli_info(ctx, "No Milvus found %s%s%s: no Service labelled "
				     "app.kubernetes.io/name=milvus with component proxy or standalone, and no "
				     "Milvus Operator Service.", ns ? "in namespace \"" : "in any namespace",
				     ns ? ns : "", ns ? "\"" : "");
		}
	}
	cJSON_Delete(doc);
	ml7_kube_free(k);
	return rc;
}

const struct ml7_cmd cmd_status = {
	.name = "status",
	.summary = "list the Milvus deployments and the Ingresses in front of them",
	.usage = "status [RELEASE] [-A] [-o json|yaml] [flags]",
	.help = "Finds Milvus by its Services (Helm chart: app.kubernetes.io/name=milvus with component\n"
		"proxy or standalone; Milvus Operator: <name>-milvus) and shows each one's Service type\n"
		"and ports and the Ingresses that route to it, with their address.\n",
	.opts = status_table,
	.opts_size = sizeof(struct status_opts),
	.flags = ML7_CMD_KUBE | ML7_CMD_OUTPUT,
	.min_args = 0,
	.max_args = 1,
	.run = status_run,
};
