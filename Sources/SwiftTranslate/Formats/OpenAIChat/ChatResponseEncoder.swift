#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// NResponse → Chat Completions response (one choice). Text parts are joined into `content`,
/// thinking goes to the configured reasoning field plus OpenRouter-style `reasoning_details`
/// (which carry Anthropic signatures back on the next request), URL citations become
/// `annotations`; what Chat cannot show is dropped with a warning.
enum ChatResponseEncoder {
    static func encode(_ r: NResponse, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        var texts: [JSONText] = []
        var hasText = false
        var contentScalars = 0
        var refusal: String? = nil
        var reasoning: [JSONText] = []
        // Annotation offsets count Unicode scalars of the text before: only decoded when a
        // block has citations.
        let citing = r.content.contains { if case .text(let t) = $0 { return t.citations != nil } else { return false } }
        var calls: [NToolCall] = []
        var hasReasoningDetails = false
        var annotations = JSONWriter(capacity: 0)
        var annotationCount = 0

        for (i, part) in r.content.enumerated() {
            switch part {
            case .text(let t):
                if citing {
                    let scalars = t.text.unicodeScalars.count
                    if let c = t.citations {
                        annotationCount += citations(c, start: contentScalars, end: contentScalars + scalars, into: &annotations, "content[\(i)]", &ctx)
                    }
                    contentScalars += scalars
                }
                texts.append(t.json)
                hasText = true
            case .refusal(let s): refusal = (refusal ?? "") + s
            case .thinking(let t):
                reasoning.append(t.json)
                hasReasoningDetails = true
            case .redactedThinking: hasReasoningDetails = true
            case .toolCall(let c): calls.append(c)
            case .opaque(_, let type, _):
                ctx.diagnostics.dropped("content[\(i)]", "\"\(type)\" blocks cannot be shown in a Chat response; dropped")
            case .reasoningItem:
                ctx.diagnostics.dropped("content[\(i)]", "an OpenAI reasoning item cannot be shown in a Chat response; dropped")
            case .image, .document, .toolResult:
                ctx.diagnostics.dropped("content[\(i)]", "not part of an assistant reply; dropped")
            }
        }
        if r.stopReason == .pauseTurn {
            ctx.diagnostics.dropped("stop_reason", "pause_turn (a paused server-tool turn) has no Chat form: reported as stop")
        }

        var w = JSONWriter(capacity: r.estimatedJSONSize)
        w.beginObject()
        w.field("id", "chatcmpl-" + r.id)
        w.field("object", "chat.completion")
        w.field("created", r.created ?? Int(time(nil)))
        w.field("model", r.model)
        w.key("choices")
        w.beginArray()
        w.beginObject()
        w.field("index", 0)
        w.key("message")
        w.beginObject()
        w.field("role", "assistant")
        if hasText { w.key("content"); ChatMessagesEncoder.writeJoined(texts, "", &w) } else { w.fieldNull("content") }
        if let refusal { w.field("refusal", refusal) } else { w.fieldNull("refusal") }
        if !calls.isEmpty {
            ChatMessagesEncoder.writeToolCalls(calls, &w) { $0 }
        }
        if annotationCount > 0 {
            w.key("annotations")
            w.beginArray()
            w.raw(annotations.bytes)
            w.endArray()
        }
        let field = ctx.config.clientReasoningField
        if field != .none {
            if !reasoning.isEmpty { w.key(field.rawValue); ChatMessagesEncoder.writeJoined(reasoning, "\n\n", &w) }
            if hasReasoningDetails { writeReasoningDetails(&w, r.content) }
        }
        w.endObject()
        w.fieldNull("logprobs")
        w.field("finish_reason", ChatFinish.encode(r.stopReason))
        w.endObject()
        w.endArray()
        w.key("usage")
        ChatUsage.write(&w, r.usage)
        w.endObject()
        return w.bytes
    }

    /// URL citations of one text block → `url_citation` annotations spanning that block (Anthropic
    /// has no offsets into the answer); other citation kinds have no Chat form.
    static func citations(_ raw: [UInt8], start: Int, end: Int, into w: inout JSONWriter, _ path: String, _ ctx: inout TranslationContext) -> Int {
        guard let doc = try? JSONDocument.parse(raw), doc.root.isArray else { return 0 }
        var written = 0
        var dropped = 0
        for c in doc.root.elements {
            guard c["type"]?.stringEquals("web_search_result_location") == true, let url = c["url"]?.string else {
                dropped += 1
                continue
            }
            w.beginObject()
            w.field("type", "url_citation")
            w.key("url_citation")
            w.beginObject()
            w.field("url", url)
            w.field("title", c["title"]?.string ?? "")
            w.field("start_index", start)
            w.field("end_index", end)
            w.endObject()
            w.endObject()
            written += 1
        }
        if dropped > 0 {
            ctx.diagnostics.dropped("\(path).citations", "\(dropped) document citation(s) have no Chat form; dropped")
        }
        return written
    }

    /// `reasoning_details` in OpenRouter's vocabulary, with the Anthropic signatures and redacted data.
    static func writeReasoningDetails(_ w: inout JSONWriter, _ content: [NPart]) {
        w.key("reasoning_details")
        w.beginArray()
        var index = 0
        for part in content {
            switch part {
            case .thinking(let t):
                w.beginObject()
                w.field("type", "reasoning.text")
                w.field("text", t.json)
                if let s = t.signature { w.field("signature", s) }
                w.field("format", ChatReasoningDetails.anthropicFormat)
                w.field("index", index)
                w.endObject()
                index += 1
            case .redactedThinking(let data):
                w.beginObject()
                w.field("type", "reasoning.encrypted")
                w.field("data", data)
                w.field("format", ChatReasoningDetails.anthropicFormat)
                w.field("index", index)
                w.endObject()
                index += 1
            default: break
            }
        }
        w.endArray()
    }
}
