/* cli.h - the command-line framework shared by both front ends.
 *
 * A tool is a table of commands; a command is a table entry with its options
 * (a static table of offsets into the command's own options struct) and a run
 * function.  Parsing, -h/--help, usage errors with suggestions, the global
 * flags (-v, --v=N, -q, -o) and the kubectl connection flags live here, so a
 * subcommand file holds only what is particular to it.  Unlike libml7 this
 * layer prints: it is the front ends' half. */
#ifndef ML7_CLI_H
#define ML7_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "ml7/err.h"
#include "ml7/kubeflags.h"
#include "ml7/strlist.h"

enum ml7_opt_type {
	ML7_OPT_BOOL,       /* int: --x or --x=true|false */
	ML7_OPT_STRING,     /* const char *: --x V, --x=V, -x V, -xV */
	ML7_OPT_INT,        /* int, not negative */
	ML7_OPT_COUNT,      /* int, one more per use; -vvv; -v=3 sets it */
	ML7_OPT_LIST,       /* struct ml7_strlist, one entry per use */
	ML7_OPT_DURATION    /* long milliseconds: 500ms, 30s, 15m, 1h30m; a bare number is seconds */
};

struct ml7_opt {
	const char *name;   /* long name without "--", or NULL */
	char short_name;    /* or 0 */
	enum ml7_opt_type type;
	size_t offset;      /* offsetof() into the command's options struct */
	const char *arg;    /* placeholder in help ("FILE"), NULL for BOOL/COUNT */
	const char *help;
};

#define ML7_OPT_END {NULL, 0, ML7_OPT_BOOL, 0, NULL, NULL}

enum {
	ML7_CMD_KUBE = 1u << 0,     /* takes the kubectl connection flags */
	ML7_CMD_OUTPUT = 1u << 1,   /* takes -o/--output json|yaml */
	ML7_CMD_HIDDEN = 1u << 2    /* not listed in help */
};

struct ml7_ctx;

struct ml7_cmd {
	const char *name;
	const char *summary;        /* one line, lowercase, no period */
	const char *usage;          /* after the tool name: "verify [RELEASE] [flags]" */
	const char *help;           /* longer text or NULL */
	const struct ml7_opt *opts; /* ML7_OPT_END-terminated, or NULL */
	size_t opts_size;           /* size of the struct run() receives */
	unsigned flags;
	int min_args, max_args;     /* positional arguments; max_args -1: any */
	/* Returns a process exit code (enum ml7_exit). */
	int (*run)(struct ml7_ctx *ctx, void *opts, int argc, char **argv);
	const struct ml7_cmd *const *subcommands;   /* NULL-terminated, or NULL */
};

struct ml7_tool {
	const char *name;       /* as the user types it: "kubectl milvus-l7" */
	const char *prog;       /* message prefix and man page: "kubectl-milvus-l7" */
	const char *bin;        /* the executable's file name ("kubectl-milvus_l7"); NULL: prog */
	const char *summary;
	const struct ml7_cmd *const *commands;   /* NULL-terminated */
	/* Fills the kubectl flags from the environment (Helm); NULL for none. */
	void (*kube_env)(struct ml7_kube_flags *kf);
};

/* What every command's run() receives besides its own options. */
struct ml7_ctx {
	const struct ml7_tool *tool;
	const struct ml7_cmd *cmd;
	const char *cmd_path;       /* "ingress render" */
	int verbosity;              /* -v count or --v=N */
	int quiet;                  /* -q */
	int help;                   /* -h/--help was given */
	const char *output;         /* -o value, NULL when not given */
	struct ml7_kube_flags kube;
	int argc;                   /* the whole command line, as the user typed it */
	const char *const *argv;
	int stdout_tty, stderr_tty;
	int color;                  /* stderr is a terminal and NO_COLOR is unset */
};

/* Runs the tool; returns the process exit code. */
int ml7_cli_main(const struct ml7_tool *tool, int argc, char **argv);

/* "prog: message" on stderr, one line. */
void ml7_cli_error(const struct ml7_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ml7_cli_warn(const struct ml7_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Usage error: prints the message and "see '<tool> <cmd> --help'"; returns 2. */
int ml7_cli_usage_error(const struct ml7_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints err's message and returns the exit code for its code. */
int ml7_cli_fail(const struct ml7_ctx *ctx, const struct ml7_err *err);
/* A progress/status line on stderr at verbosity >= 0 unless -q. */
void ml7_cli_info(const struct ml7_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct ml7_kube;
/* A Kubernetes client from ctx->kube (the kubectl flags, or for the Helm front
 * end the HELM_* environment): loads the kubeconfig as kubectl does.  Prints
 * the error itself and returns its exit code; 0 and *out on success. */
int ml7_cli_kube(struct ml7_ctx *ctx, struct ml7_kube **out);

/* 1 when -o json, 2 when -o yaml, 0 when not given; -1 (after a usage
 * message) for anything else. */
int ml7_cli_output_format(const struct ml7_ctx *ctx);

struct cJSON;
/* Prints obj on stdout as indented JSON, or as YAML when -o yaml.  Returns an
 * exit code (0 on success). */
int ml7_cli_print_object(const struct ml7_ctx *ctx, const struct cJSON *obj);

/* Parses a Go-style duration ("1h30m", "500ms", "30s"; a bare number is
 * seconds) into milliseconds.  0 or ML7_EINVAL. */
int ml7_parse_duration(const char *s, long *out_ms);

/* The closest of names[] (NULL-terminated) to s, or NULL when none is close. */
const char *ml7_cli_suggest(const char *s, const char *const *names);

/* The built-in commands both tools carry. */
extern const struct ml7_cmd ml7_cmd_help;
extern const struct ml7_cmd ml7_cmd_version;

/* The shared option tables: the kubectl connection flags, -o, the global flags. */
enum ml7_cli_optset { ML7_OPTS_KUBE, ML7_OPTS_OUTPUT, ML7_OPTS_GLOBAL };
const struct ml7_opt *ml7_cli_std_opts(enum ml7_cli_optset which);
/* The option tables cmd takes (NULL: the tool's top level) in the parser's
 * order: its own, kubectl, output, global.  Returns how many (at most 4). */
size_t ml7_cli_cmd_opts(const struct ml7_cmd *cmd, const struct ml7_opt *sets[4]);
/* "Exit codes:\n  0    ok\n..." as --help prints it. */
const char *ml7_cli_exit_codes_help(void);

/* Shell completion (complete.c): argv holds the words after the executable,
 * the last one being completed (maybe ""); prints the candidates in cobra's
 * __complete format ("value\tdescription" lines, then ":directive"), which
 * kubectl's plugin completion and Helm's plugin.complete read.  ml7_cli_main
 * calls it for `TOOL __complete ...` and when run as kubectl_complete-NAME. */
int ml7_cli_complete(const struct ml7_tool *tool, FILE *f, int argc, char **argv);
/* The roff manual page of the tool, from the command tables (man.c). */
void ml7_cli_print_man(FILE *f, const struct ml7_tool *tool);
/* `completion bash|zsh|fish` and the hidden `man`. */
extern const struct ml7_cmd ml7_cmd_completion;
extern const struct ml7_cmd ml7_cmd_man;

/* Writes the help of cmd (or of the tool when cmd is NULL) to f. */
void ml7_cli_print_help(FILE *f, const struct ml7_tool *tool, const struct ml7_cmd *cmd,
			const char *cmd_path);

#endif
