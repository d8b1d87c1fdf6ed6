#!/usr/bin/env bash
# Build the upstream kube-apiserver and kube-controller-manager v1.20.2 from Debian bookworm's
# `kubernetes` source package with Debian's Go 1.19 (see reference/test-peers.md §9).
# The binaries are cached at ${ML7_CACHE:-~/.cache/milvus-l7}/kube-v1.20.2/; when they are there
# this returns at once. Prints the cache directory on stdout, progress on stderr.
# ML7_KEEP_BUILD=1 keeps the build workspace (kube-v1.20.2.build/ beside the cache).
set -euo pipefail

VERSION=v1.20.2
CACHE=${ML7_CACHE:-$HOME/.cache/milvus-l7}
OUT=$CACHE/kube-$VERSION
BINS=(kube-apiserver kube-controller-manager)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

have_bins() { local b; for b in "${BINS[@]}"; do [[ -x $OUT/$b ]] || return 1; done; }
if have_bins; then echo "$OUT"; exit 0; fi

say() { printf 'kube build: %s\n' "$*" >&2; }
die() { printf 'kube build: error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$CACHE"
exec 9>"$CACHE/kube-$VERSION.lock"       # one build at a time; a second caller waits for the first
flock 9
if have_bins; then echo "$OUT"; exit 0; fi

# --- apt packages and the deb-src entry -------------------------------------------------------
PKGS=(golang-1.19-go etcd-server make rsync dpkg-dev golang-github-modern-go-reflect2-dev
      golang-github-json-iterator-go-dev openssl curl python3)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
"$HERE/../../../packaging/deb-src.sh" >&2
if ((${#missing[@]})); then
  if ((EUID != 0)); then
    say "not root; please run:"
    printf '  sudo apt-get install -y %s\n' "${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  say "installing ${missing[*]}"
  apt-get install -y -qq "${missing[@]}" </dev/null >&2 ||
    { apt-get update -qq </dev/null && apt-get install -y -qq "${missing[@]}" </dev/null >&2; }
fi

# --- source -----------------------------------------------------------------------------------
WORK=$CACHE/kube-$VERSION.build
rm -rf "$WORK"; mkdir -p "$WORK/dl" "$WORK/gopath/src/k8s.io"
start=$SECONDS
say "[1/5] apt-get source --download-only kubernetes (about 34 MB)"
(cd "$WORK/dl" && apt-get source -qq --download-only kubernetes </dev/null >&2) ||
  { ((EUID == 0)) && apt-get update -qq </dev/null &&
    (cd "$WORK/dl" && apt-get source -qq --download-only kubernetes </dev/null >&2); }
dsc=$(ls "$WORK"/dl/kubernetes_*.dsc)
[[ $dsc == *really${VERSION#v}* ]] || die "unexpected source version: $dsc (want upstream $VERSION)"
SRC=$WORK/kubernetes
dpkg-source -q -x "$dsc" "$SRC" >&2
rm -rf "$WORK/dl"
ln -s "$SRC" "$WORK/gopath/src/k8s.io/kubernetes"

# reflect2 1.0.1 (vendored) crashes under Go >= 1.18 when json-iterator encodes (pretty JSON,
# YAML): take Debian's reflect2 1.0.2 and json-iterator 1.1.12 instead.
for d in github.com/modern-go/reflect2 github.com/json-iterator/go; do
  v=$SRC/vendor/$d
  find "$v" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' -o -name go.mod \) -delete
  find "/usr/share/gocode/src/$d" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' -o -name go.mod \) \
    ! -name '*_test.go' -exec cp {} "$v/" \;
done

# --- build ------------------------------------------------------------------------------------
export GOPATH=$WORK/gopath GOCACHE=$WORK/gocache GO111MODULE=off GOPROXY=off CGO_ENABLED=0 GOFLAGS=
export PATH=/usr/lib/go-1.19/bin:$PATH
cd "$GOPATH/src/k8s.io/kubernetes"
say "[2/5] make gen_openapi (about 1 min)"
make gen_openapi </dev/null >"$WORK/gen_openapi.log" 2>&1 ||
  { tail -n 30 "$WORK/gen_openapi.log" >&2; die "make gen_openapi failed (log: $WORK/gen_openapi.log)"; }

major=${VERSION#v}; major=${major%%.*}; minor=${VERSION#v$major.}; minor=${minor%%.*}
ldflags="-s -w"
for pkg in k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version \
           k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
done
mkdir -p "$WORK/bin"
n=3
for b in "${BINS[@]}"; do
  say "[$n/5] go build $b (-p 2; kube-apiserver takes about 4 min)"
  go build -p 2 -tags 'selinux notest' -ldflags "$ldflags" -o "$WORK/bin/$b" "./cmd/$b" </dev/null >&2
  n=$((n + 1))
done

# --- smoke test: pretty JSON is what crashed with the vendored reflect2 -----------------------
say "[5/5] smoke test: start it, GET /api/v1/namespaces with a curl User-Agent"
T=$(mktemp -d)
trap '"$HERE/down.sh" "$T" >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
ML7_KUBE_BIN=$WORK/bin ML7_KUBE_TTL=300 "$HERE/up.sh" "$T" >/dev/null
. "$T/env"
body=$(curl -fsS -A curl --cacert "$KUBE_CA" -H "Authorization: Bearer $KUBE_TOKEN" \
  "$KUBE_SERVER/api/v1/namespaces") || die "pretty JSON request failed; see $T"
grep -q '"kind": "NamespaceList"' <<<"$body" || die "unexpected reply: ${body:0:200}"
curl -fsS --cacert "$KUBE_CA" "$KUBE_SERVER/version" | grep -q "\"gitVersion\": \"$VERSION\"" ||
  die "server does not report $VERSION"
kill -0 "$APISERVER_PID" || die "kube-apiserver died after a pretty JSON reply"

mkdir -p "$OUT.tmp"
cp "$WORK"/bin/* "$OUT.tmp/"
rm -rf "$OUT"; mv "$OUT.tmp" "$OUT"
[[ ${ML7_KEEP_BUILD:-0} == 1 ]] || rm -rf "$WORK"
say "done in $((SECONDS - start)) s: $OUT"
echo "$OUT"
