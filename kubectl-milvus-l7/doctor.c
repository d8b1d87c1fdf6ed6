/* doctor.c - `kubectl milvus-l7 doctor`: the preflight report. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ml7/cli.h"
#include "ml7/doctor.h"
#include "ml7/kube.h"
#include "ml7/strlist.h"

struct doctor_opts {
	const char *service;
	const char *name;
	const char *ingress_class;
	const char *host;
	struct ml7_strlist cert_arns;
	const char *region;
	int strict;
};

static const struct ml7_opt doctor_table[] = {
	{"service", 0, ML7_OPT_STRING, offsetof(struct doctor_opts, service), "NAME",
	 "the Milvus Service instead of looking the release up"},
	{"name", 0, ML7_OPT_STRING, offsetof(struct doctor_opts, name), "NAME",
	 "the Ingress name that will be applied (default: the Service's name)"},
	{"ingress-class", 0, ML7_OPT_STRING, offsetof(struct doctor_opts, ingress_class), "CLASS",
	 "the IngressClass to expect (default alb)"},
	{"host", 0, ML7_OPT_STRING, offsetof(struct doctor_opts, host), "HOST",
	 "the host the Ingress will serve (checked against other Ingresses)"},
	{"cert-arn", 0, ML7_OPT_LIST, offsetof(struct doctor_opts, cert_arns), "ARN",
	 "a certificate ARN to check (repeatable)"},
	{"region", 0, ML7_OPT_STRING, offsetof(struct doctor_opts, region), "REGION",
	 "the cluster's AWS region (default: from the nodes' topology labels)"},
	{"strict", 0, ML7_OPT_BOOL, offsetof(struct doctor_opts, strict), NULL,
	 "exit 5 on a WARN too"},
	ML7_OPT_END
};

static int doctor_run(struct ml7_ctx *ctx, void *o, int argc, char **argv)
{
	struct doctor_opts *d = o;
	struct ml7_doctor_opts opts;
	struct ml7_doctor_report rep = {0};
	struct ml7_kube *k = NULL;
	struct ml7_err err = {0};
	int rc;

	(void)argc;
	if ((rc = ml7_cli_kube(ctx, &k)))
		return rc;
	memset(&opts, 0, sizeof(opts));
	opts.release = argv[0];
	opts.service = d->service;
	opts.ingress_name = d->name;
	opts.ingress_class = d->ingress_class;
	opts.host = d->host;
	opts.cert_arns = (const char *const *)d->cert_arns.items;
	opts.n_cert_arns = d->cert_arns.n;
	opts.region = d->region;
	if (ml7_doctor_run(k, &opts, &rep, &err)) {
		rc = ml7_cli_fail(ctx, &err);
		goto out;
	}
	if (ml7_cli_output_format(ctx) != 0) {
		cJSON *j = cJSON_CreateObject(), *arr = j ? cJSON_AddArrayToObject(j, "checks") : NULL;
		int ok = arr && cJSON_AddStringToObject(j, "worst", ml7_check_status_name(rep.worst));

		for (size_t i = 0; ok && i < rep.n; i++) {
			cJSON *c = cJSON_CreateObject();

			ok = c && cJSON_AddItemToArray(arr, c) && cJSON_AddStringToObject(c, "name", rep.checks[i].name) &&
			     cJSON_AddStringToObject(c, "status", ml7_check_status_name(rep.checks[i].status)) &&
			     cJSON_AddStringToObject(c, "detail", rep.checks[i].detail) &&
			     (!rep.checks[i].hint[0] || cJSON_AddStringToObject(c, "hint", rep.checks[i].hint));
		}
		rc = ok ? ml7_cli_print_object(ctx, j) : (ml7_cli_error(ctx, "out of memory"), ML7_EXIT_FAILURE);
		cJSON_Delete(j);
	} else {
		for (size_t i = 0; i < rep.n; i++) {
			printf("%-5s %-14s %s\n", ml7_check_status_name(rep.checks[i].status), rep.checks[i].name,
			       rep.checks[i].detail);
			if (rep.checks[i].hint[0] && rep.checks[i].status != ML7_CHECK_OK)
				printf("      %-14s hint: %s\n", "", rep.checks[i].hint);
		}
	}
	if (rc == 0 && (rep.worst == ML7_CHECK_FAIL || (d->strict && rep.worst == ML7_CHECK_WARN)))
		rc = ML7_EXIT_VERIFY;
out:
	ml7_doctor_report_free(&rep);
	ml7_kube_free(k);
	return rc;
}

const struct ml7_cmd cmd_doctor = {
	.name = "doctor",
	.summary = "check the cluster before the ALB Ingress is applied (OK / WARN / FAIL)",
	.usage = "doctor RELEASE [--cert-arn ARN] [--host HOST] [--strict] [-o json]",
	.help = "Checks the namespace, the Milvus Service and its gRPC port, the Service type, the\n"
		"IngressClass alb and the AWS Load Balancer Controller, conflicting Ingresses, and the\n"
		"certificate ARNs (syntax, region).  Exit code: 0 when nothing FAILs (WARN too with\n"
		"--strict), 5 otherwise.",
	.opts = doctor_table,
	.opts_size = sizeof(struct doctor_opts),
	.flags = ML7_CMD_KUBE | ML7_CMD_OUTPUT,
	.min_args = 1,
	.max_args = 1,
	.run = doctor_run,
};
