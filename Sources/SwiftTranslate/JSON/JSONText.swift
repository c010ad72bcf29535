/// The body of a JSON string exactly as it appears on the wire: escaped, without the quotes.
/// Text travels in this form from a parsed input to the output (the model's `NText`, stream
/// deltas), so it is copied once instead of being decoded and re-escaped. Concatenating two
/// bodies gives the body of the concatenated string.
struct JSONText: Equatable, Sendable {
    var body: ArraySlice<UInt8>
    /// False when the body is known to hold no escape (the parser said so): then it is the
    /// text's UTF-8 as is, and the scans below are skipped.
    var mayBeEscaped = true

    init(body: ArraySlice<UInt8>) { self.body = body }

    static func == (a: JSONText, b: JSONText) -> Bool { a.body == b.body }

    /// The text of a JSON string value as it arrived (nil when `value` is not a string). A lone
    /// UTF-16 surrogate escape (`\ud800` alone), which strict parsers downstream reject, is
    /// written again as U+FFFD, as decoding would; every other escape is kept as sent.
    init?(_ value: JSONValue) {
        guard value.isString else { return nil }
        let raw = value.raw
        let body = raw.dropFirst().dropLast()
        if value.node.unicodeEscaped && JSONText.hasLoneSurrogate(body) {
            self.init(escaping: value.string ?? "")
        } else {
            self.init(body: body)
            mayBeEscaped = value.node.escaped
        }
    }

    /// Escapes a Swift string.
    init(escaping s: String) {
        var w = JSONWriter(capacity: s.utf8.count + 2)
        w.string(s)
        body = w.bytes.dropFirst().dropLast()
    }

    var isEmpty: Bool { body.isEmpty }

    /// The decoded string (messages, inspection; JSON output copies `body` instead).
    var decoded: String {
        mayBeEscaped ? String(decoding: JSONUnescape.bytes(body), as: UTF8.self) : String(decoding: body, as: UTF8.self)
    }

    /// True when the text is empty or only spaces, tabs and line breaks.
    var isBlank: Bool {
        let span = body.span
        var i = 0
        while i < span.count {
            switch span[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            case UInt8(ascii: "\\"):
                guard i + 1 < span.count else { return false }
                switch span[i + 1] {
                case UInt8(ascii: "n"), UInt8(ascii: "t"), UInt8(ascii: "r"): i += 2
                case UInt8(ascii: "u"):
                    guard [0x20, 0x09, 0x0A, 0x0D].contains(JSONUnescape.hex4(span, i + 2)) else { return false }
                    i += 6
                default: return false
                }
            default: return false
            }
        }
        return true
    }

    /// True when the decoded text starts with `prefix` (compared on the raw body when it has no
    /// escape there, which is the rule; decoded otherwise).
    func hasPrefix(_ prefix: String) -> Bool {
        let p = prefix.utf8Span.span
        let span = body.span
        var i = 0
        while i < p.count && i < span.count {
            let b = span[i]
            if b == UInt8(ascii: "\\") { return decoded.hasPrefix(prefix) }
            if b != p[i] { return false }
            i += 1
        }
        return i == p.count
    }

    /// True when a `\uD800`–`\uDFFF` escape in the body is not half of a surrogate pair.
    static func hasLoneSurrogate(_ body: ArraySlice<UInt8>) -> Bool {
        let span = body.span
        let n = span.count
        var i = 0
        while true {
            let b = nextBackslash(span, from: i)
            guard b + 1 < n else { return false }
            guard span[b + 1] == UInt8(ascii: "u") else { i = b + 2; continue }
            let unit = JSONUnescape.hex4(span, b + 2)
            i = b + 6
            if unit >= 0xDC00 && unit < 0xE000 { return true }
            if unit >= 0xD800 && unit < 0xDC00 {
                guard n - i >= 6, span[i] == UInt8(ascii: "\\"), span[i + 1] == UInt8(ascii: "u"),
                      (0xDC00..<0xE000).contains(JSONUnescape.hex4(span, i + 2)) else { return true }
                i += 6
            }
        }
    }

    /// The index of the first backslash at or after `from`, or `span.count`; 8 bytes at a time.
    private static func nextBackslash(_ span: Span<UInt8>, from: Int) -> Int {
        let n = span.count
        let raw = span.bytes
        var i = from
        while n - i >= 8 {
            let w = UInt64(littleEndian: raw.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self))
            let found = JSONBytes.equal(w, UInt8(ascii: "\\"))
            if found != 0 { return i + JSONBytes.firstByte(found) }
            i += 8
        }
        while i < n && span[i] != UInt8(ascii: "\\") { i += 1 }
        return i
    }
}

extension JSONWriter {
    /// Writes `text` as a JSON string value, copying its escaped body.
    mutating func string(_ text: JSONText) {
        beginString()
        bytes.append(contentsOf: text.body)
        endString()
    }

    /// `"name": text`, the text copied as escaped.
    mutating func field(_ name: String, _ text: JSONText) { key(name); string(text) }

    /// A piece of a string begun with `beginString`, copied as escaped.
    mutating func stringPiece(_ text: JSONText) { bytes.append(contentsOf: text.body) }
}
