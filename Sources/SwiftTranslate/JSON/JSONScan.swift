/// A validating reader for the stream hot path: walks one JSON text of a known shape (a text or
/// argument delta event) without building a tape (`JSONDocument`), so a delta costs no
/// allocation. It accepts exactly the bytes `JSONParser` accepts (RFC 8259, UTF-8 checked as
/// Unicode table 3-7), but it only answers yes or no: every function returns false or nil for
/// bytes it does not take, malformed JSON or a shape its caller does not handle, and never says
/// why. The caller then parses the event in full, which reports the error and its offset; so an
/// answer of no is always safe. Positions are checked against the span's count before every
/// read (nothing here can trap).
enum JSONScan {
    /// Containers nested deeper than this inside a skipped value are left to the full parser.
    static let maxDepth = 64

    /// Moves `p` past blanks (space, tab, LF, CR).
    @inline(__always)
    static func blanks(_ s: Span<UInt8>, _ p: inout Int) {
        while p < s.count {
            let b = s[p]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            p += 1
        }
    }

    /// The byte at `p`, or 0 at the end.
    @inline(__always)
    static func peek(_ s: Span<UInt8>, _ p: Int) -> UInt8 { p < s.count ? s[p] : 0 }

    /// At `p`: the byte `b`, then blanks (moves past them); false when another byte is there.
    @inline(__always)
    static func expect(_ b: UInt8, _ s: Span<UInt8>, _ p: inout Int) -> Bool {
        guard p < s.count, s[p] == b else { return false }
        p += 1
        blanks(s, &p)
        return true
    }

    /// The whole of `s` is one JSON object (blanks around it allowed), each member handed to
    /// `member` (see `object`).
    @inline(__always)
    static func document(_ s: Span<UInt8>, _ member: (Span<UInt8>, JSONKey, inout Int) -> Bool) -> Bool {
        var p = 0
        blanks(s, &p)
        guard object(s, &p, member) else { return false }
        return p == s.count
    }

    /// Where `object` starts reading.
    enum ObjectStart {
        /// At the object's `{`.
        case open
        /// At its first member's key, just past `{` and blanks (an object resumed, see
        /// JSONScanMemo; an empty object is not taken from here).
        case firstMember
        /// Just past a member's value (its continuation: `,` or `}`).
        case afterMember
    }

    /// The object at `p`: `member` gets each key (keys with escapes are not taken) with `p` at the
    /// member's value, which it must read (`p` left just after it). Moves `p` past the object and
    /// the blanks after it.
    @inline(__always)
    static func object(_ s: Span<UInt8>, _ p: inout Int, from start: ObjectStart = .open,
                       _ member: (Span<UInt8>, JSONKey, inout Int) -> Bool) -> Bool {
        switch start {
        case .open:
            guard expect(UInt8(ascii: "{"), s, &p) else { return false }
            if peek(s, p) == UInt8(ascii: "}") { p += 1; blanks(s, &p); return true }
        case .firstMember:
            break
        case .afterMember:
            blanks(s, &p)
            switch peek(s, p) {
            case UInt8(ascii: ","): p += 1; blanks(s, &p)
            case UInt8(ascii: "}"): p += 1; blanks(s, &p); return true
            default: return false
            }
        }
        return members(s, &p, member)
    }

    /// Members from a key at `p` to the object's end (past it and the blanks after it).
    @inline(__always)
    private static func members(_ s: Span<UInt8>, _ p: inout Int, _ member: (Span<UInt8>, JSONKey, inout Int) -> Bool) -> Bool {
        while true {
            var escaped = false
            guard peek(s, p) == UInt8(ascii: "\""), let key = string(s, &p, escaped: &escaped), !escaped else { return false }
            blanks(s, &p)
            guard expect(UInt8(ascii: ":"), s, &p), member(s, JSONKey(s, key), &p) else { return false }
            blanks(s, &p)
            switch peek(s, p) {
            case UInt8(ascii: ","): p += 1; blanks(s, &p)
            case UInt8(ascii: "}"): p += 1; blanks(s, &p); return true
            default: return false
            }
        }
    }

    /// The array at `p`: `element` reads each element (with `p` at it, left just after it).
    @inline(__always)
    static func array(_ s: Span<UInt8>, _ p: inout Int, _ element: (Span<UInt8>, inout Int) -> Bool) -> Bool {
        guard expect(UInt8(ascii: "["), s, &p) else { return false }
        if peek(s, p) == UInt8(ascii: "]") { p += 1; blanks(s, &p); return true }
        while true {
            guard element(s, &p) else { return false }
            blanks(s, &p)
            switch peek(s, p) {
            case UInt8(ascii: ","): p += 1; blanks(s, &p)
            case UInt8(ascii: "]"): p += 1; blanks(s, &p); return true
            default: return false
            }
        }
    }


    /// The string at `p` (at its opening quote): the range of its body, quotes excluded; `p`
    /// moves past the closing quote. `escaped` is set when the body holds a backslash escape.
    static func string(_ s: Span<UInt8>, _ p: inout Int, escaped: inout Bool) -> Range<Int>? {
        guard p < s.count, s[p] == UInt8(ascii: "\"") else { return nil }
        let start = p + 1
        let count = s.count
        let raw = s.bytes
        var i = start
        while i < count {
            if count - i >= 8 {
                let w = UInt64(littleEndian: raw.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self))
                let stops = JSONBytes.parserStops(w)
                if stops == 0 { i += 8; continue }
                i += JSONBytes.firstByte(stops)
            }
            let b = s[i]
            if b >= 0x20 && b < 0x80 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                i += 1
            } else if b == UInt8(ascii: "\"") {
                p = i + 1
                return start..<i
            } else if b == UInt8(ascii: "\\") {
                escaped = true
                i += 1
                guard i < count else { return nil }
                switch s[i] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 1
                case UInt8(ascii: "u"):
                    guard count - i > 4 else { return nil }
                    for k in 1...4 where hexValue(s[i + k]) == nil { return nil }
                    i += 5
                default:
                    return nil
                }
            } else if b < 0x20 {
                return nil
            } else {
                guard let e = utf8SequenceEnd(s, i) else { return nil }
                i = e
            }
        }
        return nil
    }

    /// Where the multi-byte UTF-8 sequence at `i` ends, when it is well-formed (table 3-7).
    private static func utf8SequenceEnd(_ s: Span<UInt8>, _ i: Int) -> Int? {
        var need: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch s[i] {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: return nil
        }
        guard s.count - i > need else { return nil }
        let b1 = s[i + 1]
        guard b1 >= lo && b1 <= hi else { return nil }
        var k = 2
        while k <= need {
            let b = s[i + k]
            guard b >= 0x80 && b <= 0xBF else { return nil }
            k += 1
        }
        return i + need + 1
    }

    /// The number at `p` (JSON grammar): its text's range; `p` moves past it.
    static func number(_ s: Span<UInt8>, _ p: inout Int) -> Range<Int>? {
        let start = p
        var i = p
        if peek(s, i) == UInt8(ascii: "-") { i += 1 }
        let first = peek(s, i)
        if first == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(first) {
            while isDigit(peek(s, i)) { i += 1 }
        } else {
            return nil
        }
        if peek(s, i) == UInt8(ascii: ".") {
            i += 1
            guard isDigit(peek(s, i)) else { return nil }
            while isDigit(peek(s, i)) { i += 1 }
        }
        let e = peek(s, i)
        if e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            i += 1
            let sign = peek(s, i)
            if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { i += 1 }
            guard isDigit(peek(s, i)) else { return nil }
            while isDigit(peek(s, i)) { i += 1 }
        }
        p = i
        return start..<i
    }

    /// A number at `p` written as plain digits (no sign, fraction or exponent) of at most 15
    /// digits: its value; `p` moves past it. nil for any other value.
    static func plainInt(_ s: Span<UInt8>, _ p: inout Int) -> Int? {
        var i = p
        guard let r = number(s, &i), r.count <= 15 else { return nil }
        var v = 0
        for k in r {
            let d = s[k] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            v = v * 10 + Int(d) // at most 15 digits: below 10^15
        }
        p = i
        return v
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// `null` at `p`; `p` moves past it.
    @inline(__always)
    static func null(_ s: Span<UInt8>, _ p: inout Int) -> Bool { literal(s, &p, 0x6C6C_756E, 4) }

    /// The literal whose `n` bytes are `word` (little-endian) at `p`; `p` moves past it.
    @inline(__always)
    private static func literal(_ s: Span<UInt8>, _ p: inout Int, _ word: UInt64, _ n: Int) -> Bool {
        guard s.count - p >= n else { return false }
        var k = 0
        while k < n {
            if s[p + k] != UInt8(truncatingIfNeeded: word >> UInt64(k * 8)) { return false }
            k += 1
        }
        p += n
        return true
    }

    /// Any value at `p` (validated, not read); `p` moves past it. Containers nested deeper than
    /// `maxDepth` are not taken.
    static func skip(_ s: Span<UInt8>, _ p: inout Int) -> Bool {
        // The open containers as bits (1: object), innermost lowest; `depth` of them.
        var open: UInt64 = 0
        var depth = 0
        var i = p
        // Reads a value, or opens a container; after it, the continuation of the innermost one.
        while true {
            switch peek(s, i) {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < maxDepth else { return false }
                let isObject = s[i] == UInt8(ascii: "{")
                open = open << 1 | (isObject ? 1 : 0)
                depth += 1
                i += 1
                blanks(s, &i)
                if peek(s, i) == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    i += 1
                    open >>= 1
                    depth -= 1
                } else {
                    if isObject, !memberKey(s, &i) { return false }
                    continue
                }
            case UInt8(ascii: "\""):
                var escaped = false
                guard string(s, &i, escaped: &escaped) != nil else { return false }
            case UInt8(ascii: "t"):
                guard literal(s, &i, 0x6575_7274, 4) else { return false }
            case UInt8(ascii: "f"):
                guard literal(s, &i, 0x65_736C_6166, 5) else { return false }
            case UInt8(ascii: "n"):
                guard literal(s, &i, 0x6C6C_756E, 4) else { return false }
            default:
                guard number(s, &i) != nil else { return false }
            }
            // After a value: close containers, or go on to the next member or element.
            while true {
                if depth == 0 { p = i; return true }
                blanks(s, &i)
                let isObject = open & 1 == 1
                let b = peek(s, i)
                if b == UInt8(ascii: ",") {
                    i += 1
                    blanks(s, &i)
                    if isObject, !memberKey(s, &i) { return false }
                    break
                }
                guard b == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return false }
                i += 1
                open >>= 1
                depth -= 1
            }
        }
    }

    /// `"key" :` and the blanks after it.
    private static func memberKey(_ s: Span<UInt8>, _ p: inout Int) -> Bool {
        var escaped = false
        guard string(s, &p, escaped: &escaped) != nil else { return false }
        blanks(s, &p)
        return expect(UInt8(ascii: ":"), s, &p)
    }

    /// A string at `p` (its body's range, `escaped` set when it holds escapes), or `null` (an
    /// empty range at `p`, `isNull` set); nil for anything else.
    @inline(__always)
    static func stringOrNull(_ s: Span<UInt8>, _ p: inout Int, escaped: inout Bool, isNull: inout Bool) -> Range<Int>? {
        if peek(s, p) == UInt8(ascii: "n") {
            guard null(s, &p) else { return nil }
            isNull = true
            return p..<p
        }
        return string(s, &p, escaped: &escaped)
    }
}

/// The start of the last event a hot-path scan took, up to a point inside it (a member's key)
/// with what the scan knew there. An event starting with the same bytes resumes the scan at that
/// point: those bytes were validated once and read the same way again (every chunk of a stream
/// repeats its id, model, index...). The point is just before a key, so the scan's decisions
/// about the bytes before it depend on those bytes only (the key itself is read again).
struct JSONScanMemo<State> {
    private var prefix: [UInt8] = []
    private var state: State? = nil

    /// Where to resume in `s` and the state there, when `s` starts with the remembered bytes.
    func resume(_ s: Span<UInt8>) -> (at: Int, state: State)? {
        guard let state else { return nil }
        let n = prefix.count
        guard s.count > n else { return nil }
        let a = prefix.span
        let ra = a.bytes, rs = s.bytes
        var i = 0
        while n - i >= 8 {
            if ra.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self) != rs.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self) { return nil }
            i += 8
        }
        while i < n {
            if a[i] != s[i] { return nil }
            i += 1
        }
        return (n, state)
    }

    /// Remembers `s[..<p]` and the state at `p`.
    mutating func remember(_ s: Span<UInt8>, upTo p: Int, _ state: State) {
        guard p > 0, p <= s.count, p <= JSONScanMemo.maxPrefix else { return }
        prefix.removeAll(keepingCapacity: true)
        var i = 0
        while i < p { prefix.append(s[i]); i += 1 }
        self.state = state
    }

    static var maxPrefix: Int { 1024 }
}

/// A short string (a member name or a `type` value, at most `maxCount` bytes) packed into words,
/// so that comparing a key read from an event with each name it may be costs a few integer
/// compares. Names are `static let`s built once; `JSONKey(s, r)` packs the bytes `r` of an
/// event (a longer one gets count -1: equal to no name).
struct JSONKey: Equatable {
    static let maxCount = 40
    private var count: Int
    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0, w4: UInt64 = 0

    /// A name (its first `maxCount` bytes; names here are shorter). Hot paths use the packed
    /// form (`init(count:_:)`, constant-folded); tests check each against its text.
    init(_ name: String) {
        let b = Array(name.utf8.prefix(JSONKey.maxCount))
        count = b.count
        for (i, x) in b.enumerated() { set(i >> 3, UInt64(x) << UInt64((i & 7) * 8)) }
    }

    /// The packed form: the byte count and the bytes as little-endian words.
    @inline(__always)
    init(count: Int, _ w0: UInt64, _ w1: UInt64 = 0, _ w2: UInt64 = 0, _ w3: UInt64 = 0, _ w4: UInt64 = 0) {
        self.count = count
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3; self.w4 = w4
    }

    /// The bytes `r` of `s` (plain key bytes, without quotes).
    @inline(__always)
    init(_ s: Span<UInt8>, _ r: Range<Int>) {
        let n = r.count
        guard n <= JSONKey.maxCount, r.lowerBound >= 0, r.upperBound <= s.count else { count = -1; return }
        count = n
        let i = r.lowerBound
        if n > 0 { w0 = JSONKey.word(s, i, n) }
        if n > 8 { w1 = JSONKey.word(s, i + 8, n - 8) }
        if n > 16 { w2 = JSONKey.word(s, i + 16, n - 16) }
        if n > 24 { w3 = JSONKey.word(s, i + 24, n - 24) }
        if n > 32 { w4 = JSONKey.word(s, i + 32, n - 32) }
    }

    /// The `min(n, 8)` bytes of `s` at `i` (all within `s`) as a little-endian word.
    @inline(__always)
    private static func word(_ s: Span<UInt8>, _ i: Int, _ n: Int) -> UInt64 {
        if s.count - i >= 8 {
            let w = UInt64(littleEndian: s.bytes.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self))
            return n >= 8 ? w : w & ((1 << UInt64(n * 8)) &- 1)
        }
        var w: UInt64 = 0
        for k in 0..<Swift.min(n, 8) { w |= UInt64(s[i + k]) << UInt64(k * 8) }
        return w
    }

    @inline(__always)
    private mutating func set(_ word: Int, _ bits: UInt64) {
        switch word {
        case 0: w0 |= bits
        case 1: w1 |= bits
        case 2: w2 |= bits
        case 3: w3 |= bits
        default: w4 |= bits
        }
    }
}
