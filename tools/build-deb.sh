#!/bin/sh
# make deb: builds cashdrawerd for /usr with Debian's hardening flags and
# packs it with dpkg-deb (no debhelper): the systemd unit, the settings as a
# conffile, the manual page, copyright and changelog, md5sums, and the
# maintainer scripts that enable and start the service.
# Usage: tools/build-deb.sh BUILD_DIR OUT_DIR   (PKG_CONFIG_PATH from make)
set -eu

build=$1
out=$2
src=$(cd "$(dirname "$0")/.." && pwd)
umask 022

# dpkg-buildflags: -D_FORTIFY_SOURCE=2, stack protector, relro, bindnow
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cflags="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
	-DCMAKE_C_FLAGS="$cflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" >/dev/null
cmake --build "$build" --target cashdrawerd cups-depends gnutls-depends -j "$(nproc 2>/dev/null || echo 2)"

stage="$(cd "$build" && pwd)/deb-root"
rm -rf "$stage"
DESTDIR="$stage" cmake --install "$build" --prefix /usr --strip >/dev/null
# as dh_strip: no .comment or .note sections either
strip --remove-section=.comment --remove-section=.note "$stage/usr/bin/cashdrawerd"

doc="$stage/usr/share/doc/cashdrawerd"
rm -f "$doc/LICENSE" # the copyright file says it
cp "$src/packaging/linux/debian/copyright" "$doc/copyright"
gzip -9n -c "$src/packaging/linux/debian/changelog" >"$doc/changelog.gz"
gzip -9n "$stage/usr/share/man/man1/cashdrawerd.1"

version=$(sed -n '1s/^cashdrawerd (\([^)]*\)).*/\1/p' "$src/packaging/linux/debian/changelog")
arch=$(dpkg --print-architecture)

# the shared libraries the binary needs, as Depends (dpkg-shlibdeps wants a debian/control).
# libcups is loaded with dlopen, out of dpkg-shlibdeps's sight: cups-depends
# links the libcups functions the daemon loads, which gives libcups2 and its
# version. A Depends, not a Recommends: the default printer, TICKET, is a
# CUPS queue, and the daemon refuses to start with it when libcups is missing.
# GnuTLS too (HTTPS, --setup-tls at install): gnutls-depends.
work=$(mktemp -d "${TMPDIR:-/tmp}/cashdrawerd-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
printf 'Source: cashdrawerd\n\nPackage: cashdrawerd\nArchitecture: any\n' >"$work/debian/control"
cups_depends="$(cd "$build" && pwd)/cups-depends"
gnutls_depends="$(cd "$build" && pwd)/gnutls-depends"
depends=$(cd "$work" && dpkg-shlibdeps -O "$stage/usr/bin/cashdrawerd" "$cups_depends" "$gnutls_depends" |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build-deb: dpkg-shlibdeps found no dependency" >&2; exit 1; }

mkdir -p "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
	-e "s/@DEPENDS@/$depends/" "$src/packaging/linux/debian/control.in" >"$stage/DEBIAN/control"
echo /etc/cashdrawerd/cashdrawerd.ini >"$stage/DEBIAN/conffiles"
for script in postinst prerm postrm; do
	install -m 0755 "$src/packaging/linux/debian/$script" "$stage/DEBIAN/$script"
done
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort |
	xargs md5sum) >"$stage/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/cashdrawerd_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
