/* cert.c - `kubectl milvus-l7 cert check|import|describe`. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "ml7/acm.h"
#include "ml7/aws.h"
#include "ml7/buf.h"
#include "ml7/cert.h"
#include "ml7/cli.h"
#include "ml7/log.h"
#include "ml7/mem.h"
#include "ml7/strlist.h"

#define FILE_CAP (4u * 1024u * 1024u)

struct cert_opts {
	const char *cert, *key, *chain, *host, *ca_file;
	int warn_days;
	/* import and describe */
	const char *region, *profile, *endpoint_url, *arn;
	struct ml7_strlist tags;
	int force, dry_run, strict;
};

#define FILE_OPTS \
	{"cert", 0, ML7_OPT_STRING, offsetof(struct cert_opts, cert), "FILE", \
	 "the server certificate (PEM or DER; a full-chain PEM is split)"}, \
	{"key", 0, ML7_OPT_STRING, offsetof(struct cert_opts, key), "FILE", \
	 "its private key (PEM or DER, unencrypted)"}, \
	{"chain", 0, ML7_OPT_STRING, offsetof(struct cert_opts, chain), "FILE", \
	 "the intermediate certificates, issuer first"}, \
	{"host", 0, ML7_OPT_STRING, offsetof(struct cert_opts, host), "HOST", \
	 "the host clients dial: it must be covered by a SAN"}, \
	{"ca-file", 0, ML7_OPT_STRING, offsetof(struct cert_opts, ca_file), "FILE", \
	 "a private CA to verify the chain with (beside the system store)"}, \
	{"warn-days", 0, ML7_OPT_INT, offsetof(struct cert_opts, warn_days), "N", \
	 "warn when the certificate expires within N days (default 30)"}

#define AWS_OPTS \
	{"region", 0, ML7_OPT_STRING, offsetof(struct cert_opts, region), "REGION", \
	 "the AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile, the ARN)"}, \
	{"profile", 0, ML7_OPT_STRING, offsetof(struct cert_opts, profile), "NAME", \
	 "the AWS profile (default: AWS_PROFILE, else default)"}, \
	{"endpoint-url", 0, ML7_OPT_STRING, offsetof(struct cert_opts, endpoint_url), "URL", \
	 "the ACM endpoint (default: AWS_ENDPOINT_URL_ACM, AWS_ENDPOINT_URL, the partition's)"}

/* ---- shared pieces ---------------------------------------------------------------------- */

static int read_file(const struct ml7_ctx *ctx, const char *what, const char *path, int secret,
		     struct ml7_buf *b)
{
	struct ml7_err err;

	ml7_err_clear(&err);
	b->secret = secret;
	b->max = FILE_CAP;
	if (ml7_buf_read_file(b, path, &err) == 0)
		return 0;
	ml7_err_prefix(&err, "%s", what);
	return ml7_cli_fail(ctx, &err);
}

/* Runs the checks; prints nothing.  0 or an exit code (after a message). */
static int run_checks(const struct ml7_ctx *ctx, const struct cert_opts *o, struct ml7_cert_report **rep)
{
	struct ml7_buf cert = ML7_BUF_INIT, key = ML7_BUF_INIT, chain = ML7_BUF_INIT, ca = ML7_BUF_INIT;
	struct ml7_cert_opts co;
	struct ml7_err err;
	int rc;

	memset(&co, 0, sizeof(co));
	ml7_err_clear(&err);
	if ((rc = read_file(ctx, "--cert", o->cert, 0, &cert)) ||
	    (o->key && (rc = read_file(ctx, "--key", o->key, 1, &key))) ||
	    (o->chain && (rc = read_file(ctx, "--chain", o->chain, 0, &chain))) ||
	    (o->ca_file && (rc = read_file(ctx, "--ca-file", o->ca_file, 0, &ca))))
		goto done;
	co.cert = cert.data ? cert.data : "";
	co.cert_len = cert.len;
	if (o->key) {
		co.key = key.data ? key.data : "";
		co.key_len = key.len;
	}
	if (o->chain) {
		co.chain = chain.data ? chain.data : "";
		co.chain_len = chain.len;
	}
	if (o->ca_file) {
		co.ca_pem = ca.data ? ca.data : "";
		co.ca_len = ca.len;
	}
	co.host = o->host;
	co.warn_days = o->warn_days;
	if (ml7_cert_check(&co, rep, &err))
		rc = ml7_cli_fail(ctx, &err);
done:
	ml7_buf_free(&cert);
	ml7_buf_free(&key);   /* wiped: secret */
	ml7_buf_free(&chain);
	ml7_buf_free(&ca);
	return rc;
}

static void print_checks(FILE *f, const struct ml7_cert_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		fprintf(f, "%-4s  %-9s %s\n", ml7_cert_status_name(r->results[i].status), r->results[i].check,
			r->results[i].msg);
}

static char *iso(time_t t, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static cJSON *report_json(const struct ml7_cert_report *r)
{
	cJSON *o = cJSON_CreateObject(), *checks, *sans;
	char t[32];

	if (!o)
		return NULL;
	cJSON_AddBoolToObject(o, "ok", r->fails == 0);
	cJSON_AddNumberToObject(o, "failures", r->fails);
	cJSON_AddNumberToObject(o, "warnings", r->warns);
	checks = cJSON_AddArrayToObject(o, "checks");
	for (size_t i = 0; checks && i < r->n; i++) {
		cJSON *c = cJSON_CreateObject();

		cJSON_AddStringToObject(c, "check", r->results[i].check);
		cJSON_AddStringToObject(c, "status", ml7_cert_status_name(r->results[i].status));
		cJSON_AddStringToObject(c, "message", r->results[i].msg);
		cJSON_AddItemToArray(checks, c);
	}
	if (r->cert_pem) {
		cJSON_AddStringToObject(o, "subject", r->subject);
		cJSON_AddStringToObject(o, "issuer", r->issuer);
		cJSON_AddStringToObject(o, "keyAlgorithm", r->key_algorithm);
		sans = cJSON_AddArrayToObject(o, "subjectAlternativeNames");
		for (size_t i = 0; sans && i < r->sans.n; i++)
			cJSON_AddItemToArray(sans, cJSON_CreateString(r->sans.items[i]));
		cJSON_AddStringToObject(o, "notBefore", iso(r->not_before, t, sizeof(t)));
		cJSON_AddStringToObject(o, "notAfter", iso(r->not_after, t, sizeof(t)));
		cJSON_AddNumberToObject(o, "daysLeft", (double)r->days_left);
		cJSON_AddBoolToObject(o, "privateCA", r->private_ca);
	}
	return o;
}

static int resolve_aws(const struct ml7_ctx *ctx, const struct cert_opts *o, const char *arn, struct ml7_aws **aws)
{
	struct ml7_aws_opts ao;
	struct ml7_err err;

	memset(&ao, 0, sizeof(ao));
	ml7_err_clear(&err);
	ao.profile = o->profile;
	ao.region = o->region;
	ao.endpoint_url = o->endpoint_url;
	ao.arn = arn;
	ao.service = "acm";
	ao.env_service = "ACM";
	if (ml7_aws_resolve(&ao, aws, &err))
		return ml7_cli_fail(ctx, &err);
	ml7_log(ML7_LOG_ACTION, "AWS credentials from %s; region %s (from %s); endpoint %s (from %s)",
		(*aws)->creds_source, (*aws)->region, (*aws)->region_source, (*aws)->endpoint,
		(*aws)->endpoint_source);
	return 0;
}

/* ---- cert check ------------------------------------------------------------------------- */

static int check_run(struct ml7_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cert_opts *o = opts;
	struct ml7_cert_report *r = NULL;
	int fmt = ml7_cli_output_format(ctx), rc;

	(void)argc, (void)argv;
	if (fmt < 0)
		return ML7_EXIT_USAGE;
	if (!o->cert)
		return ml7_cli_usage_error(ctx, "--cert is required");
	if ((rc = run_checks(ctx, o, &r)))
		return rc;
	if (fmt) {
		cJSON *j = report_json(r);

		rc = j ? ml7_cli_print_object(ctx, j) : ML7_EXIT_FAILURE;
		cJSON_Delete(j);
	} else {
		print_checks(stdout, r);
	}
	if (rc == 0 && (r->fails || (o->strict && r->warns))) {
		if (!fmt && r->fails)
			ml7_cli_error(ctx, "%d check%s failed", r->fails, r->fails == 1 ? "" : "s");
		else if (!fmt)
			ml7_cli_error(ctx, "%d warning%s (--strict)", r->warns, r->warns == 1 ? "" : "s");
		rc = ML7_EXIT_VERIFY;
	}
	ml7_cert_report_free(r);
	return rc;
}

static const struct ml7_opt check_table[] = {
	FILE_OPTS,
	{"strict", 0, ML7_OPT_BOOL, offsetof(struct cert_opts, strict), NULL,
	 "a WARN fails too (exit 5)"},
	ML7_OPT_END
};

static const struct ml7_cmd cmd_cert_check = {
	.name = "check",
	.summary = "check a certificate, its key and chain before ACM and the ALB see them",
	.usage = "cert check --cert FILE [--key FILE] [--chain FILE] [--host HOST] [flags]",
	.help = "One line per check, OK / WARN / FAIL, all in memory (the key is never written):\n"
		"the key matches; a key type ACM imports and the ALB serves (RSA 2048/3072/4096,\n"
		"ECDSA P-256/P-384/P-521); an unencrypted key; ACM's size limits; the chain's order\n"
		"without the leaf; trust to a root of the system store or --ca-file (a private CA\n"
		"warns: clients need it); the host covered by a SAN (RFC 6125 wildcards); validity.\n"
		"Exit code 5 when a check fails (with --strict, when one warns).",
	.opts = check_table,
	.opts_size = sizeof(struct cert_opts),
	.flags = ML7_CMD_OUTPUT,
	.min_args = 0,
	.max_args = 0,
	.run = check_run,
};

/* ---- cert import ------------------------------------------------------------------------ */

static int import_run(struct ml7_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cert_opts *o = opts;
	struct ml7_cert_report *r = NULL;
	struct ml7_aws *aws = NULL;
	struct ml7_acm *acm = NULL;
	struct ml7_acm_import_req req;
	struct ml7_err err;
	char *arn = NULL;
	int fmt = ml7_cli_output_format(ctx), rc;

	(void)argc, (void)argv;
	ml7_err_clear(&err);
	if (fmt < 0)
		return ML7_EXIT_USAGE;
	if (!o->cert || !o->key)
		return ml7_cli_usage_error(ctx, "--cert and --key are required");
	for (size_t i = 0; i < o->tags.n; i++)
		if (!strchr(o->tags.items[i], '=') || o->tags.items[i][0] == '=')
			return ml7_cli_usage_error(ctx, "--tag '%s': expected KEY=VALUE", o->tags.items[i]);
	if (o->arn && o->tags.n)
		return ml7_cli_usage_error(ctx, "--tag cannot be used with --arn: a re-import keeps the certificate's tags");
	if (o->arn && ml7_aws_acm_arn_check(o->arn, &err))
		return ml7_cli_usage_error(ctx, "--arn: %s", err.msg);
	if ((rc = run_checks(ctx, o, &r)))
		return rc;
	if (!ctx->quiet && !fmt)
		print_checks(stderr, r);
	if (r->fails && !o->force) {
		ml7_cli_error(ctx, "%d check%s failed: nothing imported (--force imports anyway)", r->fails,
			      r->fails == 1 ? "" : "s");
		rc = ML7_EXIT_VERIFY;
		goto done;
	}
	if (!r->key_pem) {
		ml7_cli_error(ctx, "the private key could not be read: nothing imported");
		rc = ML7_EXIT_VERIFY;
		goto done;
	}
	if ((rc = resolve_aws(ctx, o, o->arn, &aws)))
		goto done;
	if (o->dry_run) {
		ml7_cli_info(ctx, "dry run: would %s the certificate in %s (%s) with credentials from %s",
			     o->arn ? "re-import" : "import", aws->region, aws->endpoint, aws->creds_source);
		if (o->arn)
			printf("%s\n", o->arn);
		goto done;
	}
	memset(&req, 0, sizeof(req));
	req.cert_pem = r->cert_pem;
	req.chain_pem = r->chain_pem;
	req.key_pem = r->key_pem;
	req.key_len = r->key_pem_len;
	req.arn = o->arn;
	req.tags = &o->tags;
	if (ml7_acm_new(aws, &acm, &err) || ml7_acm_import(acm, &req, &arn, &err)) {
		rc = ml7_cli_fail(ctx, &err);
		goto done;
	}
	if (fmt) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "certificateArn", arn);
		cJSON_AddBoolToObject(j, "reimported", o->arn != NULL);
		cJSON_AddStringToObject(j, "region", aws->region);
		cJSON_AddItemToObject(j, "check", report_json(r));
		rc = ml7_cli_print_object(ctx, j);
		cJSON_Delete(j);
	} else {
		printf("%s\n", arn);
		ml7_cli_info(ctx, "%s into ACM in %s", o->arn ? "re-imported (same ARN)" : "imported", aws->region);
	}
done:
	ml7_free(arn);
	ml7_acm_free(acm);
	ml7_aws_free(aws);
	ml7_cert_report_free(r);
	return rc;
}

static const struct ml7_opt import_table[] = {
	FILE_OPTS,
	AWS_OPTS,
	{"arn", 0, ML7_OPT_STRING, offsetof(struct cert_opts, arn), "ARN",
	 "re-import onto this certificate: the ARN stays, the ALB picks the new one up"},
	{"tag", 0, ML7_OPT_LIST, offsetof(struct cert_opts, tags), "KEY=VALUE",
	 "tag the new certificate (repeatable; not with --arn)"},
	{"force", 0, ML7_OPT_BOOL, offsetof(struct cert_opts, force), NULL,
	 "import even when a check fails (ACM still checks)"},
	{"dry-run", 0, ML7_OPT_BOOL, offsetof(struct cert_opts, dry_run), NULL,
	 "run the checks and resolve the credentials, import nothing"},
	ML7_OPT_END
};

static const struct ml7_cmd cmd_cert_import = {
	.name = "import",
	.summary = "check, then import a certificate into ACM and print its ARN",
	.usage = "cert import --cert FILE --key FILE [--chain FILE] [--arn ARN] [--tag K=V] [flags]",
	.help = "Runs the checks of 'cert check' first (a failure stops the import), then calls ACM\n"
		"ImportCertificate with the AWS CLI's credentials and region (environment, AWS_PROFILE\n"
		"or --profile, the shared files, credential_process).  With --arn the certificate is\n"
		"replaced in place and keeps its ARN.  Prints the ARN on stdout.",
	.opts = import_table,
	.opts_size = sizeof(struct cert_opts),
	.flags = ML7_CMD_OUTPUT,
	.min_args = 0,
	.max_args = 0,
	.run = import_run,
};

/* ---- cert describe ---------------------------------------------------------------------- */

static void join(struct ml7_buf *b, const struct ml7_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		ml7_buf_printf(b, "%s%s", i ? ", " : "", l->items[i]);
	if (!l->n)
		ml7_buf_puts(b, "(none)");
}

static int describe_run(struct ml7_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cert_opts *o = opts;
	struct ml7_aws *aws = NULL;
	struct ml7_acm *acm = NULL;
	struct ml7_acm_cert *c = NULL;
	struct ml7_strlist problems = ML7_STRLIST_INIT;
	struct ml7_err err;
	time_t now = time(NULL);
	int fmt = ml7_cli_output_format(ctx), rc;

	(void)argc;
	ml7_err_clear(&err);
	if (fmt < 0)
		return ML7_EXIT_USAGE;
	if (ml7_aws_acm_arn_check(argv[0], &err))
		return ml7_cli_usage_error(ctx, "%s", err.msg);
	if ((rc = resolve_aws(ctx, o, argv[0], &aws)))
		return rc;
	if (ml7_acm_new(aws, &acm, &err) || ml7_acm_describe(acm, argv[0], &c, &err)) {
		rc = ml7_cli_fail(ctx, &err);
		goto done;
	}
	ml7_acm_cert_problems(c, o->host, now, &problems);
	if (fmt) {
		cJSON *j = cJSON_Duplicate(c->raw, 1), *p;

		cJSON_AddStringToObject(j, "Region", aws->region);
		p = cJSON_AddArrayToObject(j, "Problems");
		for (size_t i = 0; p && i < problems.n; i++)
			cJSON_AddItemToArray(p, cJSON_CreateString(problems.items[i]));
		rc = ml7_cli_print_object(ctx, j);
		cJSON_Delete(j);
	} else {
		struct ml7_buf b = ML7_BUF_INIT;
		char t[32];

		printf("ARN:        %s\n", c->arn);
		printf("Region:     %s\n", aws->region);
		printf("Status:     %s\n", c->status ? c->status : "");
		printf("Type:       %s\n", c->type ? c->type : "");
		printf("Domain:     %s\n", c->domain ? c->domain : "");
		join(&b, &c->sans);
		printf("SANs:       %s\n", b.data ? b.data : "");
		ml7_buf_reset(&b);
		printf("Key:        %s\n", c->key_algorithm ? c->key_algorithm : "");
		printf("Issuer:     %s\n", c->issuer ? c->issuer : "");
		if (c->not_after)
			printf("NotAfter:   %s (%ld days left)\n", iso(c->not_after, t, sizeof(t)),
			       (long)((c->not_after - now) / 86400));
		join(&b, &c->in_use_by);
		printf("InUseBy:    %s\n", b.data ? b.data : "");
		ml7_buf_free(&b);
	}
	for (size_t i = 0; i < problems.n; i++)
		ml7_cli_warn(ctx, "%s", problems.items[i]);
done:
	ml7_strlist_free(&problems);
	ml7_acm_cert_free(c);
	ml7_acm_free(acm);
	ml7_aws_free(aws);
	return rc;
}

static const struct ml7_opt describe_table[] = {
	AWS_OPTS,
	{"host", 0, ML7_OPT_STRING, offsetof(struct cert_opts, host), "HOST",
	 "warn when the certificate does not cover this host"},
	ML7_OPT_END
};

static const struct ml7_cmd cmd_cert_describe = {
	.name = "describe",
	.summary = "show an ACM certificate: status, names, expiry, where it is used",
	.usage = "cert describe ARN [--host HOST] [flags]",
	.help = "Calls ACM DescribeCertificate in the ARN's region.  Warns when the status is not\n"
		"ISSUED, the certificate has expired, or --host is not covered by its names.",
	.opts = describe_table,
	.opts_size = sizeof(struct cert_opts),
	.flags = ML7_CMD_OUTPUT,
	.min_args = 1,
	.max_args = 1,
	.run = describe_run,
};

static const struct ml7_cmd *const cert_cmds[] = {
	&cmd_cert_check,
	&cmd_cert_import,
	&cmd_cert_describe,
	NULL
};

const struct ml7_cmd cmd_cert = {
	.name = "cert",
	.summary = "check a certificate, import it into ACM, describe an ACM certificate",
	.usage = "cert check|import|describe [flags]",
	.subcommands = cert_cmds,
};
