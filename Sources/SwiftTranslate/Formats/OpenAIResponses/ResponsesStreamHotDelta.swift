/// The Responses event ResponsesStreamDecoder reads on its fast path (`consumeHot`): a text,
/// refusal, reasoning or function-call-arguments `*.delta` event (its `type`, a plain
/// `output_index`, plain `content_index`/`summary_index` when present, `delta` a string) with
/// no `response` member (what the usage meter reads). `scan` reads it with JSONScan (every
/// byte validated); any other event, a repeated member among those read, or malformed JSON
/// gives nil, and the decoder parses the event in full.
struct ResponsesStreamHotDelta {
    enum Kind { case text, reasoningSummary, reasoningText, arguments }

    var kind = Kind.text
    var outputIndex = 0
    var contentIndex: Int? = nil
    var summaryIndex: Int? = nil
    /// The escaped body of `delta`.
    var delta = 0..<0

    fileprivate struct Seen: OptionSet {
        let rawValue: UInt8
        static let type = Seen(rawValue: 1 << 0)
        static let outputIndex = Seen(rawValue: 1 << 1)
        static let contentIndex = Seen(rawValue: 1 << 2)
        static let summaryIndex = Seen(rawValue: 1 << 3)
        static let delta = Seen(rawValue: 1 << 4)

        @inline(__always)
        mutating func first(_ m: Seen) -> Bool { insert(m).inserted }
    }

    /// The names read, packed (`all` lists them with their text for the tests).
    enum Name {
        static var type: JSONKey { JSONKey(count: 4, 0x6570_7974) } // "type"
        static var responseOutputTextDelta: JSONKey { JSONKey(count: 26, 0x6573_6e6f_7073_6572, 0x5f74_7570_7475_6f2e, 0x6c65_642e_7478_6574, 0x6174) } // "response.output_text.delta"
        static var responseRefusalDelta: JSONKey { JSONKey(count: 22, 0x6573_6e6f_7073_6572, 0x6c61_7375_6665_722e, 0x6174_6c65_642e) } // "response.refusal.delta"
        static var responseFunctionCallArgumentsDelta: JSONKey { JSONKey(count: 38, 0x6573_6e6f_7073_6572, 0x6f69_7463_6e75_662e, 0x615f_6c6c_6163_5f6e, 0x7374_6e65_6d75_6772, 0x6174_6c65_642e) } // "response.function_call_arguments.delta"
        static var responseReasoningSummaryTextDelta: JSONKey { JSONKey(count: 37, 0x6573_6e6f_7073_6572, 0x696e_6f73_6165_722e, 0x616d_6d75_735f_676e, 0x2e74_7865_745f_7972, 0x61_746c_6564) } // "response.reasoning_summary_text.delta"
        static var responseReasoningTextDelta: JSONKey { JSONKey(count: 29, 0x6573_6e6f_7073_6572, 0x696e_6f73_6165_722e, 0x2e74_7865_745f_676e, 0x61_746c_6564) } // "response.reasoning_text.delta"
        static var delta: JSONKey { JSONKey(count: 5, 0x61_746c_6564) } // "delta"
        static var outputIndex: JSONKey { JSONKey(count: 12, 0x695f_7475_7074_756f, 0x7865_646e) } // "output_index"
        static var contentIndex: JSONKey { JSONKey(count: 13, 0x5f74_6e65_746e_6f63, 0x78_6564_6e69) } // "content_index"
        static var summaryIndex: JSONKey { JSONKey(count: 13, 0x5f79_7261_6d6d_7573, 0x78_6564_6e69) } // "summary_index"
        static var response: JSONKey { JSONKey(count: 8, 0x6573_6e6f_7073_6572) } // "response"
        static let all: [(String, JSONKey)] = [
            ("type", type),
            ("response.output_text.delta", responseOutputTextDelta),
            ("response.refusal.delta", responseRefusalDelta),
            ("response.function_call_arguments.delta", responseFunctionCallArgumentsDelta),
            ("response.reasoning_summary_text.delta", responseReasoningSummaryTextDelta),
            ("response.reasoning_text.delta", responseReasoningTextDelta),
            ("delta", delta),
            ("output_index", outputIndex),
            ("content_index", contentIndex),
            ("summary_index", summaryIndex),
            ("response", response),
        ]
    }

    /// What a scan knows at the value of `delta` (where JSONScanMemo resumes).
    struct Resume {
        fileprivate var delta: ResponsesStreamHotDelta
        fileprivate var seen: Seen
    }

    /// `memo`: the start of the last event taken, up to its `delta` value (see JSONScanMemo).
    static func scan(_ data: Span<UInt8>, memo: inout JSONScanMemo<Resume>) -> ResponsesStreamHotDelta? {
        var d: ResponsesStreamHotDelta
        var seen: Seen
        var mark: (Int, Resume)? = nil
        if let r = memo.resume(data) {
            d = r.state.delta
            seen = r.state.seen
            var p = r.at
            var escaped = false
            guard let body = JSONScan.string(data, &p, escaped: &escaped) else { return nil }
            d.delta = body
            guard JSONScan.object(data, &p, from: .afterMember, { s, key, p in member(s, key, &p, &d, &seen, &mark) }),
                  p == data.count else { return nil }
        } else {
            d = ResponsesStreamHotDelta()
            seen = Seen()
            guard JSONScan.document(data, { s, key, p in member(s, key, &p, &d, &seen, &mark) }) else { return nil }
        }
        guard seen.contains([.type, .outputIndex, .delta]) else { return nil }
        if let m = mark { memo.remember(data, upTo: m.0, m.1) }
        return d
    }

    /// A member of the event. `mark`: set at the value of `delta`.
    private static func member(_ s: Span<UInt8>, _ key: JSONKey, _ p: inout Int, _ d: inout ResponsesStreamHotDelta,
                               _ seen: inout Seen, _ mark: inout (Int, Resume)?) -> Bool {
        if key == Name.type {
            guard seen.first(.type) else { return false }
            var escaped = false
            guard let r = JSONScan.string(s, &p, escaped: &escaped), !escaped else { return false }
            let t = JSONKey(s, r)
            if t == Name.responseOutputTextDelta || t == Name.responseRefusalDelta { d.kind = .text }
            else if t == Name.responseFunctionCallArgumentsDelta { d.kind = .arguments }
            else if t == Name.responseReasoningSummaryTextDelta { d.kind = .reasoningSummary }
            else if t == Name.responseReasoningTextDelta { d.kind = .reasoningText }
            else { return false }
            return true
        }
        if key == Name.delta {
            guard seen.first(.delta) else { return false }
            if mark == nil { mark = (p, Resume(delta: d, seen: seen)) }
            var escaped = false
            guard let r = JSONScan.string(s, &p, escaped: &escaped) else { return false }
            d.delta = r
            return true
        }
        if key == Name.outputIndex {
            guard seen.first(.outputIndex), let i = JSONScan.plainInt(s, &p) else { return false }
            d.outputIndex = i
            return true
        }
        if key == Name.contentIndex {
            guard seen.first(.contentIndex), let i = JSONScan.plainInt(s, &p) else { return false }
            d.contentIndex = i
            return true
        }
        if key == Name.summaryIndex {
            guard seen.first(.summaryIndex), let i = JSONScan.plainInt(s, &p) else { return false }
            d.summaryIndex = i
            return true
        }
        if key == Name.response { return false }
        return JSONScan.skip(s, &p)
    }
}
