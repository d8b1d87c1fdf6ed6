/* cert.c - certificate, key and chain checks in memory with OpenSSL. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ml7/buf.h"
#include "ml7/cert.h"
#include "ml7/mem.h"

#define MAX_RESULTS 12
#define ACM_CERT_MAX 32768
#define ACM_KEY_MAX 5120
#define ACM_CHAIN_MAX 2097152

struct checker {
	const struct ml7_cert_opts *o;
	struct ml7_cert_report *r;
	time_t now;
	X509 *leaf;
	STACK_OF(X509) *chain;       /* intermediates, in the order given */
	int chain_from_cert;         /* how many came from the certificate file */
	EVP_PKEY *key;
};

const char *ml7_cert_status_name(int status)
{
	return status == ML7_CERT_OK ? "OK" : status == ML7_CERT_WARN ? "WARN" : "FAIL";
}

static void add(struct checker *c, const char *check, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(struct checker *c, const char *check, int status, const char *fmt, ...)
{
	struct ml7_cert_result *res;
	va_list ap;

	if (c->r->n >= MAX_RESULTS)
		return;
	res = &c->r->results[c->r->n++];
	res->check = check;
	res->status = status;
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
	c->r->fails += status == ML7_CERT_FAIL;
	c->r->warns += status == ML7_CERT_WARN;
}

static int is_pem(const char *p, size_t n)
{
	return memmem(p, n, "-----BEGIN ", 11) != NULL;
}

/* Reads every certificate of p (PEM: all CERTIFICATE blocks; DER: one). */
static STACK_OF(X509) *read_certs(const char *p, size_t n)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *b;
	X509 *x;

	if (!sk || n > INT_MAX)
		goto fail;
	if (is_pem(p, n)) {
		if (!(b = BIO_new_mem_buf(p, (int)n)))
			goto fail;
		while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
			if (!sk_X509_push(sk, x)) {
				X509_free(x);
				BIO_free(b);
				goto fail;
			}
		BIO_free(b);
	} else {
		const unsigned char *q = (const unsigned char *)p;

		x = d2i_X509(NULL, &q, (long)n);
		if (x && !sk_X509_push(sk, x))
			X509_free(x);
	}
	ERR_clear_error();
	return sk;
fail:
	sk_X509_pop_free(sk, X509_free);
	ERR_clear_error();
	return NULL;
}

static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;      /* never prompt on the terminal */
}

/* 0 parsed, 1 encrypted, 2 not a key. */
static int read_key(const char *p, size_t n, EVP_PKEY **out)
{
	*out = NULL;
	if (n > INT_MAX)
		return 2;
	if (is_pem(p, n)) {
		BIO *b;

		if (memmem(p, n, "ENCRYPTED", 9))
			return 1;
		if (!(b = BIO_new_mem_buf(p, (int)n)))
			return 2;
		*out = PEM_read_bio_PrivateKey(b, NULL, no_password, NULL);
		BIO_free(b);
	} else {
		const unsigned char *q = (const unsigned char *)p;
		X509_SIG *sig;

		*out = d2i_AutoPrivateKey(NULL, &q, (long)n);
		if (!*out) {
			q = (const unsigned char *)p;
			if ((sig = d2i_X509_SIG(NULL, &q, (long)n))) {
				X509_SIG_free(sig);
				ERR_clear_error();
				return 1;
			}
		}
	}
	ERR_clear_error();
	return *out ? 0 : 2;
}

static void name_of(const X509_NAME *nm, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	buf[0] = '\0';
	if (!b)
		return;
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		n = BIO_get_mem_data(b, &p);
		snprintf(buf, size, "%.*s", (int)n, p);
	}
	BIO_free(b);
}

/* "CN=x" of a certificate's subject for messages. */
static const char *short_name(X509 *x, char *buf, size_t size)
{
	char full[256];
	char *cn;

	name_of(X509_get_subject_name(x), full, sizeof(full));
	cn = strstr(full, "CN=");
	snprintf(buf, size, "%s", cn ? cn : full);
	if ((cn = strchr(buf, ',')))
		*cn = '\0';
	return buf;
}

static time_t asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return timegm(&tm);
}

static void day(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm);
}

static char *to_pem(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL, *out = NULL;
	long n;

	if (b && PEM_write_bio_X509(b, x) && (n = BIO_get_mem_data(b, &p)) > 0)
		out = ml7_strndup(p, (size_t)n);
	BIO_free(b);
	return out;
}

static int key_type(struct checker *c, EVP_PKEY *pk)
{
	int id, bits;
	char *ka = c->r->key_algorithm;
	size_t kn = sizeof(c->r->key_algorithm);

	if (!pk) {
		snprintf(ka, kn, "unknown");
		add(c, "key-type", ML7_CERT_FAIL, "the certificate's public key cannot be read");
		return 0;
	}
	id = EVP_PKEY_get_base_id(pk);
	bits = EVP_PKEY_get_bits(pk);

	if (id == EVP_PKEY_RSA) {
		snprintf(ka, kn, "RSA-%d", bits);
		if (bits == 2048 || bits == 3072 || bits == 4096)
			add(c, "key-type", ML7_CERT_OK, "RSA %d bits", bits);
		else
			add(c, "key-type", ML7_CERT_FAIL,
			    "RSA %d bits: the ALB serves RSA 2048, 3072 or 4096 and ECDSA P-256, P-384 or P-521", bits);
		return 0;
	}
	if (id == EVP_PKEY_EC) {
		char group[64] = "";
		size_t gl = 0;

		EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &gl);
		snprintf(ka, kn, "EC-%s", group);
		if (!strcmp(group, "prime256v1") || !strcmp(group, "secp384r1") || !strcmp(group, "secp521r1")) {
			add(c, "key-type", ML7_CERT_OK, "ECDSA %s", group);
		} else {
			add(c, "key-type", ML7_CERT_FAIL,
			    "ECDSA curve %s: the ALB serves ECDSA P-256, P-384 or P-521 and RSA 2048, 3072 or 4096",
			    group[0] ? group : "unknown");
		}
		return 0;
	}
	snprintf(ka, kn, "%s", OBJ_nid2sn(id) ? OBJ_nid2sn(id) : "unknown");
	add(c, "key-type", ML7_CERT_FAIL,
	    "%s keys are not imported by ACM: use RSA 2048, 3072, 4096 or ECDSA P-256, P-384, P-521", ka);
	return 0;
}

static void check_key(struct checker *c)
{
	int k;
	BIO *b;
	char *p;
	long n;

	if (!c->o->key)
		return;
	k = read_key(c->o->key, c->o->key_len, &c->key);
	if (k == 1) {
		add(c, "key", ML7_CERT_FAIL, "the private key is encrypted; ACM needs it unencrypted "
		    "(decrypt it in memory or a private directory: openssl pkey -in KEY -out PLAIN)");
		return;
	}
	if (k == 2) {
		add(c, "key", ML7_CERT_FAIL, "the private key is neither a PEM nor a DER private key");
		return;
	}
	/* the canonical PEM for ACM, in a buffer OpenSSL wipes when it frees it */
	if (!(b = BIO_new(BIO_s_secmem())) || !PEM_write_bio_PrivateKey(b, c->key, NULL, NULL, 0, NULL, NULL) ||
	    (n = BIO_get_mem_data(b, &p)) <= 0 || !(c->r->key_pem = ml7_malloc((size_t)n + 1))) {
		BIO_free(b);
		add(c, "key", ML7_CERT_FAIL, "cannot encode the private key");
		return;
	}
	memcpy(c->r->key_pem, p, (size_t)n);
	c->r->key_pem[n] = '\0';
	c->r->key_pem_len = (size_t)n;
	BIO_free(b);
	add(c, "key", ML7_CERT_OK, "%s private key, unencrypted", EVP_PKEY_get0_type_name(c->key));
	if (c->leaf) {
		EVP_PKEY *pub = X509_get0_pubkey(c->leaf);

		if (pub && EVP_PKEY_eq(pub, c->key) == 1)
			add(c, "match", ML7_CERT_OK, "the private key belongs to the certificate");
		else
			add(c, "match", ML7_CERT_FAIL, "the private key does not belong to the certificate");
	}
	ERR_clear_error();
}

static void check_sizes(struct checker *c)
{
	size_t cl = c->r->cert_pem ? strlen(c->r->cert_pem) : 0;
	size_t chl = c->r->chain_pem ? strlen(c->r->chain_pem) : 0;

	if (cl > ACM_CERT_MAX)
		add(c, "size", ML7_CERT_FAIL, "the certificate is %zu bytes as PEM; ACM takes at most %d", cl, ACM_CERT_MAX);
	else if (c->r->key_pem_len > ACM_KEY_MAX)
		add(c, "size", ML7_CERT_FAIL, "the private key is %zu bytes as PEM; ACM takes at most %d",
		    c->r->key_pem_len, ACM_KEY_MAX);
	else if (chl > ACM_CHAIN_MAX)
		add(c, "size", ML7_CERT_FAIL, "the chain is %zu bytes as PEM; ACM takes at most %d", chl, ACM_CHAIN_MAX);
	else
		add(c, "size", ML7_CERT_OK, "within ACM's limits");
}

static int self_signed(X509 *x)
{
	return X509_check_issued(x, x) == X509_V_OK;
}

static void check_chain(struct checker *c)
{
	int n = sk_X509_num(c->chain);
	X509 *prev = c->leaf;
	char a[128], b[128];

	for (int i = 0; i < n; i++)
		if (X509_cmp(sk_X509_value(c->chain, i), c->leaf) == 0) {
			add(c, "chain", ML7_CERT_FAIL, "the chain holds the certificate itself (at position %d); "
			    "ACM rejects that: the chain starts with the issuer of the certificate", i + 1);
			return;
		}
	if (n == 0) {
		if (self_signed(c->leaf))
			add(c, "chain", ML7_CERT_OK, "none needed (self-signed)");
		else
			add(c, "chain", ML7_CERT_FAIL, "no chain: ACM needs the intermediates of '%s' (--chain)",
			    short_name(c->leaf, a, sizeof(a)));
		return;
	}
	for (int i = 0; i < n; i++) {
		X509 *x = sk_X509_value(c->chain, i);

		if (X509_check_issued(x, prev) != X509_V_OK) {
			int found = -1;

			for (int j = 0; j < n; j++)
				if (X509_check_issued(sk_X509_value(c->chain, j), prev) == X509_V_OK)
					found = j;
			if (found >= 0)
				add(c, "chain", ML7_CERT_FAIL, "the chain is out of order: certificate %d ('%s') issues '%s' "
				    "and must come at position %d (issuer first, root last)", found + 1,
				    short_name(sk_X509_value(c->chain, found), a, sizeof(a)),
				    short_name(prev, b, sizeof(b)), i + 1);
			else
				add(c, "chain", ML7_CERT_FAIL, "the chain does not hold the issuer of '%s' "
				    "(certificate %d is '%s')", short_name(prev, a, sizeof(a)), i + 1,
				    short_name(x, b, sizeof(b)));
			return;
		}
		prev = x;
	}
	add(c, "chain", ML7_CERT_OK, "%d certificate%s in order%s", n, n == 1 ? "" : "s",
	    c->chain_from_cert ? " (taken from the certificate file)" : "");
}

/* Verifies the leaf against store; 0 ok, else the X509_V_ERR code. */
static int verify_with(struct checker *c, X509_STORE *store, X509 **root)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc = X509_V_ERR_UNSPECIFIED;

	if (ctx && X509_STORE_CTX_init(ctx, store, c->leaf, c->chain)) {
		X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
		X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_NO_CHECK_TIME);
		if (X509_verify_cert(ctx) == 1) {
			STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(ctx);

			rc = 0;
			if (root && path && sk_X509_num(path) > 0)
				*root = X509_dup(sk_X509_value(path, sk_X509_num(path) - 1));
		} else {
			rc = X509_STORE_CTX_get_error(ctx);
		}
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

static X509_STORE *store_from_pem(const char *p, size_t n)
{
	X509_STORE *st = X509_STORE_new();
	STACK_OF(X509) *sk = read_certs(p, n);
	int ok = st && sk && sk_X509_num(sk) > 0;

	for (int i = 0; ok && i < sk_X509_num(sk); i++)
		ok = X509_STORE_add_cert(st, sk_X509_value(sk, i)) == 1;
	sk_X509_pop_free(sk, X509_free);
	if (!ok) {
		X509_STORE_free(st);
		return NULL;
	}
	return st;
}

/* The system's trust store, loaded once per process (parsing the bundle
 * costs more than all the other checks together). */
static X509_STORE *system_store(void)
{
	static X509_STORE *st;

	if (!st && (st = X509_STORE_new()) && !X509_STORE_set_default_paths(st)) {
		X509_STORE_free(st);
		st = NULL;
	}
	ERR_clear_error();
	return st;
}

static void check_trust(struct checker *c)
{
	X509_STORE *st = NULL, *sys = system_store();
	X509 *root = NULL, *top;
	char a[128];
	int e = X509_V_ERR_UNSPECIFIED;

	if (sys)
		e = verify_with(c, sys, &root);
	if (e == 0) {
		add(c, "trust", ML7_CERT_OK, "verifies to '%s' of the system store", short_name(root, a, sizeof(a)));
		goto done;
	}
	if (c->o->ca_pem) {
		if (!(st = store_from_pem(c->o->ca_pem, c->o->ca_len))) {
			add(c, "trust", ML7_CERT_FAIL, "the CA file holds no certificate");
			goto done;
		}
		e = verify_with(c, st, &root);
		X509_STORE_free(st);
		st = NULL;
		if (e == 0) {
			c->r->private_ca = 1;
			add(c, "trust", ML7_CERT_WARN, "verifies to private CA '%s' of the CA file only: "
			    "clients need that CA (pymilvus server_pem_path/ca_pem_path)", short_name(root, a, sizeof(a)));
			goto done;
		}
		add(c, "trust", ML7_CERT_FAIL, "does not verify with the system store nor the CA file: %s",
		    X509_verify_cert_error_string(e));
		goto done;
	}
	/* a self-signed top of the given chain (or a self-signed leaf): a private root */
	top = sk_X509_num(c->chain) ? sk_X509_value(c->chain, sk_X509_num(c->chain) - 1) : c->leaf;
	if (self_signed(top) && (st = X509_STORE_new()) && X509_STORE_add_cert(st, top) == 1 &&
	    verify_with(c, st, NULL) == 0) {
		c->r->private_ca = 1;
		if (top == c->leaf)
			add(c, "trust", ML7_CERT_WARN, "self-signed: clients need this certificate as their CA "
			    "(pymilvus server_pem_path)");
		else
			add(c, "trust", ML7_CERT_WARN, "verifies to private root '%s' (not in the system store): "
			    "clients need that CA (pymilvus ca_pem_path)", short_name(top, a, sizeof(a)));
	} else {
		add(c, "trust", ML7_CERT_FAIL, "does not verify to a root of the system store: %s "
		    "(a private CA: --ca-file)", X509_verify_cert_error_string(e));
	}
	X509_STORE_free(st);
done:
	X509_free(root);
	ERR_clear_error();
}

static int collect_sans(struct checker *c)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(c->leaf, NID_subject_alt_name, NULL, NULL);
	int rc = 0;

	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

		if (g->type == GEN_DNS) {
			const unsigned char *d = ASN1_STRING_get0_data(g->d.dNSName);
			int l = ASN1_STRING_length(g->d.dNSName);

			if (ml7_strlist_pushn(&c->r->sans, (const char *)d, (size_t)l)) {
				rc = ML7_ENOMEM;
				break;
			}
		}
	}
	GENERAL_NAMES_free(gens);
	return rc;
}

static void check_host(struct checker *c)
{
	struct ml7_buf list = ML7_BUF_INIT;
	const struct ml7_strlist *s = &c->r->sans;

	if (!c->o->host)
		return;
	if (s->n == 0) {
		add(c, "host", ML7_CERT_FAIL, "the certificate has no DNS subject alternative names "
		    "(clients ignore the common name)");
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		if (ml7_cert_host_match(s->items[i], c->o->host)) {
			add(c, "host", ML7_CERT_OK, "'%s' is covered by '%s'", c->o->host, s->items[i]);
			return;
		}
	for (size_t i = 0; i < s->n && list.len < 160; i++)
		ml7_buf_printf(&list, "%s%s", i ? ", " : "", s->items[i]);
	add(c, "host", ML7_CERT_FAIL, "'%s' is not covered by the names of the certificate (%s)",
	    c->o->host, list.data ? list.data : "");
	ml7_buf_free(&list);
}

static void check_validity(struct checker *c)
{
	struct ml7_cert_report *r = c->r;
	int warn = c->o->warn_days > 0 ? c->o->warn_days : 30;
	char d[40], a[128];

	r->not_before = asn1_time(X509_get0_notBefore(c->leaf));
	r->not_after = asn1_time(X509_get0_notAfter(c->leaf));
	r->days_left = (long)((r->not_after - c->now) / 86400);
	if (c->now < r->not_before) {
		day(r->not_before, d, sizeof(d));
		add(c, "validity", ML7_CERT_FAIL, "not valid before %s", d);
		return;
	}
	if (c->now >= r->not_after) {
		day(r->not_after, d, sizeof(d));
		add(c, "validity", ML7_CERT_FAIL, "expired on %s", d);
		return;
	}
	for (int i = 0; i < sk_X509_num(c->chain); i++) {
		X509 *x = sk_X509_value(c->chain, i);
		time_t t = asn1_time(X509_get0_notAfter(x));

		if (c->now >= t) {
			day(t, d, sizeof(d));
			add(c, "validity", ML7_CERT_FAIL, "chain certificate '%s' expired on %s",
			    short_name(x, a, sizeof(a)), d);
			return;
		}
	}
	day(r->not_after, d, sizeof(d));
	if (r->days_left < warn)
		add(c, "validity", ML7_CERT_WARN, "expires in %ld days (%s); imported certificates are not renewed",
		    r->days_left, d);
	else
		add(c, "validity", ML7_CERT_OK, "valid until %s (%ld days left)", d, r->days_left);
}

static int build_pems(struct checker *c)
{
	struct ml7_buf chain = ML7_BUF_INIT;

	if (!(c->r->cert_pem = to_pem(c->leaf)))
		return ML7_ENOMEM;
	for (int i = 0; i < sk_X509_num(c->chain); i++) {
		char *p = to_pem(sk_X509_value(c->chain, i));

		if (!p || ml7_buf_puts(&chain, p)) {
			ml7_free(p);
			ml7_buf_free(&chain);
			return ML7_ENOMEM;
		}
		ml7_free(p);
	}
	if (chain.len)
		c->r->chain_pem = ml7_buf_detach(&chain);
	return 0;
}

int ml7_cert_check(const struct ml7_cert_opts *o, struct ml7_cert_report **out, struct ml7_err *err)
{
	struct checker c = {o, NULL, o->now ? o->now : time(NULL), NULL, NULL, 0, NULL};
	STACK_OF(X509) *certs = NULL, *more = NULL;
	char a[128];
	int rc = ML7_ENOMEM;

	if (!(c.r = ml7_calloc(1, sizeof(*c.r))) ||
	    !(c.r->results = ml7_calloc(MAX_RESULTS, sizeof(*c.r->results))) ||
	    !(c.chain = sk_X509_new_null()))
		goto done;
	certs = read_certs(o->cert ? o->cert : "", o->cert ? o->cert_len : 0);
	if (!certs)
		goto done;
	if (sk_X509_num(certs) == 0) {
		add(&c, "cert", ML7_CERT_FAIL, "no certificate found (expected PEM or DER)");
		check_key(&c);
		rc = 0;
		goto done;
	}
	c.leaf = sk_X509_shift(certs);
	c.chain_from_cert = sk_X509_num(certs);
	while (sk_X509_num(certs) > 0)
		if (!sk_X509_push(c.chain, sk_X509_shift(certs)))
			goto done;
	if (o->chain) {
		if (!(more = read_certs(o->chain, o->chain_len)))
			goto done;
		if (sk_X509_num(more) == 0) {
			add(&c, "cert", ML7_CERT_FAIL, "the chain file holds no certificate (expected PEM or DER)");
			rc = 0;
			goto done;
		}
		if (c.chain_from_cert) {
			add(&c, "cert", ML7_CERT_FAIL, "the certificate file holds %d more certificates and a chain "
			    "file is given too: keep only the certificate in the file", c.chain_from_cert);
			rc = 0;
			goto done;
		}
		while (sk_X509_num(more) > 0)
			if (!sk_X509_push(c.chain, sk_X509_shift(more)))
				goto done;
	}
	name_of(X509_get_subject_name(c.leaf), c.r->subject, sizeof(c.r->subject));
	name_of(X509_get_issuer_name(c.leaf), c.r->issuer, sizeof(c.r->issuer));
	if (collect_sans(&c) || build_pems(&c))
		goto done;
	if (c.chain_from_cert)
		add(&c, "cert", ML7_CERT_WARN, "'%s'; the file holds %d more certificates, used as the chain "
		    "(ACM takes them separately)", short_name(c.leaf, a, sizeof(a)), c.chain_from_cert);
	else
		add(&c, "cert", ML7_CERT_OK, "'%s' issued by '%s'", short_name(c.leaf, a, sizeof(a)), c.r->issuer);
	check_key(&c);
	key_type(&c, X509_get0_pubkey(c.leaf));
	check_sizes(&c);
	check_chain(&c);
	check_trust(&c);
	check_host(&c);
	check_validity(&c);
	rc = 0;
done:
	sk_X509_pop_free(certs, X509_free);
	sk_X509_pop_free(more, X509_free);
	sk_X509_pop_free(c.chain, X509_free);
	X509_free(c.leaf);
	EVP_PKEY_free(c.key);
	ERR_clear_error();
	if (rc) {
		ml7_cert_report_free(c.r);
		return ml7_err_set(err, rc, "out of memory");
	}
	*out = c.r;
	return 0;
}

void ml7_cert_report_free(struct ml7_cert_report *r)
{
	if (!r)
		return;
	ml7_free(r->results);
	ml7_strlist_free(&r->sans);
	ml7_free(r->cert_pem);
	ml7_free(r->chain_pem);
	if (r->key_pem) {
		ml7_wipe(r->key_pem, r->key_pem_len);
		ml7_free(r->key_pem);
	}
	ml7_free(r);
}

static size_t trimmed_len(const char *s)
{
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] == '.')
		n--;
	return n;
}

int ml7_cert_host_match(const char *pattern, const char *host)
{
	size_t pl = trimmed_len(pattern), hl = trimmed_len(host);
	const char *dot;

	if (pl == 0 || hl == 0 || memchr(host, '*', hl))
		return 0;
	if (pattern[0] != '*')
		return !memchr(pattern, '*', pl) && pl == hl && strncasecmp(pattern, host, pl) == 0;
	/* "*." + at least two labels, no other wildcard */
	if (pl < 4 || pattern[1] != '.' || memchr(pattern + 2, '*', pl - 2) ||
	    !memchr(pattern + 2, '.', pl - 2) || pattern[2] == '.')
		return 0;
	dot = memchr(host, '.', hl);
	if (!dot || dot == host)
		return 0;
	return (size_t)(host + hl - (dot + 1)) == pl - 2 && strncasecmp(dot + 1, pattern + 2, pl - 2) == 0;
}
