/* test_cert.c - every certificate check, on certificates made in memory at test
 * time with OpenSSL: RSA and ECDSA, a private root and an intermediate, expired,
 * not yet valid, expiring soon, wrong host, wildcard, chain out of order, the
 * leaf in the chain, a full chain in the cert file, DER, encrypted keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ml7/acm.h"
#include "ml7/cert.h"
#include "ml7/mem.h"

#define DAY 86400L

static EVP_PKEY *k_root, *k_inter, *k_leaf, *k_other, *k_ec384, *k_ec256, *k_rsa1024, *k_ed;
static X509 *root, *inter;
static time_t now;

static X509 *mkcert(EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, const char *cn, const char *san,
		    int ca, long from, long to)
{
	X509 *x = X509_new();
	X509V3_CTX v3;
	X509_EXTENSION *e;
	static long serial = 1;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_time_adj_ex(X509_getm_notBefore(x), 0, from, &now);
	X509_time_adj_ex(X509_getm_notAfter(x), 0, to, &now);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(x));
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	if (ca) {
		e = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, "critical,CA:TRUE");
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		e = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage, "critical,keyCertSign,cRLSign");
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	} else {
		e = X509V3_EXT_conf_nid(NULL, &v3, NID_ext_key_usage, "serverAuth");
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	if (san) {
		e = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
	return x;
}

static char *pem_of(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	PEM_write_bio_X509(b, x);
	n = BIO_get_mem_data(b, &p);
	out = strndup(p, (size_t)n);
	BIO_free(b);
	return out;
}

static char *key_pem(EVP_PKEY *k, int encrypted)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	if (encrypted)
		PEM_write_bio_PKCS8PrivateKey(b, k, EVP_aes_256_cbc(), "pw", 2, NULL, NULL);
	else
		PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	n = BIO_get_mem_data(b, &p);
	out = strndup(p, (size_t)n);
	BIO_free(b);
	return out;
}

static char *cat(const char *a, const char *b)
{
	char *s = malloc(strlen(a) + strlen(b) + 1);

	strcpy(s, a);
	strcat(s, b);
	return s;
}

static int setup(void **state)
{
	(void)state;
	now = time(NULL);
	k_root = EVP_RSA_gen(2048);
	k_inter = EVP_RSA_gen(2048);
	k_leaf = EVP_RSA_gen(2048);
	k_other = EVP_EC_gen("prime256v1");
	k_ec384 = EVP_EC_gen("secp384r1");
	k_ec256 = k_other;
	k_rsa1024 = EVP_RSA_gen(1024);
	k_ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!k_root || !k_inter || !k_leaf || !k_other || !k_ec384 || !k_rsa1024 || !k_ed)
		return -1;
	root = mkcert(k_root, NULL, NULL, "test root", NULL, 1, -DAY, 3650 * DAY);
	inter = mkcert(k_inter, root, k_root, "test intermediate", NULL, 1, -DAY, 3650 * DAY);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	X509_free(root);
	X509_free(inter);
	EVP_PKEY_free(k_root);
	EVP_PKEY_free(k_inter);
	EVP_PKEY_free(k_leaf);
	EVP_PKEY_free(k_other);
	EVP_PKEY_free(k_ec384);
	EVP_PKEY_free(k_rsa1024);
	EVP_PKEY_free(k_ed);
	return 0;
}

/* One scenario: leaf certificate + key + chain (+ CA), checked for host. */
struct run {
	char *cert, *key, *chain, *ca;
	struct ml7_cert_report *r;
};

static void check(struct run *t, const char *host)
{
	struct ml7_cert_opts o;
	struct ml7_err err;

	memset(&o, 0, sizeof(o));
	ml7_err_clear(&err);
	o.cert = t->cert;
	o.cert_len = strlen(t->cert);
	if (t->key) {
		o.key = t->key;
		o.key_len = strlen(t->key);
	}
	if (t->chain) {
		o.chain = t->chain;
		o.chain_len = strlen(t->chain);
	}
	if (t->ca) {
		o.ca_pem = t->ca;
		o.ca_len = strlen(t->ca);
	}
	o.host = host;
	assert_int_equal(ml7_cert_check(&o, &t->r, &err), 0);
}

static void done(struct run *t)
{
	free(t->cert);
	free(t->key);
	free(t->chain);
	free(t->ca);
	ml7_cert_report_free(t->r);
}

/* The result of one check: its status, and its message must contain want. */
static void expect(const struct ml7_cert_report *r, const char *name, int status, const char *want)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->results[i].check, name) == 0) {
			if (r->results[i].status != status || (want && !strstr(r->results[i].msg, want)))
				fail_msg("check %s: %s '%s', want %s with '%s'", name,
					 ml7_cert_status_name(r->results[i].status), r->results[i].msg,
					 ml7_cert_status_name(status), want ? want : "");
			return;
		}
	fail_msg("no result for check %s", name);
}

static void expect_absent(const struct ml7_cert_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->results[i].check, name) == 0)
			fail_msg("unexpected result for check %s: %s", name, r->results[i].msg);
}

/* leaf signed by the intermediate, chain = intermediate, CA = root */
static void good(struct run *t, EVP_PKEY *k, const char *san, long from, long to)
{
	X509 *leaf = mkcert(k, inter, k_inter, "milvus-demo.milvus.io", san, 0, from, to);

	t->cert = pem_of(leaf);
	t->key = key_pem(k, 0);
	t->chain = pem_of(inter);
	t->ca = pem_of(root);
	X509_free(leaf);
}

static void test_good_chain_private_ca(void **state)
{
	struct run t = {0};

	(void)state;
	good(&t, k_leaf, "DNS:milvus-demo.milvus.io", -DAY, 90 * DAY);
	check(&t, "milvus-demo.milvus.io");
	expect(t.r, "cert", ML7_CERT_OK, "CN=milvus-demo.milvus.io");
	expect(t.r, "key", ML7_CERT_OK, "unencrypted");
	expect(t.r, "match", ML7_CERT_OK, NULL);
	expect(t.r, "key-type", ML7_CERT_OK, "RSA 2048");
	expect(t.r, "size", ML7_CERT_OK, NULL);
	expect(t.r, "chain", ML7_CERT_OK, "1 certificate in order");
	expect(t.r, "trust", ML7_CERT_WARN, "private CA 'CN=test root'");
	expect(t.r, "host", ML7_CERT_OK, "covered by 'milvus-demo.milvus.io'");
	expect(t.r, "validity", ML7_CERT_OK, "days left");
	assert_int_equal(t.r->fails, 0);
	assert_int_equal(t.r->warns, 1);
	assert_true(t.r->private_ca);
	assert_string_equal(t.r->key_algorithm, "RSA-2048");
	assert_int_equal(t.r->sans.n, 1);
	assert_true(t.r->days_left >= 89 && t.r->days_left <= 90);
	assert_non_null(strstr(t.r->cert_pem, "-----BEGIN CERTIFICATE-----"));
	assert_non_null(strstr(t.r->chain_pem, "-----BEGIN CERTIFICATE-----"));
	assert_non_null(strstr(t.r->key_pem, "-----BEGIN PRIVATE KEY-----"));
	assert_int_equal(strlen(t.r->key_pem), t.r->key_pem_len);
	done(&t);
}

static void test_root_in_chain_no_ca(void **state)
{
	struct run t = {0};
	char *r, *old;

	(void)state;
	good(&t, k_leaf, "DNS:a.example.com", -DAY, 90 * DAY);
	r = pem_of(root);
	free(t.ca);
	t.ca = NULL;
	old = t.chain;
	t.chain = cat(old, r);     /* intermediate, then the root */
	free(old);
	check(&t, NULL);
	expect(t.r, "chain", ML7_CERT_OK, "2 certificates in order");
	expect(t.r, "trust", ML7_CERT_WARN, "private root 'CN=test root'");
	expect_absent(t.r, "host");
	free(r);
	done(&t);
}

static void test_unknown_root_fails(void **state)
{
	struct run t = {0};

	(void)state;
	good(&t, k_leaf, "DNS:a.example.com", -DAY, 90 * DAY);
	free(t.ca);
	t.ca = NULL;
	check(&t, NULL);
	expect(t.r, "trust", ML7_CERT_FAIL, "does not verify");
	assert_int_equal(t.r->fails, 1);
	done(&t);
}

static void test_chain_out_of_order(void **state)
{
	struct run t = {0};
	char *r = pem_of(root), *old;

	(void)state;
	good(&t, k_leaf, "DNS:a.example.com", -DAY, 90 * DAY);
	old = t.chain;
	t.chain = cat(r, old);          /* root first: wrong */
	free(old);
	check(&t, NULL);
	expect(t.r, "chain", ML7_CERT_FAIL, "out of order: certificate 2 ('CN=test intermediate')");
	free(r);
	done(&t);
}

static void test_chain_with_leaf(void **state)
{
	struct run t = {0};
	char *old;

	(void)state;
	good(&t, k_leaf, "DNS:a.example.com", -DAY, 90 * DAY);
	old = t.chain;
	t.chain = cat(t.cert, old);
	free(old);
	check(&t, NULL);
	expect(t.r, "chain", ML7_CERT_FAIL, "holds the certificate itself (at position 1)");
	done(&t);
}

static void test_chain_missing(void **state)
{
	struct run t = {0};

	(void)state;
	good(&t, k_leaf, "DNS:a.example.com", -DAY, 90 * DAY);
	free(t.chain);
	t.chain = NULL;
	check(&t, NULL);
	expect(t.r, "chain", ML7_CERT_FAIL, "no chain");
	done(&t);
}

static void test_chain_unrelated(void **state)
{
	struct run t = {0};
	X509 *other = mkcert(k_other, NULL, NULL, "unrelated", NULL, 1, -DAY, 90 * DAY);

	(void)state;
	good(&t, k_leaf, "DNS:a.example.com", -DAY, 90 * DAY);
	free(t.chain);
	t.chain = pem_of(other);
	check(&t, NULL);
	expect(t.r, "chain", ML7_CERT_FAIL, "does not hold the issuer");
	X509_free(other);
	done(&t);
}

static void test_fullchain_in_cert_file(void **state)
{
	struct run t = {0};
	char *old;

	(void)state;
	good(&t, k_leaf, "DNS:a.example.com", -DAY, 90 * DAY);
	old = t.cert;
	t.cert = cat(old, t.chain);
	free(old);
	free(t.chain);
	t.chain = NULL;
	check(&t, NULL);
	expect(t.r, "cert", ML7_CERT_WARN, "1 more certificates, used as the chain");
	expect(t.r, "chain", ML7_CERT_OK, "taken from the certificate file");
	expect(t.r, "match", ML7_CERT_OK, NULL);
	/* and with a chain file as well: refused */
	ml7_cert_report_free(t.r);
	t.chain = pem_of(inter);
	check(&t, NULL);
	expect(t.r, "cert", ML7_CERT_FAIL, "a chain file is given too");
	done(&t);
}

static void test_key_mismatch(void **state)
{
	struct run t = {0};

	(void)state;
	good(&t, k_leaf, "DNS:a.example.com", -DAY, 90 * DAY);
	free(t.key);
	t.key = key_pem(k_inter, 0);
	check(&t, NULL);
	expect(t.r, "match", ML7_CERT_FAIL, "does not belong");
	done(&t);
}

static void test_key_encrypted(void **state)
{
	struct run t = {0};
	BIO *b;
	long n;
	char *p;

	(void)state;
	good(&t, k_leaf, "DNS:a.example.com", -DAY, 90 * DAY);
	free(t.key);
	t.key = key_pem(k_leaf, 1);
	check(&t, NULL);
	expect(t.r, "key", ML7_CERT_FAIL, "encrypted");
	expect_absent(t.r, "match");
	assert_null(t.r->key_pem);
	ml7_cert_report_free(t.r);
	/* encrypted PKCS#8 in DER */
	b = BIO_new(BIO_s_mem());
	i2d_PKCS8PrivateKey_bio(b, k_leaf, EVP_aes_256_cbc(), "pw", 2, NULL, NULL);
	n = BIO_get_mem_data(b, &p);
	{
		struct ml7_cert_opts o = {0};
		struct ml7_err err;

		o.cert = t.cert;
		o.cert_len = strlen(t.cert);
		o.key = p;
		o.key_len = (size_t)n;
		assert_int_equal(ml7_cert_check(&o, &t.r, &err), 0);
		expect(t.r, "key", ML7_CERT_FAIL, "encrypted");
	}
	BIO_free(b);
	done(&t);
}

static void test_der_inputs(void **state)
{
	X509 *leaf = mkcert(k_ec384, inter, k_inter, "der.example.com", "DNS:der.example.com", 0, -DAY, 90 * DAY);
	unsigned char *cd = NULL, *kd = NULL, *chd = NULL;
	int cl = i2d_X509(leaf, &cd), kl = i2d_PrivateKey(k_ec384, &kd), chl = i2d_X509(inter, &chd);
	struct ml7_cert_report *r;
	struct ml7_cert_opts o = {0};
	struct ml7_err err;

	(void)state;
	o.cert = (const char *)cd;
	o.cert_len = (size_t)cl;
	o.key = (const char *)kd;
	o.key_len = (size_t)kl;
	o.chain = (const char *)chd;
	o.chain_len = (size_t)chl;
	o.host = "der.example.com";
	assert_int_equal(ml7_cert_check(&o, &r, &err), 0);
	expect(r, "cert", ML7_CERT_OK, NULL);
	expect(r, "key", ML7_CERT_OK, NULL);
	expect(r, "match", ML7_CERT_OK, NULL);
	expect(r, "key-type", ML7_CERT_OK, "ECDSA secp384r1");
	expect(r, "chain", ML7_CERT_OK, NULL);
	expect(r, "host", ML7_CERT_OK, NULL);
	assert_string_equal(r->key_algorithm, "EC-secp384r1");
	assert_non_null(strstr(r->cert_pem, "BEGIN CERTIFICATE"));   /* DER in, PEM out for ACM */
	ml7_cert_report_free(r);
	OPENSSL_free(cd);
	OPENSSL_free(kd);
	OPENSSL_free(chd);
	X509_free(leaf);
}

static void test_garbage(void **state)
{
	struct ml7_cert_report *r;
	struct ml7_cert_opts o = {0};
	struct ml7_err err;

	(void)state;
	o.cert = "hello";
	o.cert_len = 5;
	o.key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
	o.key_len = strlen(o.key);
	assert_int_equal(ml7_cert_check(&o, &r, &err), 0);
	expect(r, "cert", ML7_CERT_FAIL, "no certificate found");
	expect(r, "key", ML7_CERT_FAIL, "neither a PEM nor a DER private key");
	assert_int_equal(r->fails, 2);
	ml7_cert_report_free(r);
}

static void test_key_types(void **state)
{
	static const struct {
		EVP_PKEY **key;
		int status;
		const char *msg, *alg;
	} cases[] = {
		{&k_leaf, ML7_CERT_OK, "RSA 2048", "RSA-2048"},
		{&k_ec256, ML7_CERT_OK, "ECDSA prime256v1", "EC-prime256v1"},
		{&k_ec384, ML7_CERT_OK, "ECDSA secp384r1", "EC-secp384r1"},
		{&k_rsa1024, ML7_CERT_FAIL, "RSA 1024 bits: the ALB serves RSA 2048, 3072 or 4096", "RSA-1024"},
		{&k_ed, ML7_CERT_FAIL, "ED25519 keys are not imported by ACM", "ED25519"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run t = {0};

		good(&t, *cases[i].key, "DNS:a.example.com", -DAY, 90 * DAY);
		check(&t, NULL);
		expect(t.r, "key-type", cases[i].status, cases[i].msg);
		expect(t.r, "match", ML7_CERT_OK, NULL);
		assert_string_equal(t.r->key_algorithm, cases[i].alg);
		done(&t);
	}
}

static void test_validity(void **state)
{
	static const struct {
		long from, to;
		int status;
		const char *msg;
	} cases[] = {
		{-10 * DAY, -DAY, ML7_CERT_FAIL, "expired on "},
		{DAY, 90 * DAY, ML7_CERT_FAIL, "not valid before "},
		/* a minute short of whole days: the count does not depend on whether the
		   clock ticks between making the certificate and checking it */
		{-DAY, 10 * DAY - 60, ML7_CERT_WARN, "expires in 9 days"},
		{-DAY, 400 * DAY - 60, ML7_CERT_OK, "399 days left"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run t = {0};

		good(&t, k_leaf, "DNS:a.example.com", cases[i].from, cases[i].to);
		check(&t, NULL);
		expect(t.r, "validity", cases[i].status, cases[i].msg);
		done(&t);
	}
}

static void test_hosts(void **state)
{
	static const struct {
		const char *san, *host;
		int status;
		const char *msg;
	} cases[] = {
		{"DNS:milvus.example.com", "milvus.example.com", ML7_CERT_OK, "covered by 'milvus.example.com'"},
		{"DNS:milvus.example.com", "MILVUS.Example.com.", ML7_CERT_OK, NULL},
		{"DNS:milvus.example.com", "other.example.com", ML7_CERT_FAIL, "not covered by the names of the certificate (milvus.example.com)"},
		{"DNS:*.example.com", "milvus.example.com", ML7_CERT_OK, "covered by '*.example.com'"},
		{"DNS:*.example.com", "a.b.example.com", ML7_CERT_FAIL, NULL},
		{"DNS:*.example.com", "example.com", ML7_CERT_FAIL, NULL},
		{"DNS:x.example.com,DNS:*.example.com", "y.example.com", ML7_CERT_OK, NULL},
		{"IP:10.0.0.1", "milvus.example.com", ML7_CERT_FAIL, "no DNS subject alternative names"},
		{NULL, "milvus-demo.milvus.io", ML7_CERT_FAIL, "clients ignore the common name"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run t = {0};

		good(&t, k_leaf, cases[i].san, -DAY, 90 * DAY);
		check(&t, cases[i].host);
		expect(t.r, "host", cases[i].status, cases[i].msg);
		done(&t);
	}
}

static void test_host_match(void **state)
{
	static const struct {
		const char *pattern, *host;
		int match;
	} cases[] = {
		{"a.example.com", "a.example.com", 1},
		{"A.Example.COM", "a.example.com", 1},
		{"a.example.com.", "a.example.com", 1},
		{"a.example.com", "b.example.com", 0},
		{"*.example.com", "a.example.com", 1},
		{"*.example.com", "a.example.com.", 1},
		{"*.example.com", "a.b.example.com", 0},
		{"*.example.com", "example.com", 0},
		{"*.example.com", ".example.com", 0},
		{"*.com", "example.com", 0},                /* too wide */
		{"*", "example", 0},
		{"f*.example.com", "foo.example.com", 0},   /* partial wildcards are not accepted */
		{"*o.example.com", "foo.example.com", 0},
		{"a.*.example.com", "a.b.example.com", 0},
		{"*.*.example.com", "a.b.example.com", 0},
		{"*.example.com", "*.example.com", 0},
		{"", "a", 0},
		{"a", "", 0},
		{"*.xn--bcher-kva.example", "a.xn--bcher-kva.example", 1},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (ml7_cert_host_match(cases[i].pattern, cases[i].host) != cases[i].match)
			fail_msg("'%s' vs '%s': want %d", cases[i].pattern, cases[i].host, cases[i].match);
}

static void test_acm_problems(void **state)
{
	struct ml7_acm_cert c;
	struct ml7_strlist p = ML7_STRLIST_INIT;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.status = "ISSUED";
	c.not_after = now + 10 * DAY;
	ml7_strlist_push(&c.sans, "*.milvus.io");
	assert_int_equal(ml7_acm_cert_problems(&c, "demo.milvus.io", now, &p), 0);
	assert_int_equal(ml7_acm_cert_problems(&c, "milvus.io", now, &p), 1);
	assert_string_equal(p.items[0], "'milvus.io' is not covered by the certificate's names");
	c.status = "EXPIRED";
	c.not_after = now - DAY;
	assert_int_equal(ml7_acm_cert_problems(&c, NULL, now, &p), 2);
	assert_string_equal(p.items[1], "the certificate's status is EXPIRED, not ISSUED");
	assert_string_equal(p.items[2], "the certificate has expired");
	ml7_strlist_free(&p);
	ml7_strlist_free(&c.sans);
}

static void test_error_names(void **state)
{
	char n[64];

	(void)state;
	ml7_acm_error_name("ResourceNotFoundException", n, sizeof(n));
	assert_string_equal(n, "ResourceNotFoundException");
	ml7_acm_error_name("com.amazonaws.acm#ResourceNotFoundException", n, sizeof(n));
	assert_string_equal(n, "ResourceNotFoundException");
	ml7_acm_error_name("InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/", n,
			   sizeof(n));
	assert_string_equal(n, "InvalidSignatureException");
	ml7_acm_error_name("aws.protocoltests#FooError:http://x#y", n, sizeof(n));
	assert_string_equal(n, "FooError");
}

/* Every allocation failing in turn: an error or a report, never a crash or a leak. */
static void test_alloc_failures(void **state)
{
	struct run t = {0};
	long total;

	(void)state;
	good(&t, k_leaf, "DNS:a.example.com", -DAY, 90 * DAY);
	ml7_mem_fail_after(-1);
	check(&t, "a.example.com");
	ml7_cert_report_free(t.r);
	total = ml7_mem_fail_after(-1);
	for (long i = 0; i < total; i++) {
		struct ml7_cert_opts o = {0};
		struct ml7_err err;
		struct ml7_cert_report *r = NULL;
		int rc;

		o.cert = t.cert;
		o.cert_len = strlen(t.cert);
		o.key = t.key;
		o.key_len = strlen(t.key);
		o.chain = t.chain;
		o.chain_len = strlen(t.chain);
		o.host = "a.example.com";
		ml7_err_clear(&err);
		ml7_mem_fail_after(i);
		rc = ml7_cert_check(&o, &r, &err);
		ml7_mem_fail_after(-1);
		assert_true(rc == 0 || rc == ML7_ENOMEM);
		if (rc == 0)
			ml7_cert_report_free(r);
	}
	t.r = NULL;
	done(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_chain_private_ca),
		cmocka_unit_test(test_root_in_chain_no_ca),
		cmocka_unit_test(test_unknown_root_fails),
		cmocka_unit_test(test_chain_out_of_order),
		cmocka_unit_test(test_chain_with_leaf),
		cmocka_unit_test(test_chain_missing),
		cmocka_unit_test(test_chain_unrelated),
		cmocka_unit_test(test_fullchain_in_cert_file),
		cmocka_unit_test(test_key_mismatch),
		cmocka_unit_test(test_key_encrypted),
		cmocka_unit_test(test_der_inputs),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_key_types),
		cmocka_unit_test(test_validity),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_host_match),
		cmocka_unit_test(test_acm_problems),
		cmocka_unit_test(test_error_names),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
