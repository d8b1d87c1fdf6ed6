/* run.c - spawn a child with an argv, feed it, collect its output, bound it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ml7/cancel.h"
#include "ml7/log.h"
#include "ml7/mem.h"
#include "ml7/clock.h"
#include "ml7/run.h"

extern char **environ;

/* environ with env_add applied (a name set twice: the later one wins). */
static char **child_env(const char *const *add)
{
	size_t n = 0, m = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	while (add && add[m])
		m++;
	env = ml7_calloc(n + m + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t len = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		int replaced = 0;

		for (size_t j = 0; j < m; j++)
			if (strncmp(add[j], environ[i], len) == 0 && add[j][len] == '=')
				replaced = 1;
		if (!replaced)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		env[k++] = (char *)add[j];
	env[k] = NULL;
	return env;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int ml7_run(const struct ml7_run_opts *o, struct ml7_run_result *res, struct ml7_err *err)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	size_t max = o->max_output ? o->max_output : 4u << 20, written = 0;
	long deadline = o->timeout_ms > 0 ? ml7_now_ms() + o->timeout_ms : 0;
	char **env = NULL;
	pid_t pid = -1;
	int rc = 0, wstatus = 0, spawn_rc, fa_ok = 0;

	memset(res, 0, sizeof(*res));
	ml7_buf_init(&res->out, max);
	ml7_buf_init(&res->err, max);
	res->out.secret = 1;    /* credential plugins print tokens */
	if (pipe2(out, O_CLOEXEC) || (!o->inherit_stderr && pipe2(errp, O_CLOEXEC)) ||
	    (!o->inherit_stdin && pipe2(in, O_CLOEXEC))) {
		rc = ml7_err_set(err, ML7_EEXEC, "cannot run '%s': %s", o->argv[0], strerror(errno));
		goto out;
	}
	env = child_env(o->env_add);
	if (!env || posix_spawn_file_actions_init(&fa)) {
		rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
		goto out;
	}
	fa_ok = 1;
	if (!o->inherit_stdin)
		posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	if (!o->inherit_stderr)
		posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	if (o->dir)
		posix_spawn_file_actions_addchdir_np(&fa, o->dir);
	ml7_log(ML7_LOG_ACTION, "running %s", o->argv[0]);
	spawn_rc = posix_spawnp(&pid, o->argv[0], &fa, NULL, (char *const *)o->argv, env);
	if (spawn_rc) {
		pid = -1;
		rc = ml7_err_set(err, spawn_rc == ENOENT || spawn_rc == EACCES ? ML7_ENOTFOUND : ML7_EEXEC,
				 "cannot run '%s': %s", o->argv[0], strerror(spawn_rc));
		goto out;
	}
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&errp[1]);
	if (!o->inherit_stdin && !o->stdin_data)
		close_fd(&in[1]);
	else if (in[1] >= 0)
		fcntl(in[1], F_SETFL, O_NONBLOCK);

	while (out[0] >= 0 || errp[0] >= 0) {
		struct pollfd p[3];
		int np = 0, wait = -1;

		if (deadline) {
			wait = (int)(deadline - ml7_now_ms());
			if (wait <= 0) {
				rc = ml7_err_set(err, ML7_ETIMEDOUT, "'%s' did not finish within %ld ms",
						 o->argv[0], o->timeout_ms);
				goto out;
			}
		}
		if (wait < 0 || wait > 200)
			wait = 200;     /* to notice Ctrl-C */
		if (ml7_canceled()) {
			rc = ml7_err_set(err, ML7_ECANCELED, "interrupted while '%s' ran", o->argv[0]);
			goto out;
		}
		if (out[0] >= 0)
			p[np++] = (struct pollfd){out[0], POLLIN, 0};
		if (errp[0] >= 0)
			p[np++] = (struct pollfd){errp[0], POLLIN, 0};
		if (in[1] >= 0)
			p[np++] = (struct pollfd){in[1], POLLOUT, 0};
		if (poll(p, (nfds_t)np, wait) < 0 && errno != EINTR) {
			rc = ml7_err_set(err, ML7_EEXEC, "poll: %s", strerror(errno));
			goto out;
		}
		for (int i = 0; i < np; i++) {
			char chunk[8192];
			ssize_t r;

			if (!p[i].revents)
				continue;
			if (p[i].fd == in[1]) {
				r = write(in[1], o->stdin_data + written, o->stdin_len - written);
				if (r > 0)
					written += (size_t)r;
				if (r < 0 && errno != EAGAIN)
					close_fd(&in[1]);   /* the child does not read: fine */
				if (written == o->stdin_len)
					close_fd(&in[1]);
				continue;
			}
			r = read(p[i].fd, chunk, sizeof(chunk));
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r <= 0) {
				if (p[i].fd == out[0])
					close_fd(&out[0]);
				else
					close_fd(&errp[0]);
				continue;
			}
			if (ml7_buf_append(p[i].fd == out[0] ? &res->out : &res->err, chunk, (size_t)r)) {
				ml7_wipe(chunk, sizeof(chunk));
				rc = ml7_err_set(err, ML7_ELIMIT, "'%s' printed more than %zu bytes",
						 o->argv[0], max);
				goto out;
			}
			ml7_wipe(chunk, (size_t)r);
		}
	}
out:
	if (pid > 0) {
		if (rc)
			kill(pid, SIGKILL);
		while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(wstatus))
			res->status = WEXITSTATUS(wstatus);
		else if (WIFSIGNALED(wstatus))
			res->status = 128 + WTERMSIG(wstatus);
	}
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	ml7_free(env);
	return rc;
}

void ml7_run_result_free(struct ml7_run_result *res)
{
	ml7_buf_free(&res->out);
	ml7_buf_free(&res->err);
}

static int executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int ml7_run_found(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	char full[4096];

	if (!prog || !*prog)
		return 0;
	if (strchr(prog, '/'))
		return executable(prog);
	for (p = path && *path ? path : "/usr/local/bin:/usr/bin:/bin"; ; p = end + 1) {
		size_t n;

		end = strchr(p, ':');
		n = end ? (size_t)(end - p) : strlen(p);
		/* an empty entry is the current folder, as for execvp */
		if (snprintf(full, sizeof(full), "%.*s%s%s", (int)n, n ? p : ".", "/", prog) <
		    (int)sizeof(full) && executable(full))
			return 1;
		if (!end)
			return 0;
	}
}
