/// Streams the `input` of a custom tool call out of its function arguments as they arrive.
///
/// A custom tool travels upstream as a function whose arguments are `{"input": "<text>"}`
/// (ResponsesCustomTools); a Responses client wants `response.custom_tool_call_input.delta`
/// events carrying the text itself. While the arguments start as `{"input":"` (whitespace
/// allowed between the tokens), each fragment's share of the string is passed on at once, as
/// the escaped body of a JSON string: an escape split across fragments (`\`, `\u00`, or the two
/// halves of a surrogate pair) is held until it is whole, lone surrogates become U+FFFD, and raw
/// control characters (invalid in JSON, but an upstream may send them) are escaped. Arguments
/// of any other shape are kept and read whole at the end (`finish`).
struct CustomToolInputStream {
    private enum State {
        /// Matching `{"input":"`: `stage` counts the tokens matched so far.
        case prefix(stage: Int)
        /// Inside the input string.
        case string
        /// After its closing quote: the rest is ignored.
        case after
        /// Not `{"input":"…`: the whole arguments are read at the end.
        case whole
    }

    private var state = State.prefix(stage: 0)
    /// The arguments so far, while they may still be needed whole.
    private var raw: [UInt8] = []
    /// An escape sequence not yet complete (or a high surrogate waiting for its pair).
    private var pending: [UInt8] = []

    private static let key = Array("\"input\"".utf8)

    /// Feeds the next arguments fragment (the escaped body of the upstream's JSON string);
    /// returns the escaped body of the input text it completes (possibly empty).
    mutating func feed(_ fragment: JSONText) -> [UInt8] {
        var out: [UInt8] = []
        for b in JSONUnescape.bytes(fragment.body) { push(b, into: &out) }
        return out
    }

    /// The escaped body still to send: nothing when the input streamed, else the whole input.
    /// `exact` is false when the arguments held no complete `input` string (the raw arguments,
    /// or the streamed part of a cut string, are the input).
    mutating func finish() -> (rest: [UInt8], exact: Bool) {
        switch state {
        case .string:
            var out: [UInt8] = []
            if pending.count >= 6 { out.append(contentsOf: Self.replacement) } // a high surrogate left alone
            pending.removeAll()
            state = .after
            return (out, false)
        case .after:
            return ([], true)
        case .prefix, .whole:
            let (text, exact) = ResponsesCustomTools.input(arguments: raw)
            raw.removeAll()
            state = .after
            var w = JSONWriter(capacity: text.count + 8)
            w.string(bytes: text)
            return (Array(w.bytes.dropFirst().dropLast()), exact)
        }
    }

    private mutating func push(_ b: UInt8, into out: inout [UInt8]) {
        switch state {
        case .prefix(let stage):
            raw.append(b)
            if Self.isSpace(b), stage == 0 || stage == 1 || stage == 8 || stage == 9 { return }
            let expected: UInt8
            switch stage {
            case 0: expected = UInt8(ascii: "{")
            case 1...7: expected = Self.key[stage - 1]
            case 8: expected = UInt8(ascii: ":")
            default: expected = UInt8(ascii: "\"")
            }
            guard b == expected else { state = .whole; return }
            if stage == 9 {
                state = .string
                raw.removeAll()
            } else {
                state = .prefix(stage: stage + 1)
            }
        case .string:
            if pending.isEmpty {
                switch b {
                case UInt8(ascii: "\\"): pending.append(b)
                case UInt8(ascii: "\""): state = .after
                case 0..<0x20:
                    var w = JSONWriter(capacity: 8)
                    w.string(bytes: [b])
                    out.append(contentsOf: w.bytes.dropFirst().dropLast())
                default: out.append(b)
                }
            } else {
                pending.append(b)
                escape(into: &out)
            }
        case .after:
            break
        case .whole:
            raw.append(b)
        }
    }

    /// Advances the pending escape sequence: passes it on when complete.
    private mutating func escape(into out: inout [UInt8]) {
        let n = pending.count
        if n == 2 {
            switch pending[1] {
            case UInt8(ascii: "u"): return
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                out.append(contentsOf: pending)
            default:
                // not a JSON escape: the backslash is taken literally
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                out.append(pending[1])
            }
            pending.removeAll()
            return
        }
        if n < 6 { return }
        if n == 6 {
            guard let v = Self.hex4(pending, at: 2) else {
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                out.append(contentsOf: pending[1...])
                pending.removeAll()
                return
            }
            if (0xD800...0xDBFF).contains(v) { return } // wait for the low half
            out.append(contentsOf: (0xDC00...0xDFFF).contains(v) ? Self.replacement : pending)
            pending.removeAll()
            return
        }
        // A high surrogate is pending: its pair must follow as `\uDC00`-`\uDFFF`.
        let pairOK: Bool
        switch n {
        case 7: pairOK = pending[6] == UInt8(ascii: "\\")
        case 8: pairOK = pending[7] == UInt8(ascii: "u")
        case 9, 10, 11: pairOK = true
        default: pairOK = Self.hex4(pending, at: 8).map { (0xDC00...0xDFFF).contains($0) } ?? false
        }
        if pairOK {
            if n == 12 { out.append(contentsOf: pending); pending.removeAll() }
            return
        }
        // The high surrogate stands alone: replace it and read what followed it again.
        out.append(contentsOf: Self.replacement)
        let rest = pending[6...]
        pending.removeAll()
        for b in rest { push(b, into: &out) }
    }

    private static let replacement = Array("\\ufffd".utf8)

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    private static func hex4(_ p: [UInt8], at i: Int) -> UInt32? {
        guard i + 4 <= p.count else { return nil }
        var v: UInt32 = 0
        for b in p[i..<(i + 4)] {
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }
}
