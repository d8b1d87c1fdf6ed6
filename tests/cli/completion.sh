#!/usr/bin/env bash
# tests/cli/completion.sh - shell completion from the command tables: the __complete
# protocol, the bash/zsh/fish scripts loaded in the real shells, kubectl's plugin
# completion through kubectl_complete-milvus_l7, and the man pages rendered by groff/man.
cd "$(dirname "$0")/../.."
. tests/lib.sh

export PATH="$ML7_BIN:$PATH"
KB=kubectl-milvus_l7

# the non-hidden commands as --help lists them: the tables, seen from outside
help_cmds() { "$1" --help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}'; }
mapfile -t kcmds < <(help_cmds "$KML7")
[ ${#kcmds[@]} -ge 3 ] && t_pass "--help lists ${#kcmds[@]} commands" || t_fail "--help lists commands" "${kcmds[*]}"

# ---- the protocol --------------------------------------------------------------------------
t_run "$KML7" __complete ''
got=$(grep -v '^:' "$T_TMP/out" | cut -f1 | sort | tr '\n' ' ')
want=$(printf '%s\n' "${kcmds[@]}" | sort | tr '\n' ' ')
[ "$got" = "$want" ] && t_pass "__complete '' gives exactly the commands of --help" ||
	t_fail "__complete '' gives exactly the commands of --help" "got: $got" "want: $want"
t_expect "__complete ends with a directive line" 0 '^:4$' -- "$KML7" __complete ''
t_expect "__complete filters by prefix" 0 '^version	print the version' -- "$KML7" __complete vers
t_run "$KML7" __complete vers
[ "$(grep -vc '^:' "$T_TMP/out")" = 1 ] && t_pass "__complete vers: one candidate" ||
	t_fail "__complete vers: one candidate" "$T_OUT"
t_expect "__complete flags of a command" 0 '^--output	' -- "$KML7" __complete version --o
t_expect "__complete global flags too" 0 '^--quiet	' -- "$KML7" __complete version --q
t_expect "__complete -o values" 0 '^yaml	' -- "$KML7" __complete version -o ''
t_expect "__complete --output=VALUE" 0 '^--output=json	' -- "$KML7" __complete version --output=j
t_expect "__complete completion shells" 0 '^zsh$' -- "$KML7" __complete completion ''
t_expect "__complete help COMMAND" 0 '^version	' -- "$KML7" __complete help ve
t_run "$KML7" __complete man
[ "$T_RC" = 0 ] && ! grep -q '^man' "$T_TMP/out" && t_pass "hidden commands are not offered" ||
	t_fail "hidden commands are not offered" "$T_OUT"
# every flag --help shows for a command is offered for it
bad=""
for c in "${kcmds[@]}"; do
	offered=$("$KML7" __complete "$c" --)
	for f in $("$KML7" "$c" --help | grep -oE '^  (-[a-zA-Z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+'); do
		grep -q -- "^$f	" <<<"$offered" || bad+=" $c:$f"
	done
done
[ -z "$bad" ] && t_pass "every flag of every command's --help completes" || t_fail "flags missing from completion" "$bad"
t_expect "helm: __complete lists commands" 0 '^version	' -- "$HML7" __complete ''
t_expect "completion: unknown shell" 2 '' "unknown shell 'tcsh'" -- "$KML7" completion tcsh

# ---- bash ----------------------------------------------------------------------------------
# bash_complete LINE -> the COMPREPLY words, one a line, as bash would offer them at LINE's end
bash_complete() {
	bash --norc --noprofile -c '
		source <("$1" completion bash) || exit 9
		complete -p "$1" >/dev/null || exit 8
		COMP_LINE=$2; COMP_POINT=${#2}
		read -ra COMP_WORDS <<<"$2"; COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_kubectl_milvus_l7_complete
		printf "%s\n" "${COMPREPLY[@]}"' bash "$KB" "$1"
}
got=$(bash_complete "$KB ver" | sort | tr '\n' ' ')
want=$(printf '%s\n' "${kcmds[@]}" | grep '^ver' | sort | tr '\n' ' ')
[ -n "$got" ] && [ "$got" = "$want" ] && t_pass "bash: commands complete ($got)" ||
	t_fail "bash: commands complete" "got: $got" "want: $want"
got=$(bash_complete "$KB version --out" | tr '\n' ' ')
[ "$got" = "--output " ] && t_pass "bash: flags complete" || t_fail "bash: flags complete" "got: $got"
got=$(bash_complete "$KB version -o " | sort | tr '\n' ' ')
[ "$got" = "json yaml " ] && t_pass "bash: flag values complete" || t_fail "bash: flag values complete" "got: $got"
got=$(bash_complete "$KB version --output=y" | tr '\n' ' ')
[ "$got" = "yaml " ] && t_pass "bash: --flag=value replies after the '='" || t_fail "bash: --flag=value" "got: $got"
got=$(bash_complete "$KB completion " | sort | tr '\n' ' ')
[ "$got" = "bash fish zsh " ] && t_pass "bash: positional values" || t_fail "bash: positional values" "got: $got"

# ---- zsh -----------------------------------------------------------------------------------
if command -v zsh >/dev/null; then
	t_expect "zsh: the script loads and registers with compdef" 0 '^_kubectl_milvus_l7_complete$' -- \
		zsh -f -c 'autoload -Uz compinit && compinit -u -D && source <("$1" completion zsh) && print -r -- $_comps[$1]' zsh "$KB"
	# drive the real completion system on a pseudo-terminal and read what it lists
	cat >"$T_TMP/z.zsh" <<'EOF'
zmodload zsh/zpty
zpty -b z zsh -f -i
zpty -w z 'PS1=""; autoload -Uz compinit; compinit -u -D; source <(kubectl-milvus_l7 completion zsh)'
zpty -w z 'zstyle ":completion:*" list-prompt ""; print ready'
zpty -r z line '*ready*'
zpty -w -n z $'kubectl-milvus_l7 version --out\t'
zpty -r z out '*version --output*'
print -r -- "$out"
zpty -d z
EOF
	# zpty -r waits until the completed word shows; without completion the timeout fails it
	t_expect "zsh: the completion system completes a flag" 0 'version --output' -- timeout 60 zsh -f "$T_TMP/z.zsh"
else
	t_fail "zsh is installed (tests/deps.sh test)"
fi

# ---- fish ----------------------------------------------------------------------------------
if command -v fish >/dev/null; then
	t_expect "fish: commands complete with descriptions" 0 '^version	print the version' -- \
		fish --no-config -c "$KB completion fish | source; complete -C'$KB vers'"
	t_expect "fish: flag values complete" 0 '^yaml' -- \
		fish --no-config -c "$KB completion fish | source; complete -C'$KB version -o '"
else
	t_fail "fish is installed (tests/deps.sh test)"
fi

# ---- kubectl >= 1.26 plugin completion through the helper link ------------------------------
if [ -x /usr/bin/kubectl ]; then
	mkdir -p "$T_TMP/path"
	ln -s "$KML7" "$T_TMP/path/kubectl-milvus_l7"
	ln -s "$KML7" "$T_TMP/path/kubectl_complete-milvus_l7"
	t_expect "kubectl_complete-milvus_l7 answers as the plugin" 0 '^version	' -- "$T_TMP/path/kubectl_complete-milvus_l7" vers
	t_expect "real kubectl completes the plugin's commands" 0 '^version' -- \
		env PATH="$T_TMP/path:/usr/bin:/bin" KUBECONFIG=/dev/null /usr/bin/kubectl __complete milvus-l7 vers
	t_expect "real kubectl completes the plugin's flags" 0 '^--output' -- \
		env PATH="$T_TMP/path:/usr/bin:/bin" KUBECONFIG=/dev/null /usr/bin/kubectl __complete milvus-l7 version --outp
else
	t_fail "/usr/bin/kubectl is there"
fi

# ---- namespaces and release names from the real apiserver ------------------------------------
t_kube_peer
kc=$ML7_KUBE_DIR/kubeconfig
ns=ml7-compl-$RANDOM
relcmd=$("$KML7" help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}' | while read -r c; do
	"$KML7" "$c" --help 2>/dev/null | grep -q "^  kubectl milvus-l7 $c \[*RELEASE" &&
		"$KML7" "$c" --help | grep -q -- '--kubeconfig' && { echo "$c"; break; }; done)
if /usr/bin/kubectl --kubeconfig "$kc" apply -f - >"$T_TMP/apply.log" 2>&1 <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: $ns}
---
apiVersion: v1
kind: Service
metadata:
  name: demo-milvus
  namespace: $ns
  labels: {app.kubernetes.io/name: milvus, app.kubernetes.io/instance: demo}
spec: {ports: [{name: milvus, port: 19530}]}
YAML
then
	t_expect "-n completes namespaces from the cluster" 0 "^$ns\$" -- "$KML7" __complete "${relcmd:-status}" --kubeconfig "$kc" -n ml7-compl
	t_expect "--namespace completes too" 0 '^kube-system$' -- "$KML7" __complete "${relcmd:-status}" --kubeconfig="$kc" --namespace kube-
	t_expect "RELEASE completes the Milvus releases of the namespace ($relcmd)" 0 '^demo$' -- \
		"$KML7" __complete "$relcmd" --kubeconfig "$kc" -n "$ns" ''
	t_run "$KML7" __complete "$relcmd" --kubeconfig "$T_TMP/none" -n "$ns" ''
	[ "$T_RC" = 0 ] && [ "$T_OUT" = ":4" ] && [ -z "$T_ERR" ] &&
		t_pass "no cluster: no candidates and nothing on stderr" || t_fail "no cluster: quiet" "$T_OUT"
	/usr/bin/kubectl --kubeconfig "$kc" delete namespace "$ns" --wait=false >/dev/null 2>&1
else
	t_fail "create a namespace and a Milvus Service on the apiserver peer" "$(cat "$T_TMP/apply.log")"
fi

# ---- man pages -----------------------------------------------------------------------------
for bin in "$KML7" "$HML7"; do
	b=$(basename "$bin")
	"$bin" man >"$T_TMP/$b.1" 2>"$T_TMP/err"
	warn=$(groff -man -Tutf8 -ww -z "$T_TMP/$b.1" 2>&1)
	[ -s "$T_TMP/$b.1" ] && [ -z "$warn" ] && t_pass "$b: the man page renders without groff warnings" ||
		t_fail "$b: the man page renders without groff warnings" "$warn"
	MANWIDTH=100 man -l -P cat "$T_TMP/$b.1" >"$T_TMP/$b.txt" 2>&1
	missing=""
	for c in $(help_cmds "$bin"); do
		grep -Eq "^   $c\$" "$T_TMP/$b.txt" || missing+=" $c"
	done
	for s in NAME SYNOPSIS COMMANDS "GLOBAL OPTIONS" "EXIT STATUS"; do
		grep -q "^$s" "$T_TMP/$b.txt" || missing+=" section:$s"
	done
	[ -z "$missing" ] && t_pass "$b: man shows every command of --help and the sections" ||
		t_fail "$b: man shows every command of --help" "missing:$missing"
	grep -q -- '--output FORMAT' "$T_TMP/$b.txt" && grep -Eq '^ +5 +verification failed' "$T_TMP/$b.txt" &&
		t_pass "$b: man lists flags and exit codes" || t_fail "$b: man lists flags and exit codes"
done

t_done
