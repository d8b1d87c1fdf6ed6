#!/usr/bin/env bash
# packaging/static-libs.sh ARCH - a minimal static libcurl (HTTP, HTTPS, HTTP/2 with
# OpenSSL and nghttp2, nothing else) and a static cJSON for ARCH (amd64|arm64), built
# once from Debian's own source packages (`apt-get source curl cjson`, with Debian's
# patches) and cached at ${ML7_CACHE:-~/.cache/milvus-l7}/static-ARCH/ (lib/, include/).
# Debian's libcurl.a pulls in GSSAPI and LDAP, which ship no static libraries, and
# there is no libcjson.a.  Prints the cache directory on stdout, progress on stderr.
set -euo pipefail

ARCH=${1:?usage: packaging/static-libs.sh amd64|arm64}
CACHE=${ML7_CACHE:-$HOME/.cache/milvus-l7}
OUT=$CACHE/static-$ARCH
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

have() { [[ -f $OUT/lib/libcurl.a && -f $OUT/lib/libcjson.a && -f $OUT/include/cjson/cJSON.h ]]; }
if have; then echo "$OUT"; exit 0; fi

say() { printf 'static-libs %s: %s\n' "$ARCH" "$*" >&2; }
die() { say "error: $*"; exit 1; }

case $ARCH in
amd64) TRIPLET=x86_64-linux-gnu ;;
arm64) TRIPLET=aarch64-linux-gnu ;;
*) die "unknown architecture '$ARCH' (amd64 or arm64)" ;;
esac
BUILD_TRIPLET=$(dpkg-architecture -qDEB_BUILD_MULTIARCH)
if [[ $TRIPLET == "$BUILD_TRIPLET" ]]; then CC=${CC:-gcc}; else CC=$TRIPLET-gcc; fi
"$HERE/setup.sh"

mkdir -p "$CACHE"
exec 9>"$CACHE/static-$ARCH.lock"     # one build at a time; a second caller waits
flock 9
if have; then echo "$OUT"; exit 0; fi

start=$SECONDS
WORK=$CACHE/static-$ARCH.build
rm -rf "$WORK" "$OUT.tmp"
mkdir -p "$WORK/dl" "$OUT.tmp/lib" "$OUT.tmp/include/cjson"
say "[1/4] apt-get source --download-only curl cjson"
(cd "$WORK/dl" && apt-get source -qq --download-only curl cjson </dev/null >/dev/null 2>&1) ||
	die "apt-get source curl cjson failed (deb-src entries? run packaging/setup.sh as root)"

# Debian's patch series minus the last two, which turn the tree into the GnuTLS and
# NSS flavours (debian/rules pops them the same way for the OpenSSL build).
unpack() {   # name dir -> the patched tree in dir
	dpkg-source -q --skip-patches -x "$WORK"/dl/"$1"_*.dsc "$2" >/dev/null 2>&1 ||
		die "dpkg-source -x $1 failed"
	local series=$2/debian/patches/series p
	[[ -f $series ]] || return 0
	while read -r p _; do
		[[ -z $p || $p == \#* || $p == 90_gnutls.patch || $p == 99_nss.patch ]] && continue
		patch -s -d "$2" -p1 <"$2/debian/patches/$p" || die "$1: patch $p does not apply"
	done <"$series"
}

CFLAGS_REL="-O2 -g0 -fPIE -fstack-protector-strong -D_FORTIFY_SOURCE=2"

say "[2/4] cJSON"
unpack cjson "$WORK/cjson"
"$CC" -std=c89 $CFLAGS_REL -c -o "$WORK/cjson/cJSON.o" "$WORK/cjson/cJSON.c"
ar rcs "$OUT.tmp/lib/libcjson.a" "$WORK/cjson/cJSON.o"
cp "$WORK/cjson/cJSON.h" "$OUT.tmp/include/cjson/"
cp "$WORK/cjson/LICENSE" "$OUT.tmp/LICENSE.cjson"

say "[3/4] curl: autoreconf and configure (HTTP/HTTPS/HTTP2, OpenSSL, nghttp2)"
unpack curl "$WORK/curl"
cd "$WORK/curl"
autoreconf -fi >"$WORK/autoreconf.log" 2>&1 || { tail -n 20 "$WORK/autoreconf.log" >&2; die "autoreconf failed"; }
export PKG_CONFIG_LIBDIR=/usr/lib/$TRIPLET/pkgconfig:/usr/share/pkgconfig PKG_CONFIG_PATH=
./configure --host="$TRIPLET" --build="$BUILD_TRIPLET" --prefix="$OUT.tmp" CC="$CC" \
	CFLAGS="$CFLAGS_REL" --disable-shared --enable-static --disable-dependency-tracking \
	--with-openssl --with-nghttp2 --without-zlib --without-brotli --without-zstd \
	--without-libpsl --without-libidn2 --without-librtmp --without-libssh --without-libssh2 \
	--without-gssapi --without-libgsasl --without-ngtcp2 --without-nghttp3 --without-quiche \
	--without-hyper --disable-ldap --disable-ldaps --disable-rtsp --disable-dict \
	--disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smtp \
	--disable-gopher --disable-mqtt --disable-smb --disable-ftp --disable-file \
	--disable-manual --disable-ntlm --disable-ntlm-wb --disable-kerberos-auth \
	--disable-negotiate-auth --disable-alt-svc --disable-hsts --disable-netrc \
	--disable-unix-sockets --disable-websockets --enable-ipv6 --enable-threaded-resolver \
	--with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --with-ca-path=/etc/ssl/certs \
	>"$WORK/configure.log" 2>&1 || { tail -n 30 "$WORK/configure.log" >&2; die "configure failed (log: $WORK/configure.log)"; }
grep -q '^#define USE_NGHTTP2 1' lib/curl_config.h || die "configure did not enable nghttp2"
grep -q '^#define USE_OPENSSL 1' lib/curl_config.h || die "configure did not enable OpenSSL"

say "[4/4] curl: make (lib only, -j2)"
make -s -j2 -C lib >"$WORK/make.log" 2>&1 || { tail -n 30 "$WORK/make.log" >&2; die "make failed (log: $WORK/make.log)"; }
make -s -C lib install >/dev/null && make -s -C include install >/dev/null
cp COPYING "$OUT.tmp/LICENSE.curl"
cd "$CACHE"
dpkg-parsechangelog -l "$WORK/curl/debian/changelog" -S Version | sed 's/^/curl /' >"$OUT.tmp/versions"
dpkg-parsechangelog -l "$WORK/cjson/debian/changelog" -S Version | sed 's/^/cjson /' >>"$OUT.tmp/versions"
rm -rf "$OUT"; mv "$OUT.tmp" "$OUT"
[[ ${ML7_KEEP_BUILD:-0} == 1 ]] || rm -rf "$WORK"
say "done in $((SECONDS - start)) s: $OUT"
echo "$OUT"
