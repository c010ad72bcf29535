/// Anthropic request content blocks → NPart. Unknown block types are errors (a new block type
/// must not vanish); server-tool blocks are kept raw as `.opaque`.
enum AnthropicContentDecoder {
    /// Blocks the neutral model cannot represent; same-format targets get them back byte for byte.
    static let opaqueTypes: Set<String> = [
        "server_tool_use", "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result",
        "bash_code_execution_tool_result", "text_editor_code_execution_tool_result", "tool_search_tool_result",
        "container_upload", "mcp_tool_use", "mcp_tool_result", "search_result", "tool_reference",
    ]

    /// A message's `content`: a string (one text block) or a list of blocks.
    static func content(_ v: JSONValue, _ path: @autoclosure () -> String, _ role: NRole, _ state: inout AnthropicDecodeState,
                        _ ctx: inout TranslationContext) throws(TranslateError) -> [NPart] {
        if let t = JSONText(v) { return [.text(NText(json: t))] }
        try FieldReads.array(v, path())
        var parts: [NPart] = []
        parts.reserveCapacity(v.count)
        var i = 0
        for block in v.elements {
            try self.block(block, "\(path())[\(i)]", role, &parts, &state, &ctx)
            i += 1
        }
        return parts
    }

    private static func block(_ b: JSONValue, _ path: @autoclosure () -> String, _ role: NRole, _ parts: inout [NPart],
                              _ state: inout AnthropicDecodeState, _ ctx: inout TranslationContext) throws(TranslateError) {
        try FieldReads.object(b, path())
        let type = try FieldReads.string(b, "type", path())
        switch type {
        case "text":
            parts.append(.text(try text(b, path())))
        case "image":
            parts.append(.image(try image(b, path(), &state, &ctx)))
        case "document":
            try document(b, path(), &parts, &state, &ctx)
        case "tool_use":
            guard role == .assistant else { throw TranslateError.invalid(path(), "a tool_use block belongs in an assistant message") }
            let id = try FieldReads.string(b, "id", path())
            let name = try FieldReads.string(b, "name", path())
            guard let input = b["input"] else { throw TranslateError.invalid(path(), "missing \"input\"") }
            guard input.isObject else { throw TranslateError.invalid("\(path()).input", "expected an object, got \(input.kindDescription)") }
            noSlot(b, path(), "cache_control", &state, &ctx)
            state.toolUseIds.insert(id)
            parts.append(.toolCall(NToolCall(id: id, name: name, arguments: Array(input.raw))))
        case "tool_result":
            guard role == .user else { throw TranslateError.invalid(path(), "a tool_result block belongs in a user message") }
            parts.append(.toolResult(try toolResult(b, path(), &state, &ctx)))
        case "thinking":
            guard role == .assistant else { throw TranslateError.invalid(path(), "a thinking block belongs in an assistant message") }
            let text = try FieldReads.text(b, "thinking", path())
            let signature = try FieldReads.optionalString(b, "signature", path())
            parts.append(.thinking(NThinking(json: text, signature: signature)))
        case "redacted_thinking":
            guard role == .assistant else { throw TranslateError.invalid(path(), "a redacted_thinking block belongs in an assistant message") }
            parts.append(.redactedThinking(try FieldReads.string(b, "data", path())))
        default:
            guard opaqueTypes.contains(type) else {
                throw TranslateError.invalid("\(path()).type", "unknown content block type \"\(type)\"")
            }
            parts.append(.opaque(format: .anthropic, type: type, raw: Array(b.raw)))
        }
    }

    static func text(_ b: JSONValue, _ path: @autoclosure () -> String) throws(TranslateError) -> NText {
        let text = try FieldReads.text(b, "text", path())
        let cache = try FieldReads.optionalRawObject(b, "cache_control", path())
        var citations: [UInt8]? = nil
        if let c = b["citations"], !c.isNull {
            guard c.isArray else { throw TranslateError.invalid("\(path()).citations", "expected an array, got \(c.kindDescription)") }
            if c.count > 0 { citations = Array(c.raw) }
        }
        return NText(json: text, cacheControl: cache, citations: citations)
    }

    static func image(_ b: JSONValue, _ path: @autoclosure () -> String, _ state: inout AnthropicDecodeState,
                      _ ctx: inout TranslationContext) throws(TranslateError) -> NImage {
        guard let src = b["source"] else { throw TranslateError.invalid(path(), "missing \"source\"") }
        let source = try mediaSource(src, "\(path()).source", allowText: false)
        noSlot(b, path(), "cache_control", &state, &ctx)
        noSlot(b, path(), "transformations", &state, &ctx)
        return NImage(source: source)
    }

    /// A document: base64 (PDF), url, text, content (text and images) or file source.
    private static func document(_ b: JSONValue, _ path: @autoclosure () -> String, _ parts: inout [NPart],
                                 _ state: inout AnthropicDecodeState, _ ctx: inout TranslationContext) throws(TranslateError) {
        guard let src = b["source"] else { throw TranslateError.invalid(path(), "missing \"source\"") }
        let srcPath = "\(path()).source"
        try FieldReads.object(src, srcPath)
        let title = try FieldReads.optionalString(b, "title", path())
        noSlot(b, path(), "cache_control", &state, &ctx)
        noSlot(b, path(), "context", &state, &ctx)
        noSlot(b, path(), "citations", &state, &ctx)
        guard src["type"]?.stringEquals("content") == true else {
            parts.append(.document(NDocument(source: try mediaSource(src, srcPath, allowText: true), title: title)))
            return
        }
        // `content` source: a string or text/image blocks. The text becomes a text document; the
        // images follow it as image parts.
        guard let content = src["content"] else { throw TranslateError.invalid(srcPath, "missing \"content\"") }
        if let s = content.string {
            parts.append(.document(NDocument(source: .text(s), title: title)))
            return
        }
        try FieldReads.array(content, "\(srcPath).content")
        var texts: [String] = []
        var images: [NPart] = []
        var i = 0
        for block in content.elements {
            let p = "\(srcPath).content[\(i)]"
            i += 1
            try FieldReads.object(block, p)
            let type = try FieldReads.string(block, "type", p)
            switch type {
            case "text": texts.append(try FieldReads.string(block, "text", p))
            case "image": images.append(.image(try image(block, p, &state, &ctx)))
            default: throw TranslateError.invalid("\(p).type", "expected \"text\" or \"image\" in document content, got \"\(type)\"")
            }
        }
        if !texts.isEmpty { parts.append(.document(NDocument(source: .text(texts.joined(separator: "\n\n")), title: title))) }
        parts.append(contentsOf: images)
    }

    /// `source` of an image or document.
    static func mediaSource(_ src: JSONValue, _ path: @autoclosure () -> String, allowText: Bool) throws(TranslateError) -> NMediaSource {
        try FieldReads.object(src, path())
        let type = try FieldReads.string(src, "type", path())
        switch type {
        case "base64":
            return .base64(mediaType: try FieldReads.string(src, "media_type", path()),
                           data: try FieldReads.string(src, "data", path()))
        case "url": return .url(try FieldReads.string(src, "url", path()))
        case "file": return .file(try FieldReads.string(src, "file_id", path()))
        case "text" where allowText: return .text(try FieldReads.string(src, "data", path()))
        default: throw TranslateError.invalid("\(path()).type", "unknown source type \"\(type)\"")
        }
    }

    private static func toolResult(_ b: JSONValue, _ path: @autoclosure () -> String, _ state: inout AnthropicDecodeState,
                                   _ ctx: inout TranslationContext) throws(TranslateError) -> NToolResult {
        let id = try FieldReads.string(b, "tool_use_id", path())
        guard state.toolUseIds.contains(id) else {
            throw TranslateError.invalid("\(path()).tool_use_id", "no earlier assistant tool_use has the id \"\(id)\"")
        }
        let isError = try FieldReads.optionalBool(b, "is_error", path()) ?? false
        let cache = try FieldReads.optionalRawObject(b, "cache_control", path())
        var content: [NPart] = []
        if let c = b["content"], !c.isNull {
            if let t = JSONText(c) {
                content = [.text(NText(json: t))]
            } else {
                try FieldReads.array(c, "\(path()).content")
                var i = 0
                for block in c.elements {
                    let k = i
                    i += 1
                    func p() -> String { "\(path()).content[\(k)]" }
                    try FieldReads.object(block, p())
                    let type = try FieldReads.string(block, "type", p())
                    switch type {
                    case "text": content.append(.text(try text(block, p())))
                    case "image": content.append(.image(try image(block, p(), &state, &ctx)))
                    case "document": try document(block, p(), &content, &state, &ctx)
                    case "search_result", "tool_reference":
                        content.append(.opaque(format: .anthropic, type: type, raw: Array(block.raw)))
                    default: throw TranslateError.invalid("\(p()).type", "unknown tool_result content type \"\(type)\"")
                    }
                }
            }
        }
        return NToolResult(toolCallId: id, content: content, isError: isError, cacheControl: cache)
    }

    /// A member the neutral model has no slot for on this block: one warning per key name.
    private static func noSlot(_ b: JSONValue, _ path: @autoclosure () -> String, _ key: String, _ state: inout AnthropicDecodeState,
                               _ ctx: inout TranslationContext) {
        guard let v = b[key], !v.isNull else { return }
        state.once.drop("block." + key, "\(path()).\(key)", "dropped (no counterpart in the target format)", &ctx.diagnostics)
    }
}
