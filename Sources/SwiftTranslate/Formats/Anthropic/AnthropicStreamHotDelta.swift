/// The Anthropic event AnthropicStreamDecoder reads on its fast path (`consumeHot`): a
/// `content_block_delta` (its `type`, a plain `index` and a `delta` object of a type the decoder
/// handles: text, thinking, signature or input JSON, whose text is a string or absent). `scan`
/// reads it with JSONScan (every byte validated); any other event, a repeated member among
/// those read, or malformed JSON gives nil, and the decoder parses the event in full.
struct AnthropicStreamHotDelta {
    enum Kind { case text, thinking, signature, arguments }

    var index = -1
    var kind = Kind.text
    /// The escaped body of the delta's text (nil when absent).
    var body: Range<Int>? = nil

    /// What a scan gathers: the delta's type and its four texts, whichever the type picks.
    fileprivate struct Parts {
        var index = -1
        var kind: Kind? = nil
        var text: Range<Int>? = nil
        var thinking: Range<Int>? = nil
        var signature: Range<Int>? = nil
        var partialJSON: Range<Int>? = nil
    }

    fileprivate struct Seen: OptionSet {
        let rawValue: UInt16
        static let type = Seen(rawValue: 1 << 0)
        static let index = Seen(rawValue: 1 << 1)
        static let delta = Seen(rawValue: 1 << 2)
        static let deltaType = Seen(rawValue: 1 << 3)
        static let text = Seen(rawValue: 1 << 4)
        static let thinking = Seen(rawValue: 1 << 5)
        static let signature = Seen(rawValue: 1 << 6)
        static let partialJSON = Seen(rawValue: 1 << 7)

        @inline(__always)
        mutating func first(_ m: Seen) -> Bool { insert(m).inserted }
    }

    /// What a scan knows at the first member of `delta` (where JSONScanMemo resumes).
    struct Resume {
        fileprivate var parts: Parts
        fileprivate var seen: Seen
    }

    /// The names read, packed (`all` lists them with their text for the tests).
    enum Name {
        static var type: JSONKey { JSONKey(count: 4, 0x6570_7974) } // "type"
        static var index: JSONKey { JSONKey(count: 5, 0x78_6564_6e69) } // "index"
        static var delta: JSONKey { JSONKey(count: 5, 0x61_746c_6564) } // "delta"
        static var textDelta: JSONKey { JSONKey(count: 10, 0x6c65_645f_7478_6574, 0x6174) } // "text_delta"
        static var inputJsonDelta: JSONKey { JSONKey(count: 16, 0x736a_5f74_7570_6e69, 0x6174_6c65_645f_6e6f) } // "input_json_delta"
        static var thinkingDelta: JSONKey { JSONKey(count: 14, 0x676e_696b_6e69_6874, 0x6174_6c65_645f) } // "thinking_delta"
        static var signatureDelta: JSONKey { JSONKey(count: 15, 0x7275_7461_6e67_6973, 0x61_746c_6564_5f65) } // "signature_delta"
        static var text: JSONKey { JSONKey(count: 4, 0x7478_6574) } // "text"
        static var partialJson: JSONKey { JSONKey(count: 12, 0x5f6c_6169_7472_6170, 0x6e6f_736a) } // "partial_json"
        static var thinking: JSONKey { JSONKey(count: 8, 0x676e_696b_6e69_6874) } // "thinking"
        static var signature: JSONKey { JSONKey(count: 9, 0x7275_7461_6e67_6973, 0x65) } // "signature"
        static var contentBlockDelta: JSONKey { JSONKey(count: 19, 0x5f74_6e65_746e_6f63, 0x6564_5f6b_636f_6c62, 0x61_746c) } // "content_block_delta"
        static let all: [(String, JSONKey)] = [
            ("type", type),
            ("index", index),
            ("delta", delta),
            ("text_delta", textDelta),
            ("input_json_delta", inputJsonDelta),
            ("thinking_delta", thinkingDelta),
            ("signature_delta", signatureDelta),
            ("text", text),
            ("partial_json", partialJson),
            ("thinking", thinking),
            ("signature", signature),
            ("content_block_delta", contentBlockDelta),
        ]
    }

    /// `memo`: the start of the last event taken, up to its delta's members (see JSONScanMemo).
    static func scan(_ data: Span<UInt8>, memo: inout JSONScanMemo<Resume>) -> AnthropicStreamHotDelta? {
        var mark: (Int, Resume)? = nil
        var parts: Parts
        var seen: Seen
        if let r = memo.resume(data) {
            parts = r.state.parts
            seen = r.state.seen
            var p = r.at
            guard JSONScan.object(data, &p, from: .firstMember, { s, key, p in deltaMember(s, key, &p, &parts, &seen) }),
                  JSONScan.object(data, &p, from: .afterMember, { s, key, p in topMember(s, key, &p, &parts, &seen, &mark) }),
                  p == data.count else { return nil }
        } else {
            parts = Parts()
            seen = Seen()
            guard JSONScan.document(data, { s, key, p in topMember(s, key, &p, &parts, &seen, &mark) }) else { return nil }
        }
        guard seen.contains([.type, .index]), let kind = parts.kind else { return nil }
        if let m = mark { memo.remember(data, upTo: m.0, m.1) }
        var d = AnthropicStreamHotDelta()
        d.index = parts.index
        d.kind = kind
        switch kind {
        case .text: d.body = parts.text
        case .thinking: d.body = parts.thinking
        case .signature: d.body = parts.signature
        case .arguments: d.body = parts.partialJSON
        }
        return d
    }

    /// A member of the event. `mark`: set at the first member of `delta`.
    private static func topMember(_ s: Span<UInt8>, _ key: JSONKey, _ p: inout Int, _ parts: inout Parts,
                                  _ seen: inout Seen, _ mark: inout (Int, Resume)?) -> Bool {
        if key == Name.type {
            return seen.first(.type) && plainString(s, &p, is: Name.contentBlockDelta)
        }
        if key == Name.index {
            guard seen.first(.index), let i = JSONScan.plainInt(s, &p) else { return false }
            parts.index = i
            return true
        }
        if key == Name.delta {
            guard seen.first(.delta), JSONScan.expect(UInt8(ascii: "{"), s, &p) else { return false }
            if JSONScan.peek(s, p) == UInt8(ascii: "}") {
                p += 1
                JSONScan.blanks(s, &p)
                return true
            }
            if mark == nil { mark = (p, Resume(parts: parts, seen: seen)) }
            return JSONScan.object(s, &p, from: .firstMember) { s, key, p in deltaMember(s, key, &p, &parts, &seen) }
        }
        return JSONScan.skip(s, &p)
    }

    /// A member of `delta`.
    private static func deltaMember(_ s: Span<UInt8>, _ key: JSONKey, _ p: inout Int, _ parts: inout Parts, _ seen: inout Seen) -> Bool {
        if key == Name.type {
            guard seen.first(.deltaType) else { return false }
            var escaped = false
            guard let r = JSONScan.string(s, &p, escaped: &escaped), !escaped else { return false }
            let t = JSONKey(s, r)
            if t == Name.textDelta { parts.kind = .text }
            else if t == Name.inputJsonDelta { parts.kind = .arguments }
            else if t == Name.thinkingDelta { parts.kind = .thinking }
            else if t == Name.signatureDelta { parts.kind = .signature }
            else { return false }
            return true
        }
        if key == Name.text { return seen.first(.text) && string(s, &p, &parts.text) }
        if key == Name.partialJson { return seen.first(.partialJSON) && string(s, &p, &parts.partialJSON) }
        if key == Name.thinking { return seen.first(.thinking) && string(s, &p, &parts.thinking) }
        if key == Name.signature { return seen.first(.signature) && string(s, &p, &parts.signature) }
        return JSONScan.skip(s, &p)
    }

    /// A string without escapes equal to `literal`.
    @inline(__always)
    private static func plainString(_ s: Span<UInt8>, _ p: inout Int, is name: JSONKey) -> Bool {
        var escaped = false
        guard let r = JSONScan.string(s, &p, escaped: &escaped), !escaped else { return false }
        return JSONKey(s, r) == name
    }

    /// A string (its body into `r`); anything else is not taken.
    @inline(__always)
    private static func string(_ s: Span<UInt8>, _ p: inout Int, _ r: inout Range<Int>?) -> Bool {
        var escaped = false
        guard let body = JSONScan.string(s, &p, escaped: &escaped) else { return false }
        r = body
        return true
    }
}
