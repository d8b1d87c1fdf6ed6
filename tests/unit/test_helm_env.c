/* test_helm_env.c - the Helm front end's connection: the HELM_* environment
 * Helm gives its plugins, mapped to the kubectl flags and resolved with the
 * same kubeconfig rules (KUBECONFIG stays a list). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ml7/kubeconfig.h"

/* the front end's own file: helm-plugin is not a library */
#include "../../helm-plugin/helm_env.c"

static const char *const vars[] = {"HELM_KUBECONTEXT", "HELM_NAMESPACE", "HELM_KUBETOKEN",
	"HELM_KUBEAPISERVER", "HELM_KUBECAFILE", "HELM_KUBEASUSER", "HELM_KUBEASGROUPS",
	"HELM_KUBEINSECURE_SKIP_TLS_VERIFY", "HELM_KUBETLS_SERVER_NAME", NULL};

static void clear_env(void)
{
	for (size_t i = 0; vars[i]; i++)
		unsetenv(vars[i]);
}

static void test_mapping(void **state)
{
	struct ml7_kube_flags f = {0};

	(void)state;
	clear_env();
	setenv("HELM_KUBECONTEXT", "ctx", 1);
	setenv("HELM_NAMESPACE", "milvus", 1);
	setenv("HELM_KUBETOKEN", "tok", 1);
	setenv("HELM_KUBEAPISERVER", "https://api:6443", 1);
	setenv("HELM_KUBECAFILE", "/ca.pem", 1);
	setenv("HELM_KUBEASUSER", "admin", 1);
	setenv("HELM_KUBEASGROUPS", "g1,g2", 1);
	setenv("HELM_KUBEINSECURE_SKIP_TLS_VERIFY", "true", 1);
	setenv("HELM_KUBETLS_SERVER_NAME", "api.internal", 1);
	helm_kube_env(&f);
	assert_string_equal(f.context, "ctx");
	assert_string_equal(f.namespace_, "milvus");
	assert_string_equal(f.token, "tok");
	assert_string_equal(f.server, "https://api:6443");
	assert_string_equal(f.certificate_authority, "/ca.pem");
	assert_string_equal(f.as, "admin");
	assert_int_equal(f.as_groups.n, 2);
	assert_string_equal(f.as_groups.items[1], "g2");
	assert_int_equal(f.insecure_skip_tls_verify, 1);
	assert_string_equal(f.tls_server_name, "api.internal");
	ml7_strlist_free(&f.as_groups);
	/* Helm passes empty values and "false" for what was not given */
	clear_env();
	setenv("HELM_KUBECONTEXT", "", 1);
	setenv("HELM_KUBEINSECURE_SKIP_TLS_VERIFY", "false", 1);
	memset(&f, 0, sizeof(f));
	helm_kube_env(&f);
	assert_null(f.context);
	assert_int_equal(f.insecure_skip_tls_verify, 0);
	assert_int_equal(f.as_groups.n, 0);
}

static void test_resolved_like_kubectl(void **state)
{
	char dir[] = "/tmp/ml7-helm.XXXXXX", a[64], b[64], list[160];
	struct ml7_kube_flags f = {0};
	struct ml7_kube_env env = {0};
	struct ml7_kube_config *c = NULL;
	struct ml7_err err = {0};
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	fp = fopen(a, "w");
	fputs("current-context: one\ncontexts:\n- {name: one, context: {cluster: c1, namespace: ns1}}\n"
	      "clusters:\n- {name: c1, cluster: {server: 'https://one:443'}}\n", fp);
	fclose(fp);
	fp = fopen(b, "w");
	fputs("contexts:\n- {name: two, context: {cluster: c2, user: u2}}\n"
	      "clusters:\n- {name: c2, cluster: {server: 'https://two:443'}}\n"
	      "users:\n- {name: u2, user: {token: t2}}\n", fp);
	fclose(fp);
	snprintf(list, sizeof(list), "%s:%s", a, b);
	env.kubeconfig = list;        /* KUBECONFIG=a:b, which Helm 4.1+ itself would misread */
	env.home = dir;
	env.service_host = "";
	env.service_port = "";
	env.pod_namespace = "";
	clear_env();
	setenv("HELM_KUBECONTEXT", "two", 1);
	setenv("HELM_NAMESPACE", "milvus", 1);
	helm_kube_env(&f);
	assert_int_equal(ml7_kube_config_load_env(&f, &env, &c, &err), 0);
	assert_string_equal(c->server, "https://two:443");
	assert_string_equal(c->token, "t2");
	assert_string_equal(c->namespace_, "milvus");
	ml7_kube_config_free(c);
	/* HELM_KUBETOKEN and HELM_KUBEAPISERVER override as --token and --server do */
	setenv("HELM_KUBETOKEN", "flagtok", 1);
	setenv("HELM_KUBEAPISERVER", "https://override:6443", 1);
	memset(&f, 0, sizeof(f));
	helm_kube_env(&f);
	assert_int_equal(ml7_kube_config_load_env(&f, &env, &c, &err), 0);
	assert_string_equal(c->server, "https://override:6443");
	assert_string_equal(c->token, "flagtok");
	ml7_kube_config_free(c);
	clear_env();
	unlink(a);
	unlink(b);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_resolved_like_kubectl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
