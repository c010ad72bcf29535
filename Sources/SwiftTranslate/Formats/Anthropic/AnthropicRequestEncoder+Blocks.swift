/// Writes one neutral part as an Anthropic content block (turns are already shaped).
extension AnthropicRequestEncoder {
    static let imageTypes: Set<String> = ["image/jpeg", "image/png", "image/gif", "image/webp"]

    static func writeBlock(_ w: inout JSONWriter, _ item: Item, _ ctx: inout TranslationContext) throws(TranslateError) {
        switch item.part {
        case .text(let t): writeText(&w, t)
        case .refusal(let s): writeText(&w, NText(s))
        case .image(let img): try writeImage(&w, img, item.path, &ctx)
        case .document(let doc): try writeDocument(&w, doc, item.path)
        case .thinking(let t):
            w.beginObject()
            w.field("type", "thinking")
            w.field("thinking", t.json)
            w.field("signature", t.signature ?? "")
            w.endObject()
        case .redactedThinking(let data):
            w.beginObject()
            w.field("type", "redacted_thinking")
            w.field("data", data)
            w.endObject()
        case .toolCall(let c):
            w.beginObject()
            w.field("type", "tool_use")
            w.field("id", ToolCallID.anthropicSafe(c.id))
            w.field("name", c.name)
            w.key("input")
            try writeInput(&w, c, item.path)
            w.endObject()
        case .toolResult(let r): try writeToolResult(&w, r, item.path, &ctx)
        case .opaque(_, _, let raw): w.raw(raw)
        case .reasoningItem: break // never admitted
        }
    }

    static func writeText(_ w: inout JSONWriter, _ t: NText) {
        w.beginObject()
        w.field("type", "text")
        w.field("text", t.json)
        if let c = t.cacheControl { w.field("cache_control", raw: c) }
        if let c = t.citations { w.field("citations", raw: c) }
        w.endObject()
    }

    /// Tool arguments must be a JSON object ("" means {}); anything else is an error, never `{}`.
    static func writeInput(_ w: inout JSONWriter, _ c: NToolCall, _ path: @autoclosure () -> String) throws(TranslateError) {
        if c.arguments.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            w.raw("{}".utf8)
            return
        }
        let what = "arguments of tool call \"\(c.id)\" (\(c.name))"
        let doc: JSONDocument
        do { doc = try JSONDocument.parse(c.arguments) } catch {
            throw TranslateError.invalid(path(), "\(what) are not valid JSON: \(error.message)")
        }
        guard doc.root.isObject else {
            throw TranslateError.invalid(path(), "\(what) must be a JSON object, got \(doc.root.kindDescription)")
        }
        w.raw(doc.root.raw)
    }

    static func writeImage(_ w: inout JSONWriter, _ img: NImage, _ path: @autoclosure () -> String, _ ctx: inout TranslationContext) throws(TranslateError) {
        if let d = img.detail, d != "auto" {
            ctx.diagnostics.dropped(path(), "image detail \"\(d)\" has no Anthropic counterpart; dropped")
        }
        w.beginObject()
        w.field("type", "image")
        w.key("source")
        w.beginObject()
        switch img.source {
        case .base64(let given, let data):
            // "image/jpg" is a common misspelling that Anthropic rejects.
            let mediaType = given == "image/jpg" ? "image/jpeg" : given
            guard imageTypes.contains(mediaType) else {
                throw TranslateError.unsupported(path(), "image type \"\(mediaType)\": Anthropic takes image/jpeg, image/png, image/gif and image/webp")
            }
            w.field("type", "base64")
            w.field("media_type", mediaType)
            w.field("data", data)
        case .url(let url):
            w.field("type", "url")
            w.field("url", url)
        case .file(let id):
            w.field("type", "file")
            w.field("file_id", id)
        case .text:
            throw TranslateError.unsupported(path(), "a text source is not an image")
        }
        w.endObject()
        w.endObject()
    }

    /// PDF (base64 or URL), plain text, or a file id. `filename` becomes the title when there is none.
    static func writeDocument(_ w: inout JSONWriter, _ doc: NDocument, _ path: @autoclosure () -> String) throws(TranslateError) {
        w.beginObject()
        w.field("type", "document")
        w.key("source")
        w.beginObject()
        switch doc.source {
        case .base64(let mediaType, let data):
            switch mediaType {
            case "application/pdf":
                w.field("type", "base64")
                w.field("media_type", mediaType)
                w.field("data", data)
            case "text/plain":
                guard let bytes = base64Decode(data) else {
                    throw TranslateError.invalid(path(), "the text/plain document is not valid base64")
                }
                w.field("type", "text")
                w.field("media_type", "text/plain")
                w.field("data", String(decoding: bytes, as: UTF8.self))
            default:
                throw TranslateError.unsupported(path(), "document type \"\(mediaType)\": Anthropic takes application/pdf and text/plain")
            }
        case .url(let url):
            w.field("type", "url")
            w.field("url", url)
        case .text(let text):
            w.field("type", "text")
            w.field("media_type", "text/plain")
            w.field("data", text)
        case .file(let id):
            w.field("type", "file")
            w.field("file_id", id)
        }
        w.endObject()
        if let title = doc.title ?? doc.filename { w.field("title", title) }
        w.endObject()
    }

    /// `tool_result`: content as a string when it is one plain text, else blocks; `is_error` when set.
    static func writeToolResult(_ w: inout JSONWriter, _ r: NToolResult, _ path: @autoclosure () -> String, _ ctx: inout TranslationContext) throws(TranslateError) {
        w.beginObject()
        w.field("type", "tool_result")
        w.field("tool_use_id", ToolCallID.anthropicSafe(r.toolCallId))
        var content: [NPart] = []
        for (k, p) in r.content.enumerated() {
            switch p {
            case .text(let t): if !t.json.isBlank { content.append(p) }
            case .image, .document: content.append(p)
            default: ctx.diagnostics.dropped("\(path()).content[\(k)]", "a tool result holds text, images and documents only; dropped")
            }
        }
        if content.count == 1, case .text(let t) = content[0], t.cacheControl == nil, t.citations == nil {
            w.field("content", t.json)
        } else if !content.isEmpty {
            w.key("content")
            w.beginArray()
            for (k, p) in content.enumerated() { try writeBlock(&w, Item(part: p, path: "\(path()).content[\(k)]"), &ctx) }
            w.endArray()
        }
        if r.isError { w.field("is_error", true) }
        if let c = r.cacheControl { w.field("cache_control", raw: c) }
        w.endObject()
    }
}

extension AnthropicRequestEncoder {
    /// Standard base64 (RFC 4648 §4) decoding; padding and line breaks tolerated.
    static func base64Decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count / 4 * 3)
        var acc: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - 97 + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - 48 + 52)
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="), 0x0A, 0x0D: continue
            default: return nil
            }
            acc = (acc << 6 | v) & 0xFFFFFF
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        return out
    }
}
