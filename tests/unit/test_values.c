/* test_values.c - the values computation of the Helm flip: helm's merge rule,
 * the changed keys, revert and the diff, on the fixture chart's real layout. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ml7/buf.h"
#include "ml7/helm.h"
#include "ml7/ingress.h"
#include "ml7/yaml.h"

#define ARN "arn:aws:acm:us-east-2:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555"

static cJSON *parse(const char *s)
{
	struct ml7_err err = {0};
	cJSON *o = NULL;

	if (ml7_yaml_parse(s, strlen(s), "test", &o, &err))
		fail_msg("parse: %s", err.msg);
	return o;
}

static cJSON *parse_file(const char *path)
{
	struct ml7_buf b = ML7_BUF_INIT;
	struct ml7_err err = {0};
	cJSON *o = NULL;

	if (ml7_buf_read_file(&b, path, &err) ||
	    ml7_yaml_parse(b.data, b.len, path, &o, &err))
		fail_msg("%s", err.msg);
	ml7_buf_free(&b);
	return o;
}

static cJSON *coalesce(const cJSON *over, const cJSON *base)
{
	struct ml7_err err = {0};
	cJSON *o = NULL;

	assert_int_equal(ml7_values_coalesce(over, base, &o, &err), 0);
	return o;
}

static void assert_json_equal(const cJSON *a, const cJSON *b)
{
	if (!cJSON_Compare(a, b, 1)) {
		char *x = cJSON_PrintUnformatted(a), *y = cJSON_PrintUnformatted(b);

		print_error("got  %s\nwant %s\n", x, y);
		cJSON_free(x);
		cJSON_free(y);
		fail();
	}
}

/* helm's CoalesceTables: overrides win, tables merge, null deletes */
static void test_coalesce_rules(void **state)
{
	static const struct {
		const char *over, *base, *want;
	} cases[] = {
		{"a: 1", "a: 2\nb: 3", "a: 1\nb: 3"},
		{"t: {x: 1}", "t: {y: 2}", "t: {x: 1, y: 2}"},
		{"t: {x: null}", "t: {x: 1, y: 2}", "t: {y: 2}"},
		{"t: {x: null}", "t: {y: 2}", "t: {x: null, y: 2}"},
		{"l: [3]", "l: [1, 2]", "l: [3]"},
		{"t: null", "t: {y: 2}\nu: 1", "u: 1"},
		{"t: 5", "t: {y: 2}", "t: 5"},
		{"{}", "a: {b: {c: 'x'}}", "a: {b: {c: 'x'}}"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *o = parse(cases[i].over), *b = parse(cases[i].base), *w = parse(cases[i].want);
		cJSON *got = coalesce(o, b);

		assert_json_equal(got, w);
		cJSON_Delete(o);
		cJSON_Delete(b);
		cJSON_Delete(w);
		cJSON_Delete(got);
	}
}

static void test_get(void **state)
{
	cJSON *v = parse("service: {type: LoadBalancer, port: 19530}\ningress: {annotations: {}}");

	(void)state;
	assert_string_equal(ml7_values_get(v, "service.type")->valuestring, "LoadBalancer");
	assert_int_equal(ml7_values_get(v, "service.port")->valueint, 19530);
	assert_null(ml7_values_get(v, "service.nope"));
	assert_null(ml7_values_get(v, "service.type.x"));
	assert_non_null(ml7_values_get(v, "ingress.annotations"));
	cJSON_Delete(v);
}

struct fixture {
	cJSON *user, *computed, *alb;
};

static int setup(void **state)
{
	static struct fixture f;
	struct ml7_err err = {0};
	const char *arns[] = {ARN};
	struct ml7_ingress_opts io = {.host = "milvus-demo.milvus.io", .cert_arns = {arns, 1}};

	cJSON *defaults = parse_file("../fixtures/milvus-chart/values.yaml");

	f.user = parse_file("../fixtures/milvus-chart/user-values.yaml");
	f.computed = coalesce(f.user, defaults);
	cJSON_Delete(defaults);
	if (ml7_ingress_annotations(&io, &f.alb, &err))
		fail_msg("%s", err.msg);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cJSON_Delete(f->user);
	cJSON_Delete(f->computed);
	cJSON_Delete(f->alb);
	return 0;
}

/* a copy of v without the keys the flip may change */
static cJSON *without_changed(const cJSON *v)
{
	cJSON *c = cJSON_Duplicate(v, 1), *svc = cJSON_GetObjectItem(c, "service");

	cJSON_DeleteItemFromObject(c, "ingress");
	cJSON_DeleteItemFromObject(svc, "type");
	return c;
}

static cJSON *flip(const struct fixture *f, const cJSON *alb, const cJSON *computed)
{
	struct ml7_err err = {0};
	cJSON *d = NULL;

	if (ml7_values_flip_delta("ClusterIP", alb, alb ? "milvus-demo.milvus.io" : NULL, NULL,
				  computed ? computed : f->computed, &d, &err))
		fail_msg("%s", err.msg);
	return d;
}

/* every user value is kept; only service.type (and ingress) differ */
static void test_flip_keeps_every_user_value(void **state)
{
	struct fixture *f = *state;

	for (int with_ingress = 0; with_ingress < 2; with_ingress++) {
		cJSON *d = flip(f, with_ingress ? f->alb : NULL, NULL);
		cJSON *after = coalesce(d, f->user);
		cJSON *a = without_changed(after), *b = without_changed(f->user);
		struct ml7_buf diff = ML7_BUF_INIT;
		int n;

		assert_json_equal(a, b);
		assert_string_equal(ml7_values_get(after, "service.type")->valuestring, "ClusterIP");
		assert_string_equal(ml7_values_get(after, "externalS3.host")->valuestring,
				    "s3.us-east-2.amazonaws.com");
		assert_true(cJSON_IsFalse(ml7_values_get(after, "minio.enabled")));
		n = ml7_values_diff(f->user, after, &diff);
		/* service.type (2 lines) and, with ingress: enabled, class, rules, 5 ALB
		 * annotations and 4 nginx ones nulled */
		assert_int_equal(n, with_ingress ? 1 + 12 : 1);
		for (char *l = diff.data; l && *l; l = strchr(l, '\n') + 1)
			assert_true(strncmp(l + 2, "service.type:", 13) == 0 ||
				    strncmp(l + 2, "ingress.", 8) == 0);
		assert_null(strstr(diff.data, "fixture-not-a-real-secret"));
		ml7_buf_free(&diff);
		cJSON_Delete(a);
		cJSON_Delete(b);
		cJSON_Delete(after);
		cJSON_Delete(d);
	}
}

static void test_flip_ingress_block(void **state)
{
	struct fixture *f = *state;
	cJSON *d = flip(f, f->alb, NULL);
	const cJSON *ann = ml7_values_get(d, "ingress.annotations"), *rule;

	assert_true(cJSON_IsTrue(ml7_values_get(d, "ingress.enabled")));
	assert_string_equal(ml7_values_get(d, "ingress.ingressClassName")->valuestring, "alb");
	assert_string_equal(cJSON_GetObjectItem(ann, "alb.ingress.kubernetes.io/certificate-arn")
			    ->valuestring, ARN);
	assert_string_equal(cJSON_GetObjectItem(ann, "alb.ingress.kubernetes.io/listen-ports")
			    ->valuestring, "[{\"HTTPS\":443}]");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(ann,
				 "nginx.ingress.kubernetes.io/backend-protocol")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(ann, "nginx.ingress.kubernetes.io/ssl-redirect")));
	assert_null(cJSON_GetObjectItem(ann, "kubernetes.io/ingress.class"));
	rule = cJSON_GetArrayItem(ml7_values_get(d, "ingress.rules"), 0);
	assert_int_equal(cJSON_GetArraySize(ml7_values_get(d, "ingress.rules")), 1);
	assert_string_equal(cJSON_GetObjectItem(rule, "host")->valuestring, "milvus-demo.milvus.io");
	assert_string_equal(cJSON_GetObjectItem(rule, "path")->valuestring, "/");
	assert_string_equal(cJSON_GetObjectItem(rule, "pathType")->valuestring, "Prefix");
	cJSON_Delete(d);
}

/* a chart before 4.2.1 has no ingressClassName: the class goes in the annotation;
 * a user's own annotations stay, nginx ones go */
static void test_flip_old_chart_and_user_annotations(void **state)
{
	struct fixture *f = *state;
	cJSON *computed = parse("service: {type: LoadBalancer, port: 19530}\n"
				"ingress:\n  enabled: false\n  annotations:\n"
				"    nginx.ingress.kubernetes.io/proxy-body-size: 64m\n"
				"    external-dns.alpha.kubernetes.io/ttl: '60'\n");
	cJSON *d = flip(f, f->alb, computed);
	const cJSON *ann = ml7_values_get(d, "ingress.annotations");

	assert_null(ml7_values_get(d, "ingress.ingressClassName"));
	assert_string_equal(cJSON_GetObjectItem(ann, "kubernetes.io/ingress.class")->valuestring,
			    "alb");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(ann,
				 "nginx.ingress.kubernetes.io/proxy-body-size")));
	assert_null(cJSON_GetObjectItem(ann, "external-dns.alpha.kubernetes.io/ttl"));
	cJSON_Delete(d);
	cJSON_Delete(computed);
}

/* the second run computes the same values: nothing to do */
static void test_flip_idempotent(void **state)
{
	struct fixture *f = *state;
	cJSON *d = flip(f, f->alb, NULL);
	cJSON *once = coalesce(d, f->user), *computed2 = coalesce(once, f->computed);
	cJSON *d2 = flip(f, f->alb, computed2);
	cJSON *twice = coalesce(d2, once);
	struct ml7_buf diff = ML7_BUF_INIT;

	assert_json_equal(twice, once);
	assert_int_equal(ml7_values_diff(once, twice, &diff), 0);
	assert_int_equal(diff.len, 0);
	cJSON_Delete(d);
	cJSON_Delete(d2);
	cJSON_Delete(once);
	cJSON_Delete(twice);
	cJSON_Delete(computed2);
}

/* revert gives back exactly the values before the flip */
static void test_revert(void **state)
{
	struct fixture *f = *state;
	struct ml7_err err = {0};
	cJSON *d = flip(f, f->alb, NULL);
	cJSON *after = coalesce(d, f->user), *back = NULL;
	cJSON *prev = parse("proxy: {replicas: 2}"), *cur = parse("proxy: {replicas: 3}\n"
								"service: {type: ClusterIP}\n"
								"ingress: {enabled: true}");

	assert_int_equal(ml7_values_revert(after, f->user, &back, &err), 0);
	assert_json_equal(back, f->user);
	cJSON_Delete(back);
	/* nothing set before: the keys go (an emptied service block too); later
	 * changes to other keys stay */
	assert_int_equal(ml7_values_revert(cur, prev, &back, &err), 0);
	{
		cJSON *want = parse("proxy: {replicas: 3}");

		assert_json_equal(back, want);
		cJSON_Delete(want);
	}
	cJSON_Delete(back);
	cJSON_Delete(prev);
	cJSON_Delete(cur);
	cJSON_Delete(after);
	cJSON_Delete(d);
}

static void test_diff(void **state)
{
	cJSON *a = parse("s3: {secretKey: old, host: h}\nx: 1\nl: [1]\nann: {'a.b/c': v}");
	cJSON *b = parse("s3: {secretKey: new, host: h}\nx: 2\nl: [1]\nann: {'a.b/c': w}\nz: {}");
	struct ml7_buf d = ML7_BUF_INIT;

	(void)state;
	assert_int_equal(ml7_values_diff(a, b, &d), 4);
	assert_string_equal(d.data,
			    "- ann.\"a.b/c\": \"v\"\n+ ann.\"a.b/c\": \"w\"\n"
			    "- s3.secretKey: <hidden>\n+ s3.secretKey: <hidden>\n"
			    "- x: 1\n+ x: 2\n"
			    "+ z: {}\n");
	ml7_buf_reset(&d);
	assert_int_equal(ml7_values_diff(a, a, &d), 0);
	assert_int_equal(ml7_values_diff(NULL, a, &d), 5);
	ml7_buf_free(&d);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* --- the post-renderer --- */

#define CM_DOC "# Source: milvus/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\n" \
	"metadata:\n  name: milvus-demo\ndata:\n  default.yaml: |+\n    minio:\n" \
	"      address:   s3.us-east-2.amazonaws.com   # odd spacing kept\n"
#define SVC_DOC "# Source: milvus/templates/service.yaml\napiVersion: v1\nkind: Service\n" \
	"metadata:\n  name: milvus-demo\n  namespace: milvus\n  labels:\n" \
	"    app.kubernetes.io/name: milvus\n    app.kubernetes.io/instance: milvus-demo\n" \
	"    component: \"proxy\"\nspec:\n  type: LoadBalancer\n  loadBalancerSourceRanges:\n" \
	"    - 0.0.0.0/0\n  ports:\n    - name: milvus\n      port: 19530\n      nodePort: 30001\n" \
	"      targetPort: milvus\n    - name: metrics\n      port: 9091\n"
#define ING_DOC "# Source: milvus/templates/ingress.yaml\napiVersion: networking.k8s.io/v1\n" \
	"kind: Ingress\nmetadata:\n  name: milvus-demo\n  annotations:\n" \
	"    nginx.ingress.kubernetes.io/backend-protocol: GRPC\nspec:\n  rules: []\n"

static cJSON *render(const char *in, int with_ingress, struct ml7_buf *out, int want_rc)
{
	const char *arns[] = {ARN};
	struct ml7_ingress_opts io = {.host = "milvus-demo.milvus.io", .cert_arns = {arns, 1}};
	struct ml7_err err = {0};
	cJSON *docs = NULL;

	assert_int_equal(ml7_helm_post_render(in, strlen(in), NULL, with_ingress ? &io : NULL, out,
					      &err), want_rc);
	if (want_rc)
		return NULL;
	if (ml7_yaml_parse_all(out->data, out->len, "out", &docs, &err))
		fail_msg("%s", err.msg);
	return docs;
}

static void test_post_render(void **state)
{
	struct ml7_buf out = ML7_BUF_INIT;
	cJSON *docs, *svc, *ing;
	const cJSON *port;

	(void)state;
	/* other documents byte for byte; the Service flipped; the Ingress added */
	docs = render("---\n" CM_DOC "---\n" SVC_DOC, 1, &out, 0);
	assert_non_null(strstr(out.data, "---\n" CM_DOC "---\n"));
	assert_int_equal(cJSON_GetArraySize(docs), 3);
	svc = cJSON_GetArrayItem(docs, 1);
	assert_string_equal(ml7_values_get(svc, "spec.type")->valuestring, "ClusterIP");
	assert_null(ml7_values_get(svc, "spec.loadBalancerSourceRanges"));
	port = cJSON_GetArrayItem(ml7_values_get(svc, "spec.ports"), 0);
	assert_null(cJSON_GetObjectItem(port, "nodePort"));
	assert_string_equal(ml7_values_get(svc, "metadata.name")->valuestring, "milvus-demo");
	ing = cJSON_GetArrayItem(docs, 2);
	assert_string_equal(ml7_values_get(ing, "kind")->valuestring, "Ingress");
	assert_string_equal(ml7_values_get(ing, "spec.ingressClassName")->valuestring, "alb");
	assert_string_equal(cJSON_GetObjectItem(ml7_values_get(ing, "metadata.annotations"),
			    "alb.ingress.kubernetes.io/certificate-arn")->valuestring, ARN);
	assert_string_equal(ml7_values_get(ing, "metadata.namespace")->valuestring, "milvus");
	cJSON_Delete(docs);

	/* the chart's own Ingress of the same name is replaced, in place */
	ml7_buf_reset(&out);
	docs = render(SVC_DOC "---\n" ING_DOC "---\n" CM_DOC, 1, &out, 0);
	assert_int_equal(cJSON_GetArraySize(docs), 3);
	ing = cJSON_GetArrayItem(docs, 1);
	assert_string_equal(ml7_values_get(ing, "kind")->valuestring, "Ingress");
	assert_null(strstr(out.data, "nginx.ingress"));
	assert_non_null(strstr(out.data, "---\n" CM_DOC));
	cJSON_Delete(docs);

	/* without ingress options: only the Service changes */
	ml7_buf_reset(&out);
	docs = render(CM_DOC "---\n" SVC_DOC, 0, &out, 0);
	assert_int_equal(cJSON_GetArraySize(docs), 2);
	cJSON_Delete(docs);

	/* no Milvus Service */
	ml7_buf_reset(&out);
	render(CM_DOC, 1, &out, ML7_ENOTFOUND);
	/* broken YAML names the document */
	ml7_buf_reset(&out);
	render(CM_DOC "---\nkind: [\n", 0, &out, ML7_EINVAL);
	ml7_buf_free(&out);
}

static void test_helm_version_rule(void **state)
{
	struct ml7_helm_version v313 = {3, 13, 3, ""}, v314 = {3, 14, 0, ""}, v4 = {4, 0, 0, ""};

	(void)state;
	assert_false(ml7_helm_has_reset_then_reuse(&v313));
	assert_true(ml7_helm_has_reset_then_reuse(&v314));
	assert_true(ml7_helm_has_reset_then_reuse(&v4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coalesce_rules),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_helm_version_rule),
		cmocka_unit_test(test_post_render),
	};
	const struct CMUnitTest fixture_tests[] = {
		cmocka_unit_test(test_flip_keeps_every_user_value),
		cmocka_unit_test(test_flip_ingress_block),
		cmocka_unit_test(test_flip_old_chart_and_user_annotations),
		cmocka_unit_test(test_flip_idempotent),
		cmocka_unit_test(test_revert),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) |
	       cmocka_run_group_tests(fixture_tests, setup, teardown);
}
