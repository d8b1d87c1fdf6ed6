/* test_yaml.c - YAML <-> cJSON as Kubernetes and Helm read YAML. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ml7/buf.h"
#include "ml7/yaml.h"

static cJSON *parse(const char *s)
{
	struct ml7_err err = {0};
	cJSON *o = NULL;

	if (ml7_yaml_parse(s, strlen(s), "test", &o, &err))
		fail_msg("parse: %s", err.msg);
	return o;
}

static void test_scalars(void **state)
{
	cJSON *o = parse("a: 1\nb: true\nc: 'true'\nd: ~\ne: 1.5\nf: hello\ng: \"19530\"\n"
			 "h: yes\ni: 0x1F\nj: -3\nk: \"\"\nl:\n");

	(void)state;
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(o, "a")));
	assert_int_equal(cJSON_GetObjectItem(o, "a")->valueint, 1);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "b")));
	assert_string_equal(cJSON_GetObjectItem(o, "c")->valuestring, "true");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "d")));
	assert_true(cJSON_GetObjectItem(o, "e")->valuedouble == 1.5);
	assert_string_equal(cJSON_GetObjectItem(o, "f")->valuestring, "hello");
	assert_string_equal(cJSON_GetObjectItem(o, "g")->valuestring, "19530");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "h")));
	assert_string_equal(cJSON_GetObjectItem(o, "i")->valuestring, "0x1F");
	assert_int_equal(cJSON_GetObjectItem(o, "j")->valueint, -3);
	assert_string_equal(cJSON_GetObjectItem(o, "k")->valuestring, "");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "l")));
	cJSON_Delete(o);
}

static void test_structure_and_aliases(void **state)
{
	cJSON *o = parse("base: &b\n  x: 1\n  list: [a, b]\ncopy: *b\nnested:\n  - name: n\n    v: {k: v}\n");
	cJSON *copy;

	(void)state;
	copy = cJSON_GetObjectItem(o, "copy");
	assert_int_equal(cJSON_GetObjectItem(copy, "x")->valueint, 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(copy, "list")), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(o, "nested"), 0), "v"), "k")->valuestring, "v");
	cJSON_Delete(o);
}

static void test_multi_document(void **state)
{
	const char *s = "---\na: 1\n---\n---\nkind: Service\n";
	struct ml7_err err = {0};
	cJSON *docs = NULL;

	(void)state;
	assert_int_equal(ml7_yaml_parse_all(s, strlen(s), "m", &docs, &err), 0);
	assert_int_equal(cJSON_GetArraySize(docs), 3);
	assert_true(cJSON_IsNull(cJSON_GetArrayItem(docs, 1)));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(docs, 2), "kind")->valuestring, "Service");
	cJSON_Delete(docs);
}

static void test_errors_have_lines(void **state)
{
	static const struct {
		const char *in;
		const char *want;
	} bad[] = {
		{"a: 1\nb: [1, 2\n", "f.yaml: line 3:"},
		{"a: b: c\n", "f.yaml: line 1:"},
		{"a: 1\n b: 2\n", "f.yaml: line 2:"},
		{"x: *nope\n", "f.yaml: line 1: unknown alias 'nope'"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ml7_err err = {0};
		cJSON *o = NULL;

		assert_int_equal(ml7_yaml_parse(bad[i].in, strlen(bad[i].in), "f.yaml", &o, &err), ML7_EINVAL);
		assert_null(o);
		if (strncmp(err.msg, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("case %zu: '%s' does not start with '%s'", i, err.msg, bad[i].want);
	}
}

static void test_emit_round_trip(void **state)
{
	const char *src = "{\"metadata\":{\"name\":\"milvus-demo\",\"annotations\":{"
			  "\"alb.ingress.kubernetes.io/listen-ports\":\"[{\\\"HTTPS\\\":443}]\","
			  "\"v\":\"true\",\"n\":\"19530\",\"e\":\"\",\"ver\":\"0.1.0\",\"multi\":\"a\\nb\\n\"}},"
			  "\"spec\":{\"port\":19530,\"on\":true,\"none\":null,\"list\":[],\"obj\":{},"
			  "\"rules\":[{\"host\":\"milvus-demo.milvus.io\"}]}}";
	cJSON *in = cJSON_Parse(src), *back;
	struct ml7_buf b = ML7_BUF_INIT;
	struct ml7_err err = {0};

	(void)state;
	assert_non_null(in);
	assert_int_equal(ml7_yaml_emit(in, &b, &err), 0);
	assert_non_null(strstr(b.data, "name: milvus-demo\n"));
	assert_non_null(strstr(b.data, "v: \"true\"\n"));
	assert_int_equal(ml7_yaml_parse(b.data, b.len, "emitted", &back, &err), 0);
	if (!cJSON_Compare(in, back, 1))
		fail_msg("round trip differs:\n%s", b.data);
	cJSON_Delete(in);
	cJSON_Delete(back);
	ml7_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_structure_and_aliases),
		cmocka_unit_test(test_multi_document),
		cmocka_unit_test(test_errors_have_lines),
		cmocka_unit_test(test_emit_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
