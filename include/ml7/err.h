/* err.h - error codes and the error record every library call fills. */
#ifndef ML7_ERR_H
#define ML7_ERR_H

#include <stddef.h>

/* Return values of library functions: 0 or one of these (negative). */
enum ml7_code {
	ML7_OK = 0,
	ML7_EINVAL = -1,      /* bad input: a flag, a file's content, a value */
	ML7_ENOMEM = -2,      /* out of memory */
	ML7_ELIMIT = -3,      /* a size cap was hit */
	ML7_EIO = -4,         /* a file or the system failed */
	ML7_ENOTFOUND = -5,   /* the thing asked for does not exist */
	ML7_ETIMEDOUT = -6,   /* a deadline passed */
	ML7_EVERIFY = -7,     /* verification ran and found a fault */
	ML7_ENET = -8,        /* DNS, TCP, connection refused or reset */
	ML7_ETLS = -9,        /* the TLS handshake or certificate check failed */
	ML7_EHTTP = -10,      /* an HTTP status the caller did not expect */
	ML7_EAUTH = -11,      /* credentials missing, refused or expired */
	ML7_EPROTO = -12,     /* the peer broke the protocol */
	ML7_ECONFLICT = -13,  /* owned by someone else; --force would take it */
	ML7_ECANCELED = -14,  /* interrupted (Ctrl-C) */
	ML7_EEXEC = -15,      /* a child process could not run or failed */
	ML7_ECODE_MIN = -15
};

/* Process exit codes, one table for the whole project (README, --help). */
enum ml7_exit {
	ML7_EXIT_OK = 0,
	ML7_EXIT_FAILURE = 1,
	ML7_EXIT_USAGE = 2,
	ML7_EXIT_NOTFOUND = 3,
	ML7_EXIT_TIMEOUT = 4,
	ML7_EXIT_VERIFY = 5,
	ML7_EXIT_INTERRUPTED = 130
};

#define ML7_ERR_MSG_MAX 1024

/* The error of one call chain.  The first message set wins; callers up the
 * chain may add context in front of it with ml7_err_prefix(). */
struct ml7_err {
	int code;            /* enum ml7_code, 0 when clear */
	long http_status;    /* HTTP status when one was involved, else 0 */
	char reason[48];     /* a machine-readable cause when known (Kubernetes Status
				reason: "NotFound", "Conflict", "AlreadyExists"), else "" */
	char msg[ML7_ERR_MSG_MAX];
};

void ml7_err_clear(struct ml7_err *err);

/* Sets code and message unless a message is already set; returns code so that
 * `return ml7_err_set(err, ML7_EINVAL, "...")` reads naturally.  err may be NULL. */
int ml7_err_set(struct ml7_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Puts "context: " in front of the message already set. */
void ml7_err_prefix(struct ml7_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A short stable name for a code: "invalid", "timeout", ... */
const char *ml7_code_name(int code);

/* The process exit code for a library code. */
int ml7_exit_code(int code);

#endif
