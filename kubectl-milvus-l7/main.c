/* main.c - `kubectl milvus-l7`: the command table. */
#include "ml7/cli.h"

extern const struct ml7_cmd cmd_setup;
extern const struct ml7_cmd cmd_cert;
extern const struct ml7_cmd cmd_ingress;
extern const struct ml7_cmd cmd_wait;
extern const struct ml7_cmd cmd_doctor;
extern const struct ml7_cmd cmd_raw;
extern const struct ml7_cmd cmd_status;
extern const struct ml7_cmd cmd_verify;

static const struct ml7_cmd *const commands[] = {
	&cmd_setup,
	&cmd_cert,
	&cmd_ingress,
	&cmd_wait,
	&cmd_doctor,
	&cmd_verify,
	&cmd_status,
	&cmd_raw,
	&ml7_cmd_version,
	&ml7_cmd_help,
	&ml7_cmd_completion,
	&ml7_cmd_man,
	NULL
};

static const struct ml7_tool tool = {
	.name = "kubectl milvus-l7",
	.prog = "kubectl-milvus-l7",
	.bin = "kubectl-milvus_l7",
	.summary = "put an AWS Application Load Balancer (TLS, gRPC) in front of Milvus and prove it works",
	.commands = commands,
};

int main(int argc, char **argv)
{
	return ml7_cli_main(&tool, argc, argv);
}
