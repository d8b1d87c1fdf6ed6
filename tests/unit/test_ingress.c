/* test_ingress.c - the ALB Ingress model: golden objects for the guide's
 * example and each option, and one case per validation rule with its exact
 * message.  ML7_UPDATE_GOLDEN=1 rewrites the golden files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml7/buf.h"
#include "ml7/ingress.h"
#include "ml7/ingress_flags.h"
#include "ml7/mem.h"
#include "ml7/release.h"
#include "ml7/strlist.h"
#include "ml7/yaml.h"

#define GOLDEN_DIR "../fixtures/ingress/"
#define L(...) {(const char *const[]){__VA_ARGS__}, \
		sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)}
#define ARN "arn:aws:acm:us-east-2:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"
#define ARN2 "arn:aws:acm:us-east-2:123456789012:certificate/ffffffff-aaaa-bbbb-cccc-000000000001"
#define HOST "milvus-demo.milvus.io"

static const struct ml7_release guide_release = {
	.name = "milvus-demo", .namespace_ = "milvus", .service = "milvus-demo", .port = 19530,
};

/* ---- golden objects ----------------------------------------------------- */

static const struct {
	const char *file;
	struct ml7_ingress_opts o;
} golden[] = {
	{"guide", {.host = HOST, .cert_arns = L(ARN)}},
	{"scheme-internal", {.host = HOST, .cert_arns = L(ARN), .scheme = "internal"}},
	{"cert-arns", {.host = HOST, .cert_arns = L(ARN, ARN2)}},
	{"cert-arns-comma", {.host = HOST, .cert_arns = L(ARN "," ARN2)}},
	{"ssl-policy", {.host = HOST, .cert_arns = L(ARN), .ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"}},
	{"group", {.host = HOST, .cert_arns = L(ARN), .group_name = "milvus.shared", .group_order = -10,
		   .group_order_set = 1}},
	{"load-balancer-name", {.host = HOST, .cert_arns = L(ARN), .load_balancer_name = "milvus-demo-alb"}},
	{"idle-timeout", {.host = HOST, .cert_arns = L(ARN), .idle_timeout_s = 600}},
	{"inbound-cidrs", {.host = HOST, .cert_arns = L(ARN), .inbound_cidrs = L("10.0.0.0/8", "2001:db8::/32")}},
	{"subnets", {.host = HOST, .cert_arns = L(ARN), .subnets = L("subnet-0123abcd,subnet-0123456789abcdef0")}},
	{"security-groups", {.host = HOST, .cert_arns = L(ARN), .security_groups = L("sg-0123abcd", "milvus-alb")}},
	{"tags", {.host = HOST, .cert_arns = L(ARN), .tags = L("team=search", "env=prod,cost=ml")}},
	{"wafv2", {.host = HOST, .cert_arns = L(ARN),
		   .wafv2_acl_arn = "arn:aws:wafv2:us-east-2:123456789012:regional/webacl/milvus/abc-123"}},
	{"ingress-class", {.host = HOST, .cert_arns = L(ARN), .ingress_class = "alb-internal"}},
	{"name", {.host = HOST, .cert_arns = L(ARN), .name = "milvus-l7"}},
	{"annotation", {.host = HOST, .cert_arns = L(ARN),
			.annotations = L("alb.ingress.kubernetes.io/healthcheck-path=/grpc.health.v1.Health/Check",
					 "alb.ingress.kubernetes.io/success-codes=0,16", "example.com/owner=team-a")}},
	{"wildcard-host", {.host = "*.milvus.io", .cert_arns = L(ARN)}},
	{"all", {.host = HOST, .cert_arns = L(ARN, ARN2), .scheme = "internal",
		 .ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06", .group_name = "milvus", .group_order = 5,
		 .group_order_set = 1, .load_balancer_name = "milvus", .idle_timeout_s = 4000,
		 .inbound_cidrs = L("10.0.0.0/16"), .subnets = L("a", "b"), .security_groups = L("sg-0123abcd"),
		 .tags = L("a=b"), .wafv2_acl_arn = "none", .ingress_class = "alb", .name = "m",
		 .annotations = L("alb.ingress.kubernetes.io/manage-backend-security-group-rules=true"),
		 .region = "us-east-2"}},
};

static char *read_golden(const char *path)
{
	struct ml7_buf b = ML7_BUF_INIT;
	struct ml7_err err = {0};

	if (ml7_buf_read_file(&b, path, &err)) {
		ml7_buf_free(&b);
		return NULL;
	}
	if (ml7_buf_putc(&b, '\0'))
		fail_msg("out of memory");
	return ml7_buf_detach(&b);
}

static void compare_golden(const char *path, const char *got)
{
	char *want;

	if (getenv("ML7_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		assert_int_equal(fputs(got, f) >= 0, 1);
		fclose(f);
	}
	want = read_golden(path);
	if (!want)
		fail_msg("cannot read %s (ML7_UPDATE_GOLDEN=1 writes it)", path);
	if (strcmp(want, got) != 0)
		fail_msg("%s differs; got:\n%s", path, got);
	ml7_free(want);
}

static void test_golden_objects(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
		struct ml7_err err = {0};
		struct ml7_buf b = ML7_BUF_INIT;
		cJSON *obj = NULL, *back = NULL;
		char path[256];

		if (ml7_ingress_build(&golden[i].o, &guide_release, &obj, &err))
			fail_msg("%s: %s", golden[i].file, err.msg);
		assert_int_equal(ml7_yaml_emit(obj, &b, &err), 0);
		assert_int_equal(ml7_buf_putc(&b, '\0'), 0);
		snprintf(path, sizeof(path), GOLDEN_DIR "%s.yaml", golden[i].file);
		compare_golden(path, b.data);
		/* the YAML reads back as the same object (strings stay strings) */
		assert_int_equal(ml7_yaml_parse(b.data, strlen(b.data), path, &back, &err), 0);
		assert_true(cJSON_Compare(obj, back, 1));
		cJSON_Delete(back);
		cJSON_Delete(obj);
		ml7_buf_free(&b);
	}
}

/* The guide's object, field by field (independent of the golden file). */
static void test_guide_fields(void **state)
{
	struct ml7_ingress_opts o = {.host = HOST, .cert_arns = L(ARN)};
	struct ml7_err err = {0};
	cJSON *obj = NULL, *ann, *path;

	(void)state;
	assert_int_equal(ml7_ingress_build(&o, &guide_release, &obj, &err), 0);
	ann = cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"), "annotations");
	assert_int_equal(cJSON_GetArraySize(ann), 5);
	assert_string_equal(cJSON_GetObjectItem(ann, "alb.ingress.kubernetes.io/scheme")->valuestring,
			    "internet-facing");
	assert_string_equal(cJSON_GetObjectItem(ann, "alb.ingress.kubernetes.io/backend-protocol-version")
			    ->valuestring, "GRPC");
	assert_string_equal(cJSON_GetObjectItem(ann, "alb.ingress.kubernetes.io/target-type")->valuestring, "ip");
	assert_string_equal(cJSON_GetObjectItem(ann, "alb.ingress.kubernetes.io/listen-ports")->valuestring,
			    "[{\"HTTPS\":443}]");
	assert_string_equal(cJSON_GetObjectItem(ann, "alb.ingress.kubernetes.io/certificate-arn")->valuestring,
			    ARN);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "spec"), "ingressClassName")
			    ->valuestring, "alb");
	path = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "spec"), "rules"), 0), "http"), "paths"), 0);
	assert_string_equal(cJSON_GetObjectItem(path, "pathType")->valuestring, "Prefix");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
		path, "backend"), "service"), "port"), "number")->valueint, 19530);
	assert_true(ml7_ingress_is_managed(obj));
	cJSON_Delete(obj);
}

static void test_annotations_alone(void **state)
{
	struct ml7_ingress_opts o = {.host = HOST, .cert_arns = L(ARN), .idle_timeout_s = 600};
	struct ml7_err err = {0};
	cJSON *a = NULL;
	char *s;

	(void)state;
	assert_int_equal(ml7_ingress_annotations(&o, &a, &err), 0);
	s = cJSON_PrintUnformatted(a);
	assert_string_equal(s, "{\"alb.ingress.kubernetes.io/scheme\":\"internet-facing\","
			    "\"alb.ingress.kubernetes.io/backend-protocol-version\":\"GRPC\","
			    "\"alb.ingress.kubernetes.io/target-type\":\"ip\","
			    "\"alb.ingress.kubernetes.io/listen-ports\":\"[{\\\"HTTPS\\\":443}]\","
			    "\"alb.ingress.kubernetes.io/certificate-arn\":\"" ARN "\","
			    "\"alb.ingress.kubernetes.io/load-balancer-attributes\":"
			    "\"idle_timeout.timeout_seconds=600\"}");
	cJSON_free(s);
	cJSON_Delete(a);
	/* invalid options give no annotations */
	o.host = "";
	a = NULL;
	assert_int_equal(ml7_ingress_annotations(&o, &a, &err), ML7_EINVAL);
	assert_null(a);
}

/* ---- validation: one case per rule, with the exact message --------------- */

static const struct {
	struct ml7_ingress_opts o;
	const char *msg;
} bad[] = {
	/* host */
	{{.cert_arns = L(ARN)}, "--host is required: the name clients connect to, e.g. milvus.example.com"},
	{{.host = "10.0.0.1", .cert_arns = L(ARN)}, "host '10.0.0.1' is an IP address; an Ingress rule needs a DNS name"},
	{{.host = "::1", .cert_arns = L(ARN)}, "host '::1' is an IP address; an Ingress rule needs a DNS name"},
	{{.host = "m.example.com:443", .cert_arns = L(ARN)},
	 "host 'm.example.com:443' must not carry a port or scheme; the ALB listens on 443"},
	{{.host = "m.*.example.com", .cert_arns = L(ARN)},
	 "host 'm.*.example.com': a wildcard is allowed only as the whole first label (*.example.com)"},
	{{.host = "*", .cert_arns = L(ARN)}, "host '*': a wildcard is allowed only as the whole first label (*.example.com)"},
	{{.host = "Milvus.example.com", .cert_arns = L(ARN)}, "host 'Milvus.example.com' is not a DNS name: it must be lowercase"},
	{{.host = "m..example.com", .cert_arns = L(ARN)}, "host 'm..example.com' is not a DNS name: it has an empty label"},
	{{.host = "-m.example.com", .cert_arns = L(ARN)},
	 "host '-m.example.com' is not a DNS name: a label must start and end with a letter or digit"},
	{{.host = "m_x.example.com", .cert_arns = L(ARN)},
	 "host 'm_x.example.com' is not a DNS name: only a-z, 0-9, '-' and '.' are allowed"},
	{{.host = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.io", .cert_arns = L(ARN)},
	 "host 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.io' is not a DNS name: a label is "
	 "longer than 63 characters"},
	/* certificate ARNs */
	{{.host = HOST}, "--cert-arn is required: the ACM certificate for the host (import one with "
	 "'kubectl milvus-l7 cert import')"},
	{{.host = HOST, .cert_arns = L("0a1b2c3d")}, "certificate ARN '0a1b2c3d' does not start with 'arn:' "
	 "(want arn:aws:acm:REGION:ACCOUNT:certificate/ID)"},
	{{.host = HOST, .cert_arns = L("arn:aws:acm:us-east-2:certificate/x")},
	 "certificate ARN 'arn:aws:acm:us-east-2:certificate/x' does not have the six fields of "
	 "arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID"},
	{{.host = HOST, .cert_arns = L("arn:aws-iso:acm:us-iso-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666")},
	 "certificate ARN 'arn:aws-iso:acm:us-iso-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666': "
	 "partition 'aws-iso' is not aws, aws-cn or aws-us-gov"},
	{{.host = HOST, .cert_arns = L("arn:aws:iam::123456789012:server-certificate/m")},
	 "certificate ARN 'arn:aws:iam::123456789012:server-certificate/m': service 'iam' is not acm; the "
	 "listener takes an ACM certificate"},
	{{.host = HOST, .cert_arns = L("arn:aws:acm:useast2:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666")},
	 "certificate ARN 'arn:aws:acm:useast2:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666': "
	 "'useast2' is not an AWS region (e.g. us-east-1)"},
	{{.host = HOST, .cert_arns = L("arn:aws:acm:cn-north-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666")},
	 "certificate ARN 'arn:aws:acm:cn-north-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666': "
	 "region 'cn-north-1' is not in partition 'aws'"},
	{{.host = HOST, .cert_arns = L("arn:aws:acm:us-east-2:12345678901:certificate/0a1b2c3d-1111-2222-3333-444455556666")},
	 "certificate ARN 'arn:aws:acm:us-east-2:12345678901:certificate/0a1b2c3d-1111-2222-3333-444455556666': "
	 "the account '12345678901' must be 12 digits"},
	{{.host = HOST, .cert_arns = L("arn:aws:acm:us-east-2:123456789012:cert/0a1b2c3d-1111-2222-3333-444455556666")},
	 "certificate ARN 'arn:aws:acm:us-east-2:123456789012:cert/0a1b2c3d-1111-2222-3333-444455556666': the "
	 "resource 'cert/0a1b2c3d-1111-2222-3333-444455556666' must be certificate/ID"},
	{{.host = HOST, .cert_arns = L("arn:aws:acm:us-east-2:123456789012:certificate/0A1B2C3D-1111-2222-3333-444455556666")},
	 "certificate ARN 'arn:aws:acm:us-east-2:123456789012:certificate/0A1B2C3D-1111-2222-3333-444455556666': "
	 "the certificate ID '0A1B2C3D-1111-2222-3333-444455556666' is not a UUID (8-4-4-4-12 lowercase hex digits)"},
	{{.host = HOST, .cert_arns = L(ARN), .region = "eu-west-1"},
	 "certificate ARN '" ARN "' is in region 'us-east-2' but the cluster is in 'eu-west-1'; an ALB only "
	 "uses certificates of its own region"},
	{{.host = HOST, .cert_arns = L(ARN, ARN)}, "--cert-arn lists '" ARN "' twice"},
	{{.host = HOST, .cert_arns = L(ARN ",")}, "--cert-arn has an empty entry in '" ARN ",'"},
	/* names */
	{{.host = HOST, .cert_arns = L(ARN), .name = "Milvus"}, "--name 'Milvus' is not a valid object name: it must be lowercase"},
	{{.host = HOST, .cert_arns = L(ARN), .ingress_class = "alb_x"},
	 "--ingress-class 'alb_x' is not a valid class name: only a-z, 0-9, '-' and '.' are allowed"},
	/* ALB options */
	{{.host = HOST, .cert_arns = L(ARN), .scheme = "public"}, "--scheme 'public' must be internet-facing or internal"},
	{{.host = HOST, .cert_arns = L(ARN), .ssl_policy = "TLS13"},
	 "--ssl-policy 'TLS13' is not an ELB security policy name (e.g. ELBSecurityPolicy-TLS13-1-2-2021-06)"},
	{{.host = HOST, .cert_arns = L(ARN), .group_name = "Milvus"},
	 "--group-name 'Milvus': at most 63 characters of a-z, 0-9, '-' and '.', starting and ending with a letter or digit"},
	{{.host = HOST, .cert_arns = L(ARN), .group_name = "g", .group_order = 1001, .group_order_set = 1},
	 "--group-order 1001 is outside -1000..1000"},
	{{.host = HOST, .cert_arns = L(ARN), .group_order = 1, .group_order_set = 1},
	 "--group-order needs --group-name (an order ranks the Ingresses of one group)"},
	{{.host = HOST, .cert_arns = L(ARN), .load_balancer_name = "milvus-demo-application-balancer1"},
	 "--load-balancer-name 'milvus-demo-application-balancer1' is longer than 32 characters"},
	{{.host = HOST, .cert_arns = L(ARN), .load_balancer_name = "milvus_alb"},
	 "--load-balancer-name 'milvus_alb': only letters, digits and '-', not starting or ending with '-'"},
	{{.host = HOST, .cert_arns = L(ARN), .load_balancer_name = "internal-milvus"},
	 "--load-balancer-name 'internal-milvus' must not begin with 'internal-'"},
	{{.host = HOST, .cert_arns = L(ARN), .idle_timeout_s = 4001}, "--idle-timeout 4001s is outside 1-4000 seconds"},
	{{.host = HOST, .cert_arns = L(ARN), .inbound_cidrs = L("10.0.0.0")},
	 "--inbound-cidrs '10.0.0.0' is not a CIDR block (e.g. 10.0.0.0/16 or 2001:db8::/32)"},
	{{.host = HOST, .cert_arns = L(ARN), .inbound_cidrs = L("10.0.0.0/33")},
	 "--inbound-cidrs '10.0.0.0/33': the prefix length must be 0-32"},
	{{.host = HOST, .cert_arns = L(ARN), .inbound_cidrs = L("2001:db8::/129")},
	 "--inbound-cidrs '2001:db8::/129': the prefix length must be 0-128"},
	{{.host = HOST, .cert_arns = L(ARN), .inbound_cidrs = L("192.168.1.7/24")},
	 "--inbound-cidrs '192.168.1.7/24' has host bits set; did you mean '192.168.1.0/24'?"},
	{{.host = HOST, .cert_arns = L(ARN), .inbound_cidrs = L("2001:db8::1/32")},
	 "--inbound-cidrs '2001:db8::1/32' has host bits set; did you mean '2001:db8::/32'?"},
	{{.host = HOST, .cert_arns = L(ARN), .inbound_cidrs = L("10.0.0.0/8", "10.0.0.0/8")},
	 "--inbound-cidrs lists '10.0.0.0/8' twice"},
	{{.host = HOST, .cert_arns = L(ARN), .subnets = L("subnet-xyz", "subnet-0123abcd")},
	 "--subnets 'subnet-xyz' is not a subnet ID (subnet- and 8 or 17 lowercase hex digits)"},
	{{.host = HOST, .cert_arns = L(ARN), .subnets = L("subnet-0123abcd")},
	 "--subnets needs at least two subnets in different Availability Zones (an ALB spans two or more)"},
	{{.host = HOST, .cert_arns = L(ARN), .security_groups = L("sg-12")},
	 "--security-groups 'sg-12' is not a security group ID (sg- and 8 or 17 lowercase hex digits)"},
	{{.host = HOST, .cert_arns = L(ARN), .tags = L("team")}, "--tags 'team' is not key=value"},
	{{.host = HOST, .cert_arns = L(ARN), .tags = L("aws:owner=x")}, "--tags key 'aws:owner': the aws: prefix is reserved by AWS"},
	{{.host = HOST, .cert_arns = L(ARN), .tags = L("a=1,a=2")}, "--tags lists 'a' twice"},
	{{.host = HOST, .cert_arns = L(ARN), .wafv2_acl_arn = "arn:aws:waf::123456789012:webacl/x"},
	 "--wafv2-acl-arn 'arn:aws:waf::123456789012:webacl/x' is not a regional WAFv2 web ACL ARN "
	 "(arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID) or none"},
	/* annotations */
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("owner")}, "--annotation 'owner' is not key=value"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("bad key=1")},
	 "--annotation key 'bad key' is not a valid name (an optional DNS prefix and '/', then up to 63 of A-Z a-z 0-9 - _ .)"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("x.io/a=1", "x.io/a=2")}, "--annotation 'x.io/a' is given twice"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/scheme=internal")},
	 "--annotation alb.ingress.kubernetes.io/scheme: use --scheme instead"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/listen-ports=[{\"HTTP\":80}]")},
	 "--annotation alb.ingress.kubernetes.io/listen-ports: milvus-l7 sets this annotation itself (a gRPC "
	 "backend behind HTTPS 443 needs it)"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("kubernetes.io/ingress.class=alb")},
	 "--annotation kubernetes.io/ingress.class: use --ingress-class instead"},
	{{.host = HOST, .cert_arns = L(ARN), .idle_timeout_s = 60,
	  .annotations = L("alb.ingress.kubernetes.io/load-balancer-attributes=routing.http2.enabled=true")},
	 "--annotation alb.ingress.kubernetes.io/load-balancer-attributes conflicts with --idle-timeout; put "
	 "idle_timeout.timeout_seconds=N into the annotation or drop it"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/success-codes=200")},
	 "annotation alb.ingress.kubernetes.io/success-codes: '200' is not a list of gRPC codes 0-99 (e.g. 12, "
	 "0,12 or 0-5); a GRPC target group checks gRPC codes, not HTTP statuses"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/backend-protocol=GRPC")},
	 "annotation alb.ingress.kubernetes.io/backend-protocol: 'GRPC' must be HTTP or HTTPS"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/healthcheck-path=health")},
	 "annotation alb.ingress.kubernetes.io/healthcheck-path: 'health' must start with '/' (the gRPC default "
	 "is /AWS.ALB/healthcheck)"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/healthcheck-port=milvus")},
	 "annotation alb.ingress.kubernetes.io/healthcheck-port: 'milvus' must be traffic-port or a port number "
	 "1-65535 (the Milvus Service's target port is named, so a name does not work with target-type ip)"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/healthcheck-port=70000")},
	 "annotation alb.ingress.kubernetes.io/healthcheck-port: '70000' must be traffic-port or a port number "
	 "1-65535 (the Milvus Service's target port is named, so a name does not work with target-type ip)"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/healthcheck-interval-seconds=1")},
	 "annotation alb.ingress.kubernetes.io/healthcheck-interval-seconds: '1' must be a whole number from 5 to 300"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/ssl-redirect=80")},
	 "annotation alb.ingress.kubernetes.io/ssl-redirect: '80' is not a listener port (443)"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/ip-address-type=ipv6")},
	 "annotation alb.ingress.kubernetes.io/ip-address-type: 'ipv6' must be ipv4, dualstack or "
	 "dualstack-without-public-ipv4"},
	{{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/target-group-attributes=x")},
	 "annotation alb.ingress.kubernetes.io/target-group-attributes: 'x' is not key=value[,key=value]"},
};

static void test_validation_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ml7_err err = {0};
		cJSON *obj = NULL;

		if (ml7_ingress_validate(&bad[i].o, &err) != ML7_EINVAL)
			fail_msg("case %zu (%s) passed validation", i, bad[i].msg);
		if (strcmp(err.msg, bad[i].msg) != 0)
			fail_msg("case %zu:\n got: %s\nwant: %s", i, err.msg, bad[i].msg);
		ml7_err_clear(&err);
		assert_int_equal(ml7_ingress_build(&bad[i].o, &guide_release, &obj, &err), ML7_EINVAL);
		assert_null(obj);
		assert_string_equal(err.msg, bad[i].msg);
	}
}

static void test_release_rules(void **state)
{
	struct ml7_ingress_opts o = {.host = HOST, .cert_arns = L(ARN)};
	struct ml7_release r = guide_release;
	struct ml7_err err = {0};
	cJSON *obj = NULL;

	(void)state;
	r.port = 0;
	assert_int_equal(ml7_ingress_build(&o, &r, &obj, &err), ML7_EINVAL);
	assert_string_equal(err.msg, "the Service port 0 is not a port number (1-65535)");
	ml7_err_clear(&err);
	r.port = 65536;
	assert_int_equal(ml7_ingress_build(&o, &r, &obj, &err), ML7_EINVAL);
	assert_string_equal(err.msg, "the Service port 65536 is not a port number (1-65535)");
	ml7_err_clear(&err);
	assert_int_equal(ml7_ingress_build(&o, NULL, &obj, &err), ML7_EINVAL);
	assert_string_equal(err.msg, "no Service to route to");
	/* no namespace: the object carries none (kubectl applies it to the current one) */
	ml7_err_clear(&err);
	r = guide_release;
	r.namespace_ = NULL;
	assert_int_equal(ml7_ingress_build(&o, &r, &obj, &err), 0);
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"), "namespace"));
	cJSON_Delete(obj);
}

static void test_valid_edges(void **state)
{
	const struct ml7_ingress_opts good[] = {
		{.host = "localhost", .cert_arns = L(ARN)},
		{.host = HOST, .cert_arns = L("arn:aws-cn:acm:cn-north-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666")},
		{.host = HOST, .cert_arns = L("arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666")},
		{.host = HOST, .cert_arns = L(ARN), .region = "us-east-2"},
		{.host = HOST, .cert_arns = L(ARN), .inbound_cidrs = L("0.0.0.0/0", "::/0")},
		{.host = HOST, .cert_arns = L(ARN), .group_name = "g", .group_order = -1000, .group_order_set = 1},
		{.host = HOST, .cert_arns = L(ARN), .idle_timeout_s = 1},
		{.host = HOST, .cert_arns = L(ARN), .load_balancer_name = "abcdefghijklmnopqrstuvwxyz012345"},
		{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/success-codes=0-5,12")},
		{.host = HOST, .cert_arns = L(ARN), .annotations = L("alb.ingress.kubernetes.io/healthcheck-port=traffic-port")},
		{.host = HOST, .cert_arns = L(ARN), .tags = L("k=")},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct ml7_err err = {0};

		if (ml7_ingress_validate(&good[i], &err))
			fail_msg("case %zu: %s", i, err.msg);
	}
}

static void test_arn_region(void **state)
{
	char buf[32];

	(void)state;
	ml7_ingress_arn_region(ARN, buf, sizeof(buf));
	assert_string_equal(buf, "us-east-2");
	ml7_ingress_arn_region("nope", buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void test_warnings(void **state)
{
	struct ml7_ingress_opts o = {.host = HOST, .cert_arns = L(ARN)};
	struct ml7_strlist w = ML7_STRLIST_INIT;

	(void)state;
	assert_int_equal(ml7_ingress_warnings(&o, &w), 0);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.items[0], "the ALB closes connections idle for 60 s, which cuts long searches and "
			    "index builds; consider --idle-timeout 10m");
	ml7_strlist_free(&w);
	o.idle_timeout_s = 600;
	o.scheme = "internal";
	o.security_groups = (struct ml7_ingress_list)L("sg-0123abcd");
	o.inbound_cidrs = (struct ml7_ingress_list)L("10.0.0.0/8");
	assert_int_equal(ml7_ingress_warnings(&o, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.items[0], "--scheme internal: the balancer is reachable only from inside the VPC");
	assert_string_equal(w.items[1], "--security-groups turns --inbound-cidrs off unless the annotation "
			    "alb.ingress.kubernetes.io/manage-backend-security-group-rules is 'true'");
	ml7_strlist_free(&w);
}

/* The flags front: --group-order and --idle-timeout parsing, lists borrowed. */
static void test_flags_apply(void **state)
{
	struct ml7_ingress_flags f;
	struct ml7_ingress_opts o;
	struct ml7_err err = {0};

	(void)state;
	memset(&f, 0, sizeof(f));
	memset(&o, 0, sizeof(o));
	f.host = HOST;
	assert_int_equal(ml7_strlist_push(&f.cert_arns, ARN), 0);
	f.group_order = "-20";
	f.idle_timeout_ms = 600000;
	assert_int_equal(ml7_ingress_flags_apply(&f, &o, &err), 0);
	assert_int_equal(o.group_order, -20);
	assert_int_equal(o.group_order_set, 1);
	assert_int_equal(o.idle_timeout_s, 600);
	assert_int_equal(o.cert_arns.n, 1);
	assert_string_equal(o.cert_arns.items[0], ARN);
	f.group_order = "x";
	assert_int_equal(ml7_ingress_flags_apply(&f, &o, &err), ML7_EINVAL);
	assert_string_equal(err.msg, "--group-order needs a whole number from -1000 to 1000, not 'x'");
	ml7_err_clear(&err);
	f.group_order = NULL;
	f.idle_timeout_ms = 1500;
	assert_int_equal(ml7_ingress_flags_apply(&f, &o, &err), ML7_EINVAL);
	assert_string_equal(err.msg, "--idle-timeout needs whole seconds, not 1500ms");
	ml7_strlist_free(&f.cert_arns);
}

/* Every allocation failure is reported, never a crash or a leak. */
static void test_out_of_memory(void **state)
{
	const struct ml7_ingress_opts *o = &golden[sizeof(golden) / sizeof(golden[0]) - 1].o;

	(void)state;
	for (long n = 0; n < 400; n++) {
		struct ml7_err err = {0};
		cJSON *obj = NULL;
		int rc;

		ml7_mem_fail_after(n);
		rc = ml7_ingress_build(o, &guide_release, &obj, &err);
		ml7_mem_fail_after(-1);
		if (rc == 0) {
			cJSON_Delete(obj);
			return;
		}
		assert_int_equal(rc, ML7_ENOMEM);
		assert_null(obj);
	}
}

int main(void)
{
	cJSON_Hooks hooks = {ml7_malloc, ml7_free};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_objects),
		cmocka_unit_test(test_guide_fields),
		cmocka_unit_test(test_annotations_alone),
		cmocka_unit_test(test_validation_messages),
		cmocka_unit_test(test_release_rules),
		cmocka_unit_test(test_valid_edges),
		cmocka_unit_test(test_arn_region),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_flags_apply),
		cmocka_unit_test(test_out_of_memory),
	};

	cJSON_InitHooks(&hooks);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
