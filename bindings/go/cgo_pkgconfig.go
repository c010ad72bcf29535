//go:build apxlate_pkgconfig

package apxlate

// `go build -tags apxlate_pkgconfig`: the header and library come from pkg-config's apxlate.pc
// (`make install`, or a release tarball's lib/pkgconfig through PKG_CONFIG_PATH). The library's
// directory must then be on the loader's path (ldconfig, LD_LIBRARY_PATH, or
// CGO_LDFLAGS=-Wl,-rpath,<libdir>). cgo has no "if present": a missing apxlate.pc fails the
// build, hence a tag rather than a silent fallback.

/*
#cgo pkg-config: apxlate
*/
import "C"
