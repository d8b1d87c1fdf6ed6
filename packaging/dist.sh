#!/usr/bin/env bash
# packaging/dist.sh - `make dist`: static release builds for linux/amd64 and linux/arm64
# (glibc is the only shared library they need), the release archives with .sha256 files,
# the Krew manifest with the real sha256 values, and the Helm plugin tarball (one for every
# platform: plugin.yaml's platformCommand picks the binary).
#   DISTDIR        output folder (default dist)
#   DIST_BASE_URL  where the archives will be downloaded from (the Krew URIs)
#   KREW_MANIFEST  where the manifest goes besides DISTDIR (default krew/milvus-l7.yaml;
#                  empty: only DISTDIR/milvus-l7.yaml)
# The static libcurl and cJSON come from packaging/static-libs.sh (built once, cached).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(cat VERSION)
DISTDIR=${DISTDIR:-dist}
HOMEPAGE=${DIST_HOMEPAGE:-https://github.com/milvus-l7/milvus-l7}
BASE_URL=${DIST_BASE_URL:-$HOMEPAGE/releases/download/v$VERSION}
KREW_MANIFEST=${KREW_MANIFEST-krew/milvus-l7.yaml}
ARCHS=(amd64 arm64)
BUILD_TRIPLET=$(dpkg-architecture -qDEB_BUILD_MULTIARCH)
# Release flags: -O2, stripped, PIE (the compiler's default), full RELRO, stack
# protector and _FORTIFY_SOURCE.  Warnings stay warnings here: a warning that only
# the cross compiler gives must not stop a release (the dev build has -Werror).
REL_CFLAGS="-O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE"
REL_LDFLAGS="-s -pie -Wl,-z,relro,-z,now -Wl,--as-needed"
say() { printf 'dist: %s\n' "$*" >&2; }

packaging/setup.sh
mkdir -p "$DISTDIR"
DISTDIR=$(cd "$DISTDIR" && pwd)
# what an earlier run left (other versions, other layouts) must not ship with this one
rm -f "$DISTDIR"/kubectl-milvus-l7_v*.tar.gz* "$DISTDIR"/milvus-l7-*.tgz*
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
tarball() {   # out.tar.gz dir: the files of dir at the root, reproducible
	# no "./" entry: Helm 3's extractor fails on a directory entry for the root itself
	local files
	mapfile -t files < <(cd "$2" && LC_ALL=C ls -A)
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
		--mode='u+rw,go+r,go-w' -C "$2" -cf - "${files[@]}" | gzip -n -9 >"$1"
	(cd "$(dirname "$1")" && sha256sum "$(basename "$1")" >"$(basename "$1").sha256")
}

platforms=""
hname=milvus-l7-$VERSION
hst=$DISTDIR/stage/$hname
rm -rf "$hst"; mkdir -p "$hst/bin"
for arch in "${ARCHS[@]}"; do
	case $arch in
	amd64) triplet=x86_64-linux-gnu ;;
	arm64) triplet=aarch64-linux-gnu ;;
	esac
	if [[ $triplet == "$BUILD_TRIPLET" ]]; then cc=gcc; else cc=$triplet-gcc; fi
	prefix=$(packaging/static-libs.sh "$arch")
	b=$DISTDIR/build/$arch
	say "build linux/$arch ($cc, static libcurl $(sed -n 's/^curl //p' "$prefix/versions"))"
	make -s -j2 BUILD="$b" BINDIR="$b/bin" CC="$cc" CFLAGS="$REL_CFLAGS" EXTRA_CFLAGS=-Wno-error \
		LDFLAGS="$REL_LDFLAGS" PKG_CFLAGS="-I$prefix/include" \
		PKG_LIBS="$prefix/lib/libcurl.a $prefix/lib/libcjson.a -l:libnghttp2.a -l:libssl.a -l:libcrypto.a -l:libyaml.a -pthread" \
		all >&2

	# the Krew / from-source archive: the kubectl plugin under its PATH name, LICENSE, README
	name=kubectl-milvus-l7_v${VERSION}_linux_$arch
	st=$DISTDIR/stage/$name
	rm -rf "$st"; mkdir -p "$st"
	install -m 755 "$b/bin/kubectl-milvus_l7" "$st/kubectl-milvus_l7"
	install -m 644 LICENSE README.md "$st/"
	tarball "$DISTDIR/$name.tar.gz" "$st"
	sha=$(cut -d' ' -f1 "$DISTDIR/$name.tar.gz.sha256")
	platforms+="  - selector:
      matchLabels:
        os: linux
        arch: $arch
    uri: $BASE_URL/$name.tar.gz
    sha256: $sha
    files:
    - from: kubectl-milvus_l7
      to: .
    - from: LICENSE
      to: .
    bin: kubectl-milvus_l7
"

	# the Helm plugin's binary for this platform, where platformCommand will point
	install -D -m 755 "$b/bin/helm-milvus-l7" "$hst/bin/linux-$arch/helm-milvus-l7"
done

# the Helm plugin: plugin.yaml at the root (its version from VERSION, one platformCommand per
# platform built), the binaries, the install hook, plugin.complete for Helm's shell completion
commands=""
for arch in "${ARCHS[@]}"; do
	commands+="  - {os: linux, arch: $arch, command: \"\$HELM_PLUGIN_DIR/bin/linux-$arch/helm-milvus-l7\"}"$'\n'
done
awk -v v="$VERSION" -v cmds="$commands" '
	/^version:/ { print "version: \"" v "\""; next }
	/^platformCommand:/ { print; printf "%s", cmds; skip = 1; next }
	skip && /^  - / { next }
	{ skip = 0; print }' helm-plugin/plugin.yaml >"$hst/plugin.yaml"
chmod 644 "$hst/plugin.yaml"
for f in helm-plugin/*; do    # what else the plugin folder holds (hooks, scripts)
	case $f in *.c | *.h | */plugin.yaml) continue ;; esac
	[[ -f $f ]] && cp -p "$f" "$hst/"
done
install -m 755 packaging/helm-plugin-bin.sh "$hst/bin/helm-milvus-l7"
install -m 755 packaging/plugin.complete "$hst/plugin.complete"
install -m 644 LICENSE README.md "$hst/"
tarball "$DISTDIR/$hname.tgz" "$hst"

# Helm 4's post-renderer plugin (postrenderer/v1): the same binaries, run as `post-render`;
# the plugin.yaml of helm-plugin/postrenderer/ with a platformCommand per platform and no hook
pname=milvus-l7-postrender-$VERSION
pst=$DISTDIR/stage/$pname
rm -rf "$pst"; mkdir -p "$pst"
for arch in "${ARCHS[@]}"; do
	install -D -m 755 "$hst/bin/linux-$arch/helm-milvus-l7" "$pst/bin/linux-$arch/helm-milvus-l7"
done
{
	sed -n '/^apiVersion:/,/^runtimeConfig:/p' helm-plugin/postrenderer/plugin.yaml |
		sed -E "s/^version:.*/version: $VERSION/"
	echo "  platformCommand:"
	for arch in "${ARCHS[@]}"; do
		printf '    - os: linux\n      arch: %s\n      command: "$HELM_PLUGIN_DIR/bin/linux-%s/helm-milvus-l7"\n' "$arch" "$arch"
		printf '      args: ["post-render"]\n'
	done
} >"$pst/plugin.yaml"
chmod 644 "$pst/plugin.yaml"
install -m 644 LICENSE "$pst/"
tarball "$DISTDIR/$pname.tgz" "$pst"

manifest=$DISTDIR/milvus-l7.yaml
awk -v v="$VERSION" -v h="$HOMEPAGE" -v p="$platforms" '
	/^@PLATFORMS@$/ { printf "%s", p; next }
	{ gsub(/@VERSION@/, v); gsub(/@HOMEPAGE@/, h); print }' krew/milvus-l7.yaml.in >"$manifest"
[[ -z $KREW_MANIFEST ]] || cp "$manifest" "$KREW_MANIFEST"
rm -rf "$DISTDIR/stage"
say "done: $(cd "$DISTDIR" && ls -- *.tar.gz *.tgz milvus-l7.yaml | tr '\n' ' ')"
