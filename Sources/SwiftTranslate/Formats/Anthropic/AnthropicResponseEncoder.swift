/// NResponse → Anthropic Messages response object.
enum AnthropicResponseEncoder {
    static func encode(_ response: NResponse, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        var w = JSONWriter(capacity: response.estimatedJSONSize)
        w.beginObject()
        w.field("id", messageID(response.id))
        w.field("type", "message")
        w.field("role", "assistant")
        w.field("model", response.model)
        w.key("content")
        w.beginArray()
        for (i, part) in response.content.enumerated() {
            writeBlock(part, "content[\(i)]", &w, &ctx)
        }
        w.endArray()
        w.field("stop_reason", response.stopReason.rawValue)
        if let s = response.stopSequence { w.field("stop_sequence", s) } else { w.fieldNull("stop_sequence") }
        w.key("usage")
        AnthropicUsage.write(&w, response.usage)
        w.endObject()
        return w.bytes
    }

    /// `msg_…`: an upstream id that already has the prefix is kept; others get it, made safe.
    static func messageID(_ id: String) -> String {
        if id.hasPrefix("msg_") { return id }
        if id.isEmpty { return "msg_apx" }
        return "msg_" + ToolCallID.anthropicSafe(id)
    }

    private static func writeBlock(_ part: NPart, _ path: String, _ w: inout JSONWriter, _ ctx: inout TranslationContext) {
        switch part {
        case .text(let t):
            guard !t.json.isEmpty else { return }
            w.beginObject()
            w.field("type", "text")
            w.field("text", t.json)
            if let c = t.citations { w.field("citations", raw: c) }
            w.endObject()
        case .refusal(let s):
            guard !s.isEmpty else { return }
            w.beginObject(); w.field("type", "text"); w.field("text", s); w.endObject()
        case .thinking(let t):
            w.beginObject()
            w.field("type", "thinking")
            w.field("thinking", t.json)
            let sig = t.signature ?? ""
            w.field("signature", sig.isEmpty ? ThinkingSignature.chat : sig)
            w.endObject()
        case .redactedThinking(let data):
            w.beginObject(); w.field("type", "redacted_thinking"); w.field("data", data); w.endObject()
        case .reasoningItem(let item):
            w.beginObject()
            w.field("type", "thinking")
            w.field("thinking", (item.summary + item.content).joined(separator: "\n\n"))
            w.field("signature", ThinkingSignature.forResponses(id: item.id, encryptedContent: item.encryptedContent))
            w.endObject()
        case .toolCall(let call):
            w.beginObject()
            w.field("type", "tool_use")
            w.field("id", ToolCallID.anthropicSafe(call.id))
            w.field("name", call.name)
            w.key("input")
            writeInput(call, path, &w, &ctx)
            w.endObject()
        case .opaque(let format, let type, let raw):
            if format == .anthropic {
                w.raw(raw)
            } else {
                ctx.diagnostics.dropped(path, "\(type) block dropped (no counterpart in Anthropic)")
            }
        case .image, .document, .toolResult:
            ctx.diagnostics.dropped(path, "block dropped (not allowed in an Anthropic response)")
        }
    }

    /// `input` must be an object: the raw arguments when they are one, `{}` for empty arguments,
    /// and otherwise `{"_raw_arguments": "<text>"}` with a warning (never a silent `{}`).
    static func writeInput(_ call: NToolCall, _ path: String, _ w: inout JSONWriter, _ ctx: inout TranslationContext) {
        let args = call.arguments
        let trimmed = trim(args)
        if trimmed.isEmpty {
            w.raw("{}".utf8)
            return
        }
        if trimmed.first == UInt8(ascii: "{"), let doc = try? JSONDocument.parse(Array(trimmed)), doc.root.isObject {
            w.raw(trimmed)
            return
        }
        // Some servers encode the arguments twice: a JSON string holding the object's text.
        if trimmed.first == UInt8(ascii: "\""), let doc = try? JSONDocument.parse(Array(trimmed)),
           let inner = doc.root.stringBytes, let innerDoc = try? JSONDocument.parse(inner), innerDoc.root.isObject {
            ctx.diagnostics.dropped("\(path).input", "tool call \(call.id) (\(call.name)) had its arguments encoded twice; unwrapped")
            w.raw(innerDoc.root.raw)
            return
        }
        ctx.diagnostics.dropped("\(path).input", "tool call \(call.id) (\(call.name)) has arguments that are not a JSON object; kept as text in input._raw_arguments")
        w.beginObject()
        w.key("_raw_arguments")
        w.string(bytes: args)
        w.endObject()
    }

    private static func trim(_ b: [UInt8]) -> ArraySlice<UInt8> {
        var s = b[...]
        while let f = s.first, f == 0x20 || f == 0x0A || f == 0x0D || f == 0x09 { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x0A || l == 0x0D || l == 0x09 { s = s.dropLast() }
        return s
    }
}
