#!/usr/bin/env bash
# tests/cli/cli.sh - both binaries as a user runs them: help, version, bad
# input, exit codes.
cd "$(dirname "$0")/../.."
. tests/lib.sh

ver=$(cat VERSION)

for bin in "$KML7" "$HML7"; do
	b=$(basename "$bin")
	t_expect "$b: no arguments prints help" 0 'Usage:' -- "$bin"
	t_expect "$b: --help lists commands" 0 'Commands:' -- "$bin" --help
	t_expect "$b: help lists exit codes" 0 '5 +verification failed' -- "$bin" help
	t_expect "$b: version" 0 "v$ver \\(commit [0-9a-f]+|v$ver \\(commit unknown" -- "$bin" version
	t_expect "$b: version shows libcurl and nghttp2" 0 'libcurl 7\.[0-9.]+, OpenSSL 3\.[0-9.]+.*nghttp2 1\.[0-9.]+, libyaml 0\.2\.[0-9]+, cJSON 1\.7\.[0-9]+' -- "$bin" version
	t_expect "$b: version -o json" 0 "\"version\":[[:space:]]*\"$ver\"" -- "$bin" version -o json
	t_expect "$b: version -o yaml" 0 "^version: \"$ver\"" -- "$bin" version -o yaml
	t_expect "$b: version -o xml is a usage error" 2 '' 'unknown output format .xml.' -- "$bin" version -o xml
	t_expect "$b: version -h" 0 '^  (kubectl|helm) milvus-l7 version \[-o json' -- "$bin" version -h
	t_expect "$b: help version" 0 'print the version' -- "$bin" help version
	t_expect "$b: unknown command suggests" 2 '' "unknown command 'verson'; did you mean 'version'\\?" -- "$bin" verson
	t_expect "$b: unknown command without a close name" 2 '' "unknown command 'zzzzzzzz'$" -- "$bin" zzzzzzzz
	t_expect "$b: unknown option suggests" 2 '' "unknown option '--ouptut'; did you mean '--output'\\?" -- "$bin" version --ouptut json
	t_expect "$b: unknown short option" 2 '' "unknown option '-Z'" -- "$bin" version -Z
	t_expect "$b: missing value" 2 '' "option '--output' needs a value" -- "$bin" version --output
	t_expect "$b: value where none is allowed" 2 '' "option '--quiet' takes no value" -- "$bin" version --quiet=maybe
	t_expect "$b: unexpected argument" 2 '' "unexpected argument 'extra'" -- "$bin" version extra
	t_expect "$b: help for an unknown command" 2 '' "unknown command 'nope'" -- "$bin" help nope
	t_expect "$b: -v and --v=N accepted" 0 'v[0-9]' -- "$bin" -v version --v=3
	# one line on stderr for bad input, plus the hint
	t_run "$bin" version --bogus
	if [ "$(wc -l <"$T_TMP/err")" -eq 2 ] && [ -z "$T_OUT" ]; then
		t_pass "$b: a usage error is one line and a hint on stderr, nothing on stdout"
	else
		t_fail "$b: a usage error is one line and a hint on stderr, nothing on stdout"
	fi
done

# kubectl finds the plugin on PATH under its Krew name
mkdir -p "$T_TMP/path"
ln -s "$(cd "$(dirname "$KML7")" && pwd)/kubectl-milvus_l7" "$T_TMP/path/kubectl-milvus_l7"
if command -v kubectl >/dev/null; then
	t_expect "kubectl milvus-l7 version through kubectl" 0 "kubectl-milvus-l7 v$ver" -- \
		env PATH="$T_TMP/path:$PATH" kubectl milvus-l7 version
	t_expect "kubectl passes the exit code through" 2 -- \
		env PATH="$T_TMP/path:$PATH" kubectl milvus-l7 no-such-command
fi

# the plugin.yaml version is the one version
t_check "helm plugin.yaml carries VERSION" grep -q "^version: \"$ver\"$" helm-plugin/plugin.yaml

# make install lays out both front ends
san=()
[ "${ML7_VARIANT:-}" = asan ] && san=(SAN=1 CFLAGS="-O1 -g")
make -s install PREFIX="$T_TMP/prefix" BUILD="$(dirname "$ML7_BIN")" BINDIR="$ML7_BIN" "${san[@]}" >/dev/null 2>&1
t_check "make install: kubectl-milvus_l7 in PREFIX/bin" test -x "$T_TMP/prefix/bin/kubectl-milvus_l7"
t_check "make install: the helm plugin folder" test -x "$T_TMP/prefix/share/milvus-l7/helm-plugin/bin/helm-milvus-l7"
t_check "make install: plugin.yaml" test -f "$T_TMP/prefix/share/milvus-l7/helm-plugin/plugin.yaml"

t_done
