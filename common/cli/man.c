/* man.c - the manual page, from the same command tables as --help.
 * `kubectl milvus-l7 man | man -l -` shows it; `make install` installs it. */
#include <stdio.h>
#include <string.h>

#include "ml7/cli.h"
#include "ml7/version.h"

/* Text in roff: backslashes and dashes escaped, no control character at the
 * start of a line. */
static void roff(FILE *f, const char *s, size_t n)
{
	int bol = 1;

	for (size_t i = 0; i < n && s[i]; i++) {
		char c = s[i];

		if (bol && (c == '.' || c == '\''))
			fputs("\\&", f);
		bol = c == '\n';
		if (c == '\\')
			fputs("\\e", f);
		else if (c == '-')
			fputs("\\-", f);
		else
			fputc(c, f);
	}
}

static void roffs(FILE *f, const char *s)
{
	roff(f, s, strlen(s));
}

static void print_opts(FILE *f, const struct ml7_opt *opts)
{
	for (const struct ml7_opt *o = opts; o && (o->name || o->short_name); o++) {
		fputs(".TP\n", f);
		if (o->short_name)
			fprintf(f, "\\fB\\-%c\\fR%s", o->short_name, o->name ? ", " : "");
		if (o->name) {
			fputs("\\fB\\-\\-", f);
			roffs(f, o->name);
			fputs("\\fR", f);
		}
		if (o->arg) {
			fputs(" \\fI", f);
			roffs(f, o->arg);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		roffs(f, o->help);
		fputc('\n', f);
	}
}

static void print_cmd(FILE *f, const struct ml7_tool *tool, const struct ml7_cmd *cmd,
		      const char *parent, unsigned *flags)
{
	char path[256];

	if (cmd->flags & ML7_CMD_HIDDEN)
		return;
	snprintf(path, sizeof(path), "%s%s%s", parent, *parent ? " " : "", cmd->name);
	*flags |= cmd->flags;
	fputs(".SS \"", f);
	roffs(f, path);
	fputs("\"\n", f);
	roffs(f, cmd->summary);
	fputs(".\n.PP\n.nf\n\\fB", f);
	roffs(f, tool->name);
	fputs(" ", f);
	roffs(f, cmd->usage);
	fputs("\\fR\n.fi\n", f);
	if (cmd->help) {
		fputs(".PP\n.nf\n", f);
		roffs(f, cmd->help);
		if (cmd->help[0] && cmd->help[strlen(cmd->help) - 1] != '\n')
			fputc('\n', f);
		fputs(".fi\n", f);
	}
	if (cmd->opts && (cmd->opts->name || cmd->opts->short_name)) {
		fputs(".PP\nFlags:\n.RS\n", f);
		print_opts(f, cmd->opts);
		fputs(".RE\n", f);
	}
	if (cmd->flags & (ML7_CMD_KUBE | ML7_CMD_OUTPUT))
		fprintf(f, ".PP\nAlso takes the %s%s%s.\n",
			cmd->flags & ML7_CMD_KUBE ? "KUBERNETES OPTIONS" : "",
			(cmd->flags & ML7_CMD_KUBE) && (cmd->flags & ML7_CMD_OUTPUT) ? " and the " : "",
			cmd->flags & ML7_CMD_OUTPUT ? "OUTPUT OPTIONS" : "");
	for (size_t i = 0; cmd->subcommands && cmd->subcommands[i]; i++)
		print_cmd(f, tool, cmd->subcommands[i], path, flags);
}

void ml7_cli_print_man(FILE *f, const struct ml7_tool *tool)
{
	const char *codes = ml7_cli_exit_codes_help();
	unsigned flags = 0;
	char title[64];
	size_t i;

	for (i = 0; tool->prog[i] && i + 1 < sizeof(title); i++)
		title[i] = (char)(tool->prog[i] >= 'a' && tool->prog[i] <= 'z' ? tool->prog[i] - 32 : tool->prog[i]);
	title[i] = '\0';
	fputs(".TH ", f);
	roffs(f, title);
	fprintf(f, " 1 \"\" \"milvus-l7 %s\" \"User Commands\"\n", ml7_version());
	fputs(".SH NAME\n", f);
	roffs(f, tool->prog);
	fputs(" \\- ", f);
	roffs(f, tool->summary);
	fputs("\n.SH SYNOPSIS\n.B ", f);
	roffs(f, tool->name);
	fputs("\n.I COMMAND\n[\\fIflags\\fR]\n.SH DESCRIPTION\n", f);
	if (tool->summary[0] >= 'a' && tool->summary[0] <= 'z')
		fputc(tool->summary[0] - 32, f);
	roffs(f, tool->summary + (tool->summary[0] >= 'a' && tool->summary[0] <= 'z'));
	fputs(".\nEvery command takes \\fB\\-h\\fR for its help; data goes to standard output, "
	      "diagnostics to standard error.\n.SH COMMANDS\n", f);
	for (i = 0; tool->commands[i]; i++)
		print_cmd(f, tool, tool->commands[i], "", &flags);

	if (flags & ML7_CMD_KUBE) {
		fputs(".SH KUBERNETES OPTIONS\nThe connection flags of kubectl, with kubectl's meaning", f);
		fputs(tool->kube_env ? "; Helm passes its own as HELM_* variables, which are read too.\n"
				     : ".\n", f);
		print_opts(f, ml7_cli_std_opts(ML7_OPTS_KUBE));
	}
	if (flags & ML7_CMD_OUTPUT) {
		fputs(".SH OUTPUT OPTIONS\n", f);
		print_opts(f, ml7_cli_std_opts(ML7_OPTS_OUTPUT));
	}
	fputs(".SH GLOBAL OPTIONS\n", f);
	print_opts(f, ml7_cli_std_opts(ML7_OPTS_GLOBAL));

	/* "Exit codes:\n  0    ok\n..." -> .TP items */
	fputs(".SH EXIT STATUS\n", f);
	for (const char *line = strchr(codes, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		const char *p = line + 1, *end = strchr(p, '\n');
		size_t n;

		while (*p == ' ')
			p++;
		n = strspn(p, "0123456789");
		if (!n)
			continue;
		fprintf(f, ".TP\n.B %.*s\n", (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
		roff(f, p, end ? (size_t)(end - p) : strlen(p));
		fputc('\n', f);
	}
	fputs(".SH ENVIRONMENT\n.TP\n.B NO_COLOR\nno colour even on a terminal\n", f);
	if (tool->kube_env)
		fputs(".TP\n.B HELM_NAMESPACE, HELM_KUBECONTEXT, KUBECONFIG, ...\n"
		      "the flags Helm gives its plugins\n", f);
	else
		fputs(".TP\n.B KUBECONFIG\nthe kubeconfig files, as for kubectl\n", f);
	fputs(".SH SEE ALSO\n\\fBkubectl\\fR(1), \\fBhelm\\fR(1)\n", f);
}

static int man_run(struct ml7_ctx *ctx, void *opts, int argc, char **argv)
{
	(void)opts, (void)argc, (void)argv;
	ml7_cli_print_man(stdout, ctx->tool);
	return ML7_EXIT_OK;
}

const struct ml7_cmd ml7_cmd_man = {
	.name = "man",
	.summary = "print the manual page (roff); read it with: man -l <(COMMAND man)",
	.usage = "man",
	.flags = ML7_CMD_HIDDEN,
	.min_args = 0,
	.max_args = 0,
	.run = man_run,
};
