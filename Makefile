# apxlate build. `make` builds build/lib/libapxlate.so, build/include/apxlate.h, build/bin/apxlate.
PREFIX ?= /usr/local
SWIFT ?= swift
CONFIG ?= release
# The version lives in include/apxlate.h (APX_VERSION_STRING; the C tests check the library's).
VERSION := $(shell sed -n 's/^\#define APX_VERSION_STRING "\(.*\)"/\1/p' include/apxlate.h)
SONAME := libapxlate.so.$(firstword $(subst ., ,$(VERSION)))
LIBFILE := libapxlate.so.$(VERSION)
LIBFLAGS = -c $(CONFIG) --scratch-path .build-lib -Xswiftc -static-stdlib \
  -Xlinker --version-script=$(CURDIR)/Sources/SwiftTranslate/CABI/exports.map -Xlinker --no-undefined \
  -Xlinker -soname=$(SONAME) -Xlinker --gc-sections
HOSTFLAGS = -c $(CONFIG) --scratch-path .build-host --static-swift-stdlib

.PHONY: all lib bin dist test test-asan bench bench-load install clean swift-test python-test c-test fuzz fuzz-long fuzz-report
all: lib bin

lib: build/lib/libapxlate.so build/include/apxlate.h

build/lib/libapxlate.so: $(shell find Sources/SwiftTranslate Sources/CTranslate include -type f) Package.swift Makefile
	$(SWIFT) build $(LIBFLAGS) --product apxlate
	mkdir -p build/lib
	rm -f build/lib/libapxlate.so build/lib/$(SONAME)
	cp .build-lib/$(CONFIG)/libapxlate.so build/lib/$(LIBFILE)
	strip --strip-unneeded build/lib/$(LIBFILE)
	ln -s $(LIBFILE) build/lib/$(SONAME)
	ln -s $(SONAME) build/lib/libapxlate.so

build/include/apxlate.h: include/apxlate.h
	mkdir -p build/include
	cp include/apxlate.h build/include/apxlate.h

# SwiftPM does not see build/lib change: a host older than the library is relinked.
bin: lib
	if [ .build-host/$(CONFIG)/apxlate-host -ot build/lib/$(LIBFILE) ]; then rm -f .build-host/$(CONFIG)/apxlate-host; fi
	$(SWIFT) build $(HOSTFLAGS) --product apxlate-host
	mkdir -p build/bin
	cp .build-host/$(CONFIG)/apxlate-host build/bin/apxlate
	strip --strip-unneeded build/bin/apxlate

test: all
	bash Tests/run-all.sh

# The C ABI, Go and nginx module tests under ASan + UBSan, against an instrumented library
# (.build-asan, build/asan): Tests/asan/run.sh. `make test` runs it too (Tests/run-all.sh).
test-asan:
	bash Tests/asan/run.sh

# The Python binding as a platform wheel with libapxlate.so inside (bindings/python/build_wheel.py):
# dist/apxlate-<version>-py3-none-manylinux_<glibc>_x86_64.whl, checked by auditwheel.
.PHONY: wheel
wheel: lib
	$${PYTHON:-python3} bindings/python/build_wheel.py --lib build/lib/libapxlate.so --out dist

bench: all
	bash Tests/bench/run.sh

# apxlate and LiteLLM side by side, in-process and as proxies (Tests/bench/peers/run.sh; makes
# .venv-peers with LiteLLM from PyPI, so not in CI). PEERS_ARGS passes options (--help lists them).
.PHONY: bench-peers
bench-peers: all
	bash Tests/bench/peers/run.sh $(PEERS_ARGS)

# libFuzzer targets (Tests/fuzz/README.md): `make fuzz` is the short run CI does (replay the
# regression files, then FUZZ_SECONDS per target); `make fuzz-long` the campaign, going on past
# crashes (saved in build/fuzz-long/artifacts); `make fuzz-report` its table.
FUZZ_SECONDS ?= 15
FUZZ_LONG_SECONDS ?= 3600
FUZZ_WORKERS ?= 2
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash Tests/fuzz/run.sh

fuzz-long:
	FUZZ_SECONDS=$(FUZZ_LONG_SECONDS) FUZZ_PARALLEL=$(FUZZ_WORKERS) FUZZ_FORK=1 FUZZ_NICE=19 \
	  FUZZ_OUT=$(CURDIR)/build/fuzz-long bash Tests/fuzz/run.sh

fuzz-report:
	python3 Tests/fuzz/report.py build/fuzz-long

# 5,000 concurrent streams through `apxlate serve`, two rounds, then a 100,000-request soak.
bench-load: all
	$${PYTHON:-python3} Tests/load/run.py --check

# The library as lib/libapxlate.so.X.Y.Z (SONAME libapxlate.so.X) with the usual symlinks, the
# header, lib/pkgconfig/apxlate.pc (`pkg-config --cflags --libs apxlate`) and the binary.
install: all
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin
	install -m 0755 build/lib/$(LIBFILE) $(DESTDIR)$(PREFIX)/lib/$(LIBFILE)
	ln -sfn $(LIBFILE) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sfn $(SONAME) $(DESTDIR)$(PREFIX)/lib/libapxlate.so
	install -m 0644 build/include/apxlate.h $(DESTDIR)$(PREFIX)/include/apxlate.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' packaging/apxlate.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/apxlate.pc
	install -m 0755 build/bin/apxlate $(DESTDIR)$(PREFIX)/bin/apxlate

# dist/apxlate-<version>-linux-x86_64.tar.gz: a relocatable release (packaging/mkdist.sh).
dist: all
	VERSION=$(VERSION) LIBFILE=$(LIBFILE) SONAME=$(SONAME) bash packaging/mkdist.sh

clean:
	rm -rf build dist .build-lib .build-host .build-fuzz .build-asan .build-nginx-asan
