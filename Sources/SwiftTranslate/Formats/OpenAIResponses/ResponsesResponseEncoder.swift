#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes the neutral response as a Responses response object (docs/wire-formats.md §3.3).
///
/// Item ids are derived from the response id, so the same response always gives the same ids.
/// Thinking from Anthropic becomes a reasoning item whose `encrypted_content` carries the
/// signature (see ResponsesReasoning), so a Responses client replays it intact.
enum ResponsesResponseEncoder {
    static func encode(_ r: NResponse, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        let ids = ResponsesIDs(r.id)
        var w = JSONWriter(capacity: r.estimatedJSONSize)
        let (status, reason) = ResponsesStatus.encode(r.stopReason)
        if r.stopReason == .pauseTurn {
            ctx.diagnostics.dropped("stop_reason", "pause_turn (a paused server-tool turn) has no Responses form: reported as completed")
        }
        ResponsesEnvelope.write(&w, id: ids.response, created: r.created ?? Int(time(nil)), status: status, incompleteReason: reason,
                                error: nil, model: r.model, usage: r.usage) { w in
            writeOutput(&w, r.content, ids: ids, status: status == "completed" ? "completed" : "incomplete", &ctx)
        }
        return w.bytes
    }

    /// The `output` array: message items group consecutive text and refusals.
    static func writeOutput(_ w: inout JSONWriter, _ content: [NPart], ids: ResponsesIDs, status: String, _ ctx: inout TranslationContext) {
        w.beginArray()
        var open = false
        var n = 0 // output index, for item ids
        func close(_ w: inout JSONWriter) { if open { w.endArray(); w.endObject(); open = false; n += 1 } }
        for (i, p) in content.enumerated() {
            switch p {
            case .text, .refusal:
                if !open {
                    w.beginObject()
                    w.field("type", "message")
                    w.field("id", ids.message(n))
                    w.field("status", status)
                    w.field("role", "assistant")
                    w.key("content")
                    w.beginArray()
                    open = true
                }
                if case .text(let t) = p {
                    w.beginObject(); w.field("type", "output_text"); w.field("text", t.json)
                    w.key("annotations"); w.beginArray(); w.endArray()
                    w.endObject()
                    if t.citations != nil { ctx.diagnostics.dropped("content[\(i)].citations", "citations are not translated") }
                } else if case .refusal(let s) = p {
                    w.beginObject(); w.field("type", "refusal"); w.field("refusal", s); w.endObject()
                }
            case .toolCall(let c):
                close(&w)
                if let tool = ctx.toolNames.clientTool(c.name) {
                    if !writeClientToolCall(&w, c, tool, ids: ids, status: "completed") {
                        ctx.diagnostics.dropped("content[\(i)]", ResponsesCustomTools.inexactWarning)
                    }
                } else {
                    writeFunctionCall(&w, c, ids: ids, status: "completed")
                }
                n += 1
            case .thinking(let t):
                close(&w)
                writeThinking(&w, t, id: ids.reasoning(n))
                n += 1
            case .redactedThinking(let data):
                close(&w)
                ResponsesReasoning.writeItem(&w, id: ids.reasoning(n), summary: [],
                                             encryptedContent: ResponsesReasoning.anthropicRedacted + data, status: true)
                n += 1
            case .reasoningItem(let item):
                close(&w)
                ResponsesReasoning.writeItem(&w, id: item.id, summary: item.summary, content: item.content,
                                             encryptedContent: item.encryptedContent, status: true)
                n += 1
            default:
                ctx.diagnostics.dropped("content[\(i)]", "\(p.kindName) has no Responses output form")
            }
        }
        close(&w)
        w.endArray()
    }

    static func writeFunctionCall(_ w: inout JSONWriter, _ c: NToolCall, ids: ResponsesIDs, status: String) {
        w.beginObject()
        w.field("type", "function_call")
        w.field("id", c.itemId ?? ids.functionCall(c.id))
        w.field("call_id", c.id)
        w.field("name", c.name)
        if c.arguments.isEmpty { w.field("arguments", "{}") } else { w.key("arguments"); w.string(bytes: c.arguments) }
        w.field("status", status)
        w.endObject()
    }

    /// A call of a namespaced or custom tool, under the client's name and namespace; a custom
    /// tool's call is a `custom_tool_call` with the `input` text of the arguments. Returns false
    /// when the arguments held no `input` string (the raw arguments are the input).
    static func writeClientToolCall(_ w: inout JSONWriter, _ c: NToolCall, _ tool: ToolNameMap.ClientTool,
                                    ids: ResponsesIDs, status: String) -> Bool {
        w.beginObject()
        var exact = true
        if tool.custom {
            let input = ResponsesCustomTools.input(arguments: c.arguments)
            exact = input.exact
            w.field("type", "custom_tool_call")
            w.field("id", c.itemId ?? ids.customToolCall(c.id))
            w.field("call_id", c.id)
            w.field("name", tool.name)
            if let ns = tool.namespace { w.field("namespace", ns) }
            w.key("input"); w.string(bytes: input.text)
        } else {
            w.field("type", "function_call")
            w.field("id", c.itemId ?? ids.functionCall(c.id))
            w.field("call_id", c.id)
            w.field("name", tool.name)
            if let ns = tool.namespace { w.field("namespace", ns) }
            if c.arguments.isEmpty { w.field("arguments", "{}") } else { w.key("arguments"); w.string(bytes: c.arguments) }
        }
        w.field("status", status)
        w.endObject()
        return exact
    }

    /// Thinking as a reasoning item. An apxlate signature for Responses gives back its own item;
    /// an Anthropic signature rides in `encrypted_content` behind `apx1.a.`.
    static func writeThinking(_ w: inout JSONWriter, _ t: NThinking, id: String) {
        let summary = t.json.isEmpty ? [] : [t.text]
        switch ThinkingSignature.origin(t.signature) {
        case .responses(let rid, let enc):
            ResponsesReasoning.writeItem(&w, id: rid, summary: summary, encryptedContent: enc, status: true)
        case .anthropic:
            let enc = t.signature.flatMap { $0.isEmpty ? nil : ResponsesReasoning.anthropicThinking + $0 }
            ResponsesReasoning.writeItem(&w, id: id, summary: summary, encryptedContent: enc, status: true)
        case .chat, .unknownApx:
            ResponsesReasoning.writeItem(&w, id: id, summary: summary, encryptedContent: nil, status: true)
        }
    }
}
