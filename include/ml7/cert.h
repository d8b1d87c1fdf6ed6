/* cert.h - checks of a TLS server certificate, its key and chain, before ACM
 * and the ALB see them.  Everything happens in memory through OpenSSL: the
 * key is never written anywhere, and the copies this module makes are wiped.
 *
 * Inputs may be PEM or DER.  The checks (one result each, OK/WARN/FAIL):
 *   cert       the certificate parses (a cert file holding a full chain is split:
 *              the first certificate is the leaf, the rest the chain)
 *   key        the private key parses; an encrypted key FAILs (ACM needs it plain)
 *   match      the key belongs to the certificate
 *   key-type   a key ACM imports and the ALB serves: RSA 2048/3072/4096, ECDSA
 *              P-256/P-384/P-521 (RSA 1024 and anything else FAIL)
 *   size       the PEM sizes ACM accepts (certificate 32768, key 5120 bytes)
 *   chain      order (each certificate issued by the next), the leaf not repeated
 *   trust      verifies to a root of the system store or of the CA file; a private
 *              or self-signed root WARNs (clients need that CA)
 *   host       the host is covered by a DNS SAN (RFC 6125 wildcards: "*" as the
 *              whole left-most label, one label deep); skipped without a host
 *   validity   inside NotBefore..NotAfter; WARN within warn_days of the end */
#ifndef ML7_CERT_H
#define ML7_CERT_H

#include <stddef.h>
#include <time.h>

#include "ml7/err.h"
#include "ml7/strlist.h"

enum ml7_cert_status { ML7_CERT_OK = 0, ML7_CERT_WARN = 1, ML7_CERT_FAIL = 2 };

struct ml7_cert_opts {
	const char *cert;        /* the certificate file's bytes (PEM or DER) */
	size_t cert_len;
	const char *key;         /* the private key's bytes (secret), or NULL to skip key checks */
	size_t key_len;
	const char *chain;       /* intermediates (PEM, or one DER certificate), or NULL */
	size_t chain_len;
	const char *host;        /* host the certificate must cover, or NULL */
	const char *ca_pem;      /* extra trust anchors (PEM), or NULL: system store only */
	size_t ca_len;
	time_t now;              /* 0: time(NULL) */
	int warn_days;           /* 0: 30 */
};

struct ml7_cert_result {
	const char *check;       /* "cert", "key", "match", ... (static) */
	int status;              /* enum ml7_cert_status */
	char msg[256];           /* one lowercase line */
};

struct ml7_cert_report {
	struct ml7_cert_result *results;
	size_t n;
	int fails, warns;
	/* what was found (empty/NULL when the certificate did not parse) */
	char subject[256];
	char issuer[256];
	char key_algorithm[32];  /* ACM's names: "RSA-2048", "EC-prime256v1", ... */
	struct ml7_strlist sans; /* DNS SANs of the leaf */
	time_t not_before, not_after;
	long days_left;
	int private_ca;          /* verified only with the given CA or a self-signed root */
	/* canonical PEM for ImportCertificate: leaf, chain (NULL when none), key
	 * (secret: wiped on free; NULL without a key or when it did not parse) */
	char *cert_pem;
	char *chain_pem;
	char *key_pem;
	size_t key_pem_len;
};

/* Runs every check.  0 with a report whenever the checks ran, whatever they
 * found (see report->fails); ML7_ENOMEM otherwise. */
int ml7_cert_check(const struct ml7_cert_opts *opts, struct ml7_cert_report **out,
		   struct ml7_err *err);
void ml7_cert_report_free(struct ml7_cert_report *r);

const char *ml7_cert_status_name(int status);   /* "OK", "WARN", "FAIL" */

/* 1 when the SAN pattern covers host (case-insensitive, trailing dots ignored;
 * "*" only as the whole left-most label of a name with at least three labels,
 * matching exactly one non-empty label), else 0. */
int ml7_cert_host_match(const char *pattern, const char *host);

#endif
