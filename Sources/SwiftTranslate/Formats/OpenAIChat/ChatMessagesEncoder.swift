/// NRequest system text and turns → Chat `messages`.
///
/// A user turn becomes one `tool` message per tool result (in order, first), then one `user`
/// message with the rest of the turn. Images and files inside tool results cannot go in a `tool`
/// message: they move to that user message, after a note naming the tool_call_id.
enum ChatMessagesEncoder {
    /// One system message: the text blocks joined with a blank line.
    static func system(_ system: [NText], _ w: inout JSONWriter) {
        let texts = system.map(\.json)
        guard !texts.isEmpty else { return }
        w.beginObject()
        w.field("role", "system")
        w.key("content")
        writeJoined(texts, "\n\n", &w)
        w.endObject()
    }

    /// A part of a Chat user message.
    enum UserPart {
        case text(JSONText)
        case imageURL(url: String, detail: String?)
        case file(filename: String, dataURL: String)
    }

    static func user(_ parts: [NPart], _ path: MessagePath, _ w: inout JSONWriter, _ once: inout OnceWarnings, _ ctx: inout TranslationContext) {
        var out: [UserPart] = []
        var rest: [UserPart] = []
        for (j, p) in parts.enumerated() {
            let ppath = path.child(j)
            switch p {
            case .toolResult(let r):
                toolMessage(r, ppath, &w, &out, &once, &ctx)
            default:
                userPart(p, ppath, &rest, &once, &ctx)
            }
        }
        out.append(contentsOf: rest)
        guard !out.isEmpty else { return }
        w.beginObject()
        w.field("role", "user")
        w.key("content")
        if out.count == 1, case .text(let s) = out[0] {
            w.string(s)
        } else {
            w.beginArray()
            for part in out { write(part, &w) }
            w.endArray()
        }
        w.endObject()
    }

    /// `{role:"tool", tool_call_id, content}`: text joined; is_error prefixes "Error: ".
    /// Images and files go to `moved` (the user message that follows). Text is copied straight
    /// from the model into the output (no list of the pieces is built).
    private static func toolMessage(_ r: NToolResult, _ path: MessagePath, _ w: inout JSONWriter, _ moved: inout [UserPart],
                                    _ once: inout OnceWarnings, _ ctx: inout TranslationContext) {
        var media: [UserPart] = []
        w.beginObject()
        w.field("role", "tool")
        w.field("tool_call_id", r.toolCallId)
        w.key("content")
        w.beginString()
        if r.isError { w.stringPiece("Error: ") }
        var texts = 0
        func piece(_ t: JSONText, _ w: inout JSONWriter) {
            if texts > 0 { w.stringPiece("\n") }
            w.stringPiece(t)
            texts += 1
        }
        for k in r.content.indices {
            switch r.content[k] {
            case .text(let t):
                piece(t.json, &w)
            case .document(let d):
                if case .text(let s) = d.source { piece(JSONText(escaping: s), &w) } else { userPart(r.content[k], path.child(k), &media, &once, &ctx) }
            case .opaque(.anthropic, "search_result", let raw):
                if let s = SearchResultText.text(raw) {
                    once.drop("search_result", path.child(k).text(), "search_result sent as text (its citation settings are dropped)", &ctx.diagnostics)
                    piece(JSONText(escaping: s), &w)
                } else {
                    userPart(r.content[k], path.child(k), &media, &once, &ctx)
                }
            default:
                userPart(r.content[k], path.child(k), &media, &once, &ctx)
            }
        }
        if texts == 0 && !media.isEmpty { w.stringPiece("(see the attachments in the next user message)") }
        w.endString()
        w.endObject()
        if !media.isEmpty {
            ctx.diagnostics.dropped(path.text(), "images/files of tool result \(r.toolCallId) moved to a user message (a Chat tool message holds text only)")
            moved.append(.text(JSONText(escaping: "Attachments from the result of tool call \(r.toolCallId):")))
            moved.append(contentsOf: media)
        }
    }

    /// A user-turn part as a Chat part, or a warning when Chat cannot carry it.
    private static func userPart(_ p: NPart, _ path: MessagePath, _ out: inout [UserPart], _ once: inout OnceWarnings, _ ctx: inout TranslationContext) {
        switch p {
        case .text(let t):
            if t.citations != nil { once.drop("citations", path.text(".citations"), "citations dropped (no counterpart in OpenAI Chat)", &ctx.diagnostics) }
            out.append(.text(t.json))
        case .refusal(let s):
            out.append(.text(JSONText(escaping: s)))
        case .image(let img):
            switch img.source {
            case .base64(let mediaType, let data): out.append(.imageURL(url: "data:\(mediaType);base64,\(data)", detail: img.detail))
            case .url(let url): out.append(.imageURL(url: url, detail: img.detail))
            case .file: ctx.diagnostics.dropped(path.text(), "image with a file_id dropped (vendor file ids are not portable)")
            case .text(let s): out.append(.text(JSONText(escaping: s)))
            }
        case .document(let d):
            switch d.source {
            case .base64(let mediaType, let data):
                // Upstreams tell the file type by the name: a PDF's name ends in .pdf.
                var filename = d.filename ?? d.title ?? "document"
                if mediaType == "application/pdf", !filename.lowercased().hasSuffix(".pdf") { filename += ".pdf" }
                out.append(.file(filename: filename, dataURL: "data:\(mediaType);base64,\(data)"))
            case .text(let s):
                if d.title != nil { once.drop("document.title", path.text(".title"), "document title dropped (a text document becomes a text part)", &ctx.diagnostics) }
                out.append(.text(JSONText(escaping: s)))
            case .url(let url):
                ctx.diagnostics.dropped(path.text(), "document by URL dropped (OpenAI Chat has no file URLs): \(url)")
            case .file:
                ctx.diagnostics.dropped(path.text(), "document with a file_id dropped (vendor file ids are not portable)")
            }
        case .opaque(let format, let type, let raw):
            if format == .anthropic, type == "search_result", let s = SearchResultText.text(raw) {
                once.drop("search_result", path.text(), "search_result sent as text (its citation settings are dropped)", &ctx.diagnostics)
                out.append(.text(JSONText(escaping: s)))
            } else {
                ctx.diagnostics.dropped(path.text(), "\(type) block dropped (no counterpart in OpenAI Chat)")
            }
        case .thinking, .redactedThinking, .reasoningItem, .toolCall, .toolResult:
            ctx.diagnostics.dropped(path.text(), "block dropped (not allowed in a user message)")
        }
    }

    private static func write(_ part: UserPart, _ w: inout JSONWriter) {
        w.beginObject()
        switch part {
        case .text(let s):
            w.field("type", "text")
            w.field("text", s)
        case .imageURL(let url, let detail):
            w.field("type", "image_url")
            w.key("image_url")
            w.beginObject()
            w.field("url", url)
            w.field("detail", ifPresent: detail)
            w.endObject()
        case .file(let filename, let dataURL):
            w.field("type", "file")
            w.key("file")
            w.beginObject()
            w.field("filename", filename)
            w.field("file_data", dataURL)
            w.endObject()
        }
        w.endObject()
    }

    /// `{role:"assistant", content, reasoning_content?, tool_calls?}`. One pass checks what the
    /// turn holds (and warns), then each field is written straight from the parts.
    static func assistant(_ parts: [NPart], _ path: MessagePath, _ w: inout JSONWriter, _ once: inout OnceWarnings, _ ctx: inout TranslationContext) {
        var texts = 0
        var calls = 0
        var hasReasoning = false
        for j in parts.indices {
            switch parts[j] {
            case .text(let t):
                if t.citations != nil { once.drop("citations", path.child(j).text(".citations"), "citations dropped (no counterpart in OpenAI Chat)", &ctx.diagnostics) }
                if !t.json.isEmpty { texts += 1 }
            case .refusal: texts += 1
            case .thinking, .reasoningItem: hasReasoning = true
            case .redactedThinking:
                once.drop("redacted_thinking", path.child(j).text(), "redacted_thinking dropped (encrypted for Anthropic only)", &ctx.diagnostics)
            case .toolCall: calls += 1
            case .opaque(_, let type, _):
                ctx.diagnostics.dropped(path.child(j).text(), "\(type) block dropped (no counterpart in OpenAI Chat)")
            case .image, .document, .toolResult:
                ctx.diagnostics.dropped(path.child(j).text(), "block dropped (not allowed in an assistant message)")
            }
        }
        let replay = hasReasoning && ctx.config.replayReasoning && ctx.config.upstreamReasoningField != .none
        if hasReasoning && !replay {
            once.drop("thinking", path.text(), "earlier thinking not replayed (upstream.replay_reasoning is off or reasoning_field is none)", &ctx.diagnostics)
        }
        // A turn with nothing left (only dropped blocks) is not sent: an empty assistant message
        // says nothing and some servers reject it.
        guard texts > 0 || calls > 0 || replay else { return }
        w.beginObject()
        w.field("role", "assistant")
        w.key("content")
        if texts == 0 {
            if calls == 0 { w.string("") } else { w.null() }
        } else {
            w.beginString()
            var first = true
            for p in parts {
                switch p {
                case .text(let t) where !t.json.isEmpty:
                    if !first { w.stringPiece("\n\n") }
                    w.stringPiece(t.json)
                case .refusal(let s):
                    if !first { w.stringPiece("\n\n") }
                    w.stringPiece(s)
                default: continue
                }
                first = false
            }
            w.endString()
        }
        if replay {
            w.key(ctx.config.upstreamReasoningField.rawValue)
            w.beginString()
            var first = true
            func piece(_ s: String, _ w: inout JSONWriter) {
                if s.isEmpty { return }
                if !first { w.stringPiece("\n\n") }
                w.stringPiece(s)
                first = false
            }
            for p in parts {
                switch p {
                case .thinking(let t) where !t.json.isEmpty:
                    if !first { w.stringPiece("\n\n") }
                    w.stringPiece(t.json)
                    first = false
                case .reasoningItem(let item):
                    for s in item.summary { piece(s, &w) }
                    for s in item.content { piece(s, &w) }
                default: continue
                }
            }
            w.endString()
        }
        if calls > 0 {
            w.key("tool_calls")
            w.beginArray()
            for p in parts { if case .toolCall(let c) = p { writeToolCall(c, &w, name: ctx.toolNames.openAISafe(c.name)) } }
            w.endArray()
        }
        w.endObject()
    }

    /// `tool_calls` of an assistant message (a request's turn or a response's message), each
    /// name as `name` gives it.
    static func writeToolCalls(_ calls: [NToolCall], _ w: inout JSONWriter, name: (String) -> String) {
        w.key("tool_calls")
        w.beginArray()
        for c in calls { writeToolCall(c, &w, name: name(c.name)) }
        w.endArray()
    }

    /// One `tool_calls` entry.
    static func writeToolCall(_ c: NToolCall, _ w: inout JSONWriter, name: String) {
        w.beginObject()
        w.field("id", c.id)
        w.field("type", "function")
        w.key("function")
        w.beginObject()
        w.field("name", name)
        w.key("arguments")
        w.string(bytes: c.arguments)
        w.endObject()
        w.endObject()
    }

    /// One JSON string from escaped pieces and a separator, copying each piece as it arrived.
    static func writeJoined(_ pieces: [JSONText], _ separator: String, _ w: inout JSONWriter) {
        w.beginString()
        for (i, t) in pieces.enumerated() {
            if i > 0 { w.stringPiece(separator) }
            w.stringPiece(t)
        }
        w.endString()
    }
}
