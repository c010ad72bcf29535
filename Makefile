# apxlate build. `make` builds build/lib/libapxlate.so, build/include/apxlate.h, build/bin/apxlate.
PREFIX ?= /usr/local
SWIFT ?= swift
CONFIG ?= release
LIBFLAGS = -c $(CONFIG) --scratch-path .build-lib -Xswiftc -static-stdlib \
  -Xlinker --version-script=$(CURDIR)/Sources/SwiftTranslate/CABI/exports.map -Xlinker --no-undefined \
  -Xlinker -soname=libapxlate.so -Xlinker --gc-sections
HOSTFLAGS = -c $(CONFIG) --scratch-path .build-host --static-swift-stdlib

.PHONY: all lib bin test bench bench-load install clean swift-test python-test c-test
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

bench: all
	bash Tests/bench/run.sh

# 5,000 concurrent streams through `apxlate serve`, two rounds, then a 100,000-request soak.
bench-load: all
	$${PYTHON:-python3} Tests/load/run.py --check

install: all
	install -d $(PREFIX)/lib $(PREFIX)/include $(PREFIX)/bin
	install -m 0755 build/lib/libapxlate.so $(PREFIX)/lib/libapxlate.so
	install -m 0644 build/include/apxlate.h $(PREFIX)/include/apxlate.h
	install -m 0755 build/bin/apxlate $(PREFIX)/bin/apxlate

clean:
	rm -rf build .build-lib .build-host
