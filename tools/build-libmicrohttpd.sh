#!/bin/sh
# Builds GNU libmicrohttpd from Debian's source package, static, into PREFIX
# (PREFIX/lib/pkgconfig/libmicrohttpd.pc). Without TLS unless the options
# after PREFIX say --enable-https --with-gnutls (the Linux build does: HTTPS on
# the service's port, src/tls/; the options given last win in configure).
#   tools/build-libmicrohttpd.sh PREFIX [configure options, e.g. --host=...]
set -eu
prefix=$(mkdir -p "$1" && cd "$1" && pwd)
shift
stamp="$prefix/.libmicrohttpd-built"
options="--disable-shared --enable-static --disable-https --without-gnutls --disable-doc \
--disable-examples --disable-curl --disable-dauth --disable-bauth --disable-postprocessor $*"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$options" ]; then
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
work="$prefix/source"
"$here/debian-source.sh" libmicrohttpd "$work"
cd "$work/libmicrohttpd"
# shellcheck disable=SC2086 # options is a word list
./configure --prefix="$prefix" --libdir="$prefix/lib" $options >"$work/configure.log" 2>&1 ||
	{ tail -n 30 "$work/configure.log" >&2; exit 1; }
make -j"$(nproc 2>/dev/null || echo 2)" >"$work/make.log" 2>&1 || { tail -n 30 "$work/make.log" >&2; exit 1; }
make install >>"$work/make.log" 2>&1
echo "$options" >"$stamp"
echo "build-libmicrohttpd: static libmicrohttpd ($*) in $prefix"
