/// Appends compact JSON to a byte buffer. Commas are placed automatically: call `key` before each
/// member value, and values directly inside arrays. Output is UTF-8, `/` is never escaped, and
/// non-ASCII text is written as is.
public struct JSONWriter {
    public var bytes: [UInt8] = []
    /// True after a complete value (or member) at the current level: the next item needs a comma.
    private var needsComma = false

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    @inline(__always) private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    /// Writes `"name":`; the member's value must follow.
    public mutating func key(_ name: String) {
        separate()
        appendEscaped(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ s: String) { separate(); appendEscaped(s); needsComma = true }
    public mutating func string(bytes s: [UInt8]) { separate(); appendEscapedBytes(s[...]); needsComma = true }
    public mutating func int(_ v: Int) { separate(); bytes.append(contentsOf: String(v).utf8); needsComma = true }
    public mutating func bool(_ v: Bool) { separate(); bytes.append(contentsOf: (v ? "true" : "false").utf8); needsComma = true }
    public mutating func null() { separate(); bytes.append(contentsOf: "null".utf8); needsComma = true }
    /// A number from its exact text (as read from the input).
    public mutating func number(text: String) { separate(); bytes.append(contentsOf: text.utf8); needsComma = true }
    public mutating func double(_ v: Double) {
        separate()
        if v.isFinite, v.rounded() == v, v.magnitude < 1e15 {
            bytes.append(contentsOf: String(Int(v)).utf8)
        } else if v.isFinite {
            bytes.append(contentsOf: String(v).utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        needsComma = true
    }

    /// Copies already-valid JSON text (e.g. `JSONValue.raw`) as one value.
    public mutating func raw<C: Collection>(_ json: C) where C.Element == UInt8 {
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    /// Copies an input value exactly (strings keep their original escapes).
    public mutating func value(_ v: JSONValue) { raw(v.raw) }

    /// `"name": "value"` shorthands.
    public mutating func field(_ name: String, _ value: String) { key(name); string(value) }
    public mutating func field(_ name: String, _ value: Int) { key(name); int(value) }
    public mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }
    public mutating func fieldNull(_ name: String) { key(name); null() }
    public mutating func field(_ name: String, raw: [UInt8]) { key(name); self.raw(raw) }
    /// Writes the member only when `value` is not nil.
    public mutating func field(_ name: String, ifPresent value: String?) { if let value { key(name); string(value) } }
    public mutating func field(_ name: String, ifPresent value: Int?) { if let value { key(name); int(value) } }

    /// A string value assembled from its UTF-8 pieces without building a String first.
    public mutating func beginString() { separate(); bytes.append(UInt8(ascii: "\"")) }
    public mutating func stringPiece(_ s: String) { appendEscapedBody(s) }
    public mutating func stringPiece(bytes s: ArraySlice<UInt8>) { appendEscapedBody(bytes: s) }
    public mutating func endString() { bytes.append(UInt8(ascii: "\"")); needsComma = true }

    private mutating func appendEscaped(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        appendEscapedBody(s)
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscapedBytes(_ s: ArraySlice<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        appendEscapedBody(bytes: s)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Native strings are scanned as one contiguous UTF-8 buffer (iterating `String.UTF8View`
    /// and appending it generically ran at about half the speed).
    private mutating func appendEscapedBody(_ s: String) {
        if let done: Void = s.utf8.withContiguousStorageIfAvailable({ appendEscapedRuns($0) }) { return done }
        var copy = s
        copy.withUTF8 { appendEscapedRuns($0) }
    }

    private mutating func appendEscapedBody(bytes s: ArraySlice<UInt8>) { s.withUnsafeBufferPointer { appendEscapedRuns($0) } }

    /// Escapes `"`, `\` and control characters; finds them 8 bytes at a time and copies the runs
    /// of plain bytes between them with one append each.
    private mutating func appendEscapedRuns(_ s: UnsafeBufferPointer<UInt8>) {
        let span = s.span
        let words = span.bytes
        let n = span.count
        var runStart = 0
        var i = 0
        while i < n {
            if n - i >= 8 {
                let w = UInt64(littleEndian: words.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self))
                let found = JSONBytes.needsEscape(w)
                if found == 0 { i += 8; continue }
                i += JSONBytes.firstByte(found)
            } else {
                let b = span[i]
                if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") { i += 1; continue }
            }
            if runStart < i { bytes.append(contentsOf: s[runStart..<i]) }
            appendEscape(span[i])
            i += 1
            runStart = i
        }
        if runStart < n { bytes.append(contentsOf: s[runStart..<n]) }
    }

    private mutating func appendEscape(_ b: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            bytes.append(UInt8(ascii: "u"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(hexDigit(b >> 4))
            bytes.append(hexDigit(b & 0xF))
        }
    }

    @inline(__always) private func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? v + 48 : v + 87 }
}
