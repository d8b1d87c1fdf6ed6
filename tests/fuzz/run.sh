#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] - builds the libFuzzer targets with clang (ASan + UBSan) and runs
# each for SECONDS (default 60) on a corpus seeded from tests/fuzz/corpus/ plus keys and
# certificates generated now (no private key is kept in the tree).  Not part of `make test`
# (clang is not a test dependency); tests/unit/test_fuzz.c replays the seeds there instead.
#   ML7_FUZZ_DIR=dir   where to build and keep the grown corpora (default build/fuzz)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
out=${ML7_FUZZ_DIR:-build/fuzz}
command -v clang >/dev/null || { echo "run.sh: clang is missing: apt-get install -y clang" >&2; exit 1; }
mkdir -p "$out"
pkgs="libcurl openssl yaml-0.1 libcjson libnghttp2"
# the library pieces the targets reach, built into each fuzzer
src=(common/cert.c common/aws.c common/acm.c common/http.c common/version.c common/util/*.c)
for t in cert aws; do
  clang -O1 -g -std=c11 -D_GNU_SOURCE -DML7_VERSION="\"$(cat VERSION)\"" -DML7_GIT_COMMIT="\"fuzz\"" -Iinclude $(pkg-config --cflags $pkgs) \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -o "$out/fuzz_$t" "tests/fuzz/fuzz_$t.c" "${src[@]}" $(pkg-config --libs $pkgs)
done

# seeds: the committed ones, and for the certificate target fresh keys and certificates
mkdir -p "$out/corpus-cert" "$out/corpus-aws"
cp tests/fuzz/corpus/cert/* "$out/corpus-cert/"
cp tests/fuzz/corpus/aws/* "$out/corpus-aws/"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp"
 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.crt -days 30 \
   -subj /CN=fuzz.example.com -addext subjectAltName=DNS:fuzz.example.com,DNS:*.fuzz.example.com 2>/dev/null
 openssl genrsa -out rsa.key 1024 2>/dev/null
 openssl pkey -in ec.key -outform DER -out ec-key.der
 openssl pkey -in ec.key -aes128 -passout pass:x -out ec-enc.key
 cat ec.crt ec.key >bundle.pem)
cp "$tmp"/* "$out/corpus-cert/"
for t in cert aws; do
  echo "== fuzz_$t for $secs s"
  rc=0
  (cd "$out" && "./fuzz_$t" -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=1024 \
    -print_final_stats=1 "corpus-$t") >"$out/fuzz_$t.log" 2>&1 || rc=$?
  grep -E '^Done|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)|ERROR|SUMMARY' \
    "$out/fuzz_$t.log" || true
  [ "$rc" -eq 0 ] || { echo "fuzz_$t found a crash: $out/fuzz_$t.log and the crash-* file in $out"; exit 1; }
done
