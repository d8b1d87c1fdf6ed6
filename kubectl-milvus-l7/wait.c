/* wait.c - `kubectl milvus-l7 wait`: the ALB address, the controller's Events, readiness. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ml7/alb.h"
#include "ml7/cli.h"
#include "ml7/kube.h"
#include "ml7/release.h"

struct wait_opts {
	const char *ingress;
	const char *service;
	long timeout_ms;
	long grace_ms;
	int address_only;
	const char *connect_to;
	const char *ca_file;
	const char *server_name;
	int listener_port;
};

static const struct ml7_opt wait_table[] = {
	{"ingress", 0, ML7_OPT_STRING, offsetof(struct wait_opts, ingress), "NAME",
	 "the Ingress to wait for (default: the Milvus Service's name)"},
	{"service", 0, ML7_OPT_STRING, offsetof(struct wait_opts, service), "NAME",
	 "the Milvus Service instead of looking the release up"},
	{"timeout", 0, ML7_OPT_DURATION, offsetof(struct wait_opts, timeout_ms), "DURATION",
	 "give up after this long (default 15m)"},
	{"grace", 0, ML7_OPT_DURATION, offsetof(struct wait_opts, grace_ms), "DURATION",
	 "without any sign of the controller after this long, diagnose it as absent (default 60s)"},
	{"address-only", 0, ML7_OPT_BOOL, offsetof(struct wait_opts, address_only), NULL,
	 "stop once the address is set (skip the DNS and TLS readiness checks)"},
	{"connect-to", 0, ML7_OPT_STRING, offsetof(struct wait_opts, connect_to), "HOST:PORT",
	 "check TLS readiness by connecting there instead of ADDRESS:443"},
	{"ca-file", 0, ML7_OPT_STRING, offsetof(struct wait_opts, ca_file), "FILE",
	 "CA for the TLS readiness check (default: the system's)"},
	{"server-name", 0, ML7_OPT_STRING, offsetof(struct wait_opts, server_name), "HOST",
	 "TLS server name for the readiness check (default: the Ingress rule's host)"},
	{"listener-port", 0, ML7_OPT_INT, offsetof(struct wait_opts, listener_port), "PORT",
	 "the ALB's listener port (default 443)"},
	ML7_OPT_END
};

static const char *const phases[] = {"", "waiting for the address", "waiting for the name to resolve",
				     "waiting for TLS", "ready"};

struct prog {
	struct ml7_ctx *ctx;
	int last_phase;
	int drawn;
};

static void on_progress(void *ud, const struct ml7_wait_progress *p)
{
	struct prog *pr = ud;
	double s = (double)p->elapsed_ms / 1000.0;

	if (pr->ctx->quiet || p->phase < 1 || p->phase > 4)
		return;
	if (pr->ctx->stderr_tty) {
		/* one updating line; a note that matters stays on its own line */
		fprintf(stderr, "\r\033[K[%6.1fs] %s%s%s", s, phases[p->phase], p->address ? " " : "",
			p->address && p->phase > 1 ? p->address : "");
		if (p->note) {
			fprintf(stderr, "\r\033[K[%6.1fs] %s\n", s, p->note);
			fprintf(stderr, "[%6.1fs] %s", s, phases[p->phase]);
		}
		pr->drawn = 1;
	} else if (p->phase != pr->last_phase || p->note) {
		fprintf(stderr, "%s: [%.1fs] %s%s%s\n", pr->ctx->tool->prog, s, p->note ? p->note : phases[p->phase],
			p->address && !p->note && p->phase > 1 ? ": " : "", p->address && !p->note && p->phase > 1 ?
			p->address : "");
	}
	pr->last_phase = p->phase;
	fflush(stderr);
}

static int wait_run(struct ml7_ctx *ctx, void *o, int argc, char **argv)
{
	struct wait_opts *wo = o;
	struct ml7_ingress_wait_opts opts;
	struct ml7_ingress_wait_result res;
	struct ml7_release *rel = NULL;
	struct ml7_kube *k = NULL;
	struct ml7_err err = {0};
	struct prog pr = {ctx, 0, 0};
	const char *name = wo->ingress;
	int rc;

	if (!name && argc == 0)
		return ml7_cli_usage_error(ctx, "give RELEASE or --ingress NAME");
	if ((rc = ml7_cli_kube(ctx, &k)))
		return rc;
	if (!name) {
		if (wo->service)
			name = wo->service;
		else if (ml7_release_find(k, NULL, argv[0], NULL, &rel, &err)) {
			rc = ml7_cli_fail(ctx, &err);
			goto out;
		} else {
			name = rel->service;
		}
	}
	memset(&opts, 0, sizeof(opts));
	opts.name = name;
	opts.timeout_ms = wo->timeout_ms;
	opts.grace_ms = wo->grace_ms;
	opts.address_only = wo->address_only;
	opts.connect_to = wo->connect_to;
	opts.ca_file = wo->ca_file;
	opts.server_name = wo->server_name;
	opts.listener_port = wo->listener_port;
	opts.progress = on_progress;
	opts.userdata = &pr;
	rc = ml7_ingress_wait(k, &opts, &res, &err);
	if (pr.drawn)
		fputs("\r\033[K", stderr);
	if (rc) {
		rc = ml7_cli_fail(ctx, &err);
		goto out;
	}
	if (ml7_cli_output_format(ctx) != 0) {
		cJSON *j = cJSON_CreateObject();

		if (!j || !cJSON_AddStringToObject(j, "ingress", name) ||
		    !cJSON_AddStringToObject(j, "namespace", ml7_kube_namespace(k)) ||
		    !cJSON_AddStringToObject(j, res.is_ip ? "ip" : "hostname", res.address) ||
		    !cJSON_AddNumberToObject(j, "addressSeconds", (double)res.address_ms / 1000.0) ||
		    (!wo->address_only && !cJSON_AddNumberToObject(j, "readySeconds", (double)res.ready_ms / 1000.0)) ||
		    !cJSON_AddBoolToObject(j, "reconciled", res.reconciled)) {
			ml7_cli_error(ctx, "out of memory");
			rc = ML7_EXIT_FAILURE;
		} else {
			rc = ml7_cli_print_object(ctx, j);
		}
		cJSON_Delete(j);
		goto out;
	}
	printf("%s\n", res.address);
	if (wo->address_only)
		ml7_cli_info(ctx, "ingress %s/%s: address %s after %.1fs", ml7_kube_namespace(k), name, res.address,
			     (double)res.address_ms / 1000.0);
	else
		ml7_cli_info(ctx, "ingress %s/%s: address %s after %.1fs, TLS answers after %.1fs",
			     ml7_kube_namespace(k), name, res.address, (double)res.address_ms / 1000.0,
			     (double)res.ready_ms / 1000.0);
out:
	ml7_release_free(rel);
	ml7_kube_free(k);
	return rc;
}

const struct ml7_cmd cmd_wait = {
	.name = "wait",
	.summary = "wait for the ALB: its address, the controller's events, then DNS and TLS",
	.usage = "wait RELEASE | --ingress NAME [--timeout 15m] [-o json]",
	.help = "Watches the Ingress (no polling) until the AWS Load Balancer Controller writes the\n"
		"balancer's address, failing at once on a FailedBuildModel/FailedDeployModel event newer\n"
		"than the last apply, and saying so when the controller looks absent.  The address alone\n"
		"does not mean ready: then it waits, with backoff, until the name resolves and TLS answers\n"
		"on the listener.  The address goes to stdout.  Ctrl-C leaves everything as it is.",
	.opts = wait_table,
	.opts_size = sizeof(struct wait_opts),
	.flags = ML7_CMD_KUBE | ML7_CMD_OUTPUT,
	.min_args = 0,
	.max_args = 1,
	.run = wait_run,
};
