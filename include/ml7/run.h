/* run.h - run a child process: an argv (never a shell), bounded output, a
 * timeout and the exit status.  Used for exec credential plugins, helm and
 * credential_process. */
#ifndef ML7_RUN_H
#define ML7_RUN_H

#include <stddef.h>

#include "ml7/buf.h"
#include "ml7/err.h"

struct ml7_run_opts {
	const char *const *argv;     /* argv[0] is looked up on PATH when it has no '/' */
	const char *const *env_add;  /* "NAME=value" set in the child's environment; NULL-terminated */
	const char *stdin_data;      /* written to the child's stdin, then closed */
	size_t stdin_len;
	int inherit_stdin;           /* the child reads our stdin (interactive plugins) */
	int inherit_stderr;          /* the child's stderr goes to ours, not to result.err */
	long timeout_ms;             /* 0: none; on expiry the child is killed */
	size_t max_output;           /* cap of stdout and of captured stderr; 0: 4 MiB */
	const char *dir;             /* working directory, or NULL */
};

struct ml7_run_result {
	int status;                  /* exit code, or 128 + signal when killed by one */
	struct ml7_buf out;
	struct ml7_buf err;
};

/* Runs the child to its end.  0 when it ran (whatever its exit status);
 * ML7_ENOTFOUND when argv[0] does not exist or is not executable,
 * ML7_ETIMEDOUT (child killed), ML7_ELIMIT (output over the cap, child
 * killed), ML7_ECANCELED (Ctrl-C, child killed), ML7_EEXEC otherwise.
 * result is filled on every return and must be freed. */
int ml7_run(const struct ml7_run_opts *opts, struct ml7_run_result *result, struct ml7_err *err);
void ml7_run_result_free(struct ml7_run_result *result);

/* 1 when ml7_run could start prog: a path (with a '/') to an executable file,
 * or a name found as one on $PATH; else 0.  Runs nothing. */
int ml7_run_found(const char *prog);

#endif
