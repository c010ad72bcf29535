//go:build !apxlate_pkgconfig

package apxlate

// By default the package compiles against the checkout's include/ and links the checkout's
// build/lib/libapxlate.so (`make lib`), with that directory as the run-time search path; an
// installed library (`make install`, /usr/local) is found through the usual paths too.
// With an installed library or a release tarball, build with `-tags apxlate_pkgconfig` instead
// (cgo_pkgconfig.go); or set CGO_CFLAGS=-I<dir of apxlate.h> and
// CGO_LDFLAGS="-L<libdir> -Wl,-rpath,<libdir>".

/*
#cgo CFLAGS: -I${SRCDIR}/../../include -I/usr/local/include
#cgo LDFLAGS: -L${SRCDIR}/../../build/lib -Wl,-rpath,${SRCDIR}/../../build/lib -L/usr/local/lib -lapxlate
*/
import "C"
