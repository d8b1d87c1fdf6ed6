/* verify.c - `kubectl milvus-l7 verify`: Milvus RPCs through the balancer,
 * every phase timed, a diagnosis with a hint when it fails, and how to
 * connect with the SDKs when it works. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ml7/cli.h"
#include "ml7/kube.h"
#include "ml7/mem.h"
#include "ml7/probe.h"
#include "ml7/status.h"

struct verify_opts {
	const char *address;
	const char *ingress;
	const char *server_name;
	const char *connect_to;
	const char *ca_file;
	const char *ca_data;
	const char *client_cert;
	const char *client_key;
	const char *token;
	const char *user;
	const char *db;
	int insecure;
	int health;
	int no_snippets;
	long timeout;
};

static const struct ml7_opt verify_options[] = {
	{"address", 0, ML7_OPT_STRING, offsetof(struct verify_opts, address), "HOST[:PORT]",
	 "the balancer to dial (port 443 when not given)"},
	{"ingress", 0, ML7_OPT_STRING, offsetof(struct verify_opts, ingress), "NAME",
	 "with RELEASE: the Ingress to use when several route to its Service"},
	{"server-name", 0, ML7_OPT_STRING, offsetof(struct verify_opts, server_name), "NAME",
	 "the Ingress host: TLS SNI, certificate name and :authority (default: the address's host)"},
	{"connect-to", 0, ML7_OPT_STRING, offsetof(struct verify_opts, connect_to), "HOST:PORT",
	 "dial this instead, keeping the names (as curl --connect-to)"},
	{"ca-file", 0, ML7_OPT_STRING, offsetof(struct verify_opts, ca_file), "FILE",
	 "trust the CA certificates in this PEM file instead of the system store"},
	{"ca-data", 0, ML7_OPT_STRING, offsetof(struct verify_opts, ca_data), "PEM",
	 "trust these PEM CA certificates"},
	{"client-cert", 0, ML7_OPT_STRING, offsetof(struct verify_opts, client_cert), "FILE",
	 "client certificate for mutual TLS (PEM)"},
	{"client-key", 0, ML7_OPT_STRING, offsetof(struct verify_opts, client_key), "FILE",
	 "its private key (PEM)"},
	{"insecure-skip-tls-verify", 0, ML7_OPT_BOOL, offsetof(struct verify_opts, insecure), NULL,
	 "do not check the certificate (unsafe; for diagnosis only)"},
	{"token", 0, ML7_OPT_STRING, offsetof(struct verify_opts, token), "TOKEN",
	 "Milvus API token (default: $MILVUS_TOKEN); not the kubeconfig's"},
	{"user", 0, ML7_OPT_STRING, offsetof(struct verify_opts, user), "USER",
	 "Milvus user (not the kubeconfig's); the password comes from $MILVUS_PASSWORD or a prompt"},
	{"db", 0, ML7_OPT_STRING, offsetof(struct verify_opts, db), "NAME",
	 "the database Connect checks (default: the server's default)"},
	{"health", 0, ML7_OPT_BOOL, offsetof(struct verify_opts, health), NULL,
	 "also call CheckHealth and fail when Milvus is not healthy"},
	{"no-snippets", 0, ML7_OPT_BOOL, offsetof(struct verify_opts, no_snippets), NULL,
	 "do not print the SDK snippets"},
	{"timeout", 0, ML7_OPT_DURATION, offsetof(struct verify_opts, timeout), "DURATION",
	 "the limit of each phase (default 10s)"},
	ML7_OPT_END
};

/* The password from the terminal, echo off.  NULL when there is none. */
static char *prompt_password(const char *user)
{
	FILE *tty = fopen("/dev/tty", "r+");
	struct termios old, quiet;
	char buf[512];
	char *pw = NULL;
	int restore = 0;

	if (!tty)
		return NULL;
	fprintf(tty, "password for Milvus user %s: ", user);
	fflush(tty);
	if (tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	if (fgets(buf, sizeof(buf), tty)) {
		buf[strcspn(buf, "\r\n")] = '\0';
		pw = ml7_strdup(buf);
	}
	ml7_wipe(buf, sizeof(buf));
	if (restore)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	return pw;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* RELEASE -> the address and the first host of the Ingress in front of its
 * Service (the one named by --ingress when several are).  An exit code. */
static int release_target(struct ml7_ctx *ctx, const char *release, const char *want,
			  char **address, char **host)
{
	struct ml7_kube *k = NULL;
	struct ml7_err err = {0};
	struct ml7_buf names = ML7_BUF_INIT;
	cJSON *st = NULL;
	const cJSON *items, *it, *ing, *pick = NULL;
	const char *ns, *svc;
	int code, n = 0;

	if ((code = ml7_cli_kube(ctx, &k)))
		return code;
	ns = ml7_kube_namespace(k);
	if (ml7_status_collect(k, ns, release, &st, &err)) {
		code = ml7_cli_fail(ctx, &err);
		goto out;
	}
	items = cJSON_GetObjectItemCaseSensitive(st, "items");
	if (cJSON_GetArraySize(items) != 1) {
		cJSON_ArrayForEach(it, items)
			ml7_buf_printf(&names, "%s%s", names.len ? ", " : "", jstr(it, "service"));
		if (names.len)
			ml7_cli_error(ctx, "release \"%s\" in namespace \"%s\" has several Milvus "
				      "Services (%s); verify one with --address", release, ns, names.data);
		else
			ml7_cli_error(ctx, "no Milvus release \"%s\" found in namespace \"%s\"", release,
				      ns);
		code = names.len ? ML7_EXIT_FAILURE : ML7_EXIT_NOTFOUND;
		goto out;
	}
	it = cJSON_GetArrayItem(items, 0);
	svc = jstr(it, "service");
	cJSON_ArrayForEach(ing, cJSON_GetObjectItemCaseSensitive(it, "ingresses")) {
		const char *name = jstr(ing, "name");

		if (want && (!name || strcmp(name, want)))
			continue;
		ml7_buf_printf(&names, "%s%s", names.len ? ", " : "", name ? name : "?");
		pick = ing;
		n++;
	}
	if (n == 0) {
		if (want)
			ml7_cli_error(ctx, "Ingress \"%s\" does not route to Service \"%s\" of release "
				      "\"%s\" in namespace \"%s\"", want, svc, release, ns);
		else
			ml7_cli_error(ctx, "no Ingress routes to Service \"%s\" of release \"%s\" in "
				      "namespace \"%s\": create one with 'kubectl milvus-l7 ingress "
				      "apply %s'", svc, release, ns, release);
		code = ML7_EXIT_NOTFOUND;
		goto out;
	}
	if (n > 1) {
		ml7_cli_error(ctx, "several Ingresses route to Service \"%s\" (%s): choose one with "
			      "--ingress NAME", svc, names.data);
		code = ML7_EXIT_USAGE;
		goto out;
	}
	if (!jstr(pick, "address")) {
		ml7_cli_error(ctx, "Ingress \"%s\" has no address yet (the load balancer controller "
			      "has not provisioned the balancer): run 'kubectl milvus-l7 wait %s'",
			      jstr(pick, "name"), release);
		code = ML7_EXIT_NOTFOUND;
		goto out;
	}
	*address = ml7_strdup(jstr(pick, "address"));
	{
		const cJSON *h = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(pick, "hosts"), 0);

		*host = cJSON_IsString(h) && h->valuestring[0] ? ml7_strdup(h->valuestring) : NULL;
	}
	if (!*address) {
		ml7_cli_error(ctx, "out of memory");
		code = ML7_EXIT_FAILURE;
		goto out;
	}
	if (!*host)
		ml7_cli_warn(ctx, "Ingress \"%s\" has no host rule: using its address as the server "
			     "name", jstr(pick, "name"));
	ml7_cli_info(ctx, "release %s: Ingress %s, address %s, host %s", release,
		     jstr(pick, "name"), *address, *host ? *host : "(none)");
	code = 0;
out:
	ml7_buf_free(&names);
	cJSON_Delete(st);
	ml7_kube_free(k);
	return code;
}

static void print_phase(const struct ml7_probe_result *r, enum ml7_probe_phase ph, int failed,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void print_phase(const struct ml7_probe_result *r, enum ml7_probe_phase ph, int failed,
			const char *fmt, ...)
{
	va_list ap;

	if (r->ms[ph] < 0 && !failed)
		return;
	printf("  %-12s %6ld ms  %s", ml7_probe_phase_name(ph), r->ms[ph] < 0 ? 0 : r->ms[ph],
	       failed ? "FAILED " : "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void print_list(const struct ml7_strlist *l, const char *sep)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		printf("%s%s", i ? sep : "", l->items[i]);
}

static void print_text(const struct ml7_probe_result *r, int ok)
{
	enum ml7_probe_phase f = ok ? ML7_PROBE_NPHASES : r->phase;
	const struct ml7_pb_server_info *si = &r->server_info;

	printf("verify %s via %s\n", r->authority ? r->authority : "?",
	       r->peer ? r->peer : "(not connected)");
	if (r->ms[ML7_PROBE_DNS] >= 0 || f == ML7_PROBE_DNS) {
		printf("  %-12s %6ld ms  %s", "dns", r->ms[ML7_PROBE_DNS] < 0 ? 0 : r->ms[ML7_PROBE_DNS],
		       f == ML7_PROBE_DNS ? "FAILED " : "");
		print_list(&r->addresses, ", ");
		putchar('\n');
	}
	print_phase(r, ML7_PROBE_TCP, f == ML7_PROBE_TCP, "%s", r->peer ? r->peer : "");
	if (r->ms[ML7_PROBE_TLS] >= 0) {
		print_phase(r, ML7_PROBE_TLS, f == ML7_PROBE_TLS, "%s %s, ALPN %s%s",
			    r->tls_version ? r->tls_version : "", r->tls_cipher ? r->tls_cipher : "",
			    r->alpn && *r->alpn ? r->alpn : "none",
			    r->insecure ? " (NOT VERIFIED: --insecure-skip-tls-verify)" : "");
		if (r->cert_subject) {
			printf("  %-12s            certificate %s, issuer %s\n", "", r->cert_subject,
			       r->cert_issuer ? r->cert_issuer : "?");
			printf("  %-12s            SANs ", "");
			print_list(&r->cert_sans, ", ");
			printf("; expires %s (%ld days)\n",
			       r->cert_not_after ? r->cert_not_after : "?", r->cert_days_left);
		}
	}
	print_phase(r, ML7_PROBE_HTTP2, f == ML7_PROBE_HTTP2, ":authority %s",
		    r->authority ? r->authority : "");
	print_phase(r, ML7_PROBE_GETVERSION, f == ML7_PROBE_GETVERSION, "%s",
		    r->version ? r->version : "");
	if (r->has_server_info && f != ML7_PROBE_CONNECT)
		print_phase(r, ML7_PROBE_CONNECT, 0, "%s %s, commit %s, %s, identifier %lld",
			    si->deploy_mode ? si->deploy_mode : "?",
			    si->build_tags ? si->build_tags : "?",
			    si->git_commit ? si->git_commit : "?",
			    si->go_version ? si->go_version : "?", (long long)r->identifier);
	else
		print_phase(r, ML7_PROBE_CONNECT, f == ML7_PROBE_CONNECT, "%s", "");
	if (r->has_health) {
		print_phase(r, ML7_PROBE_CHECKHEALTH, f == ML7_PROBE_CHECKHEALTH, "%s",
			    r->healthy ? "healthy" : "NOT healthy");
		if (r->health_reasons.n) {
			printf("  %-12s            reasons: ", "");
			print_list(&r->health_reasons, "; ");
			putchar('\n');
		}
		if (r->quota_states.n) {
			printf("  %-12s            quota states: ", "");
			print_list(&r->quota_states, ", ");
			putchar('\n');
		}
	} else {
		print_phase(r, ML7_PROBE_CHECKHEALTH, f == ML7_PROBE_CHECKHEALTH, "%s", "");
	}
	if (ok)
		printf("verified: Milvus %s answers gRPC at %s through %s in %ld ms\n", r->version,
		       r->authority, r->peer, r->total_ms);
}

static int add_str(cJSON *o, const char *k, const char *v)
{
	return (v ? cJSON_AddStringToObject(o, k, v) : cJSON_AddNullToObject(o, k)) != NULL;
}

static cJSON *str_array(const struct ml7_strlist *l)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; a && i < l->n; i++)
		if (!cJSON_AddItemToArray(a, cJSON_CreateString(l->items[i]))) {
			cJSON_Delete(a);
			return NULL;
		}
	return a;
}

static cJSON *to_json(const struct ml7_probe_result *r, int ok, const char *snippets)
{
	cJSON *o = cJSON_CreateObject(), *ph, *t, *m, *d;
	int i, good = o != NULL;

	if (!o)
		return NULL;
	good = good && cJSON_AddBoolToObject(o, "verified", ok);
	good = good && add_str(o, "serverName", r->authority) && add_str(o, "peer", r->peer);
	good = good && cJSON_AddNumberToObject(o, "port", r->port);
	good = good && cJSON_AddItemToObject(o, "addresses", str_array(&r->addresses));
	good = good && cJSON_AddNumberToObject(o, "totalMs", (double)r->total_ms);
	ph = cJSON_AddArrayToObject(o, "phases");
	for (i = 0; good && ph && i < ML7_PROBE_NPHASES; i++) {
		cJSON *p;

		if (r->ms[i] < 0 && (ok || (int)r->phase != i))
			continue;
		p = cJSON_CreateObject();
		good = p && cJSON_AddItemToArray(ph, p) &&
		       add_str(p, "name", ml7_probe_phase_name((enum ml7_probe_phase)i)) &&
		       cJSON_AddNumberToObject(p, "ms", (double)(r->ms[i] < 0 ? 0 : r->ms[i])) &&
		       cJSON_AddBoolToObject(p, "ok", ok || (int)r->phase != i);
	}
	good = good && ph;
	t = cJSON_AddObjectToObject(o, "tls");
	good = good && t && cJSON_AddBoolToObject(t, "verified", !r->insecure) &&
	       add_str(t, "version", r->tls_version) && add_str(t, "cipher", r->tls_cipher) &&
	       add_str(t, "alpn", r->alpn) && add_str(t, "subject", r->cert_subject) &&
	       add_str(t, "issuer", r->cert_issuer) && add_str(t, "notAfter", r->cert_not_after) &&
	       cJSON_AddItemToObject(t, "sans", str_array(&r->cert_sans));
	m = cJSON_AddObjectToObject(o, "milvus");
	good = good && m && add_str(m, "version", r->version);
	if (good && r->has_server_info) {
		const struct ml7_pb_server_info *si = &r->server_info;
		cJSON *s = cJSON_AddObjectToObject(m, "serverInfo");

		good = s && add_str(s, "buildTags", si->build_tags) &&
		       add_str(s, "buildTime", si->build_time) &&
		       add_str(s, "gitCommit", si->git_commit) &&
		       add_str(s, "goVersion", si->go_version) &&
		       add_str(s, "deployMode", si->deploy_mode) &&
		       cJSON_AddItemToObject(s, "reserved", str_array(&si->reserved)) &&
		       cJSON_AddNumberToObject(m, "identifier", (double)r->identifier);
	}
	if (good && r->has_health)
		good = cJSON_AddBoolToObject(m, "healthy", r->healthy) &&
		       cJSON_AddItemToObject(m, "reasons", str_array(&r->health_reasons)) &&
		       cJSON_AddItemToObject(m, "quotaStates", str_array(&r->quota_states));
	if (good && !ok) {
		d = cJSON_AddObjectToObject(o, "diagnosis");
		good = d && add_str(d, "name", ml7_probe_diag_name(r->diag)) &&
		       add_str(d, "phase", ml7_probe_phase_name(r->phase)) &&
		       add_str(d, "summary", r->summary) && add_str(d, "hint", r->hint) &&
		       cJSON_AddNumberToObject(d, "httpStatus", r->http_status) &&
		       cJSON_AddNumberToObject(d, "grpcStatus", r->grpc_status) &&
		       add_str(d, "grpcMessage", r->grpc_message) &&
		       cJSON_AddNumberToObject(d, "milvusCode", r->milvus_code);
	}
	if (good && snippets)
		good = add_str(o, "snippets", snippets);
	if (!good) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int verify_run(struct ml7_ctx *ctx, void *opts, int argc, char **argv)
{
	struct verify_opts *v = opts;
	struct ml7_probe_opts po;
	struct ml7_probe_result res;
	struct ml7_err err = {0};
	char *password = NULL, *snippets = NULL, *rel_address = NULL, *rel_host = NULL;
	int fmt = ml7_cli_output_format(ctx), rc, code;


	if (fmt < 0)
		return ML7_EXIT_USAGE;
	if (argc == 1 && v->address)
		return ml7_cli_usage_error(ctx, "give either RELEASE or --address, not both");
	if (argc == 0 && !v->address)
		return ml7_cli_usage_error(ctx, "give RELEASE or --address HOST[:PORT]");
	if (v->ca_file && v->ca_data)
		return ml7_cli_usage_error(ctx, "give either --ca-file or --ca-data, not both");
	if (v->token && v->user)
		return ml7_cli_usage_error(ctx, "give either --token or --user, not both");
	if (v->ingress && argc == 0)
		return ml7_cli_usage_error(ctx, "--ingress goes with RELEASE");
	if (argc == 1) {
		code = release_target(ctx, argv[0], v->ingress, &rel_address, &rel_host);
		if (code)
			return code;
		v->address = rel_address;
		if (!v->server_name)
			v->server_name = rel_host;
	}
	memset(&po, 0, sizeof(po));
	po.address = v->address;
	po.server_name = v->server_name;
	po.connect_to = v->connect_to;
	po.ca_file = v->ca_file;
	po.ca_data = v->ca_data;
	po.cert_file = v->client_cert;
	po.key_file = v->client_key;
	po.insecure = v->insecure;
	po.db = v->db;
	po.health = v->health;
	po.timeout_ms = v->timeout;
	po.token = v->token ? v->token : getenv("MILVUS_TOKEN");
	if (po.token && !*po.token)
		po.token = NULL;
	if (v->user && !po.token) {
		const char *env = getenv("MILVUS_PASSWORD");

		po.user = v->user;
		if (env)
			password = ml7_strdup(env);
		else if (isatty(STDIN_FILENO))
			password = prompt_password(v->user);
		if (!password) {
			ml7_free(rel_address);
			ml7_free(rel_host);
			return ml7_cli_usage_error(ctx, "--user needs a password: set MILVUS_PASSWORD "
						   "(or run on a terminal to be asked)");
		}
		po.password = password;
	}
	if (v->insecure)
		ml7_cli_warn(ctx, "--insecure-skip-tls-verify: the certificate is NOT checked; "
			     "anyone on the path could impersonate the balancer");

	rc = ml7_probe_run(&po, &res, &err);
	if (rc == 0 && !v->no_snippets)
		rc = ml7_probe_snippets(&po, &snippets, &err);
	if (rc != 0 && rc != ML7_EVERIFY) {
		code = ml7_cli_fail(ctx, &err);
		goto out;
	}
	if (fmt > 0) {
		cJSON *o = to_json(&res, rc == 0, rc == 0 ? snippets : NULL);

		code = o ? ml7_cli_print_object(ctx, o) : ML7_EXIT_FAILURE;
		if (!o)
			ml7_cli_error(ctx, "out of memory");
		cJSON_Delete(o);
	} else {
		print_text(&res, rc == 0);
		if (rc == 0 && snippets)
			printf("\nhow to connect:\n\n%s", snippets);
		code = ML7_EXIT_OK;
	}
	if (rc == ML7_EVERIFY) {
		ml7_cli_error(ctx, "verification failed: %s", res.summary);
		if (res.hint)
			fprintf(stderr, "hint: %s\n", res.hint);
		code = ML7_EXIT_VERIFY;
	}
out:
	ml7_probe_result_free(&res);
	ml7_free(snippets);
	ml7_free_secret(password);
	ml7_free(rel_address);
	ml7_free(rel_host);
	return code;
}

const struct ml7_cmd cmd_verify = {
	.name = "verify",
	.summary = "prove that Milvus answers gRPC through the balancer (TLS, HTTP/2, RPCs)",
	.usage = "verify (RELEASE | --address HOST[:PORT]) [--server-name NAME] [flags]",
	.help = "Dials the balancer, checks TLS (SNI, certificate name, CA, ALPN h2), HTTP/2 and the\n"
		"Milvus RPCs GetVersion, Connect (auth, database) and with --health CheckHealth,\n"
		"timing every phase.  With RELEASE the address and the server name come from the\n"
		"release's Ingress.  A failure is diagnosed with a hint; the exit code is then 5.\n"
		"Here --user and --token are Milvus' credentials; the Kubernetes ones come from the\n"
		"kubeconfig (--context).",
	.opts = verify_options,
	.opts_size = sizeof(struct verify_opts),
	.flags = ML7_CMD_OUTPUT | ML7_CMD_KUBE,
	.min_args = 0,
	.max_args = 1,
	.run = verify_run,
};
