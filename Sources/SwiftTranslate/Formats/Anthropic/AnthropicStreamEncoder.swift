/// Neutral events → Anthropic Messages SSE, in the shape the strictest client (Claude Code, the
/// `anthropic` SDK's `.stream()` helper) accepts: `event:` lines always, `message_start` first,
/// blocks with increasing indexes from 0, exactly one `message_delta` with the full usage, then
/// `message_stop`; never `[DONE]`. Keep-alives become `event: ping`, except before
/// `message_start` (dropped: the SDK refuses any event before it). A tool_use block that got no
/// argument text gets an `input_json_delta` of `{}`, so clients that assemble the deltas (Claude
/// Code) get an object.
struct AnthropicStreamEncoder: StreamEncoder {
    private enum State { case idle, started, ended }

    private enum Name {
        static let messageStart = Array("message_start".utf8)
        static let blockStart = Array("content_block_start".utf8)
        static let blockDelta = Array("content_block_delta".utf8)
        static let blockStop = Array("content_block_stop".utf8)
        static let messageDelta = Array("message_delta".utf8)
        static let messageStop = Array("message_stop".utf8)
        static let ping = Array("ping".utf8)
    }

    private let settings: TranslationContext
    private var state = State.idle
    private var index = -1
    private var blockOpen = false
    /// The open block is a tool_use that has had no input_json_delta yet.
    private var toolWithoutInput = false
    private var startUsage = NUsage()
    private var warnings: [String] = []

    init(settings: TranslationContext) { self.settings = settings }

    mutating func takeWarnings() -> [String] {
        defer { warnings.removeAll() }
        return warnings
    }

    mutating func encode(_ event: StreamEvent, into out: inout [UInt8]) {
        switch state {
        case .ended: return
        case .idle:
            switch event {
            case .messageStart, .error: break
            case .keepAlive: return // never before message_start
            default:
                warnings.append("stream event before message_start ignored")
                return
            }
        case .started: break
        }
        switch event {
        case let .messageStart(id, model, _, usage):
            guard state == .idle else { return }
            state = .started
            startUsage = usage ?? NUsage(input: settings.inputTokens)
            let messageID = Self.messageID(id)
            let name = settings.clientModel.flatMap { $0.isEmpty ? nil : $0 } ?? model
            SSEWriter.event(Name.messageStart, into: &out) { w in
                w.beginObject()
                w.field("type", "message_start")
                w.key("message"); w.beginObject()
                w.field("id", messageID)
                w.field("type", "message")
                w.field("role", "assistant")
                w.field("model", name)
                w.key("content"); w.beginArray(); w.endArray()
                w.fieldNull("stop_reason")
                w.fieldNull("stop_sequence")
                w.key("usage"); AnthropicUsage.write(&w, startUsage)
                w.endObject()
                w.endObject()
            }
        case .blockStart(let kind):
            if blockOpen { stopBlock(into: &out) }
            index += 1
            blockOpen = true
            if case .toolCall = kind { toolWithoutInput = true } else { toolWithoutInput = false }
            let i = index
            SSEWriter.event(Name.blockStart, into: &out) { w in
                w.beginObject()
                w.field("type", "content_block_start")
                w.field("index", i)
                w.key("content_block"); w.beginObject()
                switch kind {
                case .text:
                    w.field("type", "text"); w.field("text", "")
                case .thinking:
                    w.field("type", "thinking"); w.field("thinking", ""); w.field("signature", "")
                case .redactedThinking(let data):
                    w.field("type", "redacted_thinking"); w.field("data", data)
                case let .toolCall(id, name):
                    w.field("type", "tool_use"); w.field("id", ToolCallID.anthropicSafe(id)); w.field("name", name)
                    w.key("input"); w.beginObject(); w.endObject()
                }
                w.endObject()
                w.endObject()
            }
        case .textDelta(let t): delta(.text, t, into: &out)
        case .thinkingDelta(let t): delta(.thinking, t, into: &out)
        case .signatureDelta(let t): delta(.signature, t, into: &out)
        case .argumentsDelta(let t):
            toolWithoutInput = false
            delta(.arguments, t, into: &out)
        case .blockStop:
            if blockOpen { stopBlock(into: &out) }
        case let .messageDelta(stop, stopSequence, usage):
            if blockOpen { stopBlock(into: &out) }
            messageDelta(stop, stopSequence, usage, into: &out)
        case .messageStop:
            if blockOpen { stopBlock(into: &out) }
            SSEWriter.event(Name.messageStop, into: &out) { w in
                w.beginObject(); w.field("type", "message_stop"); w.endObject()
            }
            state = .ended
        case .error(let e):
            AnthropicStreamFailure.write(e, into: &out)
            state = .ended
        case .keepAlive:
            SSEWriter.event(Name.ping, into: &out) { w in
                w.beginObject(); w.field("type", "ping"); w.endObject()
            }
        }
    }

    /// A neutral stream that stopped without `messageStop` (only after a decoder bug or a
    /// translator used without its decoder): closed well-formed.
    mutating func finish(into out: inout [UInt8]) {
        guard state == .started else { return }
        warnings.append("the stream ended without message_stop: closed as end_turn")
        if blockOpen { stopBlock(into: &out) }
        messageDelta(.endTurn, nil, startUsage, into: &out)
        SSEWriter.event(Name.messageStop, into: &out) { w in
            w.beginObject(); w.field("type", "message_stop"); w.endObject()
        }
        state = .ended
    }

    /// `content_block_delta` written from constant byte pieces (the hot path: one per token).
    /// The pieces are string literals: appending one copies constant bytes (no array to load,
    /// retain and release).
    private mutating func delta(_ kind: Delta, _ text: JSONText, into out: inout [UInt8]) {
        guard blockOpen else {
            warnings.append("content_block_delta outside a content block ignored")
            return
        }
        out.append(contentsOf: "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":".utf8)
        out.appendDecimal(index)
        switch kind {
        case .text: out.append(contentsOf: ",\"delta\":{\"type\":\"text_delta\",\"text\":\"".utf8)
        case .thinking: out.append(contentsOf: ",\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"".utf8)
        case .signature: out.append(contentsOf: ",\"delta\":{\"type\":\"signature_delta\",\"signature\":\"".utf8)
        case .arguments: out.append(contentsOf: ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"".utf8)
        }
        out.append(contentsOf: text.body)
        out.appendBytes(0x0A0A_7D7D_22, 5) // "}}\n\n
    }

    private enum Delta { case text, thinking, signature, arguments }

    private mutating func stopBlock(into out: inout [UInt8]) {
        if toolWithoutInput {
            toolWithoutInput = false
            delta(.arguments, JSONText(body: Self.emptyObject[...]), into: &out)
        }
        let i = index
        SSEWriter.event(Name.blockStop, into: &out) { w in
            w.beginObject(); w.field("type", "content_block_stop"); w.field("index", i); w.endObject()
        }
        blockOpen = false
    }

    private static let emptyObject = Array("{}".utf8)

    private func messageDelta(_ stop: NStopReason, _ stopSequence: String?, _ usage: NUsage, into out: inout [UInt8]) {
        SSEWriter.event(Name.messageDelta, into: &out) { w in
            w.beginObject()
            w.field("type", "message_delta")
            w.key("delta"); w.beginObject()
            w.field("stop_reason", stop.rawValue)
            if let s = stopSequence { w.field("stop_sequence", s) } else { w.fieldNull("stop_sequence") }
            w.endObject()
            w.key("usage"); AnthropicUsage.write(&w, usage)
            w.endObject()
        }
    }

    /// `msg_…` from an upstream id: Chat's `chatcmpl-x` becomes `msg_x`.
    static func messageID(_ id: String) -> String {
        if id.hasPrefix("msg_") { return id }
        var rest = Substring(id)
        if rest.hasPrefix("chatcmpl-") { rest = rest.dropFirst(9) }
        return rest.isEmpty ? "msg_apx" : "msg_" + rest
    }
}
