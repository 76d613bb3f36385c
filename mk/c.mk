# C ABI: libmikopbx.so / libmikopbx.a + include/mikopbx.h (crate bindings-c).
#
#   make test-c                   header check, then the C programs of tests/c/ and the
#                                 example of examples/c/ under valgrind against the simulator
#   make c-header                 regenerate include/mikopbx.h (cbindgen, pinned in bindings-c)
#   make install PREFIX=/usr/local  header, both libraries and mikopbx.pc (release build;
#                                 C_PROFILE=debug installs the debug build)

C_CC ?= gcc
C_CFLAGS := -std=c11 -Wall -Wextra -Werror -pthread -g
C_BUILD := $(CARGO_TARGET_DIR)/c-tests
C_DEBUG_DIR := $(CARGO_TARGET_DIR)/debug
C_TESTS := scenarios errors args threads loop hostile call watch log
C_SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

C_PROFILE ?= release
# What `install` builds. The tests build the library together with the simulator; building it
# alone would resolve other features of shared dependencies and recompile them.
C_CARGO_PACKAGES ?= -p mikopbx-c
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
C_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' $(CURDIR)/Cargo.toml | head -n 1)
# The SONAME's number (bindings-c/build.rs): the major version.
C_SOVERSION := $(firstword $(subst ., ,$(C_VERSION)))

TEST_TARGETS += test-c

.PHONY: test-c c-tools c-header install

## valgrind and pkg-config, from apt when missing.
c-tools:
	@missing=""; \
	command -v valgrind >/dev/null 2>&1 || missing="$$missing valgrind"; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	if [ -n "$$missing" ]; then \
		echo "c-tools: installing$$missing"; \
		$(C_SUDO) apt-get update && \
		$(C_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

## Rewrites include/mikopbx.h from bindings-c/src.
c-header:
	MIKOPBX_WRITE_HEADER=1 $(CARGO) test -p mikopbx-c --test header

install:
	$(CARGO) build $(if $(filter release,$(C_PROFILE)),--release) $(C_CARGO_PACKAGES)
	install -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(DATADIR)/mikopbx
	install -m 644 include/mikopbx.h $(DESTDIR)$(INCLUDEDIR)/mikopbx.h
	install -m 755 $(CARGO_TARGET_DIR)/$(C_PROFILE)/libmikopbx.so $(DESTDIR)$(LIBDIR)/libmikopbx.so.$(C_VERSION)
	ln -sf libmikopbx.so.$(C_VERSION) $(DESTDIR)$(LIBDIR)/libmikopbx.so.$(C_SOVERSION)
	ln -sf libmikopbx.so.$(C_SOVERSION) $(DESTDIR)$(LIBDIR)/libmikopbx.so
	install -m 644 $(CARGO_TARGET_DIR)/$(C_PROFILE)/libmikopbx.a $(DESTDIR)$(LIBDIR)/libmikopbx.a
	install -m 644 bindings-c/valgrind.supp $(DESTDIR)$(DATADIR)/mikopbx/valgrind.supp
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@DATADIR@|$(DATADIR)|' \
		-e 's|@VERSION@|$(C_VERSION)|' bindings-c/mikopbx.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/mikopbx.pc

test-c: c-tools
	$(CARGO) build -p mikopbx-c -p mikopbx-sim
	$(CARGO) test -p mikopbx-c
	readelf -d $(C_DEBUG_DIR)/libmikopbx.so | grep -q 'SONAME.*\[libmikopbx\.so\.$(C_SOVERSION)\]' || \
		{ echo "libmikopbx.so has no SONAME libmikopbx.so.$(C_SOVERSION)" >&2; exit 1; }
	ln -sf libmikopbx.so $(C_DEBUG_DIR)/libmikopbx.so.$(C_SOVERSION)
	mkdir -p $(C_BUILD)
	python3 tests/c/gen_scenarios.py tests/scenarios/expanded.json $(C_BUILD)/scenarios_gen.c
	for t in $(C_TESTS); do \
		generated=; [ $$t = scenarios ] && generated=$(C_BUILD)/scenarios_gen.c; \
		$(C_CC) $(C_CFLAGS) -Iinclude -Itests/c -o $(C_BUILD)/test_$$t tests/c/test_$$t.c tests/c/testlib.c \
			$$generated -L$(C_DEBUG_DIR) -lmikopbx -Wl,-rpath,$(C_DEBUG_DIR) || exit 1; \
	done
	rm -rf $(C_BUILD)/prefix
	$(MAKE) --no-print-directory install PREFIX=$(C_BUILD)/prefix C_PROFILE=debug \
		C_CARGO_PACKAGES="-p mikopbx-c -p mikopbx-sim"
	export PKG_CONFIG_PATH=$(C_BUILD)/prefix/lib/pkgconfig; \
	$(C_CC) -std=c11 -Wall -Wextra -Werror -o $(C_BUILD)/example_peers examples/c/peers.c \
		$$(pkg-config --cflags --libs mikopbx) -Wl,-rpath,$$(pkg-config --variable=libdir mikopbx) && \
	$(C_CC) -std=c11 -Wall -Wextra -Werror -o $(C_BUILD)/example_peers_static examples/c/peers.c \
		$$(pkg-config --cflags mikopbx) -Wl,-Bstatic -lmikopbx -Wl,-Bdynamic -Wl,--as-needed \
		$$(pkg-config --static --libs mikopbx) && \
	if readelf -d $(C_BUILD)/example_peers_static | grep -q libmikopbx; then \
		echo "example_peers_static links libmikopbx.so instead of libmikopbx.a" >&2; exit 1; \
	fi
	readelf -d $(C_BUILD)/prefix/lib/libmikopbx.so.$(C_VERSION) | grep -q 'SONAME.*\[libmikopbx\.so\.$(C_SOVERSION)\]' && \
		[ "$$(readlink $(C_BUILD)/prefix/lib/libmikopbx.so)" = libmikopbx.so.$(C_SOVERSION) ] && \
		[ "$$(readlink $(C_BUILD)/prefix/lib/libmikopbx.so.$(C_SOVERSION))" = libmikopbx.so.$(C_VERSION) ] || \
		{ echo "make install: libmikopbx.so -> .so.$(C_SOVERSION) -> .so.$(C_VERSION) with its SONAME expected" >&2; exit 1; }
	MIKOPBX_VALGRIND_SUPP=$$(PKG_CONFIG_PATH=$(C_BUILD)/prefix/lib/pkgconfig pkg-config --variable=valgrind_suppressions mikopbx) \
	bash tests/c/run.sh $(C_DEBUG_DIR)/mikopbx-sim $(C_TESTS:%=$(C_BUILD)/test_%) \
		$(C_BUILD)/example_peers $(C_BUILD)/example_peers_static
