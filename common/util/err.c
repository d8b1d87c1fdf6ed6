/* err.c - the error record. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ml7/err.h"

void ml7_err_clear(struct ml7_err *err)
{
	if (!err)
		return;
	err->code = 0;
	err->http_status = 0;
	err->reason[0] = '\0';
	err->msg[0] = '\0';
}

int ml7_err_set(struct ml7_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->msg[0])
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void ml7_err_prefix(struct ml7_err *err, const char *fmt, ...)
{
	char head[ML7_ERR_MSG_MAX], old[ML7_ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	if (old[0])
		snprintf(err->msg, sizeof(err->msg), "%s: %s", head, old);
	else
		snprintf(err->msg, sizeof(err->msg), "%s", head);
}

static const struct {
	int code;
	const char *name;
	int exit;
} codes[] = {
	{ML7_OK, "ok", ML7_EXIT_OK},
	{ML7_EINVAL, "invalid", ML7_EXIT_FAILURE},
	{ML7_ENOMEM, "out-of-memory", ML7_EXIT_FAILURE},
	{ML7_ELIMIT, "too-large", ML7_EXIT_FAILURE},
	{ML7_EIO, "io", ML7_EXIT_FAILURE},
	{ML7_ENOTFOUND, "not-found", ML7_EXIT_NOTFOUND},
	{ML7_ETIMEDOUT, "timeout", ML7_EXIT_TIMEOUT},
	{ML7_EVERIFY, "verification-failed", ML7_EXIT_VERIFY},
	{ML7_ENET, "network", ML7_EXIT_FAILURE},
	{ML7_ETLS, "tls", ML7_EXIT_FAILURE},
	{ML7_EHTTP, "http", ML7_EXIT_FAILURE},
	{ML7_EAUTH, "auth", ML7_EXIT_FAILURE},
	{ML7_EPROTO, "protocol", ML7_EXIT_FAILURE},
	{ML7_ECONFLICT, "conflict", ML7_EXIT_FAILURE},
	{ML7_ECANCELED, "interrupted", ML7_EXIT_INTERRUPTED},
	{ML7_EEXEC, "exec", ML7_EXIT_FAILURE},
};

const char *ml7_code_name(int code)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return codes[i].name;
	return "unknown";
}

int ml7_exit_code(int code)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return codes[i].exit;
	return ML7_EXIT_FAILURE;
}
