#!/bin/sh
# Builds GnuTLS and what it needs (gmp, nettle, libtasn1), static, with
# mingw-w64, into PREFIX (PREFIX/lib/pkgconfig/gnutls.pc), from Debian's
# source packages (tools/debian-source.sh), for libmicrohttpd's HTTPS.
# About 7 minutes on 2 cores, once per checkout and architecture: each
# library keeps a stamp holding its cache key (its version, its options and
# the keys of what it is built on), so that a change here rebuilds it and
# what depends on it, and nothing else.
#   tools/build-windows-gnutls.sh ARCH PREFIX     (ARCH: x86_64 or i686)
# Prints the key of the whole set on its last line (libmicrohttpd's stamp
# includes it: a new GnuTLS rebuilds libmicrohttpd).
set -eu
arch=$1
host="$arch-w64-mingw32"
prefix=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
work="$prefix/source"
mkdir -p "$work" "$prefix/lib/pkgconfig"

# The versions Debian 12 ships, checked against the source fetched.
GMP_VERSION=6.2.1
NETTLE_VERSION=3.8.1
LIBTASN1_VERSION=4.19.0
GNUTLS_VERSION=3.7.9

# Only our prefix's libraries, pkg-config's static view (Libs.private).
PKG_CONFIG="pkg-config --static"
PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig"
PKG_CONFIG_PATH=
export PKG_CONFIG PKG_CONFIG_LIBDIR PKG_CONFIG_PATH
# Windows 7 is the oldest system the service supports.
common="--host=$host --prefix=$prefix --libdir=$prefix/lib --disable-shared --enable-static"
cppflags="-D_WIN32_WINNT=0x0601 -I$prefix/include"
ldflags="-L$prefix/lib"

# autotools_library NAME DEBIAN_SOURCE VERSION KEY AUTORECONF CONFIGURE_OPTIONS...
# Builds NAME unless its stamp holds KEY already; AUTORECONF=yes runs
# autoreconf first, as Debian's rules do (its patches touch configure.ac
# and Makefile.am).
autotools_library() {
	name=$1 package=$2 version=$3 key=$4 reconf=$5
	shift 5
	stamp="$prefix/.$name-built"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
		return 0
	fi
	rm -f "$stamp"
	"$here/debian-source.sh" "$package" "$work" >/dev/null
	tree="$work/$package"
	dsc=$(ls -t "$work/download/${package}"_*.dsc | head -n 1)
	case "$(basename "$dsc")" in
	"${package}_$version"*) ;;
	*)
		echo "build-windows-gnutls: $(basename "$dsc") is not $name $version:" \
			"update the versions in $0" >&2
		exit 1
		;;
	esac
	log="$work/$name-build.log"
	started=$(date +%s)
	if ! (
		cd "$tree"
		if [ "$reconf" = yes ]; then
			# gnutls: gettext 0.20's macros out, as Debian's rules do; no gtk-doc
			if [ "$name" = gnutls ]; then
				grep -rl gettext-0.20 m4/ | xargs -r rm -f
			fi
			GTKDOCIZE=true autoreconf -fi
		fi
		# shellcheck disable=SC2086 # common is a word list
		./configure $common "$@" "CPPFLAGS=$cppflags" "LDFLAGS=$ldflags" "CFLAGS=-O2"
		make -j"$jobs"
		make install
	) >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		echo "build-windows-gnutls: $name for $host failed (full log: $log)" >&2
		exit 1
	fi
	echo "build-windows-gnutls: $name $version for $host, $(($(date +%s) - started)) s" >&2
	echo "$key" >"$stamp"
}

key_gmp="gmp $GMP_VERSION --disable-cxx"
# nettle's assembly is kept (AES, SHA, GCM): Windows' calling convention is handled.
autotools_library gmp gmp "$GMP_VERSION" "$key_gmp" yes --disable-cxx

key_nettle="nettle $NETTLE_VERSION --disable-documentation --disable-openssl ($key_gmp)"
autotools_library nettle nettle "$NETTLE_VERSION" "$key_nettle" no \
	--disable-documentation --disable-openssl

key_libtasn1="libtasn1 $LIBTASN1_VERSION --disable-doc --disable-valgrind-tests"
autotools_library libtasn1 libtasn1-6 "$LIBTASN1_VERSION" "$key_libtasn1" no \
	--disable-doc --disable-valgrind-tests

# Only what a TLS 1.2/1.3 server with an X.509 certificate needs: no
# PKCS#11, TPM, IDN, compression, DANE, OpenSSL layer, SRP, anonymous
# suites, SSL 3, tools, doc or tests. The platform's trust (CryptoAPI,
# CRYPT32 and ncrypt) comes with GnuTLS on Windows.
gnutls_options="--without-p11-kit --without-tpm --without-tpm2 --without-idn \
--with-included-unistring --without-zlib --without-brotli --without-zstd \
--disable-cxx --disable-guile --disable-nls --disable-doc --disable-manpages --disable-tools \
--disable-tests --disable-full-test-suite --disable-libdane --disable-openssl-compatibility \
--disable-srp-authentication --disable-anon-authentication --disable-ssl3-support \
--disable-ssl2-support --disable-heartbeat-support --disable-gost --disable-ktls \
--disable-gcc-warnings"
key_gnutls="gnutls $GNUTLS_VERSION $gnutls_options ($key_nettle) ($key_libtasn1)"
# shellcheck disable=SC2086 # gnutls_options is a word list
# (gmp: found through CPPFLAGS and LDFLAGS, nettle and libtasn1 through pkg-config)
autotools_library gnutls gnutls28 "$GNUTLS_VERSION" "$key_gnutls" yes $gnutls_options
# Its header declares every symbol dllimport unless GNUTLS_INTERNAL_BUILD is
# defined (it is the DLL's own build then); this GnuTLS is no DLL, so every
# user compiles with it: libmicrohttpd, the daemon (pkg-config's Cflags).
pc="$prefix/lib/pkgconfig/gnutls.pc"
grep -q GNUTLS_INTERNAL_BUILD "$pc" || sed -i 's/^Cflags:.*/& -DGNUTLS_INTERNAL_BUILD/' "$pc"
# GnuTLS carries its own copy of inih (lib/inih/ini.c, for its
# configuration file), whose ini_parse_file clashes with the daemon's inih
# in one static link: GnuTLS's copy is renamed in its archive (its
# definition and GnuTLS's calls alike; again it changes nothing).
"$host-objcopy" --redefine-sym ini_parse_file=_gnutls_ini_parse_file \
	--redefine-sym ini_parse=_gnutls_ini_parse --redefine-sym ini_parse_stream=_gnutls_ini_parse_stream \
	--redefine-sym ini_parse_string=_gnutls_ini_parse_string "$prefix/lib/libgnutls.a"

echo "$key_gnutls"
