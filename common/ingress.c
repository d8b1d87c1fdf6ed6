/* ingress.c - the ALB Ingress model: options -> validated object. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml7/ingress.h"
#include "ml7/mem.h"
#include "ml7/buf.h"
#include "ml7/release.h"
#include "ml7/strlist.h"

#define A(x) ML7_ALB_PREFIX x

/* ---- small parsers ------------------------------------------------------ */

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A whole number in [lo, hi]; 0 on success. */
static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Why s is not a DNS-1123 subdomain (NULL when it is). */
static const char *subdomain_problem(const char *s, size_t max)
{
	size_t n = strlen(s), start = 0;

	if (n == 0)
		return "it is empty";
	if (n > max)
		return max == 63 ? "it is longer than 63 characters" : "it is longer than 253 characters";
	for (size_t i = 0; i < n; i++)
		if (isupper((unsigned char)s[i]))
			return "it must be lowercase";
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (i == start)
			return "it has an empty label";
		if (i - start > 63)
			return "a label is longer than 63 characters";
		if (!is_lower_alnum(s[start]) || !is_lower_alnum(s[i - 1]))
			return "a label must start and end with a letter or digit";
		for (size_t j = start; j < i; j++)
			if (!is_lower_alnum(s[j]) && s[j] != '-')
				return "only a-z, 0-9, '-' and '.' are allowed";
		start = i + 1;
	}
	return NULL;
}

static int is_ip(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* ---- single rules ------------------------------------------------------- */

int ml7_ingress_check_host(const char *host, struct ml7_err *err)
{
	const char *p;

	if (!host || !*host)
		return ml7_err_set(err, ML7_EINVAL, "--host is required: the name clients connect to, "
				   "e.g. milvus.example.com");
	if (is_ip(host))
		return ml7_err_set(err, ML7_EINVAL, "host '%s' is an IP address; an Ingress rule needs a DNS name",
				   host);
	if (strchr(host, ':'))
		return ml7_err_set(err, ML7_EINVAL, "host '%s' must not carry a port or scheme; the ALB listens on 443",
				   host);
	p = host;
	if (strncmp(host, "*.", 2) == 0)
		p = host + 2;
	if (strchr(p, '*'))
		return ml7_err_set(err, ML7_EINVAL, "host '%s': a wildcard is allowed only as the whole first "
				   "label (*.example.com)", host);
	if (subdomain_problem(p, 253))
		return ml7_err_set(err, ML7_EINVAL, "host '%s' is not a DNS name: %s", host,
				   subdomain_problem(p, 253));
	return 0;
}

static int is_region(const char *s, size_t n)
{
	/* us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-3 */
	size_t i = 0, parts = 0;

	while (i < n) {
		size_t st = i;

		while (i < n && s[i] != '-')
			i++;
		if (i == st)
			return 0;
		parts++;
		if (i == n) /* last part: digits */
			return parts >= 3 && all_digits(s + st, i - st);
		for (size_t j = st; j < i; j++)
			if (!islower((unsigned char)s[j]))
				return 0;
		if (parts == 1 && i - st != 2)
			return 0;
		i++;
	}
	return 0;
}

static int is_uuid(const char *s)
{
	static const int groups[] = {8, 4, 4, 4, 12};
	const char *p = s;

	for (size_t g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++, p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
				return 0;
		if (g < 4 && *p++ != '-')
			return 0;
	}
	return *p == '\0';
}

/* Splits an ARN into its six fields (pointers into s with lengths).  The
 * resource is the rest of the string. */
static int arn_fields(const char *s, const char *f[6], size_t len[6])
{
	const char *p = s;

	for (int i = 0; i < 5; i++) {
		const char *c = strchr(p, ':');

		if (!c)
			return -1;
		f[i] = p;
		len[i] = (size_t)(c - p);
		p = c + 1;
	}
	f[5] = p;
	len[5] = strlen(p);
	return 0;
}

static int field_is(const char *f, size_t n, const char *s)
{
	return strlen(s) == n && strncmp(f, s, n) == 0;
}

void ml7_ingress_arn_region(const char *arn, char *buf, size_t n)
{
	const char *f[6];
	size_t len[6];

	if (n == 0)
		return;
	buf[0] = '\0';
	if (arn && strncmp(arn, "arn:", 4) == 0 && arn_fields(arn, f, len) == 0)
		snprintf(buf, n, "%.*s", (int)len[3], f[3]);
}

int ml7_ingress_check_cert_arn(const char *arn, const char *region, struct ml7_err *err)
{
	const char *f[6];
	size_t len[6];

	if (strncmp(arn, "arn:", 4) != 0)
		return ml7_err_set(err, ML7_EINVAL, "certificate ARN '%s' does not start with 'arn:' (want "
				   "arn:aws:acm:REGION:ACCOUNT:certificate/ID)", arn);
	if (arn_fields(arn, f, len) || strchr(f[5], ':'))
		return ml7_err_set(err, ML7_EINVAL, "certificate ARN '%s' does not have the six fields of "
				   "arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID", arn);
	if (!field_is(f[1], len[1], "aws") && !field_is(f[1], len[1], "aws-cn") &&
	    !field_is(f[1], len[1], "aws-us-gov"))
		return ml7_err_set(err, ML7_EINVAL, "certificate ARN '%s': partition '%.*s' is not aws, aws-cn "
				   "or aws-us-gov", arn, (int)len[1], f[1]);
	if (!field_is(f[2], len[2], "acm"))
		return ml7_err_set(err, ML7_EINVAL, "certificate ARN '%s': service '%.*s' is not acm; the "
				   "listener takes an ACM certificate", arn, (int)len[2], f[2]);
	if (!is_region(f[3], len[3]))
		return ml7_err_set(err, ML7_EINVAL, "certificate ARN '%s': '%.*s' is not an AWS region "
				   "(e.g. us-east-1)", arn, (int)len[3], f[3]);
	if ((field_is(f[1], len[1], "aws-cn") != (strncmp(f[3], "cn-", 3) == 0)) ||
	    (field_is(f[1], len[1], "aws-us-gov") != (strncmp(f[3], "us-gov-", 7) == 0)))
		return ml7_err_set(err, ML7_EINVAL, "certificate ARN '%s': region '%.*s' is not in partition "
				   "'%.*s'", arn, (int)len[3], f[3], (int)len[1], f[1]);
	if (len[4] != 12 || !all_digits(f[4], len[4]))
		return ml7_err_set(err, ML7_EINVAL, "certificate ARN '%s': the account '%.*s' must be 12 digits",
				   arn, (int)len[4], f[4]);
	if (strncmp(f[5], "certificate/", 12) != 0)
		return ml7_err_set(err, ML7_EINVAL, "certificate ARN '%s': the resource '%s' must be "
				   "certificate/ID", arn, f[5]);
	if (!is_uuid(f[5] + 12))
		return ml7_err_set(err, ML7_EINVAL, "certificate ARN '%s': the certificate ID '%s' is not a "
				   "UUID (8-4-4-4-12 lowercase hex digits)", arn, f[5] + 12);
	if (region && *region && !field_is(f[3], len[3], region))
		return ml7_err_set(err, ML7_EINVAL, "certificate ARN '%s' is in region '%.*s' but the cluster is "
				   "in '%s'; an ALB only uses certificates of its own region", arn,
				   (int)len[3], f[3], region);
	return 0;
}

static int check_cidr(const char *s, struct ml7_err *err)
{
	unsigned char a[16];
	char addr[64], fixed[80], text[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	long prefix;
	int af, bits;

	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		goto bad;
	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - s), s);
	if (inet_pton(AF_INET, addr, a) == 1)
		af = AF_INET, bits = 32;
	else if (inet_pton(AF_INET6, addr, a) == 1)
		af = AF_INET6, bits = 128;
	else
		goto bad;
	if (!all_digits(slash + 1, strlen(slash + 1)) || parse_int(slash + 1, 0, bits, &prefix))
		return ml7_err_set(err, ML7_EINVAL, "--inbound-cidrs '%s': the prefix length must be 0-%d",
				   s, bits);
	for (int i = (int)prefix; i < bits; i++)
		if (a[i / 8] & (0x80 >> (i % 8))) {
			for (int j = (int)prefix; j < bits; j++)
				a[j / 8] &= (unsigned char)~(0x80 >> (j % 8));
			inet_ntop(af, a, text, sizeof(text));
			snprintf(fixed, sizeof(fixed), "%s/%ld", text, prefix);
			return ml7_err_set(err, ML7_EINVAL, "--inbound-cidrs '%s' has host bits set; did you mean "
					   "'%s'?", s, fixed);
		}
	return 0;
bad:
	return ml7_err_set(err, ML7_EINVAL, "--inbound-cidrs '%s' is not a CIDR block (e.g. 10.0.0.0/16 "
			   "or 2001:db8::/32)", s);
}

/* subnet-0123abcd or subnet-0123456789abcdef0 (8 or 17 hex digits). */
static int is_aws_id(const char *s, const char *prefix)
{
	size_t p = strlen(prefix), n;

	if (strncmp(s, prefix, p) != 0)
		return 0;
	n = strlen(s + p);
	if (n != 8 && n != 17)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[p + i]) || isupper((unsigned char)s[p + i]))
			return 0;
	return 1;
}

/* ---- lists ------------------------------------------------------------- */

/* Splits every entry on commas, trims blanks; empty parts and repeats are
 * errors naming the flag.  With keyed, repeats are compared up to the '='. */
static int split_list(const struct ml7_ingress_list *l, const char *flag, int keyed,
		      struct ml7_strlist *out, struct ml7_err *err)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *p = l->items[i];

		for (;;) {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			const char *q = p;

			while (n && isspace((unsigned char)*q))
				q++, n--;
			while (n && isspace((unsigned char)q[n - 1]))
				n--;
			if (n == 0)
				return ml7_err_set(err, ML7_EINVAL, "--%s has an empty entry in '%s'", flag,
						   l->items[i]);
			for (size_t j = 0; j < out->n; j++) {
				const char *o = out->items[j];
				size_t on = strlen(o), kn = n;

				if (keyed) {
					const char *e1 = memchr(q, '=', n), *e2 = strchr(o, '=');

					kn = e1 ? (size_t)(e1 - q) : n;
					on = e2 ? (size_t)(e2 - o) : on;
				}
				if (kn == on && strncmp(o, q, kn) == 0)
					return ml7_err_set(err, ML7_EINVAL, "--%s lists '%.*s' twice", flag,
							   (int)kn, q);
			}
			if (ml7_strlist_pushn(out, q, n))
				return ml7_err_set(err, ML7_ENOMEM, "out of memory");
			if (!c)
				break;
			p = c + 1;
		}
	}
	return 0;
}

static int join(const struct ml7_strlist *l, struct ml7_buf *b)
{
	ml7_buf_reset(b);
	for (size_t i = 0; i < l->n; i++)
		if ((i && ml7_buf_putc(b, ',')) || ml7_buf_puts(b, l->items[i]))
			return ML7_ENOMEM;
	return ml7_buf_putc(b, '\0') ? ML7_ENOMEM : 0;
}

/* ---- annotations given with --annotation -------------------------------- */

/* Annotations milvus-l7 writes from a flag or always. */
static const struct {
	const char *key;
	const char *flag;   /* NULL: always set by milvus-l7 */
} owned_keys[] = {
	{A("scheme"), "--scheme"},
	{A("backend-protocol-version"), NULL},
	{A("target-type"), NULL},
	{A("listen-ports"), NULL},
	{A("certificate-arn"), "--cert-arn"},
	{A("ssl-policy"), "--ssl-policy"},
	{A("group.name"), "--group-name"},
	{A("group.order"), "--group-order"},
	{A("load-balancer-name"), "--load-balancer-name"},
	{A("inbound-cidrs"), "--inbound-cidrs"},
	{A("subnets"), "--subnets"},
	{A("security-groups"), "--security-groups"},
	{A("tags"), "--tags"},
	{A("wafv2-acl-arn"), "--wafv2-acl-arn"},
	{"kubernetes.io/ingress.class", "--ingress-class"},
};

static int is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* A qualified name: [DNS-subdomain/]name, name <= 63 of [A-Za-z0-9-_.],
 * starting and ending alphanumeric. */
static int is_qualified_name(const char *k, size_t n)
{
	const char *slash = memchr(k, '/', n);
	const char *name = k;
	size_t nn = n;

	if (slash) {
		char prefix[256];
		size_t pn = (size_t)(slash - k);

		if (pn == 0 || pn >= sizeof(prefix))
			return 0;
		memcpy(prefix, k, pn);
		prefix[pn] = '\0';
		if (subdomain_problem(prefix, 253))
			return 0;
		name = slash + 1;
		nn = n - pn - 1;
	}
	if (nn == 0 || nn > 63 || !isalnum((unsigned char)name[0]) || !isalnum((unsigned char)name[nn - 1]))
		return 0;
	for (size_t i = 0; i < nn; i++)
		if (!is_name_char(name[i]))
			return 0;
	return 1;
}

/* k=v[,k=v] with non-empty keys. */
static int is_string_map(const char *v)
{
	const char *p = v;

	if (!*v)
		return 0;
	for (;;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		const char *eq = memchr(p, '=', n);

		if (!eq || eq == p)
			return 0;
		if (!c)
			return 1;
		p = c + 1;
	}
}

/* gRPC codes: 0-99, lists "0,12", ranges "0-5". */
static int is_grpc_codes(const char *v)
{
	const char *p = v;

	if (!*v)
		return 0;
	for (;;) {
		char *end;
		long a, b;

		if (!isdigit((unsigned char)*p))
			return 0;
		a = strtol(p, &end, 10);
		b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return 0;
			b = strtol(end + 1, &end, 10);
		}
		if (a > 99 || b > 99 || b < a)
			return 0;
		if (*end == '\0')
			return 1;
		if (*end != ',')
			return 0;
		p = end + 1;
	}
}

static int one_of(const char *v, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(v, *set) == 0)
			return 1;
	return 0;
}

static int check_annotation_value(const char *key, const char *v, struct ml7_err *err)
{
	static const char *const http_https[] = {"HTTP", "HTTPS", NULL};
	static const char *const ip_types[] = {"ipv4", "dualstack", "dualstack-without-public-ipv4", NULL};
	static const struct {
		const char *key;
		long lo, hi;
	} ranges[] = {
		{A("healthcheck-interval-seconds"), 5, 300},
		{A("healthcheck-timeout-seconds"), 2, 120},
		{A("healthy-threshold-count"), 2, 10},
		{A("unhealthy-threshold-count"), 2, 10},
	};
	long n;

	if (strncmp(key, ML7_ALB_PREFIX, strlen(ML7_ALB_PREFIX)) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (strcmp(key, ranges[i].key) == 0 && parse_int(v, ranges[i].lo, ranges[i].hi, &n))
			return ml7_err_set(err, ML7_EINVAL, "annotation %s: '%s' must be a whole number from %ld "
					   "to %ld", key, v, ranges[i].lo, ranges[i].hi);
	if ((strcmp(key, A("backend-protocol")) == 0 || strcmp(key, A("healthcheck-protocol")) == 0) &&
	    !one_of(v, http_https))
		return ml7_err_set(err, ML7_EINVAL, "annotation %s: '%s' must be HTTP or HTTPS", key, v);
	if (strcmp(key, A("success-codes")) == 0 && !is_grpc_codes(v))
		return ml7_err_set(err, ML7_EINVAL, "annotation %s: '%s' is not a list of gRPC codes 0-99 "
				   "(e.g. 12, 0,12 or 0-5); a GRPC target group checks gRPC codes, not HTTP "
				   "statuses", key, v);
	if (strcmp(key, A("healthcheck-path")) == 0 && v[0] != '/')
		return ml7_err_set(err, ML7_EINVAL, "annotation %s: '%s' must start with '/' (the gRPC default "
				   "is /AWS.ALB/healthcheck)", key, v);
	if (strcmp(key, A("healthcheck-port")) == 0 && strcmp(v, "traffic-port") != 0 &&
	    parse_int(v, 1, 65535, &n))
		return ml7_err_set(err, ML7_EINVAL, "annotation %s: '%s' must be traffic-port or a port number "
				   "1-65535 (the Milvus Service's target port is named, so a name does not "
				   "work with target-type ip)", key, v);
	if (strcmp(key, A("ssl-redirect")) == 0 && strcmp(v, "443") != 0)
		return ml7_err_set(err, ML7_EINVAL, "annotation %s: '%s' is not a listener port (443)", key, v);
	if (strcmp(key, A("ip-address-type")) == 0 && !one_of(v, ip_types))
		return ml7_err_set(err, ML7_EINVAL, "annotation %s: '%s' must be ipv4, dualstack or "
				   "dualstack-without-public-ipv4", key, v);
	if ((strcmp(key, A("load-balancer-attributes")) == 0 ||
	     strcmp(key, A("target-group-attributes")) == 0) && !is_string_map(v))
		return ml7_err_set(err, ML7_EINVAL, "annotation %s: '%s' is not key=value[,key=value]", key, v);
	return 0;
}

static int check_annotations(const struct ml7_ingress_opts *o, struct ml7_err *err)
{
	for (size_t i = 0; i < o->annotations.n; i++) {
		const char *a = o->annotations.items[i];
		const char *eq = strchr(a, '=');
		size_t kn = eq ? (size_t)(eq - a) : 0;
		char key[512];

		if (!eq || kn == 0)
			return ml7_err_set(err, ML7_EINVAL, "--annotation '%s' is not key=value", a);
		if (!is_qualified_name(a, kn) || kn >= sizeof(key))
			return ml7_err_set(err, ML7_EINVAL, "--annotation key '%.*s' is not a valid name (an optional "
					   "DNS prefix and '/', then up to 63 of A-Z a-z 0-9 - _ .)", (int)kn, a);
		snprintf(key, sizeof(key), "%.*s", (int)kn, a);
		for (size_t j = 0; j < i; j++)
			if (strncmp(o->annotations.items[j], a, kn + 1) == 0)
				return ml7_err_set(err, ML7_EINVAL, "--annotation '%s' is given twice", key);
		for (size_t j = 0; j < sizeof(owned_keys) / sizeof(owned_keys[0]); j++)
			if (strcmp(key, owned_keys[j].key) == 0) {
				if (owned_keys[j].flag)
					return ml7_err_set(err, ML7_EINVAL, "--annotation %s: use %s instead", key,
							   owned_keys[j].flag);
				return ml7_err_set(err, ML7_EINVAL, "--annotation %s: milvus-l7 sets this annotation "
						   "itself (a gRPC backend behind HTTPS 443 needs it)", key);
			}
		if (strcmp(key, A("load-balancer-attributes")) == 0 && o->idle_timeout_s)
			return ml7_err_set(err, ML7_EINVAL, "--annotation %s conflicts with --idle-timeout; put "
					   "idle_timeout.timeout_seconds=N into the annotation or drop it", key);
		if (check_annotation_value(key, eq + 1, err))
			return ML7_EINVAL;
	}
	return 0;
}

/* ---- the whole set ------------------------------------------------------ */

struct lists {
	struct ml7_strlist certs, cidrs, subnets, sgs, tags;
};

static void lists_free(struct lists *l)
{
	ml7_strlist_free(&l->certs);
	ml7_strlist_free(&l->cidrs);
	ml7_strlist_free(&l->subnets);
	ml7_strlist_free(&l->sgs);
	ml7_strlist_free(&l->tags);
}

static int check_tags(const struct ml7_strlist *tags, struct ml7_err *err)
{
	if (tags->n > 50)
		return ml7_err_set(err, ML7_EINVAL, "--tags has %zu tags; AWS allows at most 50", tags->n);
	for (size_t i = 0; i < tags->n; i++) {
		const char *t = tags->items[i], *eq = strchr(t, '=');
		size_t kn = eq ? (size_t)(eq - t) : 0;

		if (!eq || kn == 0)
			return ml7_err_set(err, ML7_EINVAL, "--tags '%s' is not key=value", t);
		if (kn > 128)
			return ml7_err_set(err, ML7_EINVAL, "--tags key '%.*s...' is longer than 128 characters",
					   20, t);
		if (strlen(eq + 1) > 256)
			return ml7_err_set(err, ML7_EINVAL, "--tags value of '%.*s' is longer than 256 characters",
					   (int)kn, t);
		if (strncasecmp(t, "aws:", 4) == 0)
			return ml7_err_set(err, ML7_EINVAL, "--tags key '%.*s': the aws: prefix is reserved by AWS",
					   (int)kn, t);
	}
	return 0;
}

static int check_all(const struct ml7_ingress_opts *o, struct lists *l, struct ml7_err *err)
{
	const char *problem;

	if (ml7_ingress_check_host(o->host, err))
		return ML7_EINVAL;
	if (split_list(&o->cert_arns, "cert-arn", 0, &l->certs, err))
		return err->code;
	if (l->certs.n == 0)
		return ml7_err_set(err, ML7_EINVAL, "--cert-arn is required: the ACM certificate for the host "
				   "(import one with 'kubectl milvus-l7 cert import')");
	for (size_t i = 0; i < l->certs.n; i++)
		if (ml7_ingress_check_cert_arn(l->certs.items[i], o->region, err))
			return ML7_EINVAL;
	if (o->name && (problem = subdomain_problem(o->name, 253)))
		return ml7_err_set(err, ML7_EINVAL, "--name '%s' is not a valid object name: %s", o->name,
				   problem);
	if (o->ingress_class && (problem = subdomain_problem(o->ingress_class, 253)))
		return ml7_err_set(err, ML7_EINVAL, "--ingress-class '%s' is not a valid class name: %s",
				   o->ingress_class, problem);
	if (o->scheme && strcmp(o->scheme, "internet-facing") != 0 && strcmp(o->scheme, "internal") != 0)
		return ml7_err_set(err, ML7_EINVAL, "--scheme '%s' must be internet-facing or internal",
				   o->scheme);
	if (o->ssl_policy) {
		const char *p = o->ssl_policy + strlen("ELBSecurityPolicy-");
		int ok = strncmp(o->ssl_policy, "ELBSecurityPolicy-", strlen("ELBSecurityPolicy-")) == 0 && *p;

		for (; ok && *p; p++)
			ok = isalnum((unsigned char)*p) || *p == '-';
		if (!ok)
			return ml7_err_set(err, ML7_EINVAL, "--ssl-policy '%s' is not an ELB security policy name "
					   "(e.g. ELBSecurityPolicy-TLS13-1-2-2021-06)", o->ssl_policy);
	}
	if (o->group_name && subdomain_problem(o->group_name, 63))
		return ml7_err_set(err, ML7_EINVAL, "--group-name '%s': at most 63 characters of a-z, 0-9, '-' "
				   "and '.', starting and ending with a letter or digit", o->group_name);
	if (o->group_order_set && (o->group_order < -1000 || o->group_order > 1000))
		return ml7_err_set(err, ML7_EINVAL, "--group-order %d is outside -1000..1000", o->group_order);
	if (o->group_order_set && !o->group_name)
		return ml7_err_set(err, ML7_EINVAL, "--group-order needs --group-name (an order ranks the "
				   "Ingresses of one group)");
	if (o->load_balancer_name) {
		const char *n = o->load_balancer_name;
		size_t len = strlen(n);
		int ok = len > 0 && n[0] != '-' && n[len - 1] != '-';

		if (len > 32)
			return ml7_err_set(err, ML7_EINVAL, "--load-balancer-name '%s' is longer than 32 characters",
					   n);
		for (size_t i = 0; ok && i < len; i++)
			ok = isalnum((unsigned char)n[i]) || n[i] == '-';
		if (!ok)
			return ml7_err_set(err, ML7_EINVAL, "--load-balancer-name '%s': only letters, digits and "
					   "'-', not starting or ending with '-'", n);
		if (strncmp(n, "internal-", 9) == 0)
			return ml7_err_set(err, ML7_EINVAL, "--load-balancer-name '%s' must not begin with "
					   "'internal-'", n);
	}
	if (o->idle_timeout_s && (o->idle_timeout_s < 1 || o->idle_timeout_s > 4000))
		return ml7_err_set(err, ML7_EINVAL, "--idle-timeout %lds is outside 1-4000 seconds",
				   o->idle_timeout_s);
	if (split_list(&o->inbound_cidrs, "inbound-cidrs", 0, &l->cidrs, err))
		return err->code;
	for (size_t i = 0; i < l->cidrs.n; i++)
		if (check_cidr(l->cidrs.items[i], err))
			return ML7_EINVAL;
	if (split_list(&o->subnets, "subnets", 0, &l->subnets, err))
		return err->code;
	for (size_t i = 0; i < l->subnets.n; i++)
		if (strncmp(l->subnets.items[i], "subnet-", 7) == 0 && !is_aws_id(l->subnets.items[i], "subnet-"))
			return ml7_err_set(err, ML7_EINVAL, "--subnets '%s' is not a subnet ID (subnet- and 8 or "
					   "17 lowercase hex digits)", l->subnets.items[i]);
	if (l->subnets.n == 1)
		return ml7_err_set(err, ML7_EINVAL, "--subnets needs at least two subnets in different "
				   "Availability Zones (an ALB spans two or more)");
	if (split_list(&o->security_groups, "security-groups", 0, &l->sgs, err))
		return err->code;
	for (size_t i = 0; i < l->sgs.n; i++)
		if (strncmp(l->sgs.items[i], "sg-", 3) == 0 && !is_aws_id(l->sgs.items[i], "sg-"))
			return ml7_err_set(err, ML7_EINVAL, "--security-groups '%s' is not a security group ID "
					   "(sg- and 8 or 17 lowercase hex digits)", l->sgs.items[i]);
	if (split_list(&o->tags, "tags", 1, &l->tags, err) || check_tags(&l->tags, err))
		return err->code;
	if (o->wafv2_acl_arn && strcmp(o->wafv2_acl_arn, "none") != 0) {
		const char *f[6];
		size_t len[6];
		const char *w = o->wafv2_acl_arn;

		if (strncmp(w, "arn:", 4) != 0 || arn_fields(w, f, len) ||
		    !(field_is(f[1], len[1], "aws") || field_is(f[1], len[1], "aws-cn") ||
		      field_is(f[1], len[1], "aws-us-gov")) ||
		    !field_is(f[2], len[2], "wafv2") || !is_region(f[3], len[3]) || len[4] != 12 ||
		    !all_digits(f[4], len[4]) || strncmp(f[5], "regional/webacl/", 16) != 0 ||
		    !strchr(f[5] + 16, '/'))
			return ml7_err_set(err, ML7_EINVAL, "--wafv2-acl-arn '%s' is not a regional WAFv2 web ACL "
					   "ARN (arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID) or none", w);
	}
	return check_annotations(o, err);
}

int ml7_ingress_validate(const struct ml7_ingress_opts *opts, struct ml7_err *err)
{
	struct lists l;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = check_all(opts, &l, err);
	lists_free(&l);
	return rc;
}

/* ---- building ----------------------------------------------------------- */

static int add_str(cJSON *o, const char *k, const char *v)
{
	return cJSON_AddStringToObject(o, k, v) ? 0 : ML7_ENOMEM;
}

static int add_list(cJSON *o, const char *k, const struct ml7_strlist *l, struct ml7_buf *b)
{
	if (l->n == 0)
		return 0;
	if (join(l, b))
		return ML7_ENOMEM;
	return add_str(o, k, b->data);
}

static int build_annotations(const struct ml7_ingress_opts *o, const struct lists *l, cJSON **out,
			     struct ml7_err *err)
{
	cJSON *a = cJSON_CreateObject();
	struct ml7_buf b = ML7_BUF_INIT;
	char num[64];
	int rc = ML7_ENOMEM;

	if (!a)
		goto out;
	if (add_str(a, A("scheme"), o->scheme ? o->scheme : "internet-facing") ||
	    add_str(a, A("backend-protocol-version"), "GRPC") ||
	    add_str(a, A("target-type"), "ip") ||
	    add_str(a, A("listen-ports"), "[{\"HTTPS\":443}]") ||
	    add_list(a, A("certificate-arn"), &l->certs, &b))
		goto out;
	if (o->ssl_policy && add_str(a, A("ssl-policy"), o->ssl_policy))
		goto out;
	if (o->group_name && add_str(a, A("group.name"), o->group_name))
		goto out;
	snprintf(num, sizeof(num), "%d", o->group_order);
	if (o->group_order_set && add_str(a, A("group.order"), num))
		goto out;
	if (o->load_balancer_name && add_str(a, A("load-balancer-name"), o->load_balancer_name))
		goto out;
	snprintf(num, sizeof(num), "idle_timeout.timeout_seconds=%ld", o->idle_timeout_s);
	if (o->idle_timeout_s && add_str(a, A("load-balancer-attributes"), num))
		goto out;
	if (add_list(a, A("inbound-cidrs"), &l->cidrs, &b) || add_list(a, A("subnets"), &l->subnets, &b) ||
	    add_list(a, A("security-groups"), &l->sgs, &b) || add_list(a, A("tags"), &l->tags, &b))
		goto out;
	if (o->wafv2_acl_arn && add_str(a, A("wafv2-acl-arn"), o->wafv2_acl_arn))
		goto out;
	for (size_t i = 0; i < o->annotations.n; i++) {
		const char *s = o->annotations.items[i], *eq = strchr(s, '=');
		char *k = ml7_strndup(s, (size_t)(eq - s));

		if (!k || add_str(a, k, eq + 1)) {
			ml7_free(k);
			goto out;
		}
		ml7_free(k);
	}
	*out = a;
	a = NULL;
	rc = 0;
out:
	ml7_buf_free(&b);
	cJSON_Delete(a);
	if (rc)
		ml7_err_set(err, rc, "out of memory");
	return rc;
}

int ml7_ingress_annotations(const struct ml7_ingress_opts *opts, cJSON **out, struct ml7_err *err)
{
	struct lists l;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = check_all(opts, &l, err);
	if (rc == 0)
		rc = build_annotations(opts, &l, out, err);
	lists_free(&l);
	return rc;
}

int ml7_ingress_build(const struct ml7_ingress_opts *opts, const struct ml7_release *rel, cJSON **out,
		      struct ml7_err *err)
{
	struct lists l;
	cJSON *obj = NULL, *md, *labels, *ann = NULL, *spec, *rules, *rule, *http, *paths, *path, *svc,
	      *port;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = check_all(opts, &l, err);
	if (rc)
		goto out;
	rc = ML7_EINVAL;
	if (!rel || !rel->service || !*rel->service) {
		ml7_err_set(err, rc, "no Service to route to");
		goto out;
	}
	if (rel->port < 1 || rel->port > 65535) {
		ml7_err_set(err, rc, "the Service port %d is not a port number (1-65535)", rel->port);
		goto out;
	}
	if (!opts->name && subdomain_problem(rel->service, 253)) {
		ml7_err_set(err, rc, "the Service name '%s' is not a valid object name: %s", rel->service,
			    subdomain_problem(rel->service, 253));
		goto out;
	}
	rc = build_annotations(opts, &l, &ann, err);
	if (rc)
		goto out;
	rc = ML7_ENOMEM;
	if (!(obj = cJSON_CreateObject()) || add_str(obj, "apiVersion", "networking.k8s.io/v1") ||
	    add_str(obj, "kind", "Ingress") || !(md = cJSON_AddObjectToObject(obj, "metadata")) ||
	    add_str(md, "name", opts->name ? opts->name : rel->service) ||
	    (rel->namespace_ && add_str(md, "namespace", rel->namespace_)) ||
	    !(labels = cJSON_AddObjectToObject(md, "labels")) ||
	    add_str(labels, ML7_INGRESS_MANAGED_BY_LABEL, ML7_INGRESS_MANAGED_BY))
		goto nomem;
	if (!cJSON_AddItemToObject(md, "annotations", ann))
		goto nomem;
	ann = NULL;
	if (!(spec = cJSON_AddObjectToObject(obj, "spec")) ||
	    add_str(spec, "ingressClassName", opts->ingress_class ? opts->ingress_class : ML7_INGRESS_DEFAULT_CLASS) ||
	    !(rules = cJSON_AddArrayToObject(spec, "rules")) || !(rule = cJSON_CreateObject()) ||
	    !cJSON_AddItemToArray(rules, rule) || add_str(rule, "host", opts->host) ||
	    !(http = cJSON_AddObjectToObject(rule, "http")) || !(paths = cJSON_AddArrayToObject(http, "paths")) ||
	    !(path = cJSON_CreateObject()) || !cJSON_AddItemToArray(paths, path) || add_str(path, "path", "/") ||
	    add_str(path, "pathType", "Prefix") ||
	    !(svc = cJSON_AddObjectToObject(cJSON_AddObjectToObject(path, "backend"), "service")) ||
	    add_str(svc, "name", rel->service) || !(port = cJSON_AddObjectToObject(svc, "port")) ||
	    !cJSON_AddNumberToObject(port, "number", rel->port))
		goto nomem;
	*out = obj;
	obj = NULL;
	rc = 0;
	goto out;
nomem:
	ml7_err_set(err, rc, "out of memory");
out:
	cJSON_Delete(ann);
	cJSON_Delete(obj);
	lists_free(&l);
	return rc;
}

int ml7_ingress_warnings(const struct ml7_ingress_opts *o, struct ml7_strlist *out)
{
	int lb_attr = 0, sg = o->security_groups.n > 0;

	for (size_t i = 0; i < o->annotations.n; i++) {
		if (strncmp(o->annotations.items[i], A("load-balancer-attributes="),
			    strlen(A("load-balancer-attributes="))) == 0 &&
		    strstr(o->annotations.items[i], "idle_timeout.timeout_seconds="))
			lb_attr = 1;
		if (strcmp(o->annotations.items[i], A("manage-backend-security-group-rules=true")) == 0)
			sg = 0;
	}
	if (!o->idle_timeout_s && !lb_attr &&
	    ml7_strlist_push(out, "the ALB closes connections idle for 60 s, which cuts long searches and "
			     "index builds; consider --idle-timeout 10m"))
		return ML7_ENOMEM;
	if (o->scheme && strcmp(o->scheme, "internal") == 0 &&
	    ml7_strlist_push(out, "--scheme internal: the balancer is reachable only from inside the VPC"))
		return ML7_ENOMEM;
	if (sg && o->inbound_cidrs.n &&
	    ml7_strlist_push(out, "--security-groups turns --inbound-cidrs off unless the annotation "
			     A("manage-backend-security-group-rules") " is 'true'"))
		return ML7_ENOMEM;
	return 0;
}

int ml7_ingress_is_managed(const cJSON *obj)
{
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "labels");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(labels, ML7_INGRESS_MANAGED_BY_LABEL);

	return cJSON_IsString(v) && strcmp(v->valuestring, ML7_INGRESS_MANAGED_BY) == 0;
}
