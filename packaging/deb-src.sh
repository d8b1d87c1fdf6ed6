#!/usr/bin/env bash
# packaging/deb-src.sh - makes sure apt has deb-src entries (for `apt-get source`), as the
# release build (curl, cjson) and the test kube-apiserver (kubernetes) need.  Adds
# /etc/apt/sources.list.d/ml7-deb-src.sources from the machine's deb822 Debian sources and runs
# apt-get update.  Exits 0 at once when entries are there; not root: prints the command, exits 1.
set -euo pipefail

say() { printf 'milvus-l7 deb-src: %s\n' "$*" >&2; }
has_src() { grep -Eqs '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/*; }

has_src && exit 0
SRC_FROM=$(grep -ls '^URIs: .*debian' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 || true)
SRC_TO=/etc/apt/sources.list.d/ml7-deb-src.sources
if ((EUID != 0)); then
	say "not root; please run:"
	printf '  sed "s/^Types: deb\$/Types: deb-src/" %s | sudo tee %s && sudo apt-get update\n' \
		"${SRC_FROM:-/etc/apt/sources.list.d/debian.sources}" "$SRC_TO" >&2
	exit 1
fi
[[ -n $SRC_FROM ]] || { say "no deb822 Debian sources file under /etc/apt/sources.list.d/"; exit 1; }
say "adding deb-src entries ($SRC_TO from $SRC_FROM)"
sed 's/^Types: deb$/Types: deb-src/' "$SRC_FROM" >"$SRC_TO"
# other lists of the machine (e.g. for another architecture) may only warn
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq update </dev/null >&2 || true
has_src
