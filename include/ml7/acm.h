/* acm.h - AWS Certificate Manager over the JSON 1.1 protocol: ImportCertificate
 * (new, or re-import onto an ARN, which keeps the ARN) and DescribeCertificate.
 *
 * Requests are signed by libcurl (CURLOPT_AWS_SIGV4 "aws:amz:REGION:acm"),
 * with what curl 7.88 needs: the body in POSTFIELDS, no X-Amz-Date of our own,
 * no empty headers, and X-Amz-Security-Token added (and so signed) by us.  The
 * private key travels base64-encoded in a wiped buffer and is never logged.
 * ACM errors ({"__type": ...}) become one clear message;
 * err->reason holds the error name ("ResourceNotFoundException", ...). */
#ifndef ML7_ACM_H
#define ML7_ACM_H

#include <stddef.h>
#include <time.h>

#include "ml7/aws.h"
#include "ml7/err.h"
#include "ml7/strlist.h"

struct cJSON;
struct ml7_acm;

/* A client for aws->endpoint in aws->region with aws's credentials (borrowed:
 * aws must outlive the client). */
int ml7_acm_new(const struct ml7_aws *aws, struct ml7_acm **out, struct ml7_err *err);
void ml7_acm_free(struct ml7_acm *c);

struct ml7_acm_import_req {
	const char *cert_pem;        /* the leaf, PEM */
	const char *chain_pem;       /* intermediates, PEM, or NULL */
	const char *key_pem;         /* secret, PEM */
	size_t key_len;
	const char *arn;             /* re-import onto this ARN (keeps it), or NULL */
	const struct ml7_strlist *tags;   /* "key=value" items (not allowed with arn), or NULL */
};

/* ImportCertificate; *arn_out (caller frees) is the certificate's ARN. */
int ml7_acm_import(struct ml7_acm *c, const struct ml7_acm_import_req *req, char **arn_out,
		   struct ml7_err *err);

struct ml7_acm_cert {
	const char *arn, *domain, *status, *type, *key_algorithm, *issuer, *failure_reason;
	struct ml7_strlist sans;
	struct ml7_strlist in_use_by;
	time_t not_before, not_after, imported_at;
	struct cJSON *raw;           /* the whole "Certificate" object; the strings above point into it */
};

/* DescribeCertificate. */
int ml7_acm_describe(struct ml7_acm *c, const char *arn, struct ml7_acm_cert **out, struct ml7_err *err);
void ml7_acm_cert_free(struct ml7_acm_cert *cert);

/* Appends to problems one line per reason the certificate cannot serve host
 * now (status not ISSUED, expired, host not covered by a SAN; host may be
 * NULL); returns how many were added. */
int ml7_acm_cert_problems(const struct ml7_acm_cert *cert, const char *host, time_t now,
			  struct ml7_strlist *problems);

/* For `ingress apply` and `setup`: when AWS credentials resolve (opts, with
 * opts->arn set to arn by this call), describes arn and appends its problems
 * for host (see above).  *checked is 1 then; 0 with *checked 0 when no
 * credentials are configured at all (nothing to check: the controller will
 * tell); otherwise the error (ML7_ENOTFOUND for an unknown ARN, ML7_EINVAL for
 * a malformed one or another region, ML7_EAUTH, ...). */
int ml7_acm_preflight(const struct ml7_aws_opts *opts, const char *arn, const char *host, int *checked,
		      struct ml7_strlist *problems, struct ml7_err *err);

/* The error name of an AWS JSON error (Smithy rule: before the first ':', then
 * after the first '#'), from __type or an X-Amzn-ErrorType header value. */
void ml7_acm_error_name(const char *type, char *out, size_t size);

#endif
