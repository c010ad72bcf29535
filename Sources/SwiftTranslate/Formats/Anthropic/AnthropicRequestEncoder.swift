/// NRequest → Anthropic Messages request. Turns are shaped in +Turns, blocks written in +Blocks,
/// tools in +Tools, max_tokens/thinking/sampling decided in +Sampling; this file assembles the body.
enum AnthropicRequestEncoder {
    static func encode(_ r: NRequest, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        let turns = try turns(r, &ctx)
        let s = sampling(r, turns, &ctx)

        // A guess from the token estimate, at most 16 MiB: an image counts 1,600 tokens however
        // few bytes it has, so the estimate is no bound on the output (the writer grows anyway).
        var w = JSONWriter(capacity: max(1024, min(ctx.inputTokens.saturatingMultiply(5), 1 << 24)))
        w.beginObject()
        w.field("model", r.model)
        w.field("max_tokens", s.maxTokens)
        writeSystem(&w, r.system)
        w.key("messages")
        w.beginArray()
        for turn in turns {
            w.beginObject()
            w.field("role", turn.role.rawValue)
            w.key("content")
            w.beginArray()
            for item in turn.items { try writeBlock(&w, item, &ctx) }
            w.endArray()
            w.endObject()
        }
        w.endArray()

        try writeToolsAndChoice(&w, r, turns, thinkingOn: s.thinkingOn, &ctx)

        switch s.thinking {
        case nil: break
        case .disabled?: w.field("thinking", raw: Array("{\"type\":\"disabled\"}".utf8))
        case .adaptive?: w.field("thinking", raw: Array("{\"type\":\"adaptive\"}".utf8))
        case .enabled(let budget)?:
            w.key("thinking")
            w.beginObject()
            w.field("type", "enabled")
            w.field("budget_tokens", budget)
            w.endObject()
        }
        writeOutputConfig(&w, effort: s.effort, r.responseFormat, &ctx)
        writeStop(&w, r.stop, &ctx)
        if let t = s.temperature { w.key("temperature"); w.number(text: t) }
        if let p = s.topP { w.key("top_p"); w.number(text: p) }
        if let k = s.topK { w.key("top_k"); w.number(text: k) }
        if let user = r.user, ctx.config.sendUser {
            w.key("metadata")
            w.beginObject()
            w.field("user_id", user)
            w.endObject()
        }
        if let tier = r.serviceTier {
            switch tier {
            case "auto": w.field("service_tier", "auto")
            case "default": w.field("service_tier", "standard_only")
            default: ctx.diagnostics.dropped("service_tier", "\"\(tier)\" has no Anthropic counterpart; dropped")
            }
        }
        if r.stream { w.field("stream", true) }
        w.endObject()
        return w.bytes
    }

    /// A string, or text blocks when any part carries cache_control. Blank parts are left out.
    static func writeSystem(_ w: inout JSONWriter, _ system: [NText]) {
        let parts = system.filter { !$0.json.isBlank }
        if parts.isEmpty { return }
        w.key("system")
        if parts.contains(where: { $0.cacheControl != nil }) {
            w.beginArray()
            for p in parts { writeText(&w, NText(json: p.json, cacheControl: p.cacheControl)) }
            w.endArray()
        } else if parts.count == 1 {
            w.string(parts[0].json)
        } else {
            w.beginString()
            for (i, p) in parts.enumerated() {
                if i > 0 { w.stringPiece("\n\n") }
                w.stringPiece(p.json)
            }
            w.endString()
        }
    }

    /// `output_config`: effort and a JSON-schema format.
    static func writeOutputConfig(_ w: inout JSONWriter, effort: String?, _ format: NResponseFormat?, _ ctx: inout TranslationContext) {
        var schema: [UInt8]? = nil
        switch format {
        case .jsonSchema(_, let description, let s, _)?:
            schema = s
            if description != nil { ctx.diagnostics.dropped("response_format", "the schema description has no Anthropic counterpart; dropped") }
        case .jsonObject?:
            ctx.diagnostics.dropped("response_format", "json_object has no Anthropic counterpart (only json_schema); dropped")
        case .text?, nil: break
        }
        guard effort != nil || schema != nil else { return }
        w.key("output_config")
        w.beginObject()
        if let effort { w.field("effort", effort) }
        if let schema {
            w.key("format")
            w.beginObject()
            w.field("type", "json_schema")
            w.field("schema", raw: schema)
            w.endObject()
        }
        w.endObject()
    }

    /// `stop_sequences`; Anthropic rejects empty or whitespace-only ones.
    static func writeStop(_ w: inout JSONWriter, _ stop: [String], _ ctx: inout TranslationContext) {
        var kept: [String] = []
        for (i, s) in stop.enumerated() {
            if isBlank(s) {
                ctx.diagnostics.dropped("stop[\(i)]", "Anthropic rejects empty or whitespace-only stop sequences; dropped")
            } else {
                kept.append(s)
            }
        }
        guard !kept.isEmpty else { return }
        w.key("stop_sequences")
        w.beginArray()
        for s in kept { w.string(s) }
        w.endArray()
    }
}
