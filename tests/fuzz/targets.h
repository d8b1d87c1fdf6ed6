/* targets.h - the fuzz targets' bodies, shared by the libFuzzer programs
 * (fuzz_cert.c, fuzz_aws.c, built by tests/fuzz/run.sh with clang) and by the
 * seed replay in tests/unit/test_fuzz.c (gcc, plain and ASan, in `make test`).
 * Each takes arbitrary bytes and must never crash, leak or read out of bounds. */
#ifndef ML7_FUZZ_TARGETS_H
#define ML7_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ml7/acm.h"
#include "ml7/aws.h"
#include "ml7/cert.h"

/* PEM/DER parsing and every check: the bytes as the certificate, as the key and
 * as the chain; the first line as a host against the found SANs. */
static inline int fuzz_cert(const uint8_t *data, size_t size)
{
	struct ml7_cert_opts o;
	struct ml7_cert_report *r = NULL;
	struct ml7_err err;
	char host[64];
	size_t hl = 0;

	while (hl < size && hl < sizeof(host) - 1 && data[hl] != '\n' && data[hl] != '\0')
		hl++;
	memcpy(host, data, hl);
	host[hl] = '\0';
	memset(&o, 0, sizeof(o));
	o.cert = (const char *)data;
	o.cert_len = size;
	o.key = (const char *)data;
	o.key_len = size;
	o.chain = (const char *)data;
	o.chain_len = size;
	o.ca_pem = (const char *)data;
	o.ca_len = size;
	o.host = host;
	o.now = 1700000000;
	if (ml7_cert_check(&o, &r, &err) == 0) {
		for (size_t i = 0; i < r->sans.n; i++)
			(void)ml7_cert_host_match(r->sans.items[i], host);
		ml7_cert_report_free(r);
	}
	return 0;
}

/* The AWS config parser, the credential_process splitter, ARNs, error names. */
static inline int fuzz_aws(const uint8_t *data, size_t size)
{
	struct ml7_aws_arn arn;
	struct ml7_err err;
	cJSON *j = NULL;
	char **argv = NULL, name[64];
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ml7_aws_ini_parse((const char *)data, size, &j, &err) == 0)
		cJSON_Delete(j);
	if (ml7_aws_split_command(s, &argv, &err) == 0)
		ml7_aws_argv_free(argv);
	(void)ml7_aws_arn_parse(s, &arn, &err);
	(void)ml7_aws_acm_arn_check(s, &err);
	ml7_acm_error_name(s, name, sizeof(name));
	if (size > 0)
		(void)ml7_cert_host_match(s, s + strlen(s) / 2);
	free(s);
	return 0;
}

#endif
