/* test_kubeconfig.c - kubeconfig loading, merging and resolution as client-go
 * does it: a table of merge/path cases, every auth mode, the kubectl override
 * flags, in-cluster config, and bad input that must give one clear line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ml7/kubeconfig.h"
#include "ml7/mem.h"

#define PEM_CA "-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----\n"
/* base64 of PEM_CA */
#define PEM_CA_B64 "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJjYQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg=="

static char tmp[256];

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	char path[512];

	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/ml7-kc.XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	snprintf(path, sizeof(path), "%s/sub", tmp);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sa", tmp);
	mkdir(path, 0700);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* Loads with KUBECONFIG set to list (files relative to tmp, ':'-separated). */
static int load(const char *list, const struct ml7_kube_flags *flags, struct ml7_kube_config **out,
		struct ml7_err *err)
{
	char kc[2048] = "";
	struct ml7_kube_env env = {0};
	char buf[2048];
	char *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
		snprintf(kc + strlen(kc), sizeof(kc) - strlen(kc), "%s%s/%s", kc[0] ? ":" : "", tmp, tok);
	env.kubeconfig = kc;
	env.home = "/nonexistent-home";
	env.service_host = "";
	env.service_port = "";
	env.pod_namespace = "";
	env.cwd = tmp;
	ml7_err_clear(err);
	return ml7_kube_config_load_env(flags, &env, out, err);
}

static struct ml7_kube_config *load_ok(const char *list, const struct ml7_kube_flags *flags)
{
	struct ml7_kube_config *c = NULL;
	struct ml7_err err = {0};

	if (load(list, flags, &c, &err))
		fail_msg("load %s: %s", list, err.msg);
	return c;
}

static void load_fails(const char *list, const struct ml7_kube_flags *flags, int code,
		       const char *want)
{
	struct ml7_kube_config *c = NULL;
	struct ml7_err err = {0};
	int rc = load(list, flags, &c, &err);

	if (rc == 0)
		fail_msg("load %s succeeded, want '%s'", list, want);
	assert_null(c);
	if (code)
		assert_int_equal(rc, code);
	if (!strstr(err.msg, want))
		fail_msg("error '%s' lacks '%s'", err.msg, want);
	assert_null(strchr(err.msg, '\n'));
}

#define A_FILE \
	"apiVersion: v1\nkind: Config\ncurrent-context: ctx-a\n" \
	"clusters:\n- name: c1\n  cluster: {server: 'https://a.example:6443/'}\n" \
	"users:\n- name: u1\n  user: {token: token-a}\n" \
	"contexts:\n- name: ctx-a\n  context: {cluster: c1, user: u1}\n"
#define B_FILE \
	"apiVersion: v1\nkind: Config\ncurrent-context: ctx-b\n" \
	"clusters:\n- name: c1\n  cluster: {server: 'https://b.example', insecure-skip-tls-verify: true}\n" \
	"- name: c2\n  cluster: {server: 'https://c2.example/k8s/clusters/c-x/'}\n" \
	"users:\n- name: u1\n  user: {token: token-b}\n- name: u2\n  user: {username: bob, password: pw}\n" \
	"contexts:\n- name: ctx-b\n  context: {cluster: c2, user: u2, namespace: milvus}\n"

static void test_merge_first_wins(void **state)
{
	struct ml7_kube_config *c;
	struct ml7_kube_flags f = {0};

	(void)state;
	put("a", A_FILE);
	put("b", B_FILE);
	/* A first: A's current-context, A's c1 entry as a whole (no insecure from B) */
	c = load_ok("a:b", NULL);
	assert_string_equal(c->context, "ctx-a");
	assert_string_equal(c->server, "https://a.example:6443");
	assert_int_equal(c->insecure, 0);
	assert_string_equal(c->token, "token-a");
	assert_string_equal(c->namespace_, "default");
	assert_int_equal(c->namespace_from_flag, 0);
	ml7_kube_config_free(c);
	/* B first */
	c = load_ok("b:a", NULL);
	assert_string_equal(c->context, "ctx-b");
	assert_string_equal(c->server, "https://c2.example/k8s/clusters/c-x");   /* prefix kept */
	assert_string_equal(c->username, "bob");
	assert_string_equal(c->password, "pw");
	assert_string_equal(c->namespace_, "milvus");
	ml7_kube_config_free(c);
	/* entries of a later file are reachable by name */
	f.context = "ctx-b";
	c = load_ok("a:b", &f);
	assert_string_equal(c->cluster_name, "c2");
	ml7_kube_config_free(c);
	/* a missing file in the list is skipped; a listed twice file counts once */
	c = load_ok("missing:a:a", NULL);
	assert_string_equal(c->context, "ctx-a");
	assert_non_null(strstr(c->source, "/a"));
	ml7_kube_config_free(c);
	/* --cluster and --user override the context's */
	f.context = NULL;
	f.cluster = "c2";
	f.user = "u2";
	c = load_ok("a:b", &f);
	assert_string_equal(c->server, "https://c2.example/k8s/clusters/c-x");
	assert_string_equal(c->username, "bob");
	assert_null(c->token);
	ml7_kube_config_free(c);
}

static void test_explicit_kubeconfig(void **state)
{
	struct ml7_kube_flags f = {0};
	struct ml7_kube_config *c;

	(void)state;
	put("a", A_FILE);
	put("b", B_FILE);
	f.kubeconfig = "b";     /* relative to the working directory; only that file */
	c = load_ok("a", &f);
	assert_string_equal(c->context, "ctx-b");
	ml7_kube_config_free(c);
	f.kubeconfig = "nope";
	load_fails("a", &f, ML7_EINVAL, "cannot read kubeconfig '");
	load_fails("a", &f, 0, "/nope': no such file");
}

static void test_relative_paths_and_data(void **state)
{
	struct ml7_kube_config *c;

	(void)state;
	put("sub/ca.pem", PEM_CA);
	put("sub/cert.pem", "-----BEGIN CERTIFICATE-----\ncert\n-----END CERTIFICATE-----\n");
	put("sub/key.pem", "-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n");
	put("sub/token", "  file-token \n");
	put("sub/config",
	    "current-context: x\n"
	    "clusters:\n- name: c\n  cluster: {server: 'https://h:1', certificate-authority: ca.pem,"
	    " tls-server-name: kubernetes.default.svc, proxy-url: 'socks5://127.0.0.1:1080'}\n"
	    "users:\n- name: u\n  user: {client-certificate: cert.pem, client-key: ./key.pem,"
	    " tokenFile: token, exec: {apiVersion: client.authentication.k8s.io/v1beta1,"
	    " command: ./bin/plugin, args: [a, b], env: [{name: X, value: '1'}]}}\n"
	    "contexts:\n- name: x\n  context: {cluster: c, user: u}\n");
	c = load_ok("sub/config", NULL);
	assert_string_equal(c->ca_pem, PEM_CA);
	assert_int_equal(c->ca_len, strlen(PEM_CA));
	assert_non_null(strstr(c->cert_pem, "cert"));
	assert_non_null(strstr(c->key_pem, "PRIVATE KEY"));
	assert_non_null(strstr(c->token_file, "/sub/token"));
	assert_int_equal(c->token_file[0], '/');
	assert_string_equal(c->tls_server_name, "kubernetes.default.svc");
	assert_string_equal(c->proxy_url, "socks5://127.0.0.1:1080");
	assert_non_null(c->exec);
	assert_non_null(strstr(c->exec->command, "/sub/./bin/plugin"));
	assert_int_equal(c->exec->args.n, 2);
	assert_string_equal(c->exec->env.items[0], "X=1");
	assert_int_equal(c->exec->interactive_mode, ML7_KUBE_INTERACTIVE_IF_AVAILABLE);
	ml7_kube_config_free(c);

	put("data", "current-context: x\n"
	    "clusters:\n- name: c\n  cluster: {server: 'https://h', certificate-authority-data: "
	    PEM_CA_B64 "}\n"
	    "users:\n- name: u\n  user: {exec: {apiVersion: client.authentication.k8s.io/v1,"
	    " command: aws, interactiveMode: Never, provideClusterInfo: true, installHint: 'get it'}}\n"
	    "contexts:\n- name: x\n  context: {cluster: c, user: u}\n");
	c = load_ok("data", NULL);
	assert_string_equal(c->ca_pem, PEM_CA);
	assert_string_equal(c->exec->command, "aws");     /* no '/': PATH lookup later */
	assert_int_equal(c->exec->interactive_mode, ML7_KUBE_INTERACTIVE_NEVER);
	assert_int_equal(c->exec->provide_cluster_info, 1);
	assert_string_equal(c->exec->install_hint, "get it");
	ml7_kube_config_free(c);
}

static void test_flags_side_effects(void **state)
{
	struct ml7_kube_flags f = {0};
	struct ml7_kube_config *c;

	(void)state;
	put("sub/ca.pem", PEM_CA);
	put("tokfile", "from-file\n");
	put("k", "current-context: x\n"
	    "clusters:\n- name: c\n  cluster: {server: 'https://h', certificate-authority: sub/ca.pem,"
	    " tls-server-name: tsn}\n"
	    "users:\n- name: u\n  user: {token: t, tokenFile: tokfile, as: someone}\n"
	    "contexts:\n- name: x\n  context: {cluster: c, user: u, namespace: ctxns}\n");
	/* --insecure-skip-tls-verify drops the CA of the kubeconfig */
	f.insecure_skip_tls_verify = 1;
	c = load_ok("k", &f);
	assert_int_equal(c->insecure, 1);
	assert_null(c->ca_pem);
	assert_string_equal(c->tls_server_name, "tsn");
	ml7_kube_config_free(c);
	/* --server clears tls-server-name unless it is given too */
	memset(&f, 0, sizeof(f));
	f.server = "https://other:443/";
	c = load_ok("k", &f);
	assert_string_equal(c->server, "https://other:443");
	assert_null(c->tls_server_name);
	ml7_kube_config_free(c);
	f.tls_server_name = "given";
	c = load_ok("k", &f);
	assert_string_equal(c->tls_server_name, "given");
	ml7_kube_config_free(c);
	/* --token clears tokenFile; -n wins over the context; --as; --request-timeout */
	memset(&f, 0, sizeof(f));
	f.token = "flag-token";
	f.namespace_ = "flagns";
	f.as = "admin";
	f.request_timeout = "1m30s";
	assert_int_equal(ml7_strlist_push(&f.as_groups, "g1"), 0);
	c = load_ok("k", &f);
	assert_string_equal(c->token, "flag-token");
	assert_null(c->token_file);
	assert_string_equal(c->namespace_, "flagns");
	assert_int_equal(c->namespace_from_flag, 1);
	assert_string_equal(c->as, "admin");
	assert_string_equal(c->as_groups.items[0], "g1");
	assert_int_equal(c->request_timeout_ms, 90000);
	ml7_kube_config_free(c);
	ml7_strlist_free(&f.as_groups);
	/* without flags: the context namespace; token and tokenFile both kept */
	c = load_ok("k", NULL);
	assert_string_equal(c->namespace_, "ctxns");
	assert_string_equal(c->token, "t");
	assert_non_null(c->token_file);
	assert_string_equal(c->as, "someone");
	ml7_kube_config_free(c);
	/* --certificate-authority relative to the working directory */
	memset(&f, 0, sizeof(f));
	f.certificate_authority = "sub/ca.pem";
	c = load_ok("k", &f);
	assert_string_equal(c->ca_pem, PEM_CA);
	ml7_kube_config_free(c);
	/* flags only, no kubeconfig */
	memset(&f, 0, sizeof(f));
	f.server = "https://127.0.0.1:6443";
	f.token = "tok";
	c = load_ok("nothing-here", &f);
	assert_string_equal(c->source, "flags");
	assert_string_equal(c->server, "https://127.0.0.1:6443");
	assert_string_equal(c->namespace_, "default");
	assert_null(c->context);
	ml7_kube_config_free(c);
}

struct bad_case {
	const char *yaml;
	const struct ml7_kube_flags flags;
	const char *want;
};

static void test_bad_input(void **state)
{
	static const struct bad_case cases[] = {
		{"clusters:\n- name: c\n  cluster: {server: x}\nusers: [\n", {0}, "line "},
		{"a: b\n c: d\n", {0}, "line 2"},
		{"- just\n- a list\n", {0}, "not a kubeconfig"},
		{"clusters:\n- name: c\n  cluster: {server: 'https://h'}\n- name: c\n  cluster: {}\n",
		 {0}, "duplicate name \"c\" in clusters"},
		{"current-context: nope\nclusters: []\n", {0}, "context \"nope\" does not exist"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c, user: u}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h'}}\n", {0},
		 "user \"u\" does not exist"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: gone}}\n", {0},
		 "cluster \"gone\" does not exist"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c}}\n"
		 "clusters:\n- {name: c, cluster: {}}\n", {0}, "no server found for cluster \"c\""},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h', certificate-authority: nope.pem}}\n",
		 {0}, "cannot read certificate-authority '"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h', certificate-authority-data: '!!!'}}\n",
		 {0}, "certificate-authority-data is not valid base64"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h', certificate-authority-data: aGVsbG8=}}\n",
		 {0}, "certificate-authority is not PEM"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h', insecure-skip-tls-verify: true,"
		 " certificate-authority-data: " PEM_CA_B64 "}}\n", {0},
		 "root certificates file with the insecure flag is not allowed"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c, user: u}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h'}}\n"
		 "users:\n- {name: u, user: {token: t, username: a, password: b}}\n", {0},
		 "more than one authentication method"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c, user: u}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h'}}\n"
		 "users:\n- {name: u, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1}}}\n",
		 {0}, "interactiveMode must be specified"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c, user: u}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h'}}\n"
		 "users:\n- {name: u, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1alpha1}}}\n",
		 {0}, "invalid apiVersion"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c, user: u}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h'}}\n"
		 "users:\n- {name: u, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1beta1,"
		 " env: [{value: v}]}}}\n", {0}, "env entry without a valid name"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c, user: u}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h'}}\n"
		 "users:\n- {name: u, user: {auth-provider: {name: gcp}}}\n", {0},
		 "auth-provider \"gcp\" has been removed"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h', proxy-url: 'ftp://p'}}\n", {0},
		 "unsupported scheme"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'ftp://h'}}\n", {0}, "not an http or https URL"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c, user: u}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h'}}\n"
		 "users:\n- {name: u, user: {client-certificate-data: " PEM_CA_B64 "}}\n", {0},
		 "client-certificate without client-key"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c, user: u}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h'}}\n"
		 "users:\n- {name: u, user: {tokenFile: /nonexistent/token}}\n", {0},
		 "cannot read '/nonexistent/token'"},
		{"current-context: x\ncontexts:\n- {name: x, context: {cluster: c}}\n"
		 "clusters:\n- {name: c, cluster: {server: 'https://h', insecure-skip-tls-verify: 'yes'}}\n",
		 {0}, "insecure-skip-tls-verify must be true or false"},
		{"clusters:\n- {name: c, cluster: {server: 'https://h'}}\n", {.context = "missing"},
		 "context \"missing\" does not exist"},
		{"clusters:\n- {name: c, cluster: {server: 'https://h'}}\n", {.cluster = "c", .user = "who"},
		 "user \"who\" does not exist"},
		{"clusters:\n- {name: c, cluster: {server: 'https://h'}}\n",
		 {.cluster = "c", .request_timeout = "soon"}, "invalid --request-timeout 'soon'"},
		{"clusters:\n- {name: c, cluster: {server: 'https://h'}}\n",
		 {.cluster = "c", .client_key = "nokey.pem"}, "--client-key: cannot read client-key"},
		{"", {0}, "no Kubernetes configuration found"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put("bad", cases[i].yaml);
		load_fails("bad", &cases[i].flags, 0, cases[i].want);
	}
}

static void test_in_cluster(void **state)
{
	struct ml7_kube_env env = {0};
	struct ml7_kube_config *c = NULL;
	struct ml7_kube_flags f = {0};
	struct ml7_err err = {0};
	char sa[512];

	(void)state;
	snprintf(sa, sizeof(sa), "%s/sa", tmp);
	put("sa/token", "sa-token\n");
	put("sa/ca.crt", PEM_CA);
	put("sa/namespace", "podns\n");
	env.kubeconfig = "";
	env.home = "/nonexistent-home";
	env.sa_dir = sa;
	env.service_host = "10.0.0.1";
	env.service_port = "443";
	env.pod_namespace = "";
	assert_int_equal(ml7_kube_config_load_env(NULL, &env, &c, &err), 0);
	assert_int_equal(c->in_cluster, 1);
	assert_string_equal(c->server, "https://10.0.0.1:443");
	assert_string_equal(c->namespace_, "podns");
	assert_string_equal(c->ca_pem, PEM_CA);
	assert_non_null(strstr(c->token_file, "/sa/token"));
	assert_string_equal(c->source, "in-cluster");
	ml7_kube_config_free(c);
	/* IPv6 gets brackets; POD_NAMESPACE wins over the file; -n over both */
	env.service_host = "fd00::1";
	env.pod_namespace = "envns";
	assert_int_equal(ml7_kube_config_load_env(NULL, &env, &c, &err), 0);
	assert_string_equal(c->server, "https://[fd00::1]:443");
	assert_string_equal(c->namespace_, "envns");
	ml7_kube_config_free(c);
	f.namespace_ = "flagns";
	assert_int_equal(ml7_kube_config_load_env(&f, &env, &c, &err), 0);
	assert_string_equal(c->namespace_, "flagns");
	ml7_kube_config_free(c);
	/* a kubeconfig wins over in-cluster */
	put("a", A_FILE);
	{
		char kc[512];

		snprintf(kc, sizeof(kc), "%s/a", tmp);
		env.kubeconfig = kc;
		assert_int_equal(ml7_kube_config_load_env(NULL, &env, &c, &err), 0);
		assert_int_equal(c->in_cluster, 0);
		ml7_kube_config_free(c);
	}
}

static void test_from_text_and_dup(void **state)
{
	static const char text[] = "current-context: x\ncontexts:\n- {name: x, context: {cluster: c, user: u}}\n"
		"clusters:\n- {name: c, cluster: {server: 'https://h:6443'}}\n"
		"users:\n- {name: u, user: {token: secret-token, as-groups: [a, b],"
		" as-user-extra: {team: [x]}}}\n";
	struct ml7_kube_config *c = NULL, *d = NULL;
	struct ml7_err err = {0};

	(void)state;
	assert_int_equal(ml7_kube_config_from_text(text, strlen(text), "mem", "/tmp", NULL, &c, &err), 0);
	assert_int_equal(ml7_kube_config_dup(c, &d, &err), 0);
	assert_string_equal(d->token, "secret-token");
	assert_string_equal(d->server, "https://h:6443");
	assert_int_equal(d->as_groups.n, 2);
	assert_string_equal(d->as_extra.items[0], "team=x");
	ml7_kube_config_free(c);
	ml7_kube_config_free(d);
	ml7_kube_config_free(NULL);
}

static void test_allocation_failures(void **state)
{
	struct ml7_kube_config *c;
	struct ml7_err err;

	(void)state;
	put("sub/ca.pem", PEM_CA);
	put("a", A_FILE);
	put("b", B_FILE);
	for (long i = 0; i < 400; i++) {
		int rc;

		c = NULL;
		ml7_mem_fail_after(i);
		rc = load("a:b", NULL, &c, &err);
		ml7_mem_fail_after(-1);
		if (rc == 0) {
			ml7_kube_config_free(c);
			break;
		}
		assert_int_equal(rc, ML7_ENOMEM);
		assert_null(c);
	}
}

static void test_parse_timeout(void **state)
{
	static const struct {
		const char *in;
		long ms;
	} ok[] = {{"0", 0}, {"30", 30000}, {"1m30s", 90000}, {"500ms", 500}, {"2h", 7200000},
		  {"1.5s", 1500}};
	static const char *const bad[] = {"-1", "abc", "10x", "", "1.5", "s"};
	struct ml7_err err = {0};
	long ms;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(ml7_kube_parse_timeout(ok[i].in, &ms, &err), 0);
		assert_int_equal(ms, ok[i].ms);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ml7_err_clear(&err);
		assert_int_equal(ml7_kube_parse_timeout(bad[i], &ms, &err), ML7_EINVAL);
		assert_non_null(strstr(err.msg, "invalid --request-timeout"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_first_wins),
		cmocka_unit_test(test_explicit_kubeconfig),
		cmocka_unit_test(test_relative_paths_and_data),
		cmocka_unit_test(test_flags_side_effects),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_in_cluster),
		cmocka_unit_test(test_from_text_and_dup),
		cmocka_unit_test(test_allocation_failures),
		cmocka_unit_test(test_parse_timeout),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
