# apxlate build. `make` builds build/lib/libapxlate.so, build/include/apxlate.h, build/bin/apxlate.
PREFIX ?= /usr/local
SWIFT ?= swift
CONFIG ?= release
LIBFLAGS = -c $(CONFIG) --scratch-path .build-lib -Xswiftc -static-stdlib \
  -Xlinker --version-script=$(CURDIR)/Sources/SwiftTranslate/CABI/exports.map -Xlinker --no-undefined \
  -Xlinker -soname=libapxlate.so -Xlinker --gc-sections
HOSTFLAGS = -c $(CONFIG) --scratch-path .build-host --static-swift-stdlib

.PHONY: all lib bin test test-asan bench bench-load install clean swift-test python-test c-test fuzz fuzz-long fuzz-report
all: lib bin

lib: build/lib/libapxlate.so build/include/apxlate.h

build/lib/libapxlate.so: $(shell find Sources/SwiftTranslate Sources/CTranslate include -type f) Package.swift
	$(SWIFT) build $(LIBFLAGS) --product apxlate
	mkdir -p build/lib
	cp .build-lib/$(CONFIG)/libapxlate.so build/lib/libapxlate.so
	strip --strip-unneeded build/lib/libapxlate.so

build/include/apxlate.h: include/apxlate.h
	mkdir -p build/include
	cp include/apxlate.h build/include/apxlate.h

bin: lib
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

install: all
	install -d $(PREFIX)/lib $(PREFIX)/include $(PREFIX)/bin
	install -m 0755 build/lib/libapxlate.so $(PREFIX)/lib/libapxlate.so
	install -m 0644 build/include/apxlate.h $(PREFIX)/include/apxlate.h
	install -m 0755 build/bin/apxlate $(PREFIX)/bin/apxlate

clean:
	rm -rf build .build-lib .build-host .build-fuzz .build-asan .build-nginx-asan
