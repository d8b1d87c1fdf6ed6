#!/usr/bin/env bash
# packaging/setup.sh - what `make dist` needs on Debian 12 besides tests/deps.sh build:
# the arm64 architecture, deb-src entries (for `apt-get source curl cjson`), the
# aarch64 cross compiler, the :arm64 -dev packages of the static libraries and
# qemu-user to run the arm64 binary.  Idempotent; returns at once when all is
# there.  Not root and something missing: prints the commands to run and stops.
set -euo pipefail

ARCH_PKGS=(libssl-dev:arm64 libnghttp2-dev:arm64 libyaml-dev:arm64)
NATIVE=$(dpkg --print-architecture)
PKGS=(make gcc dpkg-dev binutils patch autoconf automake libtool gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
      "libssl-dev:$NATIVE" "libnghttp2-dev:$NATIVE" "libyaml-dev:$NATIVE" "${ARCH_PKGS[@]}")

say() { printf 'milvus-l7 setup: %s\n' "$*" >&2; }
has_arm64() { dpkg --print-foreign-architectures | grep -qx arm64; }
missing_pkgs() {   # one dpkg-query for all: name:arch of each installed package
	local have
	have=$(dpkg-query -W -f='${Package}:${Architecture} ${db:Status-Status}\n' "${PKGS[@]%%:*}" 2>/dev/null |
		awk '$2 == "installed" {print $1}')
	local p
	for p in "${PKGS[@]}"; do
		[[ $p == *:* ]] || p=$p:$NATIVE
		grep -qxF "$p" <<<"$have" || grep -qxF "${p%%:*}:all" <<<"$have" || echo "${p%:"$NATIVE"}"
	done
}

"$(dirname "$0")/deb-src.sh" >&2
mapfile -t missing < <(missing_pkgs)
if has_arm64 && ((${#missing[@]} == 0)); then
	exit 0
fi
if ((EUID != 0)); then
	say "not root; please run:"
	has_arm64 || echo "  sudo dpkg --add-architecture arm64" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=600 -qq)
update=0
if ! has_arm64; then
	say "dpkg --add-architecture arm64"
	dpkg --add-architecture arm64
	update=1
fi
# The arm64 lists are fetched only after --add-architecture; the google/nodesource
# lists of the machine carry no arm64 and only warn.
((update)) && { apt-get "${apt_opts[@]}" update </dev/null || true; }
mapfile -t missing < <(missing_pkgs)
if ((${#missing[@]})); then
	say "installing ${missing[*]}"
	apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" </dev/null >/dev/null ||
		{ apt-get "${apt_opts[@]}" update </dev/null || true
		  apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" </dev/null >/dev/null; }
fi
mapfile -t missing < <(missing_pkgs)
((${#missing[@]} == 0)) || { say "still missing: ${missing[*]}"; exit 1; }
