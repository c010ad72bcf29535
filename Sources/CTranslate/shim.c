/* CTranslate only exposes include/apxlate.h to Swift; SwiftPM needs one source file. */
