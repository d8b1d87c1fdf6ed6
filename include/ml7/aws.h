/* aws.h - AWS credentials, region and endpoint, resolved as the AWS CLI does.
 *
 * Credentials, first found wins (botocore's chain):
 *   1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN,
 *      AWS_CREDENTIAL_EXPIRATION) -- skipped when a profile is given explicitly
 *      (opts.profile, i.e. --profile), as the CLI does;
 *   2. the profile (opts.profile, else AWS_PROFILE, else "default") in the
 *      shared credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials);
 *   3. its credential_process (run with an argv split like a POSIX shell would,
 *      never through a shell; JSON Version 1; an Expiration in the past is refused);
 *   4. aws_access_key_id/aws_secret_access_key in the config file
 *      (AWS_CONFIG_FILE, ~/.aws/config, sections [default] and [profile NAME]).
 * Profiles that need role assumption, SSO or web identity, and the container
 * and instance-metadata providers, are not supported: the error says so and
 * how to export credentials instead.
 *
 * Region: opts.region (--region), AWS_REGION, AWS_DEFAULT_REGION, the profile's
 * region, then the region of opts.arn; an ARN in another region is an error.
 * Endpoint: opts.endpoint_url, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL,
 * the profile's [services] section, the profile's endpoint_url (all but the
 * first ignored with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), else
 * https://<service>[-fips].<region>.<partition DNS suffix>.
 * CA bundle: AWS_CA_BUNDLE, then the profile's ca_bundle. */
#ifndef ML7_AWS_H
#define ML7_AWS_H

#include <stddef.h>
#include <time.h>

#include "ml7/err.h"

struct cJSON;

struct ml7_aws_opts {
	const char *profile;         /* --profile, or NULL */
	const char *region;          /* --region, or NULL */
	const char *endpoint_url;    /* --endpoint-url, or NULL */
	const char *arn;             /* an ARN the call is about, or NULL */
	const char *service;         /* endpoint prefix and signing name: "acm" */
	const char *env_service;     /* the service's AWS_ENDPOINT_URL_ suffix: "ACM" */
	long process_timeout_ms;     /* credential_process; 0: 60 s */
	time_t now;                  /* 0: time(NULL) */
};

struct ml7_aws {
	char *access_key_id;
	char *secret_access_key;     /* secret, wiped on free */
	char *session_token;         /* secret, or NULL */
	time_t expiration;           /* 0: none known */
	char *region;
	char *endpoint;              /* "https://acm.us-west-2.amazonaws.com" */
	char *ca_bundle;             /* a CA file path, or NULL: the system store */
	const char *partition;       /* "aws", "aws-cn", "aws-us-gov", ... */
	char profile[128];
	char creds_source[320];      /* "environment", "shared credentials file '...' [x]", ... */
	char region_source[64];      /* "--region", "AWS_REGION", "profile x", "the ARN" */
	char endpoint_source[64];
};

/* 0 and *out, or an error; when no source has credentials at all the code is
 * ML7_EAUTH with err->reason "NoCredentials" (callers that only check when
 * credentials exist skip on that). */
int ml7_aws_resolve(const struct ml7_aws_opts *opts, struct ml7_aws **out, struct ml7_err *err);
void ml7_aws_free(struct ml7_aws *a);

/* The partition and DNS suffix of a region ("cn-north-1" -> "aws-cn",
 * "amazonaws.com.cn").  Unknown prefixes are the "aws" partition. */
void ml7_aws_partition(const char *region, const char **partition, const char **dns_suffix);

struct ml7_aws_arn {
	char partition[16];
	char service[32];
	char region[32];
	char account[16];
	char resource[256];
};

/* Splits "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE".  0 or ML7_EINVAL. */
int ml7_aws_arn_parse(const char *arn, struct ml7_aws_arn *out, struct ml7_err *err);
/* 0 when arn is an ACM certificate ARN
 * (arn:aws[-cn|-us-gov|-iso[-b|-e|-f]]:acm:REGION:12 digits:certificate/UUID). */
int ml7_aws_acm_arn_check(const char *arn, struct ml7_err *err);

/* Parses an AWS config or credentials file as botocore does: [sections],
 * "key = value" or "key: value" (keys lower-cased), full-line # and ;
 * comments, indented continuation lines, and nested "key =" blocks (e.g.
 * [services x] acm = / endpoint_url = ...).  *out: {"section": {"key":
 * "value" | {nested}}}.  Errors name the line. */
int ml7_aws_ini_parse(const char *text, size_t n, struct cJSON **out, struct ml7_err *err);

/* Splits a command line as POSIX shlex does (quotes, backslashes; no
 * expansion).  *argv is NULL-terminated, freed with ml7_aws_argv_free(). */
int ml7_aws_split_command(const char *s, char ***argv, struct ml7_err *err);
void ml7_aws_argv_free(char **argv);

#endif
