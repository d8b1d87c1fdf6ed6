/* complete.c - shell completion from the command tables.
 *
 * One protocol for every shell: the scripts that `completion bash|zsh|fish`
 * prints, kubectl (>= 1.26, through the kubectl_complete-<plugin> helper) and
 * Helm (through the plugin's plugin.complete) all run the binary with the
 * words typed so far plus the word being completed, and it prints one
 * candidate a line ("value<TAB>description") and a last line ":DIRECTIVE",
 * the format of cobra's __complete that kubectl and Helm parse.  The commands
 * and flags come from the same tables as --help, so they follow by
 * themselves.  Namespaces (-n) and release names (a RELEASE argument) come
 * from the cluster, with the kubectl flags typed so far; a cluster that does
 * not answer within 5 s (or --request-timeout) just gives no candidates. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ml7/buf.h"
#include "ml7/cli.h"
#include "ml7/kube.h"

/* cobra's ShellCompDirective bits */
enum {
	DIR_DEFAULT = 0,        /* the shell may complete file names */
	DIR_NOSPACE = 2,
	DIR_NOFILE = 4
};

static const char *bin_name(const struct ml7_tool *tool)
{
	return tool->bin ? tool->bin : tool->prog;
}

static const struct ml7_opt *find_opt(const struct ml7_opt *const *sets, size_t n, const char *word,
				      int *has_value)
{
	const char *eq;
	size_t len;

	*has_value = 0;
	if (word[0] != '-' || !word[1])
		return NULL;
	if (word[1] == '-') {
		word += 2;
		eq = strchr(word, '=');
		len = eq ? (size_t)(eq - word) : strlen(word);
		*has_value = eq != NULL;
		for (size_t s = 0; s < n; s++)
			for (const struct ml7_opt *o = sets[s]; o->name || o->short_name; o++)
				if (o->name && strlen(o->name) == len && strncmp(o->name, word, len) == 0)
					return o;
		return NULL;
	}
	/* -n, -nNS, -n=NS: the last letter of a bundle decides */
	for (const char *p = word + 1; *p; p++)
		for (size_t s = 0; s < n; s++)
			for (const struct ml7_opt *o = sets[s]; o->name || o->short_name; o++)
				if (o->short_name == *p) {
					if (o->type != ML7_OPT_BOOL && o->type != ML7_OPT_COUNT) {
						*has_value = p[1] != '\0';
						return o;
					}
					break;
				}
	return NULL;
}

static int takes_value(const struct ml7_opt *o)
{
	return o && o->type != ML7_OPT_BOOL && o->type != ML7_OPT_COUNT;
}

static void candidate(FILE *f, const char *prefix, const char *value, const char *desc,
		      const char *typed)
{
	char full[256];

	snprintf(full, sizeof(full), "%s%s", prefix, value);
	if (strncmp(full, typed, strlen(typed)) != 0)
		return;
	if (desc && *desc)
		fprintf(f, "%s\t%s\n", full, desc);
	else
		fprintf(f, "%s\n", full);
}

/* The kubectl flags typed so far, for the cluster look-ups. */
struct typed_kube {
	const struct ml7_tool *tool;
	struct ml7_kube_flags flags;
};

static void keep_kube_flag(struct typed_kube *tk, const struct ml7_opt *o, const char *value)
{
	const struct ml7_opt *kube = ml7_cli_std_opts(ML7_OPTS_KUBE);
	size_t n = 0;

	while (kube[n].name || kube[n].short_name)
		n++;
	if (o >= kube && o < kube + n && o->type == ML7_OPT_STRING)
		*(const char **)((char *)&tk->flags + o->offset) = value;
}

/* metadata.name of each item of a list at path, or a label's distinct values. */
static void cluster_names(FILE *f, struct typed_kube *tk, const char *resource,
			  const char *selector, const char *label, const char *typed)
{
	struct ml7_ctx ctx;
	struct ml7_kube *k = NULL;
	struct ml7_err err = {0};
	struct ml7_buf path = ML7_BUF_INIT;
	cJSON *list = NULL, *item;

	memset(&ctx, 0, sizeof(ctx));
	ctx.tool = tk->tool;
	ctx.quiet = 1;
	if (tk->tool->kube_env)
		tk->tool->kube_env(&ctx.kube);
	if (tk->flags.kubeconfig)
		ctx.kube.kubeconfig = tk->flags.kubeconfig;
	for (const struct ml7_opt *o = ml7_cli_std_opts(ML7_OPTS_KUBE); o->name; o++) {
		const char *v = *(const char *const *)((const char *)&tk->flags + o->offset);

		if (o->type == ML7_OPT_STRING && v)
			*(const char **)((char *)&ctx.kube + o->offset) = v;
	}
	if (!ctx.kube.request_timeout)
		ctx.kube.request_timeout = "5s";
	/* completion never prints on the terminal: errors just mean no candidates
	 * (the process ends with the completion) */
	if (!freopen("/dev/null", "w", stderr))
		goto out;
	if (ml7_cli_kube(&ctx, &k) != 0)
		goto out;
	if (ml7_kube_path(&path, "v1", resource ? ml7_kube_namespace(k) : NULL,
			  resource ? resource : "namespaces", NULL, NULL) ||
	    (selector && ml7_kube_query(&path, "labelSelector", selector)) ||
	    ml7_kube_get(k, path.data, &list, &err))
		goto out;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(list, "items")) {
		const cJSON *meta = cJSON_GetObjectItemCaseSensitive(item, "metadata");
		const cJSON *labels = cJSON_GetObjectItemCaseSensitive(meta, "labels");
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			label ? labels : meta, label ? label : "name"));
		int seen = 0;

		for (const cJSON *prev = cJSON_GetObjectItemCaseSensitive(list, "items")->child;
		     name && prev != item && !seen; prev = prev->next) {
			const cJSON *pm = cJSON_GetObjectItemCaseSensitive(prev, "metadata");
			const char *pn = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				label ? cJSON_GetObjectItemCaseSensitive(pm, "labels") : pm,
				label ? label : "name"));

			seen = pn && strcmp(pn, name) == 0;
		}
		if (name && !seen)
			candidate(f, "", name, NULL, typed);
	}
out:
	cJSON_Delete(list);
	ml7_buf_free(&path);
	ml7_kube_free(k);
}

/* Values of an option: the fixed ones we know, else files when it names one. */
static int complete_value(FILE *f, struct typed_kube *tk, const struct ml7_opt *o,
			  const char *prefix, const char *typed)
{
	if (o->name && strcmp(o->name, "namespace") == 0 && !*prefix) {
		cluster_names(f, tk, NULL, NULL, NULL, typed);
		return DIR_NOFILE;
	}
	if (o->name && strcmp(o->name, "output") == 0) {
		candidate(f, prefix, "json", "print the result as JSON", typed);
		candidate(f, prefix, "yaml", "print the result as YAML", typed);
		return DIR_NOFILE;
	}
	if (o->arg && (strcmp(o->arg, "FILE") == 0 || strcmp(o->arg, "DIR") == 0))
		return DIR_DEFAULT;
	return DIR_NOFILE;
}

static void list_commands(FILE *f, const struct ml7_cmd *const *table, const char *typed)
{
	for (size_t i = 0; table && table[i]; i++)
		if (!(table[i]->flags & ML7_CMD_HIDDEN))
			candidate(f, "", table[i]->name, table[i]->summary, typed);
}

int ml7_cli_complete(const struct ml7_tool *tool, FILE *f, int argc, char **argv)
{
	const struct ml7_cmd *const *table = tool->commands;
	const struct ml7_cmd *cmd = NULL;
	const struct ml7_opt *sets[4];
	const struct ml7_opt *pending = NULL;
	const char *typed = argc > 0 ? argv[argc - 1] : "";
	size_t nsets = ml7_cli_cmd_opts(NULL, sets);
	int nargs = 0, dashdash = 0, directive = DIR_NOFILE;
	struct typed_kube tk;

	memset(&tk, 0, sizeof(tk));
	tk.tool = tool;

	for (int i = 0; i < argc - 1; i++) {
		const char *w = argv[i];
		const struct ml7_opt *o;
		int has_value;

		if (pending) {          /* the value of the option before */
			keep_kube_flag(&tk, pending, w);
			pending = NULL;
			continue;
		}
		if (!dashdash && strcmp(w, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (!dashdash && w[0] == '-' && w[1]) {
			o = find_opt(sets, nsets, w, &has_value);
			if (takes_value(o) && !has_value)
				pending = o;
			else if (takes_value(o))
				keep_kube_flag(&tk, o, w[1] == '-' ? strchr(w, '=') + 1 :
					       strchr(w, o->short_name) + 1 + (strchr(w, o->short_name)[1] == '='));
			continue;
		}
		if (table && nargs == 0) {
			const struct ml7_cmd *c = NULL;

			for (size_t j = 0; table[j]; j++)
				if (strcmp(table[j]->name, w) == 0)
					c = table[j];
			if (c) {
				cmd = c;
				table = c->subcommands;
				nsets = ml7_cli_cmd_opts(cmd, sets);
				continue;
			}
		}
		nargs++;
	}

	if (pending) {
		directive = complete_value(f, &tk, pending, "", typed);
	} else if (!dashdash && typed[0] == '-') {
		const char *eq = strchr(typed, '=');
		int has_value;
		const struct ml7_opt *o = eq ? find_opt(sets, nsets, typed, &has_value) : NULL;

		if (eq && typed[1] == '-' && takes_value(o)) {
			char prefix[128];

			snprintf(prefix, sizeof(prefix), "%.*s", (int)(eq - typed + 1), typed);
			directive = complete_value(f, &tk, o, prefix, typed);
		} else {
			for (size_t s = 0; s < nsets; s++)
				for (const struct ml7_opt *p = sets[s]; p->name || p->short_name; p++) {
					char name[128];

					if (p->name)
						snprintf(name, sizeof(name), "--%s", p->name);
					else
						snprintf(name, sizeof(name), "-%c", p->short_name);
					candidate(f, "", name, p->help, typed);
				}
		}
	} else if (table && nargs == 0) {
		list_commands(f, table, typed);
	} else if (cmd && cmd->run && nargs == 0 && (cmd->flags & ML7_CMD_KUBE) &&
		   strstr(cmd->usage, "RELEASE")) {
		/* the Milvus releases of the namespace, as release discovery finds them */
		cluster_names(f, &tk, "services", "app.kubernetes.io/name=milvus",
			      "app.kubernetes.io/instance", typed);
	} else if (cmd == &ml7_cmd_help || cmd == &ml7_cmd_completion) {
		if (cmd == &ml7_cmd_help)
			list_commands(f, tool->commands, typed);
		else if (nargs == 0)
			for (const char *const *s = (const char *const[]){"bash", "zsh", "fish", NULL}; *s; s++)
				candidate(f, "", *s, NULL, typed);
	}
	fprintf(f, ":%d\n", directive);
	return fflush(f) == 0 ? ML7_EXIT_OK : ML7_EXIT_FAILURE;
}

/* ---- the scripts ----------------------------------------------------------
 * "@BIN@" is the executable's name, "@FN@" a shell-safe form of it. */

static const char bash_script[] =
	"# bash completion for @BIN@; load with: source <(@BIN@ completion bash)\n"
	"_@FN@_complete() {\n"
	"\tlocal line=${COMP_LINE:0:COMP_POINT} out directive cur c\n"
	"\tlocal -a words\n"
	"\tread -ra words <<<\"$line\"\n"
	"\t[[ $line == *[[:space:]] ]] && words+=(\"\")\n"
	"\tcur=${words[${#words[@]}-1]}\n"
	"\tout=$(\"${words[0]}\" __complete \"${words[@]:1}\" 2>/dev/null) || return 0\n"
	"\tdirective=${out##*:}\n"
	"\t[[ $directive =~ ^[0-9]+$ ]] || directive=0\n"
	"\tCOMPREPLY=()\n"
	"\twhile IFS= read -r c; do\n"
	"\t\t[[ -z $c || $c == :* ]] && continue\n"
	"\t\tc=${c%%$'\\t'*}\n"
	"\t\t# bash splits the word at '=' and ':'; reply with the part after it\n"
	"\t\t[[ $cur == *[=:]* ]] && c=${c#\"${cur%[=:]*}\"?}\n"
	"\t\tCOMPREPLY+=(\"$c\")\n"
	"\tdone <<<\"$out\"\n"
	"\t((directive & 2)) && compopt -o nospace 2>/dev/null\n"
	"\tif ((${#COMPREPLY[@]} == 0)) && ! ((directive & 4)); then\n"
	"\t\tcompopt -o default 2>/dev/null\n"
	"\tfi\n"
	"\treturn 0\n"
	"}\n"
	"complete -F _@FN@_complete @BIN@\n";

static const char zsh_script[] =
	"#compdef @BIN@\n"
	"# zsh completion for @BIN@; load with: source <(@BIN@ completion zsh)\n"
	"# or save it as _@BIN@ in a folder of $fpath.\n"
	"_@FN@_complete() {\n"
	"\tlocal out directive line\n"
	"\tlocal -a lines comps\n"
	"\tout=$(\"${words[1]}\" __complete \"${(@)words[2,CURRENT]}\" 2>/dev/null) || return 1\n"
	"\tlines=(\"${(@f)out}\")\n"
	"\tdirective=${lines[-1]#:}\n"
	"\t[[ $directive == <-> ]] || directive=0\n"
	"\tfor line in \"${(@)lines[1,-2]}\"; do\n"
	"\t\t[[ -n $line ]] || continue\n"
	"\t\tif [[ $line == *$'\\t'* ]]; then\n"
	"\t\t\tcomps+=(\"${${line%%$'\\t'*}//:/\\\\:}:${line#*$'\\t'}\")\n"
	"\t\telse\n"
	"\t\t\tcomps+=(\"${line//:/\\\\:}\")\n"
	"\t\tfi\n"
	"\tdone\n"
	"\tif (( ${#comps} )); then\n"
	"\t\t_describe -t values '@BIN@' comps\n"
	"\telif (( ! (directive & 4) )); then\n"
	"\t\t_files\n"
	"\tfi\n"
	"}\n"
	"if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
	"\t_@FN@_complete \"$@\"\n"
	"else\n"
	"\tcompdef _@FN@_complete @BIN@\n"
	"fi\n";

static const char fish_script[] =
	"# fish completion for @BIN@; load with: @BIN@ completion fish | source\n"
	"function __@FN@_complete\n"
	"\tset -l words (commandline -opc)\n"
	"\tset -l out ($words[1] __complete $words[2..-1] (commandline -ct) 2>/dev/null)\n"
	"\tor return\n"
	"\tset -l directive (string replace -r '^:' '' -- $out[-1])\n"
	"\tset -e out[-1]\n"
	"\tif test (count $out) -gt 0\n"
	"\t\tprintf '%s\\n' $out\n"
	"\telse if test (math \"bitand($directive, 4)\") -eq 0\n"
	"\t\t__fish_complete_path (commandline -ct)\n"
	"\tend\n"
	"end\n"
	"complete -c @BIN@ -f -a '(__@FN@_complete)'\n";

static void print_script(FILE *f, const char *tmpl, const char *bin)
{
	char fn[128];
	size_t i;

	for (i = 0; bin[i] && i + 1 < sizeof(fn); i++)
		fn[i] = (bin[i] >= 'a' && bin[i] <= 'z') || (bin[i] >= 'A' && bin[i] <= 'Z') ||
			(bin[i] >= '0' && bin[i] <= '9') ? bin[i] : '_';
	fn[i] = '\0';
	for (const char *p = tmpl; *p; p++) {
		if (strncmp(p, "@BIN@", 5) == 0) {
			fputs(bin, f);
			p += 4;
		} else if (strncmp(p, "@FN@", 4) == 0) {
			fputs(fn, f);
			p += 3;
		} else {
			fputc(*p, f);
		}
	}
}

static int completion_run(struct ml7_ctx *ctx, void *opts, int argc, char **argv)
{
	static const struct {
		const char *shell;
		const char *script;
	} shells[] = {{"bash", bash_script}, {"zsh", zsh_script}, {"fish", fish_script}};

	(void)opts;
	(void)argc;
	for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++)
		if (strcmp(argv[0], shells[i].shell) == 0) {
			print_script(stdout, shells[i].script, bin_name(ctx->tool));
			return ML7_EXIT_OK;
		}
	return ml7_cli_usage_error(ctx, "unknown shell '%s' (use bash, zsh or fish)", argv[0]);
}

const struct ml7_cmd ml7_cmd_completion = {
	.name = "completion",
	.summary = "print a shell completion script (bash, zsh or fish)",
	.usage = "completion bash|zsh|fish",
	.help = "Prints a script that completes the executable's commands, flags and flag values;\n"
		"load it from the shell's start-up file:\n"
		"  bash:  source <(kubectl milvus-l7 completion bash)\n"
		"  zsh:   source <(kubectl milvus-l7 completion zsh)      (after compinit)\n"
		"  fish:  kubectl milvus-l7 completion fish | source\n"
		"kubectl 1.26 and later complete `kubectl milvus-l7 <TAB>` through an executable\n"
		"kubectl_complete-milvus_l7 on PATH: a link to kubectl-milvus_l7 (make install makes it).\n"
		"Helm completes `helm milvus-l7 <TAB>` with its own script (helm completion bash)\n"
		"through the plugin's plugin.complete.\n",
	.min_args = 1,
	.max_args = 1,
	.run = completion_run,
};
