/* revert.c - `helm milvus-l7 revert`: the Service type and the ingress values
 * back to what they were before the last `helm milvus-l7 upgrade`. */
#include <stddef.h>

#include "ml7/helm.h"

#include "helm_plugin.h"

struct revert_opts {
	const char *version;
	const char *repo;
	int dry_run;
};

static const struct ml7_opt revert_table[] = {
	{"version", 0, ML7_OPT_STRING, offsetof(struct revert_opts, version), "VERSION",
	 "the chart version (default: the deployed one)"},
	{"repo", 0, ML7_OPT_STRING, offsetof(struct revert_opts, repo), "URL",
	 "the chart repository URL (helm --repo); CHART is then the bare chart name"},
	{"dry-run", 0, ML7_OPT_BOOL, offsetof(struct revert_opts, dry_run), NULL,
	 "show the values diff and the helm command; change nothing"},
	ML7_OPT_END
};

static int revert_run(struct ml7_ctx *ctx, void *o, int argc, char **argv)
{
	struct revert_opts *ro = o;
	struct ml7_helm_conf conf;
	struct ml7_helm_flip_opts fo = {0};

	helm_conf_from_ctx(ctx, 0, &conf);
	fo.release = argv[0];
	fo.chart = argc > 1 ? argv[1] : NULL;
	fo.repo = ro->repo;
	fo.version = ro->version;
	fo.dry_run = ro->dry_run;
	fo.revert = 1;
	return helm_flip_report(ctx, &conf, &fo);
}

const struct ml7_cmd cmd_revert = {
	.name = "revert",
	.summary = "put the Service type and the ingress values back as they were before 'upgrade'",
	.usage = "revert RELEASE [CHART] [--dry-run] [--version V]",
	.help = "Finds the last 'helm milvus-l7 upgrade' in the release history and sets service.type\n"
		"and the ingress values back to the user values of the revision before it (removed\n"
		"when the user had none); every other value, including ones changed since, is kept.\n"
		"Runs 'helm upgrade --reset-values' with the full user values on stdin.",
	.opts = revert_table,
	.opts_size = sizeof(struct revert_opts),
	.flags = ML7_CMD_KUBE | ML7_CMD_OUTPUT,
	.min_args = 1,
	.max_args = 2,
	.run = revert_run,
};
