/* version_cmd.c - the `version` command both tools carry. */
#include <stdio.h>

#include <cjson/cJSON.h>

#include "ml7/cli.h"
#include "ml7/version.h"

static int version_run(struct ml7_ctx *ctx, void *opts, int argc, char **argv)
{
	struct ml7_lib_versions v;
	cJSON *o;
	int fmt = ml7_cli_output_format(ctx);
	int rc = ML7_EXIT_OK;

	(void)opts, (void)argc, (void)argv;
	ml7_lib_versions(&v);
	if (fmt == 0) {
		printf("%s v%s (commit %s)\n", ctx->tool->prog, ml7_version(), ml7_git_commit());
		printf("libcurl %s, %s, nghttp2 %s, libyaml %s, cJSON %s\n", v.curl, v.openssl,
		       v.nghttp2, v.libyaml, v.cjson);
		return ML7_EXIT_OK;
	}
	o = cJSON_CreateObject();
	if (!o || !cJSON_AddStringToObject(o, "version", ml7_version()) ||
	    !cJSON_AddStringToObject(o, "gitCommit", ml7_git_commit()) ||
	    !cJSON_AddStringToObject(o, "curl", v.curl) ||
	    !cJSON_AddStringToObject(o, "openssl", v.openssl) ||
	    !cJSON_AddStringToObject(o, "nghttp2", v.nghttp2) ||
	    !cJSON_AddStringToObject(o, "libyaml", v.libyaml) ||
	    !cJSON_AddStringToObject(o, "cjson", v.cjson)) {
		ml7_cli_error(ctx, "out of memory");
		rc = ML7_EXIT_FAILURE;
	} else {
		rc = ml7_cli_print_object(ctx, o);
	}
	cJSON_Delete(o);
	return rc;
}

const struct ml7_cmd ml7_cmd_version = {
	.name = "version",
	.summary = "print the version of the tool and of its libraries",
	.usage = "version [-o json|yaml]",
	.flags = ML7_CMD_OUTPUT,
	.min_args = 0,
	.max_args = 0,
	.run = version_run,
};
