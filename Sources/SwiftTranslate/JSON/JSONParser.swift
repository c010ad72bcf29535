/// Strict RFC 8259 parser producing the tape of a `JSONDocument`.
/// Iterative (an explicit container stack), so deep input cannot overflow the machine stack.
struct JSONParser {
    let bytes: [UInt8]
    let maxDepth: Int
    /// Values nested deeper than this (the root is at 0) are validated but not put on the tape:
    /// a container at `recordDepth` gets a node with no children. `Int.max`: the whole tape.
    let recordDepth: Int
    var pos = 0
    var nodes: [JSONNode] = []
    /// An open container: its node (-1 when not recorded), where it opened, its kind.
    struct Open {
        var node: Int
        var start: Int
        var isObject: Bool
    }
    /// The open containers, innermost last.
    var stack: [Open] = []

    init(bytes: [UInt8], maxDepth: Int, recordDepth: Int = Int.max) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.recordDepth = recordDepth
        // Small input: a guess (a doubling is cheap). Large input: an upper bound, so the tape is
        // allocated once (a doubling holds the old and the new tape at once: 1.7x the tape).
        // A shallow tape: a guess, whatever the input size.
        nodes.reserveCapacity(recordDepth < Int.max ? 64 : bytes.count < (1 << 20) ? bytes.count / 8 + 4 : JSONParser.nodeBound(bytes))
    }

    /// Whether a value opened now goes on the tape.
    @inline(__always) private var recording: Bool { stack.count <= recordDepth }

    /// At least the number of nodes of `bytes`: every value and key but the root follows one of
    /// `[ { , :` (counted 8 bytes at a time; SWAR false positives only over-count).
    static func nodeBound(_ bytes: [UInt8]) -> Int {
        let span = bytes.span
        let raw = span.bytes
        let n = span.count
        var count = 1
        var i = 0
        while n - i >= 8 {
            let w = UInt64(littleEndian: raw.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self))
            let m = JSONBytes.equal(w, UInt8(ascii: ",")) | JSONBytes.equal(w, UInt8(ascii: ":"))
                | JSONBytes.equal(w, UInt8(ascii: "[")) | JSONBytes.equal(w, UInt8(ascii: "{"))
            count &+= m.nonzeroBitCount
            i += 8
        }
        while i < n {
            let b = span[i]
            if b == UInt8(ascii: ",") || b == UInt8(ascii: ":") || b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { count &+= 1 }
            i += 1
        }
        return count
    }

    private func fail(_ message: String, at offset: Int) -> TranslateError {
        TranslateError(.json, "invalid JSON: \(message) at byte \(offset)", offset: offset)
    }

    /// What the main loop reads next.
    private enum Expect { case value, key, continuation }

    mutating func parse() throws(TranslateError) -> [JSONNode] {
        skipWhitespace()
        var expect = Expect.value
        repeat {
            switch expect {
            case .value: expect = try parseValueStart()
            case .key: try parseKey(); expect = .value
            case .continuation: expect = try parseContainerContinuation()
            }
        } while !(expect == .continuation && stack.isEmpty)
        skipWhitespace()
        if pos != bytes.count {
            throw fail("unexpected \(describe(pos)) after the top-level value", at: pos)
        }
        return nodes
    }

    private func describe(_ at: Int) -> String {
        guard at < bytes.count else { return "end of input" }
        let b = bytes[at]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            let b = bytes[pos]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { pos += 1 } else { return }
        }
    }

    /// Parses a scalar completely, or opens a container (pushing it on the stack); never recurses.
    /// Returns what comes next: the first key or element of a container just opened, else the
    /// continuation of the innermost open container.
    private mutating func parseValueStart() throws(TranslateError) -> Expect {
        guard pos < bytes.count else { throw fail("expected a value but found end of input", at: pos) }
        switch bytes[pos] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            if stack.count >= maxDepth {
                throw TranslateError(.limit, "JSON nesting deeper than \(maxDepth) at byte \(pos)", offset: pos)
            }
            let kind: JSONKind = bytes[pos] == UInt8(ascii: "{") ? .object : .array
            if recording {
                stack.append(Open(node: nodes.count, start: pos, isObject: kind == .object))
                nodes.append(JSONNode(kind: kind, escaped: false, start: pos, end: pos, next: 0))
            } else {
                stack.append(Open(node: -1, start: pos, isObject: kind == .object))
            }
            pos += 1
            skipWhitespace()
            let close: UInt8 = kind == .object ? UInt8(ascii: "}") : UInt8(ascii: "]")
            if pos < bytes.count && bytes[pos] == close {
                pos += 1
                closeTop()
                return .continuation
            }
            return kind == .object ? .key : .value
        case UInt8(ascii: "\""):
            try parseString()
        case UInt8(ascii: "t"):
            try literal("true", .true)
        case UInt8(ascii: "f"):
            try literal("false", .false)
        case UInt8(ascii: "n"):
            try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try parseNumber()
        default:
            throw fail("expected a value but found \(describe(pos))", at: pos)
        }
        return .continuation
    }

    /// After a value inside the innermost open container: a comma (then the next key or element),
    /// or the end of the container.
    private mutating func parseContainerContinuation() throws(TranslateError) -> Expect {
        guard let top = stack.last else { return .continuation }
        skipWhitespace()
        let isObject = top.isObject
        guard pos < bytes.count else {
            throw fail("unterminated \(isObject ? "object" : "array") opened at byte \(top.start)", at: pos)
        }
        let b = bytes[pos]
        if b == UInt8(ascii: ",") {
            pos += 1
            skipWhitespace()
            return isObject ? .key : .value
        } else if b == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
            pos += 1
            closeTop()
            return .continuation
        } else {
            throw fail("expected ',' or '\(isObject ? "}" : "]")' but found \(describe(pos))", at: pos)
        }
    }

    /// Parses `"key" :`; the member's value follows.
    private mutating func parseKey() throws(TranslateError) {
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
            throw fail("expected a string key but found \(describe(pos))", at: pos)
        }
        try parseString()
        skipWhitespace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
            throw fail("expected ':' but found \(describe(pos))", at: pos)
        }
        pos += 1
        skipWhitespace()
    }

    private mutating func closeTop() {
        guard let top = stack.popLast(), top.node >= 0 else { return }
        nodes[top.node].end = pos
        nodes[top.node].next = nodes.count
    }

    private mutating func literal(_ word: StaticString, _ kind: JSONKind) throws(TranslateError) {
        let start = pos
        let w = word.utf8Start
        let n = word.utf8CodeUnitCount
        guard bytes.count - pos >= n else { throw fail("invalid literal", at: start) }
        for i in 0..<n where bytes[pos + i] != w[i] {
            throw fail("invalid literal", at: start)
        }
        pos += n
        guard recording else { return }
        nodes.append(JSONNode(kind: kind, escaped: false, start: start, end: pos, next: nodes.count + 1))
    }

    private mutating func parseNumber() throws(TranslateError) {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count else { throw fail("incomplete number", at: start) }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
        } else if bytes[pos] >= UInt8(ascii: "1") && bytes[pos] <= UInt8(ascii: "9") {
            while pos < bytes.count && isDigit(bytes[pos]) { pos += 1 }
        } else {
            throw fail("invalid number", at: start)
        }
        if pos < bytes.count && bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < bytes.count && isDigit(bytes[pos]) else { throw fail("a digit must follow '.'", at: pos) }
            while pos < bytes.count && isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count && (bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")) {
            pos += 1
            if pos < bytes.count && (bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-")) { pos += 1 }
            guard pos < bytes.count && isDigit(bytes[pos]) else { throw fail("a digit must follow the exponent", at: pos) }
            while pos < bytes.count && isDigit(bytes[pos]) { pos += 1 }
        }
        guard recording else { return }
        nodes.append(JSONNode(kind: .number, escaped: false, start: start, end: pos, next: nodes.count + 1))
    }

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// Validates a string (escapes and UTF-8) and records its content range.
    private mutating func parseString() throws(TranslateError) {
        let start = pos + 1
        let (end, escaped, unicode) = try scanString(from: start)
        pos = end + 1
        guard recording else { return }
        nodes.append(JSONNode(kind: .string, escaped: escaped, unicodeEscaped: unicode, start: start, end: end, next: nodes.count + 1))
    }

    /// The offset of the closing quote of the string whose content starts at `start`, and whether
    /// it contains escapes. Non-mutating: `bytes` is only borrowed (no reference counting per
    /// string, which mattered for small stream events).
    ///
    /// Plain runs (printable ASCII other than '"' and '\\') are skipped 8 bytes at a time, then 16
    /// once the first word is plain (short strings end in that first word, long text moves in
    /// 16-byte steps); a two-character escape goes straight back to those loops, and multi-byte
    /// UTF-8 is validated sequence after sequence (common 2- and 3-byte forms inline) until ASCII
    /// resumes.
    /// Offsets stay within `0...count` (`p < count` or a run of `count - p` bytes is checked
    /// before every step), so `&+` cannot overflow.
    private func scanString(from start: Int) throws(TranslateError) -> (end: Int, escaped: Bool, unicode: Bool) {
        var escaped = false
        var unicode = false
        let span = bytes.span
        let raw = span.bytes
        let count = span.count
        var p = start
        while p < count {
            if count &- p >= 8 {
                // one word first: most strings (keys, ids, short values) end inside it
                let w = UInt64(littleEndian: raw.unsafeLoadUnaligned(fromByteOffset: p, as: UInt64.self))
                let stops = JSONBytes.parserStops(w)
                if stops != 0 {
                    p &+= JSONBytes.firstByte(stops)
                } else {
                    p &+= 8
                    var stopped = false
                    while count &- p >= 16 {
                        let pair = JSONBytes.parserStops(JSONBytes.pair(raw, p))
                        if JSONBytes.any(pair) {
                            p &+= JSONBytes.firstByte(pair)
                            stopped = true
                            break
                        }
                        p &+= 16
                    }
                    if !stopped { continue }
                }
            }
            let b = span[p]
            if b == UInt8(ascii: "\"") {
                return (p, escaped, unicode)
            } else if b == UInt8(ascii: "\\") {
                escaped = true
                guard count &- p >= 2 else { break }
                switch span[p &+ 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    p &+= 2
                case UInt8(ascii: "u"):
                    guard count &- p > 5 else { throw fail("incomplete \\u escape", at: p) }
                    for i in 2...5 where hexValue(span[p &+ i]) == nil {
                        throw fail("invalid \\u escape", at: p)
                    }
                    unicode = true
                    p &+= 6
                default:
                    throw fail("invalid escape '\\\(describe(p &+ 1))'", at: p)
                }
            } else if b >= 0x80 {
                p = try utf8RunEnd(span, at: p)
            } else if b < 0x20 {
                throw fail("unescaped control character 0x\(String(b, radix: 16)) in string", at: p)
            } else {
                p &+= 1 // plain, in the last 7 bytes
            }
        }
        throw fail("unterminated string opened at byte \(start - 1)", at: count)
    }

    /// Validates the multi-byte UTF-8 sequences from `at` (a byte 0x80 or above) up to the next
    /// ASCII byte or the end; returns where they end. Two- and three-byte sequences are checked
    /// inline; four-byte ones and every error go through `utf8SequenceEnd` (the same messages).
    @inline(__always)
    private func utf8RunEnd(_ span: Span<UInt8>, at start: Int) throws(TranslateError) -> Int {
        let count = span.count
        var p = start
        repeat {
            let b0 = span[p]
            if b0 &- 0xC2 < 0x1E, count &- p >= 2, span[p &+ 1] & 0xC0 == 0x80 {
                p &+= 2
            } else if b0 & 0xF0 == 0xE0, count &- p >= 3 {
                let b1 = span[p &+ 1]
                let lo: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
                let hi: UInt8 = b0 == 0xED ? 0x9F : 0xBF
                guard b1 >= lo, b1 <= hi, span[p &+ 2] & 0xC0 == 0x80 else { return try utf8SequenceEnd(at: p) }
                p &+= 3
            } else {
                p = try utf8SequenceEnd(at: p)
            }
        } while p < count && span[p] >= 0x80
        return p
    }

    /// Validates one multi-byte UTF-8 sequence at `at` (Unicode table 3-7); returns where it ends.
    private func utf8SequenceEnd(at pos: Int) throws(TranslateError) -> Int {
        let b0 = bytes[pos]
        var need: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: throw fail("invalid UTF-8 byte 0x\(String(b0, radix: 16))", at: pos)
        }
        guard bytes.count - pos > need else { throw fail("truncated UTF-8 sequence", at: pos) }
        let b1 = bytes[pos + 1]
        guard b1 >= lo && b1 <= hi else { throw fail("invalid UTF-8 sequence", at: pos) }
        var i = 2
        while i <= need {
            let b = bytes[pos + i]
            guard b >= 0x80 && b <= 0xBF else { throw fail("invalid UTF-8 sequence", at: pos) }
            i += 1
        }
        return pos + need + 1
    }
}

@inline(__always) func hexValue(_ b: UInt8) -> UInt32? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
    default: return nil
    }
}
