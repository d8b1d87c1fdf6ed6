#!/bin/sh
# install-hook.sh - Helm runs this after `helm plugin install` (and update).
# When the plugin's binary is not there (a source checkout: `helm plugin
# install ./helm-plugin`), it builds it from source with make; a missing
# compiler or -dev package gets one clear line naming the package.
# No network: everything comes from the source tree and the system.
set -u
dir=${HELM_PLUGIN_DIR:-$(cd "$(dirname "$0")" && pwd)}
bin=$dir/bin/helm-milvus-l7
say() { echo "helm-milvus-l7: $*" >&2; }

if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
	exit 0
fi
# the source tree: the plugin folder's parent in a checkout, or the folder itself
src=
for d in "$dir/.." "$dir/../.." "$dir"; do
	if [ -f "$d/Makefile" ] && [ -d "$d/common" ] && [ -d "$d/include/ml7" ]; then
		src=$(cd -P "$d" && pwd)
		break
	fi
done
if [ -z "$src" ]; then
	say "no binary at $bin and no source tree to build it from; install a release archive"
	exit 1
fi
missing=
for tool in make cc pkg-config; do
	command -v "$tool" >/dev/null 2>&1 || case $tool in
		cc) missing="$missing gcc" ;;
		*) missing="$missing $tool" ;;
	esac
done
if command -v pkg-config >/dev/null 2>&1; then
	# pkg-config module -> Debian package
	for pair in libcurl:libcurl4-openssl-dev openssl:libssl-dev yaml-0.1:libyaml-dev \
		libcjson:libcjson-dev libnghttp2:libnghttp2-dev; do
		pkg-config --exists "${pair%%:*}" 2>/dev/null || missing="$missing ${pair#*:}"
	done
fi
if [ -n "$missing" ]; then
	say "cannot build the plugin: missing$missing (Debian/Ubuntu: apt-get install -y$missing)"
	exit 1
fi
say "building the plugin from source in $src"
mkdir -p "$dir/bin"
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
[ "$jobs" -gt 4 ] && jobs=4
if ! make -s -C "$src" -j"$jobs" BUILD="$src/build/helm-plugin" BINDIR="$dir/bin" \
	"$dir/bin/helm-milvus-l7" >"$dir/build.log" 2>&1; then
	tail -n 20 "$dir/build.log" >&2
	say "the build failed; the full log is $dir/build.log"
	exit 1
fi
rm -f "$dir/build.log"
"$bin" version >/dev/null || { say "the built binary does not run"; exit 1; }
say "built $bin"
