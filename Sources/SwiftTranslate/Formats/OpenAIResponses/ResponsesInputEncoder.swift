/// Neutral turns as Responses `input` items (docs/wire-formats.md §3.2, §4.1).
///
/// A user turn becomes its `function_call_output` items (in order) and a user message for the
/// rest; an assistant turn becomes, in order, `reasoning`, `message` and `function_call` items.
/// Thinking goes back as a reasoning item only when apxlate minted its signature for one
/// (`ThinkingSignature.origin` → `.responses`); Anthropic-minted thinking never goes to OpenAI.
enum ResponsesInputEncoder {
    static func write(_ w: inout JSONWriter, _ messages: [NMessage], _ ctx: inout TranslationContext) {
        w.beginArray()
        for (i, m) in messages.enumerated() {
            let i_path = i
            func path() -> String { "messages[\(i_path)]" }
            switch m.role {
            case .user: writeUser(&w, m.parts, path: path(), &ctx)
            case .assistant: writeAssistant(&w, m.parts, path: path(), &ctx)
            }
        }
        w.endArray()
    }

    // MARK: user turns

    private static func writeUser(_ w: inout JSONWriter, _ parts: [NPart], path: @autoclosure () -> String, _ ctx: inout TranslationContext) {
        var open = false // a user message item is open
        for (j, part) in parts.enumerated() {
            let j_pp = j
            func pp() -> String { "\(path()).content[\(j_pp)]" }
            let p = asText(part, path: pp(), &ctx)
            if case .toolResult(let r) = p {
                if open { closeMessage(&w); open = false }
                writeToolResult(&w, r, path: pp(), &ctx)
                continue
            }
            if !open { openMessage(&w, role: "user"); open = true }
            writeInputPart(&w, p, path: pp(), &ctx)
        }
        if open { closeMessage(&w) }
    }

    /// An Anthropic `search_result` block becomes its text (title, source, content), as for Chat.
    private static func asText(_ p: NPart, path: @autoclosure () -> String, _ ctx: inout TranslationContext) -> NPart {
        guard case .opaque(.anthropic, "search_result", let raw) = p, let text = SearchResultText.text(raw) else { return p }
        ctx.diagnostics.dropped(path(), "search_result sent as text (its citation settings are dropped)")
        return .text(NText(text))
    }

    /// One input part (text, image, document); anything else is dropped with a warning.
    private static func writeInputPart(_ w: inout JSONWriter, _ p: NPart, path: @autoclosure () -> String, _ ctx: inout TranslationContext) {
        switch p {
        case .text(let t):
            w.beginObject(); w.field("type", "input_text"); w.field("text", t.json); w.endObject()
        case .image(let img):
            if !ResponsesMedia.writeImage(&w, img) { ctx.diagnostics.dropped(path(), "an image needs data, a URL or a file id") }
        case .document(let d):
            ResponsesMedia.writeDocument(&w, d)
        case .refusal(let s):
            w.beginObject(); w.field("type", "input_text"); w.field("text", s); w.endObject()
        default:
            ctx.diagnostics.dropped(path(), "\(p.kindName) cannot appear in a Responses user message")
        }
    }

    /// `function_call_output`: a string when the result is text only, else input parts.
    /// `is_error` has no field: the text gets an "Error: " prefix so the model still knows.
    private static func writeToolResult(_ w: inout JSONWriter, _ r: NToolResult, path: @autoclosure () -> String, _ ctx: inout TranslationContext) {
        w.beginObject()
        w.field("type", "function_call_output")
        w.field("call_id", r.toolCallId)
        w.key("output")
        var content = r.content
        // search results become text (a copy of the list only when there is one)
        if content.contains(where: { if case .opaque = $0 { return true } else { return false } }) {
            for k in content.indices { content[k] = asText(content[k], path: "\(path()).content[\(k)]", &ctx) }
        }
        let textOnly = content.allSatisfy { if case .text = $0 { return true } else { return false } }
        if textOnly {
            w.beginString()
            if r.isError { w.stringPiece("Error: ") }
            var first = true
            for case .text(let t) in content {
                if !first { w.stringPiece("\n") }
                w.stringPiece(t.json)
                first = false
            }
            w.endString()
        } else {
            w.beginArray()
            if r.isError { w.beginObject(); w.field("type", "input_text"); w.field("text", "Error:"); w.endObject() }
            for (k, c) in content.enumerated() { writeInputPart(&w, c, path: "\(path()).content[\(k)]", &ctx) }
            w.endArray()
        }
        w.endObject()
    }

    // MARK: assistant turns

    private static func writeAssistant(_ w: inout JSONWriter, _ parts: [NPart], path: @autoclosure () -> String, _ ctx: inout TranslationContext) {
        var open = false // an assistant message item is open
        for (j, p) in parts.enumerated() {
            let j_pp = j
            func pp() -> String { "\(path()).content[\(j_pp)]" }
            switch p {
            case .text(let t):
                if t.json.isEmpty { continue }
                if !open { openMessage(&w, role: "assistant"); open = true }
                w.beginObject(); w.field("type", "output_text"); w.field("text", t.json)
                w.key("annotations"); w.beginArray(); w.endArray()
                w.endObject()
                if t.citations != nil { ctx.diagnostics.dropped(pp() + ".citations", "citations have no Responses input form") }
            case .refusal(let s):
                if !open { openMessage(&w, role: "assistant"); open = true }
                w.beginObject(); w.field("type", "refusal"); w.field("refusal", s); w.endObject()
            case .toolCall(let c):
                if open { closeMessage(&w); open = false }
                w.beginObject()
                w.field("type", "function_call")
                if let id = c.itemId { w.field("id", id) }
                w.field("call_id", c.id)
                w.field("name", ctx.toolNames.openAISafe(c.name))
                if c.arguments.isEmpty { w.field("arguments", "{}") } else { w.key("arguments"); w.string(bytes: c.arguments) }
                w.endObject()
            case .thinking(let t):
                if open { closeMessage(&w); open = false }
                switch ThinkingSignature.origin(t.signature) {
                case .responses(let id, let enc?):
                    ResponsesReasoning.writeItem(&w, id: id, summary: t.json.isEmpty ? [] : [t.text],
                                                 encryptedContent: enc, status: false)
                case .responses(_, nil):
                    ctx.diagnostics.dropped(pp(), "a reasoning item without encrypted content cannot be replayed with store: false")
                case .anthropic:
                    ctx.diagnostics.dropped(pp(), "thinking signed by Anthropic (or unsigned) is never sent to OpenAI")
                case .chat, .unknownApx:
                    ctx.diagnostics.dropped(pp(), "thinking from another upstream cannot be replayed to a Responses upstream")
                }
            case .reasoningItem(let r):
                if open { closeMessage(&w); open = false }
                if r.encryptedContent == nil {
                    ctx.diagnostics.dropped(pp(), "a reasoning item without encrypted content cannot be replayed with store: false")
                } else {
                    ResponsesReasoning.writeItem(&w, id: r.id, summary: r.summary, content: r.content,
                                                 encryptedContent: r.encryptedContent, status: false)
                }
            case .redactedThinking:
                ctx.diagnostics.dropped(pp(), "redacted thinking is signed by Anthropic and never sent to OpenAI")
            default:
                ctx.diagnostics.dropped(pp(), "\(p.kindName) cannot appear in a Responses assistant message")
            }
        }
        if open { closeMessage(&w) }
    }

    // MARK: message items

    private static func openMessage(_ w: inout JSONWriter, role: String) {
        w.beginObject()
        w.field("type", "message")
        w.field("role", role)
        w.key("content")
        w.beginArray()
    }

    private static func closeMessage(_ w: inout JSONWriter) {
        w.endArray()
        w.endObject()
    }
}

extension NPart {
    /// A short name for warnings ("an image", "a tool call", ...).
    var kindName: String {
        switch self {
        case .text: return "text"
        case .image: return "an image"
        case .document: return "a document"
        case .thinking: return "thinking"
        case .redactedThinking: return "redacted thinking"
        case .reasoningItem: return "a reasoning item"
        case .toolCall: return "a tool call"
        case .toolResult: return "a tool result"
        case .refusal: return "a refusal"
        case .opaque(let f, let type, _): return "a \(f.name) `\(type)` block"
        }
    }
}
