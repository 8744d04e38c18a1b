# Wraps the common commands; CMake does the building. See README.md.
BUILD_DIR   ?= build
ASAN_DIR    ?= build-asan
DEPS_DIR    ?= build-deps
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
PRINTER_PORT ?= 9100
BAUD        ?= 38400

# libmicrohttpd is built from Debian's source package (static, its HTTPS on Debian's GnuTLS):
# dpkg-dev, xz-utils, libgnutls28-dev (also the authority --setup-tls makes, src/tls/).
BUILD_PACKAGES := cmake make gcc pkg-config dpkg-dev xz-utils libinih-dev libcjson-dev libcmocka-dev
BUILD_PACKAGES += libgnutls28-dev
# CUPS queues (cups:NAME): libcups's headers (the daemon loads libcups2 at run time).
BUILD_PACKAGES += libcups2-dev
# receipts (src/receipt): libjpeg-turbo; the simulator's receipt PNGs: libpng
BUILD_PACKAGES += libjpeg62-turbo-dev libpng-dev
TEST_PACKAGES  := $(BUILD_PACKAGES) clang python3 python3-pytest faketime iproute2 tzdata curl
# tests/fuzz: clang's libFuzzer runtime (libclang_rt.fuzzer), for make test's
# short runs and make fuzz's long ones.
FUZZ_PACKAGES  := $(BUILD_PACKAGES) clang libclang-rt-14-dev
TEST_PACKAGES  += libclang-rt-14-dev
# serial tests: a pty pair joined by socat; setpriv (util-linux) runs the service unprivileged
TEST_PACKAGES  += socat util-linux
# fault tests (tests/e2e/test_faults_*.py): a small tmpfs log disk (mount), a private
# resolv.conf (unshare, util-linux), the clock moved by libfaketime (faketime, above)
TEST_PACKAGES  += mount
# browser tests (tests/e2e/test_browser.py): headless Chromium in a network namespace
TEST_PACKAGES  += chromium
# receipt tests (tests/e2e/test_receipt_print.py): the simulator's PNGs read with Pillow
TEST_PACKAGES  += python3-pil
# the Odoo 14.0-16.0 POS page of tests/e2e/test_odoo_browser.py calls through jQuery
TEST_PACKAGES  += libjs-jquery
# The CUPS tests' own cupsd: cupsd (cups-daemon), lpadmin and cupsenable/cupsdisable/
# cupsaccept/cupsreject (cups-client), the socket backend /usr/lib/cups/backend/socket (cups).
TEST_PACKAGES  += cups-daemon cups-client cups
# make windows: mingw-w64 cross compilers; Debian's libinih-dev gives ini.h
# when the mirror lacks libinih's source (tools/build-windows-deps.sh).
WINDOWS_PACKAGES := cmake make pkg-config dpkg-dev xz-utils libinih-dev \
	gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 binutils-mingw-w64-x86-64 binutils-mingw-w64-i686
# libjpeg-turbo's SIMD decoder (x86 assembly) in the Windows build
WINDOWS_PACKAGES += nasm
# GnuTLS, gmp, nettle, libtasn1 for the Windows HTTPS (tools/build-windows-gnutls.sh):
# autoreconf as Debian's rules run it (autopoint: gettext's macros); gmp's m4
WINDOWS_PACKAGES += autoconf automake libtool autopoint gettext m4
# The Windows suite: cashdrawerd.exe under Wine (wine64, and wine for its
# loader), a private cupsd (cups-daemon, cups-client; cups for the socket
# backend) and libcups2, which Wine's spooler loads to reach it.
WINE_TEST_PACKAGES := $(WINDOWS_PACKAGES) wine wine64 libcups2 cups-daemon cups-client cups
# TLS under Wine (tests/e2e/wine/test_wine_tls.py): the test certificates
# (certtool), Linux's curl checking them
WINE_TEST_PACKAGES += gnutls-bin curl
TEST_PACKAGES  += $(WINE_TEST_PACKAGES)
# /metrics checked by promtool (prometheus); the status page uses the chromium above.
TEST_PACKAGES  += prometheus
# the soak's smoke run (ctest soak_smoke): the gcc daemon under valgrind too
TEST_PACKAGES  += valgrind
# nginx: the same /status body served beside ours, for the comparison
BENCH_PACKAGES := $(BUILD_PACKAGES) wrk nginx
# make bench reports the .exe sizes (after BENCH_PACKAGES := above, which would
# throw it away)
BENCH_PACKAGES += $(WINDOWS_PACKAGES)
# bench/lan_flood.sh: namespaces, the idle-connection holder, the probes
BENCH_PACKAGES += iproute2 python3 curl
# bench/receipt.sh: the receipt rendered by Chromium, Pillow's figures beside ours
BENCH_PACKAGES += chromium python3-pil
# make soak (bench/soak.sh): the clang ASan build, valgrind, namespaces, the checks
SOAK_PACKAGES  := $(BUILD_PACKAGES) clang valgrind iproute2 python3 curl
RUN_PACKAGES   := $(BUILD_PACKAGES) curl
RUN_SERIAL_PACKAGES := $(RUN_PACKAGES) socat

WINDOWS_DIR      ?= build-windows
WINDOWS_DEPS_DIR ?= build-deps-windows
# x86_64 in build-windows/, i686 (32-bit Windows 7 tills) in build-windows-i686/.
WINDOWS_ARCHES   ?= x86_64 i686
# WINDOWS_HTTPS=1 (the default): the .exe serves HTTPS too and makes its own
# authority (--setup-tls), on a static GnuTLS, nettle, gmp and libtasn1 built
# from Debian's source packages (tools/build-windows-gnutls.sh; once per
# checkout: 14 of the 16 minutes of a fresh clone's make windows, both arches,
# docs/development.md). WINDOWS_HTTPS=0: HTTP only, 2 MiB smaller, without it.
WINDOWS_HTTPS    ?= 1

# make deb: dpkg-deb, dpkg-shlibdeps and dpkg-buildflags are in dpkg-dev.
DEB_PACKAGES   := $(BUILD_PACKAGES)
# The packaging tests: systemd-analyze (systemd), lintian; wixl and msiinfo (msitools).
TEST_PACKAGES  += systemd lintian
TEST_PACKAGES  += wixl msitools
# --setup-tls's NSS databases, and the HTTPS tests that read them: certutil
TEST_PACKAGES  += libnss3-tools

.PHONY: all build deps run run-serial test fuzz bench soak clean windows install deb msi

all: build

# CMake finds our libmicrohttpd first through this pkg-config path.
CMAKE := PKG_CONFIG_PATH=$(abspath $(DEPS_DIR))/lib/pkgconfig cmake

deps:
	@tools/ensure-packages.sh $(BUILD_PACKAGES)
	@tools/build-libmicrohttpd.sh $(DEPS_DIR) --enable-https --with-gnutls

build: deps
	$(CMAKE) -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Builds, starts the printer simulator and the daemon against it (Ctrl-C stops both).
run:
	@tools/ensure-packages.sh $(RUN_PACKAGES)
	@$(MAKE) --no-print-directory build >/dev/null
	@PRINTER_PORT=$(PRINTER_PORT) tools/run-dev.sh $(BUILD_DIR)

# The same over a serial cable: a socat pty pair, the simulator on one end (BAUD=38400).
run-serial:
	@tools/ensure-packages.sh $(RUN_SERIAL_PACKAGES)
	@$(MAKE) --no-print-directory build >/dev/null
	@BAUD=$(BAUD) tools/run-dev-serial.sh $(BUILD_DIR)

# The clang build with ASan+UBSan, and the libFuzzer harnesses of tests/fuzz.
ASAN_CMAKE := $(CMAKE) -S . -B $(ASAN_DIR) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	-DCASHDRAWERD_SANITIZE=ON -DCASHDRAWERD_FUZZ=ON

# Everything: gcc build with every test, then clang with ASan+UBSan running them
# again, with each fuzz harness for a few seconds. The Windows build comes
# first, on its own: from a clean checkout it builds GnuTLS and what it needs
# for two architectures (about 30 minutes on a slow 2-core machine), which
# test_msi would otherwise start under its own time limit.
test:
	@tools/ensure-packages.sh $(TEST_PACKAGES)
	@$(MAKE) --no-print-directory build
	@echo "== Windows: cross-build (its libraries from Debian's sources, once per checkout) =="
	@$(MAKE) --no-print-directory windows
	$(ASAN_CMAKE) >/dev/null
	cmake --build $(ASAN_DIR) -j $(JOBS)
	@echo "== clang + AddressSanitizer + UndefinedBehaviorSanitizer =="
	ctest --test-dir $(ASAN_DIR) --output-on-failure
	@echo "== gcc, RelWithDebInfo =="
	ctest --test-dir $(BUILD_DIR) --output-on-failure -V
	@echo "== Windows: cashdrawerd.exe under Wine =="
	ctest --test-dir $(WINDOWS_DIR) --output-on-failure -V

# Each fuzz harness in turn for FUZZ_SECONDS (or those of FUZZ_HARNESSES="origin
# cidr"), one summary line each; the corpus each grows stays in build-asan/fuzz/.
FUZZ_SECONDS   ?= 300
FUZZ_HARNESSES ?=
fuzz: deps
	@tools/ensure-packages.sh $(FUZZ_PACKAGES)
	$(ASAN_CMAKE) >/dev/null
	cmake --build $(ASAN_DIR) -j $(JOBS)
	tests/fuzz/run-fuzz.sh $(ASAN_DIR) $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

# Windows: cashdrawerd.exe cross-built with mingw-w64, its libraries static.
windows:
	@tools/ensure-packages.sh $(WINDOWS_PACKAGES)
	@for arch in $(WINDOWS_ARCHES); do \
		dir=$(WINDOWS_DIR)$$( [ $$arch = x86_64 ] || echo -$$arch ); \
		deps=$(abspath $(WINDOWS_DEPS_DIR))/$$arch; \
		WINDOWS_HTTPS=$(WINDOWS_HTTPS) tools/build-windows-deps.sh $$arch $$deps || exit 1; \
		PKG_CONFIG_LIBDIR=$$deps/lib/pkgconfig PKG_CONFIG_PATH= cmake -S . -B $$dir \
			-DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-$$arch.cmake \
			-DCASHDRAWERD_WINDOWS_GNUTLS=$$( [ "$(WINDOWS_HTTPS)" = 1 ] && echo ON || echo OFF ) \
			-DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null || exit 1; \
		cmake --build $$dir -j $(JOBS) || exit 1; \
		echo "windows: $$dir/cashdrawerd.exe"; \
	done

# The figures of bench/RESULTS.md; the Windows build gives the .exe sizes.
bench:
	@tools/ensure-packages.sh $(BENCH_PACKAGES)
	@$(MAKE) --no-print-directory build >/dev/null
	@$(MAKE) --no-print-directory windows >/dev/null
	bench/run.sh $(BUILD_DIR) $(WINDOWS_DIR)

# A million mixed requests from the till and the LAN against the ASan daemon,
# then the gcc one, and 50 000 under valgrind: every answer, log line and
# printer byte counted, no leak, resident memory flat. SOAK_REQUESTS,
# SOAK_VALGRIND_REQUESTS, SOAK_MAX_SECONDS (per generator); root (namespaces).
soak:
	@tools/ensure-packages.sh $(SOAK_PACKAGES)
	@$(MAKE) --no-print-directory build >/dev/null
	$(CMAKE) -S . -B $(ASAN_DIR) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DCASHDRAWERD_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_DIR) -j $(JOBS) --target cashdrawerd
	bench/soak.sh --gen $(BUILD_DIR)/soakgen --sim $(BUILD_DIR)/escpos-sim \
		asan:$(ASAN_DIR)/cashdrawerd release:$(BUILD_DIR)/cashdrawerd valgrind:$(BUILD_DIR)/cashdrawerd

# make install [DESTDIR=...] [PREFIX=/usr/local]: the daemon, its systemd unit,
# settings (never over existing ones), manual page and documentation.
PREFIX ?= /usr/local
install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD_DIR) --prefix $(PREFIX)

# make deb: dist/cashdrawerd_VERSION_ARCH.deb, installed with `apt install ./dist/...deb`.
DEB_BUILD_DIR ?= build-deb
DIST_DIR      ?= dist
deb: deps
	@tools/ensure-packages.sh $(DEB_PACKAGES)
	@PKG_CONFIG_PATH=$(abspath $(DEPS_DIR))/lib/pkgconfig tools/build-deb.sh $(DEB_BUILD_DIR) $(DIST_DIR)

# make msi: dist/cashdrawerd-VERSION-x64.msi (and -x86 when the 32-bit .exe
# is built) from `make windows`'s cashdrawerd.exe, with msitools' wixl.
MSI_PACKAGES := wixl msitools
msi:
	@tools/ensure-packages.sh $(MSI_PACKAGES)
	@$(MAKE) --no-print-directory windows
	@tools/build-msi.sh $(WINDOWS_DIR)/cashdrawerd.exe x64 $(DIST_DIR)
	@if [ -f $(WINDOWS_DIR)-i686/cashdrawerd.exe ]; then \
		tools/build-msi.sh $(WINDOWS_DIR)-i686/cashdrawerd.exe x86 $(DIST_DIR); fi

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(DEPS_DIR) $(WINDOWS_DIR) $(WINDOWS_DIR)-i686 $(WINDOWS_DEPS_DIR) $(DEB_BUILD_DIR) $(DIST_DIR)
