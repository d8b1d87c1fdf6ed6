/* main.c - `helm milvus-l7`: the command table. */
#include "helm_plugin.h"

static const struct ml7_cmd *const commands[] = {
	&cmd_upgrade,
	&cmd_revert,
	&cmd_post_render,
	&ml7_cmd_version,
	&ml7_cmd_help,
	&ml7_cmd_completion,
	&ml7_cmd_man,
	NULL
};

static const struct ml7_tool tool = {
	.name = "helm milvus-l7",
	.prog = "helm-milvus-l7",
	.bin = "helm-milvus-l7",
	.summary = "flip a Milvus release to ClusterIP behind an AWS ALB, keeping every value",
	.commands = commands,
	.kube_env = helm_kube_env,
};

int main(int argc, char **argv)
{
	return ml7_cli_main(&tool, argc, argv);
}
