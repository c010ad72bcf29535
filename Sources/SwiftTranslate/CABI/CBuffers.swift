import CTranslate

/// Pointer plumbing shared by the exports: reading inputs, writing errors and outputs.
enum CBuffers {
    /// Copies `(ptr, len)` into an array; nil when ptr is NULL but len is not 0, or when len is
    /// not a length at all: Swift sees `size_t` as Int, so a `size_t` of 2^63 or more arrives
    /// negative (no buffer is that large; reading it would fault).
    static func bytes(_ ptr: UnsafePointer<UInt8>?, _ len: Int) -> [UInt8]? {
        if len == 0 { return [] }
        guard len > 0, let ptr else { return nil }
        // one memcpy (the generic Array(UnsafeBufferPointer) copied element by element)
        return Array(unsafeUninitializedCapacity: len) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            base.initialize(from: ptr, count: len)
            count = len
        }
    }

    /// Why `bytes(ptr, len)` gave nil, for the APX_ERR_ARGUMENT message: "body is NULL" or
    /// "body_len 18446744073709551615 is not a valid length".
    static func unreadable(_ name: String, _ len: Int) -> String {
        len < 0 ? "\(name)_len \(UInt(bitPattern: len)) is not a valid length (2^63 or more)" : "\(name) is NULL"
    }

    /// True when a `size_t` window field is a real size (below 2^63: it arrives as a non-negative Int).
    static func isSize(_ n: Int) -> Bool { n >= 0 }

    /// Fills a caller-owned apx_error (if any) and returns the status.
    @discardableResult
    static func fail(_ error: UnsafeMutablePointer<apx_error>?, _ e: TranslateError) -> apx_status {
        guard let error else { return e.status.rawValue }
        error.pointee.code = e.status.rawValue
        error.pointee.offset = Int64(e.offset)
        copyCString(e.message, into: &error.pointee.message)
        copyCString(e.path, into: &error.pointee.path)
        return e.status.rawValue
    }

    static func argument(_ error: UnsafeMutablePointer<apx_error>?, _ message: String) -> apx_status {
        fail(error, TranslateError(.argument, message))
    }

    /// Copies UTF-8 into a fixed C char array, truncating at a character boundary, NUL-terminated.
    /// An embedded NUL (a key or value of the input may hold one) becomes '?', else it would cut
    /// the message short, down to an empty one.
    static func copyCString<T>(_ s: String, into tuple: inout T) {
        withUnsafeMutableBytes(of: &tuple) { raw in
            guard raw.count > 0 else { return }
            var n = min(s.utf8.count, raw.count - 1)
            let utf8 = Array(s.utf8)
            while n > 0 && n < utf8.count && (utf8[n] & 0xC0) == 0x80 { n -= 1 }
            for i in 0..<n { raw[i] = utf8[i] == 0 ? UInt8(ascii: "?") : utf8[i] }
            raw[n] = 0
        }
    }

    /// A malloc'd copy (never NULL for a non-empty input unless allocation fails).
    static func mallocCopy(_ bytes: [UInt8]) -> UnsafeMutablePointer<UInt8>? {
        guard !bytes.isEmpty else { return nil }
        guard let p = malloc(bytes.count)?.assumingMemoryBound(to: UInt8.self) else { return nil }
        bytes.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { p.update(from: base, count: bytes.count) }
        }
        return p
    }

    /// Fills an apx_output. Returns false when allocation failed.
    static func setOutput(_ out: UnsafeMutablePointer<apx_output>, body: [UInt8], warnings: [String], status: Int) -> Bool {
        let data = mallocCopy(body)
        if !body.isEmpty && data == nil { return false }
        var w: UnsafeMutablePointer<CChar>? = nil
        var wlen = 0
        if !warnings.isEmpty {
            // One warning per line: LogText already ran where each was made; again here (a no-op
            // then) so that a line break inside a warning cannot reach a host by any path.
            let text = Array(warnings.map(LogText.escaped).joined(separator: "\n").utf8)
            guard let p = malloc(text.count + 1)?.assumingMemoryBound(to: CChar.self) else {
                free(data)
                return false
            }
            for (i, b) in text.enumerated() { p[i] = CChar(bitPattern: b) }
            p[text.count] = 0
            w = p
            wlen = text.count
        }
        out.pointee.data = data
        out.pointee.len = body.count
        out.pointee.warnings = w
        out.pointee.warnings_len = wlen
        out.pointee.http_status = Int32(clamping: status)
        return true
    }

    static func format(_ raw: apx_format) -> Format? { Format(rawValue: raw) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
