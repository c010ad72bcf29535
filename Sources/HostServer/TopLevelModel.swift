/// Finds the top-level "model" string of a JSON request body without building a document, to
/// pick the route before the library translates (and fully validates) the body. Returns nil when
/// there is none or the bytes are not a JSON object; the library reports the real error.
enum TopLevelModel {
    static func find(_ b: UnsafeRawBufferPointer) -> String? {
        var i = 0
        let n = b.count
        func skipSpace() { while i < n, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
        /// Skips a string starting at the quote; returns its content range (escapes kept).
        func skipString() -> Range<Int>? {
            guard i < n, b[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            let start = i
            while i < n {
                if b[i] == UInt8(ascii: "\\") { i += 2; continue }
                if b[i] == UInt8(ascii: "\"") { i += 1; return start..<(i - 1) }
                i += 1
            }
            return nil
        }
        /// Skips any value, iteratively (nesting tracked with a counter, not recursion).
        func skipValue() -> Bool {
            skipSpace()
            guard i < n else { return false }
            if b[i] == UInt8(ascii: "\"") { return skipString() != nil }
            if b[i] != UInt8(ascii: "{") && b[i] != UInt8(ascii: "[") {
                while i < n, b[i] != UInt8(ascii: ","), b[i] != UInt8(ascii: "}"), b[i] != UInt8(ascii: "]") { i += 1 }
                return true
            }
            var depth = 0
            while i < n {
                let c = b[i]
                if c == UInt8(ascii: "\"") { if skipString() == nil { return false }; continue }
                if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { depth -= 1; if depth == 0 { i += 1; return true } }
                i += 1
            }
            return false
        }
        skipSpace()
        guard i < n, b[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        while true {
            skipSpace()
            guard let key = skipString() else { return nil }
            skipSpace()
            guard i < n, b[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            if key.count == 5, b[key.lowerBound] == UInt8(ascii: "m"),
               UnsafeRawBufferPointer(rebasing: b[key]).elementsEqual("model".utf8) {
                guard let value = skipString() else { return nil }
                let raw = UnsafeRawBufferPointer(rebasing: b[value])
                if !raw.contains(UInt8(ascii: "\\")) { return String(decoding: raw, as: UTF8.self) }
                return unescapeSimple(raw)
            }
            guard skipValue() else { return nil }
            skipSpace()
            guard i < n else { return nil }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            return nil
        }
    }

    /// Model names with escapes are rare: handle the simple escapes, keep \u sequences literal.
    private static func unescapeSimple(_ raw: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "\\"), i + 1 < raw.count {
                let c = raw[i + 1]
                switch c {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(c)
                default: out.append(raw[i]); out.append(c)
                }
                i += 2
            } else {
                out.append(raw[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
