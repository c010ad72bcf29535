/// Anthropic Messages SSE → neutral events. Dispatches on the payload's `type` (as the SDK does),
/// falling back to the `event:` name. Blocks cannot interleave in Anthropic streams, so the only
/// state is the open block; `message_delta` is held (several may come, usage is cumulative) and
/// emitted once at `message_stop`. Block types a client format cannot express (server-tool
/// results) are dropped with a warning, their deltas with them.
struct AnthropicStreamDecoder: StreamDecoder {
    private enum State { case waiting, streaming, ended }
    private enum Block: Equatable { case none, open(Int), skipped(Int) }

    private let settings: TranslationContext
    private var state = State.waiting
    private var block = Block.none
    private var usage = NUsage()
    private var stop: NStopReason? = nil
    private var stopSequence: String? = nil
    private var warnings: [String] = []
    private var warnedCitations = false
    /// The start of the last event taken by `consumeHot` (AnthropicStreamHotDelta).
    private var hotMemo = JSONScanMemo<AnthropicStreamHotDelta.Resume>()

    init(settings: TranslationContext) { self.settings = settings }

    mutating func takeWarnings() -> [String] {
        defer { warnings.removeAll() }
        return warnings
    }

    mutating func consume(_ event: SSEEvent, json: JSONValue, into out: inout [StreamEvent]) throws(TranslateError) {
        if state == .ended { return }
        guard json.isObject else {
            throw TranslateError(.stream, "upstream event at byte \(event.offset) is \(json.kindDescription), expected an object", offset: event.offset)
        }
        let type = Self.eventType(json, event)
        switch type {
        case "message_start":
            guard state == .waiting else { throw malformed("a second message_start", event) }
            let m = json["message"]
            if let u = m?["usage"], u.isObject { usage = try AnthropicUsage.decode(u, path: "message.usage") }
            out.append(.messageStart(id: m?["id"]?.string ?? "", model: m?["model"]?.string ?? "", created: nil, usage: usage))
            state = .streaming
        case "ping":
            out.append(.keepAlive)
        case "error":
            out.append(.error(AnthropicErrors.decode(status: 0, root: json)))
            state = .ended
        case "content_block_start":
            try requireStarted(type, event)
            try blockStart(json, event, into: &out)
        case "content_block_delta":
            try requireStarted(type, event)
            try blockDelta(json, event, into: &out)
        case "content_block_stop":
            try requireStarted(type, event)
            let i = json["index"]?.int ?? -1
            switch block {
            case .open(let o) where o == i: out.append(.blockStop)
            case .skipped(let o) where o == i: break
            default: throw malformed("content_block_stop for index \(i) that is not open", event)
            }
            block = .none
        case "message_delta":
            try requireStarted(type, event)
            if let s = json["delta"]?["stop_reason"]?.string { stop = AnthropicStop.decode(s) }
            if let s = json["delta"]?["stop_sequence"]?.string { stopSequence = s }
            if let u = json["usage"], u.isObject { try merge(u) }
        case "message_stop":
            try requireStarted(type, event)
            end(into: &out)
        default:
            break // new event types may be added: skip unknown ones
        }
    }

    /// A `content_block_delta` of AnthropicStreamHotDelta's shape for the open (or a skipped)
    /// block while streaming: what `consume` would do, without parsing it. Its `event:` name, when
    /// it has one, must say the same (the usage meter goes by the name).
    mutating func consumeHot(_ event: SSEEvent, modelKnown: Bool, into out: inout [StreamEvent]) throws(TranslateError) -> Bool {
        guard state == .streaming, event.name.isEmpty || JSONKey(event.name.span, 0..<event.name.count) == AnthropicStreamHotDelta.Name.contentBlockDelta,
              let d = AnthropicStreamHotDelta.scan(event.payload.span, memo: &hotMemo) else { return false }
        switch block {
        case .open(let o) where o == d.index: break
        case .skipped(let o) where o == d.index: return true
        default: return false
        }
        guard let r = d.body, !r.isEmpty else { return true }
        let t = JSONText(body: event.payload(r))
        switch d.kind {
        case .text: out.append(.textDelta(t))
        case .thinking: out.append(.thinkingDelta(t))
        case .signature: out.append(.signatureDelta(t))
        case .arguments: out.append(.argumentsDelta(t))
        }
        return true
    }

    mutating func done(into out: inout [StreamEvent]) throws(TranslateError) { try finish(into: &out) }

    mutating func finish(into out: inout [StreamEvent]) throws(TranslateError) {
        switch state {
        case .ended: return
        case .waiting:
            warnings.append("the upstream stream ended before sending any event")
            out.append(.error(NError(kind: .api, status: 502, message: "the upstream stream ended before sending any data")))
            state = .ended
        case .streaming:
            warnings.append("the upstream stream ended without message_stop: closed well-formed")
            end(into: &out)
        }
    }

    private mutating func end(into out: inout [StreamEvent]) {
        if case .open = block { out.append(.blockStop) }
        block = .none
        if stop == nil { warnings.append("the upstream sent no stop_reason: end_turn assumed") }
        out.append(.messageDelta(stop: stop ?? .endTurn, stopSequence: stopSequence, usage: usage))
        out.append(.messageStop)
        state = .ended
    }

    /// `message_delta.usage` figures are cumulative totals: each present figure replaces ours.
    private mutating func merge(_ u: JSONValue) throws(TranslateError) {
        try AnthropicUsage.merge(u, into: &usage)
    }

    private mutating func blockStart(_ json: JSONValue, _ event: SSEEvent, into out: inout [StreamEvent]) throws(TranslateError) {
        guard block == .none else { throw malformed("content_block_start while a block is open", event) }
        let i = json["index"]?.int ?? -1
        guard let b = json["content_block"], b.isObject else { throw malformed("content_block_start without content_block", event) }
        let type = b["type"]?.string ?? ""
        switch type {
        case "text":
            out.append(.blockStart(.text))
            if let t = JSONText(b["text"] ?? b), !t.isEmpty { out.append(.textDelta(t)) }
        case "thinking":
            out.append(.blockStart(.thinking))
            if let t = JSONText(b["thinking"] ?? b), !t.isEmpty { out.append(.thinkingDelta(t)) }
            if let s = JSONText(b["signature"] ?? b), !s.isEmpty { out.append(.signatureDelta(s)) }
        case "redacted_thinking":
            out.append(.blockStart(.redactedThinking(data: b["data"]?.string ?? "")))
        case "server_tool_use":
            // Executed by the upstream itself (web search, code execution): nothing for the
            // client to run, and its result blocks cannot be expressed either.
            warnings.append("content[\(i)]: server tool call \(b["name"]?.string ?? "") dropped (run by the upstream; no equivalent in the client format)")
            block = .skipped(i)
            return
        case "tool_use":
            let name = b["name"]?.string ?? ""
            out.append(.blockStart(.toolCall(id: b["id"]?.string ?? "", name: settings.toolNames.original(name))))
            if let input = b["input"], input.isObject, input.count > 0 {
                var w = JSONWriter(capacity: input.raw.count + 16)
                w.string(bytes: Array(input.raw))
                out.append(.argumentsDelta(JSONText(body: w.bytes.dropFirst().dropLast())))
            }
        default:
            warnings.append("content[\(i)]: \(type) block dropped (no equivalent in the client format)")
            block = .skipped(i)
            return
        }
        block = .open(i)
    }

    private mutating func blockDelta(_ json: JSONValue, _ event: SSEEvent, into out: inout [StreamEvent]) throws(TranslateError) {
        let i = json["index"]?.int ?? -1
        switch block {
        case .open(let o) where o == i: break
        case .skipped(let o) where o == i: return
        default: throw malformed("content_block_delta for index \(i) that is not open", event)
        }
        guard let d = json["delta"], d.isObject else { return }
        switch Self.deltaType(d["type"]) {
        case "text_delta": if let t = d["text"].flatMap(JSONText.init), !t.isEmpty { out.append(.textDelta(t)) }
        case "thinking_delta": if let t = d["thinking"].flatMap(JSONText.init), !t.isEmpty { out.append(.thinkingDelta(t)) }
        case "signature_delta": if let t = d["signature"].flatMap(JSONText.init), !t.isEmpty { out.append(.signatureDelta(t)) }
        case "input_json_delta": if let t = d["partial_json"].flatMap(JSONText.init), !t.isEmpty { out.append(.argumentsDelta(t)) }
        case "citations_delta":
            if !warnedCitations { warnedCitations = true; warnings.append("content[\(i)]: citations dropped (no streaming equivalent in the client format)") }
        default: break
        }
    }

    /// The event's `type` (else its `event:` name) when it is one this decoder handles, as the
    /// literal itself (no string is built per event); "" for anything else.
    private static func eventType(_ json: JSONValue, _ event: SSEEvent) -> String {
        if let t = json["type"], t.isString { return knownEvent { t.stringEquals($0) } }
        return knownEvent { event.name.elementsEqual($0.utf8) }
    }

    @inline(__always)
    private static func knownEvent(_ matches: (String) -> Bool) -> String {
        if matches("content_block_delta") { return "content_block_delta" }
        if matches("message_start") { return "message_start" }
        if matches("ping") { return "ping" }
        if matches("error") { return "error" }
        if matches("content_block_start") { return "content_block_start" }
        if matches("content_block_stop") { return "content_block_stop" }
        if matches("message_delta") { return "message_delta" }
        if matches("message_stop") { return "message_stop" }
        return ""
    }

    /// A delta's `type` when it is one this decoder handles (the literal), else "".
    private static func deltaType(_ value: JSONValue?) -> String {
        guard let value else { return "" }
        if value.stringEquals("text_delta") { return "text_delta" }
        if value.stringEquals("input_json_delta") { return "input_json_delta" }
        if value.stringEquals("thinking_delta") { return "thinking_delta" }
        if value.stringEquals("signature_delta") { return "signature_delta" }
        if value.stringEquals("citations_delta") { return "citations_delta" }
        return ""
    }

    private func requireStarted(_ type: String, _ event: SSEEvent) throws(TranslateError) {
        if state == .waiting { throw malformed("\(type) before message_start", event) }
    }

    private func malformed(_ what: String, _ event: SSEEvent) -> TranslateError {
        TranslateError(.stream, "malformed upstream stream: \(what) (event at byte \(event.offset))", offset: event.offset)
    }
}
