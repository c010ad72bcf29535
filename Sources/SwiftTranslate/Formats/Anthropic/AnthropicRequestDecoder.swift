/// Anthropic Messages request → NRequest. Content blocks are in AnthropicContentDecoder,
/// tools and reasoning settings in AnthropicToolsDecoder.
enum AnthropicRequestDecoder {
    static func decode(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NRequest {
        try FieldReads.object(root, "")
        var r = NRequest()
        var state = AnthropicDecodeState()
        var sawMessages = false
        var topSystem: [NText] = []
        for (key, value) in root.members {
            switch key {
            case "model":
                guard let s = value.string else { throw TranslateError.invalid("model", "expected a string, got \(value.kindDescription)") }
                r.model = s
            case "max_tokens":
                if !value.isNull {
                    r.maxTokens = try FieldReads.count(value, "max_tokens")
                }
            case "messages":
                sawMessages = true
                try decodeMessages(value, &r, &state, &ctx)
            case "system":
                topSystem = try decodeSystem(value, "system")
            case "stop_sequences":
                if value.isNull { break }
                try FieldReads.array(value, "stop_sequences")
                var i = 0
                for s in value.elements {
                    guard let text = s.string else { throw TranslateError.invalid("stop_sequences[\(i)]", "expected a string, got \(s.kindDescription)") }
                    r.stop.append(text)
                    i += 1
                }
            case "stream":
                if value.isNull { break }
                guard let b = value.bool else { throw TranslateError.invalid("stream", "expected true or false, got \(value.kindDescription)") }
                r.stream = b
            case "metadata":
                if value.isNull { break }
                try FieldReads.object(value, "metadata")
                for (k, v) in value.members {
                    if k == "user_id" {
                        if v.isNull { continue }
                        guard let s = v.string else { throw TranslateError.invalid("metadata.user_id", "expected a string, got \(v.kindDescription)") }
                        r.user = s
                    } else {
                        ctx.diagnostics.noCounterpart("metadata.\(k)")
                    }
                }
            case "temperature": r.temperature = try FieldReads.optionalNumberText(root, key, "")
            case "top_p": r.topP = try FieldReads.optionalNumberText(root, key, "")
            case "top_k": r.topK = try FieldReads.optionalNumberText(root, key, "")
            case "tools":
                if value.isNull { break }
                r.tools = try AnthropicToolsDecoder.tools(value, &state, &ctx)
            case "tool_choice":
                if value.isNull { break }
                let (choice, parallel) = try AnthropicToolsDecoder.toolChoice(value)
                r.toolChoice = choice
                if let parallel { r.parallelToolCalls = parallel }
            case "thinking":
                if value.isNull { break }
                if let t = try AnthropicToolsDecoder.thinking(value, &ctx) {
                    // output_config.effort may have been read first
                    if let effort = r.reasoning?.effort { var t = t; t.effort = effort; r.reasoning = t } else { r.reasoning = t }
                }
            case "output_config":
                if value.isNull { break }
                try AnthropicToolsDecoder.outputConfig(value, &r, &ctx)
            case "service_tier":
                r.serviceTier = try FieldReads.optionalString(root, key, "")
            default:
                // context_management, container, speed, inference_geo, diagnostics, mcp_servers,
                // cache_control, ...: one warning per key.
                ctx.diagnostics.noCounterpart(key)
            }
        }
        guard sawMessages else { throw TranslateError.invalid("", "missing \"messages\"") }
        // The top-level system prompt comes first, whatever the key order; then the hoisted
        // role:system messages (already in r.system) in order of appearance.
        if !topSystem.isEmpty { r.system.insert(contentsOf: topSystem, at: 0) }
        return r
    }

    /// `system`: a string or a list of text blocks.
    static func decodeSystem(_ v: JSONValue, _ path: @autoclosure () -> String) throws(TranslateError) -> [NText] {
        if v.isNull { return [] }
        if let t = JSONText(v) { return [NText(json: t)] }
        try FieldReads.array(v, path())
        var out: [NText] = []
        out.reserveCapacity(v.count)
        var i = 0
        for block in v.elements {
            let k = i
            func p() -> String { "\(path())[\(k)]" }
            try FieldReads.object(block, p())
            let type = try FieldReads.string(block, "type", p())
            guard type == "text" else { throw TranslateError.invalid("\(p()).type", "expected \"text\" in a system prompt, got \"\(type)\"") }
            out.append(try AnthropicContentDecoder.text(block, p()))
            i += 1
        }
        return out
    }

    private static func decodeMessages(_ v: JSONValue, _ r: inout NRequest, _ state: inout AnthropicDecodeState,
                                       _ ctx: inout TranslationContext) throws(TranslateError) {
        try FieldReads.array(v, "messages")
        r.messages.reserveCapacity(v.count)
        var i = 0
        for m in v.elements {
            let k = i
            i += 1
            func path() -> String { "messages[\(k)]" }
            try FieldReads.object(m, path())
            let role = try FieldReads.string(m, "role", path())
            guard let content = m["content"] else { throw TranslateError.invalid(path(), "missing \"content\"") }
            switch role {
            case "system":
                // Claude Code sends one; Anthropic's top-level system is the only place for it.
                r.system.append(contentsOf: try decodeSystem(content, "\(path()).content"))
            case "user", "assistant":
                let nrole: NRole = role == "user" ? .user : .assistant
                let parts = try AnthropicContentDecoder.content(content, "\(path()).content", nrole, &state, &ctx)
                var message = NMessage(role: nrole, parts: parts)
                message.sourceIndex = i - 1
                r.messages.append(message)
            default:
                throw TranslateError.invalid("\(path()).role", "expected \"user\", \"assistant\" or \"system\", got \"\(role)\"")
            }
        }
    }
}
