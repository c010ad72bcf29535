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

    /// Escapes `"`, `\` and control characters. The text is copied 16 bytes at a time into room
    /// added to `bytes` in one step, each escape written over the copy where it stands (one
    /// append per string, not one per run and per escape). The room is the rest of the text plus
    /// a margin for escapes (an eighth of the text, plus 80 bytes); when the escapes use up
    /// the margin, the unused room is dropped and the rest goes into new room with twice the
    /// margin, so dense escapes take a logarithmic number of rounds.
    /// Short text with nothing to escape is appended as is.
    private mutating func appendEscapedRuns(_ s: UnsafeBufferPointer<UInt8>) {
        let span = s.span
        let n = span.count
        var i = 0
        if n < 32 { // short (keys, ids, names): usually nothing to escape, one plain append
            while i < n && !JSONWriter.needsEscape(span[i]) { i &+= 1 }
            if i == n { bytes.append(contentsOf: s); return }
            i = 0
        }
        var margin = 80 &+ n / 8
        while i < n {
            // n is a buffer's size, far below Int.max / 2; margin doubles at most log2(6n) times
            let room = (n &- i) &+ margin
            bytes.append(addingCapacity: room) { out in
                out.append(repeating: 0, count: room)
                var written = 0
                do {
                    var region = out.mutableSpan
                    var dst = region.mutableBytes
                    written = JSONWriter.escape(span, from: &i, into: &dst)
                }
                out.removeLast(room &- written)
            }
            margin = margin &* 2
        }
    }

    @inline(__always) private static func needsEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\")
    }

    /// Writes the escaped form of `src[i...]` at the start of `dst`, which has room for the rest
    /// of `src` and more; returns the length written, with `i` where it stopped: the end, or an
    /// escape that could leave less room than the rest of the text needs. Every store stays in
    /// the room: a 16-byte store at `o` happens with `o + (n - i) <= dst.byteCount` and
    /// `n - i >= 16`, and an escape (at most 6 bytes for 1 input byte) only when
    /// `o + (n - i) + 5 <= dst.byteCount`.
    private static func escape(_ src: Span<UInt8>, from start: inout Int, into dst: inout MutableRawSpan) -> Int {
        let raw = src.bytes
        let n = src.count
        let room = dst.byteCount
        var i = start
        var o = 0
        defer { start = i }
        while i < n {
            if n &- i >= 16 {
                let v = raw.unsafeLoadUnaligned(fromByteOffset: i, as: JSONBytes.Pair.self)
                dst.storeBytes(of: v, toByteOffset: o, as: JSONBytes.Pair.self)
                let m = JSONBytes.needsEscape(JSONBytes.Pair(UInt64(littleEndian: v[0]), UInt64(littleEndian: v[1])))
                if !JSONBytes.any(m) { i &+= 16; o &+= 16; continue }
                let k = JSONBytes.firstByte(m)
                i &+= k
                o &+= k
            } else if !needsEscape(src[i]) {
                dst.storeBytes(of: src[i], toByteOffset: o, as: UInt8.self)
                i &+= 1
                o &+= 1
                continue
            }
            if room &- o < (n &- i) &+ 5 { break }
            let b = src[i]
            i &+= 1
            dst.storeBytes(of: UInt8(ascii: "\\"), toByteOffset: o, as: UInt8.self)
            let short: UInt8
            switch b {
            case UInt8(ascii: "\""): short = UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): short = UInt8(ascii: "\\")
            case 0x0A: short = UInt8(ascii: "n")
            case 0x0D: short = UInt8(ascii: "r")
            case 0x09: short = UInt8(ascii: "t")
            case 0x08: short = UInt8(ascii: "b")
            case 0x0C: short = UInt8(ascii: "f")
            default:
                dst.storeBytes(of: UInt8(ascii: "u"), toByteOffset: o &+ 1, as: UInt8.self)
                dst.storeBytes(of: UInt8(ascii: "0"), toByteOffset: o &+ 2, as: UInt8.self)
                dst.storeBytes(of: UInt8(ascii: "0"), toByteOffset: o &+ 3, as: UInt8.self)
                dst.storeBytes(of: hexDigit(b >> 4), toByteOffset: o &+ 4, as: UInt8.self)
                dst.storeBytes(of: hexDigit(b & 0xF), toByteOffset: o &+ 5, as: UInt8.self)
                o &+= 6
                continue
            }
            dst.storeBytes(of: short, toByteOffset: o &+ 1, as: UInt8.self)
            o &+= 2
        }
        return o
    }

    @inline(__always) private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? v + 48 : v + 87 }
}
