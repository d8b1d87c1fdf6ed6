#!/usr/bin/env bash
# tests/e2e/dist.sh - `make dist` and the ways users install it: the static release
# binaries (readelf: glibc only, PIE, full RELRO, stripped) for linux/amd64 and, under
# qemu-user, linux/arm64; the archives and their .sha256 files; the Krew manifest through
# tests/dist/krew_check.py (Krew's validation rules, each shown to reject a broken
# manifest) and installed as Krew does, then run through the real /usr/bin/kubectl; the
# Helm plugin tarballs installed with the real Helm 3.18 and Helm 4 from a loopback
# server; `make install` with the man pages.
# The one-time builds (packaging/setup.sh, packaging/static-libs.sh) are cached outside
# the repo; `make dist` is incremental, so the second variant checks the same artefacts.
cd "$(dirname "$0")/../.."
. tests/lib.sh

ver=$(cat VERSION)
top=$PWD
root=$(cd "$ML7_BIN/../.." && pwd)
dist=$root/dist
check=tests/dist/krew_check.py
cache=${ML7_CACHE:-$HOME/.cache/milvus-l7}
PY=/usr/bin/python3

if ! packaging/setup.sh >"$T_TMP/setup.log" 2>&1; then
	t_fail "packaging/setup.sh (arm64 architecture, deb-src, cross compiler, qemu-user)" "$(cat "$T_TMP/setup.log")"
	t_done
	exit 1
fi
t_pass "packaging/setup.sh"
mkdir -p "$dist"
if env KREW_MANIFEST= DIST_BASE_URL="file://$dist" make -s dist DISTDIR="$dist" >"$T_TMP/dist.log" 2>&1; then
	t_pass "make dist"
else
	t_fail "make dist" "$(tail -n 30 "$T_TMP/dist.log")"
	t_done
	exit 1
fi

echo "# at ${SECONDS}s"
# ---- the binaries ----------------------------------------------------------------------------
for arch in amd64 arm64; do
	case $arch in
	amd64) machine='X86-64' ;;
	arm64) machine='AArch64' ;;
	esac
	for b in kubectl-milvus_l7 helm-milvus-l7; do
		f=$dist/build/$arch/bin/$b
		# glibc and its loader only (aarch64's stack-protector guard lives in the loader)
		needed=$(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
		others=$(tr ' ' '\n' <<<"$needed" | grep -Ev '^(libc\.so\.6|ld-linux-(x86-64|aarch64)\.so\.[12]|)$')
		[[ " $needed" == *" libc.so.6 "* && -z $others ]] && t_pass "$arch $b: NEEDED is glibc alone ($needed)" ||
			t_fail "$arch $b: NEEDED is glibc alone" "NEEDED: $needed"
		readelf -h "$f" | grep -q "Machine:.*$machine" && t_pass "$arch $b: ELF for $machine" ||
			t_fail "$arch $b: ELF for $machine" "$(readelf -h "$f" | grep Machine)"
		flags=$(readelf -d "$f" | grep -E 'FLAGS_1')
		[[ $flags == *NOW* && $flags == *PIE* ]] && readelf -lW "$f" | grep -q GNU_RELRO &&
			t_pass "$arch $b: PIE with full RELRO" || t_fail "$arch $b: PIE with full RELRO" "$flags"
		readelf -SW "$f" | grep -q '\.symtab' && t_fail "$arch $b: stripped" || t_pass "$arch $b: stripped"
	done
done
rel=$dist/build/amd64/bin/kubectl-milvus_l7
t_expect "amd64: version runs, static libcurl 7.88.1 with OpenSSL 3" 0 \
	"^kubectl-milvus-l7 v$ver \\(commit .*libcurl 7\\.88\\.1, OpenSSL 3" -- sh -c '"$1" version | tr "\n" " "' sh "$rel"
t_expect "amd64: helm binary runs" 0 "^helm-milvus-l7 v$ver " -- "$dist/build/amd64/bin/helm-milvus-l7" version
qemu=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
t_expect "arm64 under qemu-user: version runs" 0 \
	"^kubectl-milvus-l7 v$ver \\(commit .*libcurl 7\\.88\\.1, OpenSSL 3" -- \
	sh -c '"$@" version | tr "\n" " "' sh "${qemu[@]}" "$dist/build/arm64/bin/kubectl-milvus_l7"
t_expect "arm64 under qemu-user: completion from the tables" 0 '^version	' -- \
	"${qemu[@]}" "$dist/build/arm64/bin/kubectl-milvus_l7" __complete vers
t_expect "arm64 under qemu-user: helm binary runs" 0 "^helm-milvus-l7 v$ver " -- \
	"${qemu[@]}" "$dist/build/arm64/bin/helm-milvus-l7" version

# TLS and HTTP/2 through the static libcurl and OpenSSL, on the real kube-apiserver
t_kube_peer
t_expect "amd64: status against the real apiserver (static libcurl, TLS)" 0 -- \
	"$rel" status -A --kubeconfig "$ML7_KUBE_DIR/kubeconfig" --request-timeout 20s
t_expect "arm64 under qemu-user: status against the real apiserver" 0 -- \
	"${qemu[@]}" "$dist/build/arm64/bin/kubectl-milvus_l7" status -A \
	--kubeconfig "$ML7_KUBE_DIR/kubeconfig" --request-timeout 60s
# another distribution's CA layout: in a private mount namespace /etc/ssl holds only
# Alpine's cert.pem (Debian's bundle path, compiled into the static libcurl, is gone);
# the kubeconfig names no CA, so the system bundle must be found at run time
{ printf 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "%s"}}]\n' "$KUBE_SERVER"
  printf 'users: [{name: u, user: {token: "%s"}}]\n' "$KUBE_TOKEN"
  printf 'contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n'; } >"$T_TMP/noca.kubeconfig"
other_distro() {  # other_distro CA-FILE-OR-EMPTY CMD...: run CMD with /etc/ssl = {cert.pem}
	unshare -m sh -c 'mount -t tmpfs ml7 /etc/ssl && { [ -z "$1" ] || cp "$1" /etc/ssl/cert.pem; } &&
		shift && exec env -u SSL_CERT_FILE -u SSL_CERT_DIR "$@"' sh "$@"
}
t_expect "amd64: the CA bundle of another distribution's layout is found (/etc/ssl/cert.pem)" 0 -- \
	other_distro "$ML7_KUBE_DIR/ca.crt" "$rel" status -A --kubeconfig "$T_TMP/noca.kubeconfig" --request-timeout 20s
t_expect "amd64: and without it the server is not trusted" 1 "" "certificate" -- \
	other_distro "" "$rel" status -A --kubeconfig "$T_TMP/noca.kubeconfig" --request-timeout 20s

echo "# at ${SECONDS}s"
# ---- the archives ----------------------------------------------------------------------------
(cd "$dist" && sha256sum -c --quiet -- *.tar.gz.sha256 *.tgz.sha256) >"$T_TMP/sum" 2>&1 &&
	t_pass "sha256 files match the archives" || t_fail "sha256 files match the archives" "$(cat "$T_TMP/sum")"
for arch in amd64 arm64; do
	a=$dist/kubectl-milvus-l7_v${ver}_linux_$arch.tar.gz
	list=$(tar -tzf "$a" | sort | tr '\n' ' ')
	[ "$list" = "LICENSE README.md kubectl-milvus_l7 " ] && t_pass "$arch archive: binary, LICENSE, README" ||
		t_fail "$arch archive: binary, LICENSE, README" "$list"
	tar -tvzf "$a" | grep -Eq '^[lh]' && t_fail "$arch archive: no links" || t_pass "$arch archive: no links"
	tar -tvzf "$a" | grep -q '^-rwxr-xr-x .* kubectl-milvus_l7$' && t_pass "$arch archive: the binary is executable" ||
		t_fail "$arch archive: the binary is executable" "$(tar -tvzf "$a")"
done
# the Helm plugin: one tarball for every platform, plugin.yaml's platformCommand picks the binary
h=$dist/milvus-l7-$ver.tgz
hx=$T_TMP/helm-tarball
mkdir -p "$hx" && tar -xzf "$h" -C "$hx"
list=$(tar -tzf "$h" | sort | tr '\n' ' ')
[[ " $list" == *" plugin.yaml "* && " $list" == *" plugin.complete "* && " $list" == *" install-hook.sh "* && " $list" == *" LICENSE "* ]] &&
	t_pass "helm tarball: plugin.yaml, install-hook.sh, plugin.complete, LICENSE at the root" || t_fail "helm tarball: layout" "$list"
grep -qx "version: \"$ver\"" "$hx/plugin.yaml" && t_pass "helm tarball: bare semver $ver" ||
	t_fail "helm tarball: bare semver $ver" "$(grep version "$hx/plugin.yaml")"
for arch in amd64 arm64; do
	grep -qxF "  - {os: linux, arch: $arch, command: \"\$HELM_PLUGIN_DIR/bin/linux-$arch/helm-milvus-l7\"}" "$hx/plugin.yaml" &&
		t_pass "helm tarball: platformCommand linux/$arch -> bin/linux-$arch/helm-milvus-l7" ||
		t_fail "helm tarball: platformCommand linux/$arch" "$(sed -n '/^platformCommand/,/^[a-z]/p' "$hx/plugin.yaml")"
done
[ "$(grep -c '^  - {os:' <(sed -n '/^platformCommand:/,/^[a-z]/p' "$hx/plugin.yaml"))" = 2 ] &&
	t_pass "helm tarball: no platformCommand without a binary" || t_fail "helm tarball: no platformCommand without a binary" "$(cat "$hx/plugin.yaml")"
t_expect "helm tarball: the amd64 binary runs" 0 "^helm-milvus-l7 v$ver " -- "$hx/bin/linux-amd64/helm-milvus-l7" version
t_expect "helm tarball: the arm64 binary runs under qemu-user" 0 "^helm-milvus-l7 v$ver " -- \
	"${qemu[@]}" "$hx/bin/linux-arm64/helm-milvus-l7" version

echo "# at ${SECONDS}s"
# ---- Krew: the manifest and its rules ----------------------------------------------------------
m=$dist/milvus-l7.yaml
grep -qx "  version: v$ver" "$m" && t_pass "krew manifest: version v$ver" || t_fail "krew manifest: version v$ver"
t_expect "krew manifest: every rule holds, each platform installs" 0 '2 platforms installed fine' -- $PY $check validate "$m"
# each rule rejects a manifest that breaks it
bad() {   # NAME MESSAGE-PATTERN SED-EXPRESSION [FILE-NAME]
	mkdir -p "$T_TMP/bad"
	sed -E "$3" "$m" >"$T_TMP/bad/${4:-milvus-l7.yaml}"
	t_expect "krew rule: $1" 1 '' "$2" -- $PY $check validate "$T_TMP/bad/${4:-milvus-l7.yaml}"
	rm -rf "$T_TMP/bad"
}
sha=$(sed -n 's/^    sha256: //p' "$m" | head -n 1)
bad "sha256 lowercase" 'is not valid' "s/sha256: $sha/sha256: ${sha^^}/"
bad "sha256 is the archive's" 'checksum does not match' "s/sha256: $sha/sha256: $(printf 'a%.0s' {1..64})/"
bad "version with v" "not starting with 'v'" "s/^  version: v/  version: /"
bad "version is semver" 'not semantic' "s/^  version: v.*/  version: v1.2/"
bad "selector keys os/arch only" "key 'distro' not supported" '0,/^        arch: amd64/s//        distro: debian/'
bad "selectors do not overlap" 'overlapping selectors' 's/^        arch: arm64/        arch: amd64/'
bad "selector matches a supported platform" "doesn't match any supported" 's/^        arch: arm64/        arch: riscv64/'
fl=$(grep -n '^    files:$' "$m" | head -n 1 | cut -d: -f1)
bad "files not empty" 'unspecified or non-empty' "${fl}s/.*/    files: []/; $((fl + 1)),$((fl + 4))d"
bad "a license among the installed files" 'no license file' '/^    - from: LICENSE$/,+1d'
bad "files.to is clean" 'not clean' '0,/^      to: \.$/s//      to: .\/x/'
bad "name = file name" "plugin should be named 'other'" '' other.yaml
bad "name rules" 'is not allowed' 's/^  name: milvus-l7/  name: CON/' CON.yaml
bad "short description on one line" 'line breaks' 's/^  shortDescription: .*/  shortDescription: "a\\nb"/'
bad "apiVersion" 'apiVersion' 's/^apiVersion: .*/apiVersion: krew.googlecontainertools.github.com\/v1alpha1/'
bad "manifest extension" "expected manifest extension" '' milvus-l7.yml
# an archive with a symlink, as Krew's tar reader refuses it
mkdir -p "$T_TMP/ln" && cp "$top/LICENSE" "$T_TMP/ln/" && cp "$rel" "$T_TMP/ln/real" && ln -s real "$T_TMP/ln/kubectl-milvus_l7"
tar -C "$T_TMP/ln" -czf "$T_TMP/ln.tar.gz" . && lsha=$(sha256sum "$T_TMP/ln.tar.gz" | cut -d' ' -f1)
sed -E "s|^    uri: .*amd64.tar.gz|    uri: file://$T_TMP/ln.tar.gz|; s/sha256: $sha/sha256: $lsha/" "$m" >"$T_TMP/milvus-l7.yaml"
t_expect "krew rule: no symlinks in the archive" 1 '' 'unable to handle file type' -- $PY $check validate "$T_TMP/milvus-l7.yaml"

echo "# at ${SECONDS}s"
# ---- Krew: install and run through the real kubectl -----------------------------------------
kr=$T_TMP/krew
t_expect "krew install (linux/amd64)" 0 "^$kr/bin/kubectl-milvus_l7\$" -- $PY $check install "$m" "$kr"
[ "$(readlink "$kr/bin/kubectl-milvus_l7")" = "../store/milvus-l7/v$ver/kubectl-milvus_l7" ] && [ -f "$kr/store/milvus-l7/v$ver/LICENSE" ] &&
	[ -f "$kr/receipts/milvus-l7.yaml" ] && t_pass "krew layout: relative link, store/milvus-l7/v$ver with LICENSE, receipt" ||
	t_fail "krew layout" "$(cd "$kr" && find . -printf '%p %l\n')"
t_expect "krew install twice is refused" 1 '' 'already installed' -- $PY $check install "$m" "$kr"
if [ -x /usr/bin/kubectl ]; then
	t_expect "kubectl plugin list finds it" 0 "$kr/bin/kubectl-milvus_l7" -- \
		env PATH="$kr/bin:/usr/bin:/bin" /usr/bin/kubectl plugin list
	t_expect "kubectl milvus-l7 version through the real kubectl" 0 "^kubectl-milvus-l7 v$ver \\(commit" -- \
		env PATH="$kr/bin:/usr/bin:/bin" /usr/bin/kubectl milvus-l7 version
	t_expect "kubectl milvus-l7 --help through the real kubectl" 0 '^Usage:' -- \
		env PATH="$kr/bin:/usr/bin:/bin" /usr/bin/kubectl milvus-l7 --help
else
	t_fail "/usr/bin/kubectl is there"
fi
t_expect "krew install (linux/arm64)" 0 'kubectl-milvus_l7$' -- $PY $check install "$m" "$T_TMP/krew-arm64" --arch arm64
t_expect "the arm64 install runs under qemu-user" 0 "^kubectl-milvus-l7 v$ver " -- \
	"${qemu[@]}" "$T_TMP/krew-arm64/bin/kubectl-milvus_l7" version
t_expect "no platform for darwin" 1 '' 'does not offer installation' -- $PY $check install "$m" "$T_TMP/krew-mac" --os darwin

echo "# at ${SECONDS}s"
# ---- Helm 3.18 and Helm 4: plugin install from a loopback server -----------------------------
$PY tests/dist/serve.py "$dist" "$T_TMP/port" 120 2>"$T_TMP/serve.log" &
srv=$!
for _ in $(seq 100); do [ -s "$T_TMP/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$T_TMP/port" 2>/dev/null)/milvus-l7-$ver.tgz"
for hv in 3.18.0 4.2.3; do
	helm=$cache/helm-$hv/helm
	if [ ! -x "$helm" ]; then
		t_fail "helm $hv is installed (tests/deps.sh test)"
		continue
	fi
	h=$T_TMP/helm-$hv
	henv=(env -u KUBECONFIG HELM_DATA_HOME="$h/data" HELM_CONFIG_HOME="$h/config" HELM_CACHE_HOME="$h/cache" \
		HELM_PLUGINS="$h/data/plugins" no_proxy=127.0.0.1 NO_PROXY=127.0.0.1)
	verify=()
	[[ $hv == 4.* ]] && verify=(--verify=false)
	t_expect "helm $hv: plugin install from the tarball URL" 0 -- "${henv[@]}" "$helm" plugin install "$url" "${verify[@]}"
	cat "$T_TMP/out" "$T_TMP/err" >"$T_TMP/install.log"
	t_expect "helm $hv: plugin list shows milvus-l7 $ver" 0 "^milvus-l7[[:space:]]+$ver" -- "${henv[@]}" "$helm" plugin list
	t_expect "helm $hv: helm milvus-l7 version runs the prebuilt binary" 0 "^helm-milvus-l7 v$ver " -- \
		"${henv[@]}" "$helm" milvus-l7 version
	! grep -qs building "$T_TMP/install.log" && t_pass "helm $hv: the install hook built nothing" ||
		t_fail "helm $hv: the install hook built nothing" "$(cat "$T_TMP/install.log")"
	# platformCommand goes to bin/linux-amd64/ itself: with the bin/helm-milvus-l7 script
	# unusable, the plugin still runs
	wrapper=$(find "$h/data/plugins" -path '*/bin/helm-milvus-l7' | head -n 1)
	if [ -n "$wrapper" ]; then
		chmod -x "$wrapper"
		t_expect "helm $hv: platformCommand runs bin/linux-amd64/helm-milvus-l7 directly" 0 "^helm-milvus-l7 v$ver " -- \
			"${henv[@]}" "$helm" milvus-l7 version
		chmod +x "$wrapper"
	else
		t_fail "helm $hv: the installed plugin has bin/helm-milvus-l7" "$(find "$h/data/plugins")"
	fi
	t_expect "helm $hv: bin/helm-milvus-l7 (Helm 3's --post-renderer path) runs the platform's binary" 0 \
		"^helm-milvus-l7 v$ver " -- "${henv[@]}" sh -c '"$("$1" env HELM_PLUGINS)"/milvus-l7/bin/helm-milvus-l7 version' sh "$helm"
	t_expect "helm $hv: helm completion reaches plugin.complete" 0 '^version' -- \
		"${henv[@]}" "$helm" __complete milvus-l7 vers
	t_expect "helm $hv: plugin uninstall" 0 -- "${henv[@]}" "$helm" plugin uninstall milvus-l7
	# offline from a downloaded tarball: extracted into a folder (Helm 3 installs no local .tgz,
	# Helm 4 only one with a top folder, which Helm 3 in turn refuses over HTTP)
	rm -rf "$T_TMP/extracted/milvus-l7" && mkdir -p "$T_TMP/extracted/milvus-l7" &&
		tar -xzf "$dist/milvus-l7-$ver.tgz" -C "$T_TMP/extracted/milvus-l7"
	t_expect "helm $hv: plugin install from the extracted tarball" 0 -- "${henv[@]}" "$helm" plugin install "$T_TMP/extracted/milvus-l7"
	t_expect "helm $hv: which runs the prebuilt binary" 0 "^helm-milvus-l7 v$ver " -- "${henv[@]}" "$helm" milvus-l7 version
	"${henv[@]}" "$helm" plugin uninstall milvus-l7 >/dev/null 2>&1
done
# Helm 4's post-renderer plugin, from its own tarball
helm=$cache/helm-4.2.3/helm
h=$T_TMP/helm-pr
henv=(env -u KUBECONFIG HELM_DATA_HOME="$h/data" HELM_CONFIG_HOME="$h/config" HELM_CACHE_HOME="$h/cache" \
	HELM_PLUGINS="$h/data/plugins" no_proxy=127.0.0.1 NO_PROXY=127.0.0.1)
arn=arn:aws:acm:us-east-2:111122223333:certificate/0e7a1f2c-3b4d-4e5f-8a9b-0c1d2e3f4a5b
t_expect "helm 4.2.3: the post-renderer plugin installs from its tarball" 0 -- "${henv[@]}" "$helm" plugin install \
	"http://127.0.0.1:$(cat "$T_TMP/port" 2>/dev/null)/milvus-l7-postrender-$ver.tgz" --verify=false
t_expect "helm 4.2.3: --post-renderer milvus-l7-postrender renders the ALB Ingress, Service ClusterIP" 0 \
	"alb.ingress.kubernetes.io/certificate-arn: $arn" -- "${henv[@]}" "$helm" template milvus-demo \
	tests/fixtures/milvus-chart -f tests/fixtures/milvus-chart/user-values.yaml --post-renderer milvus-l7-postrender \
	--post-renderer-args --host=milvus.example.test --post-renderer-args "--cert-arn=$arn"
grep -q '^  type: ClusterIP$' "$T_TMP/out" && ! grep -q 'type: LoadBalancer' "$T_TMP/out" &&
	t_pass "helm 4.2.3: the post-rendered Service is ClusterIP" || t_fail "helm 4.2.3: the post-rendered Service is ClusterIP"
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null

echo "# at ${SECONDS}s"
# ---- make install: binaries, the completion helper link, man pages ---------------------------
mk=(BUILD="$root/${ML7_VARIANT:-plain}" BINDIR="$ML7_BIN")
[ "${ML7_VARIANT:-plain}" = asan ] && mk+=(SAN=1 CFLAGS="-O1 -g")
inst=$T_TMP/inst
if make -s "${mk[@]}" install PREFIX="$inst" >"$T_TMP/install.log" 2>&1; then
	[ -x "$inst/bin/kubectl-milvus_l7" ] && [ "$(readlink "$inst/bin/kubectl_complete-milvus_l7")" = kubectl-milvus_l7 ] &&
		[ -x "$inst/share/milvus-l7/helm-plugin/plugin.complete" ] &&
		t_pass "make install: binaries, kubectl_complete-milvus_l7, plugin.complete" || t_fail "make install: files" "$(find "$inst")"
	t_expect "make install: man kubectl-milvus-l7" 0 'KUBECTL-MILVUS-L7\(1\)' -- \
		env MANPATH="$inst/share/man" MANWIDTH=80 man -P cat kubectl-milvus-l7
	t_expect "make install: man helm-milvus-l7" 0 'HELM-MILVUS-L7\(1\)' -- \
		env MANPATH="$inst/share/man" MANWIDTH=80 man -P cat helm-milvus-l7
else
	t_fail "make install" "$(tail -n 20 "$T_TMP/install.log")"
fi

t_done
