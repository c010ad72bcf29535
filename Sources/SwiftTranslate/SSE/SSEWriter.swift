/// Writes SSE framing straight into the client's output buffer: `event: <name>` (when named),
/// one `data: <payload>` line, a blank line. Payloads written here are compact JSON, which never
/// holds a raw line end, so one `data:` line is always enough.
enum SSEWriter {
    private static let eventPrefix: [UInt8] = Array("event: ".utf8)
    private static let dataPrefix: [UInt8] = Array("data: ".utf8)
    private static let eventEnd: [UInt8] = [0x0A, 0x0A]
    private static let done: [UInt8] = Array("data: [DONE]\n\n".utf8)

    /// One event whose JSON payload `body` writes directly into `out` (no intermediate buffer).
    @inline(__always)
    static func event(_ name: [UInt8]?, into out: inout [UInt8], _ body: (inout JSONWriter) -> Void) {
        if let name {
            out.append(contentsOf: eventPrefix)
            out.append(contentsOf: name)
            out.append(0x0A)
        }
        out.append(contentsOf: dataPrefix)
        var w = JSONWriter(capacity: 0)
        swap(&w.bytes, &out)
        body(&w)
        swap(&w.bytes, &out)
        out.append(contentsOf: eventEnd)
    }

    /// An event with a payload given as bytes (pass-through). Line ends inside the payload
    /// become separate `data:` lines, as SSE requires.
    static func event(name: [UInt8], id: [UInt8]?, data: ArraySlice<UInt8>, into out: inout [UInt8]) {
        if !name.isEmpty {
            out.append(contentsOf: eventPrefix); out.append(contentsOf: name); out.append(0x0A)
        }
        if let id {
            out.append(contentsOf: "id: ".utf8); out.append(contentsOf: id); out.append(0x0A)
        }
        var start = data.startIndex
        while true {
            let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
            out.append(contentsOf: dataPrefix)
            out.append(contentsOf: data[start..<end])
            out.append(0x0A)
            if end == data.endIndex { break }
            start = end + 1
        }
        out.append(0x0A)
    }

    /// `data: [DONE]` (OpenAI Chat's end marker).
    static func done(into out: inout [UInt8]) { out.append(contentsOf: done) }

    /// A comment line (`: text`), what SSE clients ignore: a keep-alive.
    static func comment(_ text: ArraySlice<UInt8>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: ":"))
        if !text.isEmpty { out.append(UInt8(ascii: " ")); out.append(contentsOf: text) }
        out.append(contentsOf: eventEnd)
    }
}

extension Array where Element == UInt8 {
    /// Appends the `n` (at most 8) bytes of `word`, lowest first: a short constant piece without
    /// a string or array to read it from.
    @inline(__always)
    mutating func appendBytes(_ word: UInt64, _ n: Int) {
        var k = 0
        while k < n && k < 8 {
            append(UInt8(truncatingIfNeeded: word >> UInt64(k * 8)))
            k += 1
        }
    }

    /// Appends the decimal digits of `n` (no String allocated).
    @inline(__always)
    mutating func appendDecimal(_ n: Int) {
        if n < 0 { append(UInt8(ascii: "-")) }
        var v = n.magnitude
        var t = v
        repeat { append(0); t /= 10 } while t > 0
        var i = count - 1
        repeat {
            self[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
            i -= 1
        } while v > 0
    }
}
