/// A cheap view of one value of a `JSONDocument` (the document plus a tape index).
public struct JSONValue: @unchecked Sendable {
    let doc: JSONDocument
    let index: Int

    @inline(__always) var node: JSONNode { doc.nodes[index] }

    public var kind: JSONKind { node.kind }
    public var isNull: Bool { node.kind == .null }
    public var isObject: Bool { node.kind == .object }
    public var isArray: Bool { node.kind == .array }
    public var isString: Bool { node.kind == .string }

    /// Byte offset of the value in the input.
    public var offset: Int { node.kind == .string ? node.start - 1 : node.start }

    /// The value's exact input text (strings include their quotes).
    public var raw: ArraySlice<UInt8> {
        let n = node
        if n.kind == .string { return doc.bytes[(n.start - 1)..<(n.end + 1)] }
        return doc.bytes[n.start..<n.end]
    }

    /// Number of members (object) or elements (array); 0 for scalars. Counted by skipping over
    /// the children (the tape does not store it).
    public var count: Int {
        let nodes = doc.nodes
        let n = nodes[index]
        guard n.kind == .object || n.kind == .array else { return 0 }
        let step = n.kind == .object ? 1 : 0 // a member is a key node, then its value
        var c = 0
        var i = index + 1
        while i < n.next {
            i = nodes[i + step].next
            c += 1
        }
        return c
    }

    // MARK: scalars

    public var bool: Bool? {
        switch node.kind {
        case .true: return true
        case .false: return false
        default: return nil
        }
    }

    /// The decoded string, or nil when this is not a string.
    public var string: String? {
        let n = node
        guard n.kind == .string else { return nil }
        // The parser validated every byte of the range as UTF-8 (Unicode table 3-7) and unescaping
        // only writes well-formed scalars (lone surrogates become U+FFFD), so the copy skips a
        // second validation (4 to 8% of a request translation, measured).
        if !n.escaped {
            let bytes = doc.bytes
            return String(copying: UTF8Span(unchecked: bytes.span.extracting(n.start..<n.end), isKnownASCII: false))
        }
        let bytes = doc.bytes
        let range = n.start..<n.end
        if range.count >= JSONUnescape.directThreshold {
            // Large: decoded straight into the String's storage, which costs a UTF-8 validation
            // but not a second copy of the text (peak memory of one-shot bodies).
            return String(unsafeUninitializedCapacity: range.count) { buffer in
                var out = buffer.mutableSpan
                var dst = out.mutableBytes
                return JSONUnescape.decode(bytes.span.extracting(range), into: &dst)
            }
        }
        let decoded = JSONUnescape.bytes(bytes.span.extracting(range))
        return String(copying: UTF8Span(unchecked: decoded.span, isKnownASCII: false))
    }

    /// The decoded UTF-8 bytes of a string value.
    public var stringBytes: [UInt8]? {
        let n = node
        guard n.kind == .string else { return nil }
        if !n.escaped { return Array(doc.bytes[n.start..<n.end]) }
        let bytes = doc.bytes
        return JSONUnescape.bytes(bytes.span.extracting(n.start..<n.end))
    }

    /// Byte count of the string's raw (still escaped) text; a cheap size measure.
    public var rawStringLength: Int { node.kind == .string ? node.end - node.start : 0 }

    /// True when this is a string equal to `literal` (compared without decoding when possible).
    public func stringEquals(_ literal: String) -> Bool {
        let n = node
        guard n.kind == .string else { return false }
        if n.escaped { return string == literal }
        let lit = literal.utf8Span.span
        guard n.end - n.start == lit.count else { return false }
        let docBytes = doc.bytes
        let bytes = docBytes.span
        var j = 0
        while j < lit.count && bytes[n.start + j] == lit[j] { j += 1 }
        return j == lit.count
    }

    /// The number's exact text, or nil when this is not a number.
    public var numberText: String? {
        let n = node
        guard n.kind == .number else { return nil }
        return String(decoding: doc.bytes[n.start..<n.end], as: UTF8.self)
    }

    /// The number as an integer when it is one exactly (no fraction, no exponent, in range).
    public var int: Int? {
        let n = node
        guard n.kind == .number else { return nil }
        let bytes = doc.bytes
        var i = n.start
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var value = 0
        while i < n.end {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return integralDouble() }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(Int(d)) : m.addingReportingOverflow(Int(d))
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        return value
    }

    /// For numbers like `1.0` or `1e3`: the integer value when the double is integral and in range.
    private func integralDouble() -> Int? {
        guard let d = double, d.rounded() == d, d.magnitude < 9.0e15 else { return nil }
        return Int(d)
    }

    public var double: Double? {
        guard let text = numberText else { return nil }
        return Double(text)
    }

    // MARK: containers

    /// The member named `key` (the first one if keys repeat), or nil.
    ///
    /// The scan compares spans and makes no call (escaped keys, which are rare, are compared out
    /// of line), so the document's arrays are not retained per lookup.
    public subscript(key: String) -> JSONValue? {
        let keySpan = key.utf8Span.span
        let nodes = doc.nodes
        let n = nodes[index]
        guard n.kind == .object else { return nil }
        let docBytes = doc.bytes
        let bytes = docBytes.span
        let keyCount = keySpan.count
        var i = index + 1
        while i < n.next {
            let k = nodes[i]
            let valueIndex = i + 1
            if k.escaped {
                if escapedKeyEquals(i, key) { return JSONValue(doc: doc, index: valueIndex) }
            } else if k.end - k.start == keyCount {
                var j = 0
                while j < keyCount && bytes[k.start + j] == keySpan[j] { j += 1 }
                if j == keyCount { return JSONValue(doc: doc, index: valueIndex) }
            }
            i = nodes[valueIndex].next
        }
        return nil
    }

    @inline(never)
    private func escapedKeyEquals(_ keyIndex: Int, _ key: String) -> Bool {
        JSONValue(doc: doc, index: keyIndex).string == key
    }

    /// The members of an object in input order (empty for non-objects).
    public var members: JSONMembers { JSONMembers(doc: doc, start: index + 1, end: node.kind == .object ? node.next : index + 1) }

    /// The elements of an array in order (empty for non-arrays).
    public var elements: JSONElements { JSONElements(doc: doc, start: index + 1, end: node.kind == .array ? node.next : index + 1) }

    /// A short description of the kind, for error messages ("a string", "an object", ...).
    public var kindDescription: String {
        switch node.kind {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .true, .false: return "a boolean"
        case .null: return "null"
        }
    }
}

public struct JSONMembers: Sequence {
    let doc: JSONDocument
    let start: Int
    let end: Int

    public struct Iterator: IteratorProtocol {
        let doc: JSONDocument
        var i: Int
        let end: Int
        public mutating func next() -> (key: String, value: JSONValue)? {
            guard i < end else { return nil }
            let key = JSONValue(doc: doc, index: i)
            let value = JSONValue(doc: doc, index: i + 1)
            i = doc.nodes[i + 1].next
            return (key.string ?? "", value)
        }
    }

    public func makeIterator() -> Iterator { Iterator(doc: doc, i: start, end: end) }
}

public struct JSONElements: Sequence {
    let doc: JSONDocument
    let start: Int
    let end: Int

    public struct Iterator: IteratorProtocol {
        let doc: JSONDocument
        var i: Int
        let end: Int
        public mutating func next() -> JSONValue? {
            guard i < end else { return nil }
            let v = JSONValue(doc: doc, index: i)
            i = doc.nodes[i].next
            return v
        }
    }

    public func makeIterator() -> Iterator { Iterator(doc: doc, i: start, end: end) }
}

/// Decodes the escapes of a validated JSON string body into UTF-8 bytes.
enum JSONUnescape {
    static func bytes(_ raw: ArraySlice<UInt8>) -> [UInt8] { bytes(raw.span) }

    /// Decodes into an array of the input's size (an escape never decodes to more bytes than its
    /// text), then trims it. Plain text moves 16 bytes at a time (one load, one test for '\\',
    /// one store); only the escapes are handled byte by byte. Everything goes through spans, so
    /// nothing is retained per run.
    static func bytes(_ span: Span<UInt8>) -> [UInt8] {
        let n = span.count
        var out = [UInt8](repeating: 0, count: n)
        var o = 0
        do {
            var outSpan = out.mutableSpan
            var dst = outSpan.mutableBytes
            o = decode(span, into: &dst)
        }
        out.removeLast(n - o)
        return out
    }

    /// Strings at least this long are decoded straight into a String (`JSONValue.string`).
    static let directThreshold = 1 << 16

    /// Decodes `span` into `dst` (at least `span.count` bytes); returns the decoded length.
    static func decode(_ span: Span<UInt8>, into dst: inout MutableRawSpan) -> Int {
        let n = span.count
        var o = 0
        do {
            let src = span.bytes
            var i = 0
            while i < n {
                if n - i >= 16 {
                    // o <= i, so the 16-byte store stays inside `out`; bytes past the backslash
                    // are overwritten by what follows.
                    let pair = src.unsafeLoadUnaligned(fromByteOffset: i, as: JSONBytes.Pair.self)
                    dst.storeBytes(of: pair, toByteOffset: o, as: JSONBytes.Pair.self)
                    let found = JSONBytes.equal(JSONBytes.Pair(UInt64(littleEndian: pair[0]), UInt64(littleEndian: pair[1])),
                                                UInt8(ascii: "\\"))
                    if !JSONBytes.any(found) { i += 16; o += 16; continue }
                    let k = JSONBytes.firstByte(found)
                    i += k
                    o += k
                } else if n - i >= 8 {
                    let word = src.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self)
                    dst.storeBytes(of: word, toByteOffset: o, as: UInt64.self)
                    let found = JSONBytes.equal(UInt64(littleEndian: word), UInt8(ascii: "\\"))
                    if found == 0 { i += 8; o += 8; continue }
                    let k = JSONBytes.firstByte(found)
                    i += k
                    o += k
                } else if span[i] != UInt8(ascii: "\\") {
                    dst.storeBytes(of: span[i], toByteOffset: o, as: UInt8.self)
                    i += 1
                    o += 1
                    continue
                }
                guard i + 1 < n else {
                    dst.storeBytes(of: UInt8(ascii: "\\"), toByteOffset: o, as: UInt8.self)
                    o += 1
                    break
                }
                let e = span[i + 1]
                i += 2
                var byte = e // \" \\ \/
                switch e {
                case UInt8(ascii: "b"): byte = 0x08
                case UInt8(ascii: "f"): byte = 0x0C
                case UInt8(ascii: "n"): byte = 0x0A
                case UInt8(ascii: "r"): byte = 0x0D
                case UInt8(ascii: "t"): byte = 0x09
                case UInt8(ascii: "u"):
                    var scalar = hex4(span, i)
                    i = min(i + 4, n)
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        // a high surrogate: combine with a following low one, else U+FFFD
                        if n - i >= 6, span[i] == UInt8(ascii: "\\"), span[i + 1] == UInt8(ascii: "u") {
                            let low = hex4(span, i + 2)
                            if low >= 0xDC00 && low < 0xE000 {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                                i += 6
                            } else {
                                scalar = 0xFFFD
                            }
                        } else {
                            scalar = 0xFFFD
                        }
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        scalar = 0xFFFD
                    }
                    storeUTF8(&dst, &o, scalar)
                    continue
                default: break
                }
                dst.storeBytes(of: byte, toByteOffset: o, as: UInt8.self)
                o += 1
            }
        }
        return o
    }

    /// The value of 4 hex digits at `at` (the parser validated them; missing digits count 0).
    static func hex4(_ span: Span<UInt8>, _ at: Int) -> UInt32 {
        var v: UInt32 = 0
        var k = at
        while k < at + 4 && k < span.count {
            v = v << 4 | (hexValue(span[k]) ?? 0)
            k += 1
        }
        return v
    }

    /// Writes the UTF-8 form of `s` at `o` (the caller made room: a \\u escape is 6 bytes or more).
    private static func storeUTF8(_ dst: inout MutableRawSpan, _ o: inout Int, _ s: UInt32) {
        switch s {
        case 0..<0x80:
            dst.storeBytes(of: UInt8(s), toByteOffset: o, as: UInt8.self)
            o += 1
        case 0x80..<0x800:
            dst.storeBytes(of: UInt8(0xC0 | (s >> 6)), toByteOffset: o, as: UInt8.self)
            dst.storeBytes(of: UInt8(0x80 | (s & 0x3F)), toByteOffset: o + 1, as: UInt8.self)
            o += 2
        case 0x800..<0x10000:
            dst.storeBytes(of: UInt8(0xE0 | (s >> 12)), toByteOffset: o, as: UInt8.self)
            dst.storeBytes(of: UInt8(0x80 | ((s >> 6) & 0x3F)), toByteOffset: o + 1, as: UInt8.self)
            dst.storeBytes(of: UInt8(0x80 | (s & 0x3F)), toByteOffset: o + 2, as: UInt8.self)
            o += 3
        default:
            dst.storeBytes(of: UInt8(0xF0 | ((s >> 18) & 0x07)), toByteOffset: o, as: UInt8.self)
            dst.storeBytes(of: UInt8(0x80 | ((s >> 12) & 0x3F)), toByteOffset: o + 1, as: UInt8.self)
            dst.storeBytes(of: UInt8(0x80 | ((s >> 6) & 0x3F)), toByteOffset: o + 2, as: UInt8.self)
            dst.storeBytes(of: UInt8(0x80 | (s & 0x3F)), toByteOffset: o + 3, as: UInt8.self)
            o += 4
        }
    }

    static func appendUTF8(_ out: inout [UInt8], _ s: UInt32) {
        switch s {
        case 0..<0x80:
            out.append(UInt8(s))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (s >> 6)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (s >> 12)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        default:
            out.append(UInt8(0xF0 | ((s >> 18) & 0x07)))
            out.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        }
    }
}
