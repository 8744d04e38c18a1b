#!/bin/sh
# Builds the Windows daemon's libraries, static, with mingw-w64, into
# PREFIX (PREFIX/lib/pkgconfig/*.pc), from Debian's source packages fetched
# with the build's own apt configuration (tools/debian-source.sh):
#   with WINDOWS_HTTPS=1, GnuTLS with gmp, nettle and libtasn1
#   (tools/build-windows-gnutls.sh); libmicrohttpd (native W32 threads;
#   HTTPS with that GnuTLS when WINDOWS_HTTPS=1), cJSON, inih,
#   and libjpeg-turbo (the receipts' decoder: its libjpeg API only, SIMD with nasm).
# inih: when the mirror does not serve libinih's source (some mirrors lack its
# orig tarball), tools/windows/ini.c, a reader with inih's interface and
# defaults, is built against Debian's own ini.h (package libinih-dev).
#   tools/build-windows-deps.sh ARCH PREFIX     (ARCH: x86_64 or i686)
set -eu
arch=$1
host="$arch-w64-mingw32"
prefix=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
cc="$host-gcc"
ar="$host-ar"
# Windows 7 is the oldest system the service supports.
cppflags="-D_WIN32_WINNT=0x0601"
cflags="-O2"

if [ "${WINDOWS_HTTPS:-0}" = 1 ]; then
	gnutls_key=$("$here/build-windows-gnutls.sh" "$arch" "$prefix" | tail -n 1)
	# The static GnuTLS's header must not declare its symbols dllimport in any
	# code using it (GNUTLS_INTERNAL_BUILD, else __imp_gnutls_malloc is
	# undefined): gnutls.pc's Cflags say so (tools/build-windows-gnutls.sh).
	# pkg-config --static: GnuTLS's own libraries (Requires.private,
	# Libs.private) for configure's link test.
	# A new GnuTLS rebuilds it: its key's digest is among the options the stamp
	# keeps (configure takes and ignores the variable).
	# (threads: "auto" picks native W32 threads; "w32" is refused by its configure)
	# (the options are one word each: the environment carries pkg-config's)
	PKG_CONFIG="pkg-config --static" PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" PKG_CONFIG_PATH= \
		"$here/build-libmicrohttpd.sh" "$prefix" --host="$host" \
		--disable-nls --disable-httpupgrade --enable-https --with-gnutls \
		"CASHDRAWERD_GNUTLS=$(echo "$gnutls_key" | sha256sum | cut -c 1-16)" \
		"CPPFLAGS=$cppflags" "CFLAGS=$cflags"
else
	# (threads: "auto" picks native W32 threads; "w32" is refused by its configure)
	"$here/build-libmicrohttpd.sh" "$prefix" --host="$host" \
		--disable-nls --disable-httpupgrade "CPPFLAGS=$cppflags" "CFLAGS=$cflags"
fi

mkdir -p "$prefix/lib/pkgconfig" "$prefix/include/cjson" "$prefix/source"

# A library made of one C file: compiles it, archives it, writes its .pc.
# one_file_library NAME SOURCE VERSION
one_file_library() {
	object="$prefix/source/$1.o"
	# shellcheck disable=SC2086 # flag lists
	"$cc" $cppflags $cflags -I"$prefix/include" -c "$2" -o "$object"
	rm -f "$prefix/lib/lib$1.a"
	"$ar" rcs "$prefix/lib/lib$1.a" "$object"
	cat >"$prefix/lib/pkgconfig/lib$1.pc" <<PC
prefix=$prefix
Name: $1
Description: $1, static, built with mingw-w64 by tools/build-windows-deps.sh
Version: $3
Libs: -L\${prefix}/lib -l$1
Cflags: -I\${prefix}/include
PC
}

stamp="$prefix/.cjson-built"
if [ ! -f "$stamp" ]; then
	"$here/debian-source.sh" cjson "$prefix/source"
	cp "$prefix/source/cjson/cJSON.h" "$prefix/include/cjson/cJSON.h"
	one_file_library cjson "$prefix/source/cjson/cJSON.c" \
		"$(sed -n 's/^Version: //p' "$prefix"/source/download/cjson_*.dsc | head -n 1)"
	touch "$stamp"
fi

stamp="$prefix/.inih-built"
# it says which inih was built; ours again once it changed (an empty stamp is
# from before it said)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" != debian ] && [ "$here/windows/ini.c" -nt "$stamp" ]; then
	rm "$stamp"
fi
if [ ! -f "$stamp" ]; then
	if "$here/debian-source.sh" libinih "$prefix/source" 2>"$prefix/source/libinih.err"; then
		cp "$prefix/source/libinih/ini.h" "$prefix/include/ini.h"
		one_file_library inih "$prefix/source/libinih/ini.c" "debian"
		echo debian >"$stamp.new"
		echo "build-windows-deps: inih from Debian's source package"
	else
		sed 's/^/  /' "$prefix/source/libinih.err" >&2
		echo "build-windows-deps: Debian's libinih source cannot be fetched here:" \
			"using tools/windows/ini.c with Debian's ini.h" >&2
		cp /usr/include/ini.h "$prefix/include/ini.h"
		one_file_library inih "$here/windows/ini.c" "55-compatible"
		echo ours >"$stamp.new"
	fi
	# pkg-config name of Debian's inih is "inih", not "libinih"
	mv "$prefix/lib/pkgconfig/libinih.pc" "$prefix/lib/pkgconfig/inih.pc"
	mv "$stamp.new" "$stamp"
fi
# libjpeg-turbo builds with CMake: our own toolchain file cross-compiles it
# (its install paths must be absolute: a relative libdir lands in the cwd).
stamp="$prefix/.libjpeg-turbo-built"
if [ ! -f "$stamp" ]; then
	"$here/debian-source.sh" libjpeg-turbo "$prefix/source"
	tree="$prefix/source/libjpeg-turbo"
	log="$prefix/source/libjpeg-turbo-build.log"
	rm -rf "$tree-build"
	if ! { cmake -S "$tree" -B "$tree-build" \
		-DCMAKE_TOOLCHAIN_FILE="$here/../cmake/mingw-w64-$arch.cmake" \
		-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
		-DCMAKE_INSTALL_LIBDIR="$prefix/lib" -DCMAKE_C_FLAGS="$cppflags" \
		-DENABLE_SHARED=FALSE -DENABLE_STATIC=TRUE -DWITH_TURBOJPEG=FALSE \
		-DWITH_JAVA=FALSE &&
		cmake --build "$tree-build" -j "$(nproc 2>/dev/null || echo 2)" &&
		cmake --install "$tree-build"; } >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		echo "build-windows-deps: libjpeg-turbo for $host failed (full log: $log)" >&2
		exit 1
	fi
	grep 'SIMD extensions' "$log" | sed 's/^-- /build-windows-deps: libjpeg-turbo /'
	touch "$stamp"
fi
echo "build-windows-deps: static libmicrohttpd (HTTPS: ${WINDOWS_HTTPS:-0}), cJSON, inih and" \
	"libjpeg-turbo for $host in $prefix"
