/// Neutral events → OpenAI Chat chunks: a role chunk first, content / reasoning / tool-call
/// deltas, the finish chunk (`delta:{}` with the mapped finish_reason), the usage chunk
/// (`choices:[]`) only when the client asked (`stream_options.include_usage`), then
/// `data: [DONE]`. Every chunk carries the same `id` ("chatcmpl-" + the message id), `created`
/// and `model` (the client's); their JSON prefix is written once and copied.
/// Thinking goes to `config.clientReasoningField` (`reasoning_content` by default, "none" drops
/// it). As in the one-shot response, each thinking block also ends with one chunk carrying its
/// OpenRouter-style `reasoning_details` entry (the block's text and signature), and a redacted
/// block becomes a `reasoning.encrypted` entry: a client that keeps them can replay the reasoning.
/// A tool call whose block brought no argument text gets `"{}"` (its `arguments` always assemble
/// to JSON). A keep-alive before the first chunk is dropped: nothing precedes the role chunk.
struct ChatStreamEncoder: StreamEncoder {
    private enum State { case idle, started, ended }

    private static let keepAliveText = Array("keep-alive".utf8)

    private let settings: TranslationContext
    private var state = State.idle
    /// `{"id":…,"object":"chat.completion.chunk","created":…,"model":…,"choices":[`
    private var prefix: [UInt8] = []
    /// Tool calls seen so far; the open one's Chat index is `toolCount - 1`.
    private var toolCount = 0
    /// Constant chunk pieces for the per-token deltas (built once at message start).
    private var contentHead: [UInt8] = []
    private var reasoningHead: [UInt8] = []
    private var argumentsHead: [UInt8] = []
    private static let dataPrefix = Array("data: ".utf8)
    private var inTool = false
    /// The open tool call has had argument text.
    private var toolHasArguments = false
    private var inThinking = false
    private var warnings: [String] = []
    private var warnedThinking = false
    /// The open thinking block's escaped text and signature (for its `reasoning_details` entry).
    private var thinkingText: [UInt8] = []
    private var signature: [UInt8] = []
    /// `reasoning_details` entries written so far (their `index`).
    private var detailCount = 0

    init(settings: TranslationContext) { self.settings = settings }

    mutating func takeWarnings() -> [String] {
        defer { warnings.removeAll() }
        return warnings
    }

    mutating func encode(_ event: StreamEvent, into out: inout [UInt8]) {
        if state == .ended { return }
        if state == .idle {
            switch event {
            case .messageStart, .error: break
            case .keepAlive: return // nothing before the first chunk
            default:
                warnings.append("stream event before message_start ignored")
                return
            }
        }
        switch event {
        case let .messageStart(id, model, created, _):
            state = .started
            var w = JSONWriter(capacity: 160)
            w.beginObject()
            w.field("id", "chatcmpl-" + id)
            w.field("object", "chat.completion.chunk")
            w.field("created", created ?? settings.clock())
            w.field("model", settings.clientModel.flatMap { $0.isEmpty ? nil : $0 } ?? model)
            w.key("choices")
            w.bytes.append(UInt8(ascii: "["))
            prefix = w.bytes
            contentHead = Self.dataPrefix + prefix + Array(#"{"index":0,"delta":{"content":""#.utf8)
            reasoningHead = Self.dataPrefix + prefix + Array(#"{"index":0,"delta":{""#.utf8)
                + Array(settings.config.clientReasoningField.rawValue.utf8) + Array(#"":""#.utf8)
            argumentsHead = Self.dataPrefix + prefix + Array(#"{"index":0,"delta":{"tool_calls":[{"index":"#.utf8)
            chunk(into: &out) { w in
                w.key("role"); w.string("assistant")
                w.key("content"); w.string("")
            }
        case .blockStart(let kind):
            closeTool(into: &out)
            closeThinking(into: &out)
            switch kind {
            case .text: break
            case .thinking:
                inThinking = true
                thinkingText.removeAll(keepingCapacity: true)
                signature.removeAll(keepingCapacity: true)
            case .redactedThinking(let data):
                reasoningDetail(into: &out) { w in
                    w.field("type", "reasoning.encrypted")
                    w.field("data", data)
                }
            case let .toolCall(id, name):
                inTool = true
                toolHasArguments = false
                let k = toolCount
                toolCount += 1
                chunk(into: &out) { w in
                    w.key("tool_calls"); w.beginArray(); w.beginObject()
                    w.field("index", k)
                    w.field("id", id)
                    w.field("type", "function")
                    w.key("function"); w.beginObject()
                    w.field("name", name)
                    w.field("arguments", "")
                    w.endObject()
                    w.endObject(); w.endArray()
                }
            }
        case .textDelta(let t):
            out.append(contentsOf: contentHead)
            out.append(contentsOf: t.body)
            out.append(contentsOf: "\"},\"finish_reason\":null}]}\n\n".utf8)
        case .thinkingDelta(let t):
            let field = settings.config.clientReasoningField
            if field == .none {
                if !warnedThinking { warnedThinking = true; warnings.append("thinking dropped (client.reasoning_field is \"none\")") }
                return
            }
            if inThinking { thinkingText.append(contentsOf: t.body) }
            out.append(contentsOf: reasoningHead)
            out.append(contentsOf: t.body)
            out.append(contentsOf: "\"},\"finish_reason\":null}]}\n\n".utf8)
        case .signatureDelta(let t):
            if inThinking { signature.append(contentsOf: t.body) }
        case .argumentsDelta(let t):
            guard inTool else { return }
            toolHasArguments = true
            out.append(contentsOf: argumentsHead)
            out.appendDecimal(toolCount - 1)
            out.append(contentsOf: ",\"function\":{\"arguments\":\"".utf8)
            out.append(contentsOf: t.body)
            out.append(contentsOf: "\"}}]},\"finish_reason\":null}]}\n\n".utf8)
        case .blockStop:
            closeTool(into: &out)
            closeThinking(into: &out)
        case let .messageDelta(stop, _, usage):
            closeTool(into: &out)
            closeThinking(into: &out)
            finishChunk(ChatFinish.encode(stop), into: &out)
            if settings.includeUsage { usageChunk(usage, into: &out) }
        case .messageStop:
            SSEWriter.done(into: &out)
            state = .ended
        case .error(let e):
            ChatStreamFailure.write(e, into: &out)
            state = .ended
        case .keepAlive:
            SSEWriter.comment(Self.keepAliveText[...], into: &out)
        }
    }

    mutating func finish(into out: inout [UInt8]) {
        guard state == .started else { return }
        warnings.append("the stream ended without a finish: closed with finish_reason stop")
        closeTool(into: &out)
        closeThinking(into: &out)
        finishChunk("stop", into: &out)
        SSEWriter.done(into: &out)
        state = .ended
    }

    /// Ends the open tool call: one that had no argument text (an Anthropic `input: {}` without
    /// `input_json_delta`) gets `"{}"`, so its arguments are JSON.
    private mutating func closeTool(into out: inout [UInt8]) {
        if inTool && !toolHasArguments { encode(.argumentsDelta(JSONText(body: Self.emptyObject[...])), into: &out) }
        inTool = false
    }

    private static let emptyObject = Array("{}".utf8)

    /// Ends the open thinking block: its `reasoning_details` entry (text and signature), as the
    /// one-shot response writes it.
    private mutating func closeThinking(into out: inout [UInt8]) {
        guard inThinking else { return }
        inThinking = false
        if thinkingText.isEmpty && signature.isEmpty { return }
        let text = JSONText(body: thinkingText[...]), sig = JSONText(body: signature[...])
        reasoningDetail(into: &out) { w in
            w.field("type", "reasoning.text")
            w.key("text"); w.string(text)
            if !sig.isEmpty { w.key("signature"); w.string(sig) }
        }
    }

    /// A chunk whose delta holds one `reasoning_details` entry (`fields`, then its format and
    /// index); nothing when the client's reasoning field is "none".
    private mutating func reasoningDetail(into out: inout [UInt8], _ fields: (inout JSONWriter) -> Void) {
        guard settings.config.clientReasoningField != .none else { return }
        let index = detailCount
        detailCount += 1
        chunk(into: &out) { w in
            w.key("reasoning_details"); w.beginArray(); w.beginObject()
            fields(&w)
            w.field("format", ChatReasoningDetails.anthropicFormat)
            w.field("index", index)
            w.endObject(); w.endArray()
        }
    }

    /// One chunk with one choice whose `delta` members `body` writes.
    private func chunk(into out: inout [UInt8], _ body: (inout JSONWriter) -> Void) {
        SSEWriter.event(nil, into: &out) { w in
            w.bytes.append(contentsOf: prefix)
            w.beginObject()
            w.field("index", 0)
            w.key("delta"); w.beginObject(); body(&w); w.endObject()
            w.fieldNull("finish_reason")
            w.endObject()
            w.bytes.append(contentsOf: "]}".utf8)
        }
    }

    private func finishChunk(_ reason: String, into out: inout [UInt8]) {
        SSEWriter.event(nil, into: &out) { w in
            w.bytes.append(contentsOf: prefix)
            w.beginObject()
            w.field("index", 0)
            w.key("delta"); w.beginObject(); w.endObject()
            w.field("finish_reason", reason)
            w.endObject()
            w.bytes.append(contentsOf: "]}".utf8)
        }
    }

    private func usageChunk(_ usage: NUsage, into out: inout [UInt8]) {
        SSEWriter.event(nil, into: &out) { w in
            w.bytes.append(contentsOf: prefix)
            w.bytes.append(contentsOf: "],".utf8)
            w.key("usage"); ChatUsage.write(&w, usage)
            w.endObject()
        }
    }
}
