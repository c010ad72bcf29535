/// NRequest → OpenAI Chat Completions request. Messages are written by ChatMessagesEncoder,
/// tools by ChatToolsEncoder; this file writes the top level and the sampling settings.
enum ChatRequestEncoder {
    static func encode(_ request: NRequest, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        let r = request
        var once = OnceWarnings()
        var w = JSONWriter(capacity: estimatedSize(r))
        w.beginObject()
        w.field("model", r.model)
        w.key("messages")
        w.beginArray()
        ChatMessagesEncoder.system(r.system, &w)
        for (i, m) in r.messages.enumerated() {
            let path = MessagePath(index: m.sourceIndex ?? i)
            switch m.role {
            case .user: ChatMessagesEncoder.user(m.parts, path, &w, &once, &ctx)
            case .assistant: ChatMessagesEncoder.assistant(m.parts, path, &w, &once, &ctx)
            }
        }
        w.endArray()

        ChatToolsEncoder.tools(r, &w, &ctx)
        writeMaxTokens(r, &w, &ctx)
        writeSampling(r, &w, &ctx)
        writeReasoning(r, &w, &ctx)
        writeResponseFormat(r, &w)
        if let user = r.user {
            if ctx.config.sendUser { w.field("user", user) } else { ctx.diagnostics.dropped("metadata.user_id", "dropped (upstream.send_user is false)") }
        }
        writeServiceTier(r, &w, &ctx)
        if r.stream {
            w.field("stream", true)
            if ctx.config.streamUsage {
                w.key("stream_options"); w.beginObject(); w.field("include_usage", true); w.endObject()
            }
        }
        w.endObject()
        return w.bytes
    }

    /// `max_completion_tokens` or `max_tokens` (config); RequestPolicy has applied the cap.
    private static func writeMaxTokens(_ r: NRequest, _ w: inout JSONWriter, _ ctx: inout TranslationContext) {
        guard var n = r.maxTokens else { return }
        if n < 1 {
            ctx.diagnostics.dropped("max_tokens", "\(n) (Anthropic's cache pre-warm) sent as 1: OpenAI needs at least 1")
            n = 1
        }
        w.field(ctx.config.maxTokensField.rawValue, n)
    }

    private static func writeSampling(_ r: NRequest, _ w: inout JSONWriter, _ ctx: inout TranslationContext) {
        if !r.stop.isEmpty {
            if r.stop.count > 4 { ctx.diagnostics.dropped("stop_sequences", "OpenAI accepts at most 4 stop sequences; \(r.stop.count - 4) dropped") }
            w.key("stop")
            w.beginArray()
            for s in r.stop.prefix(4) { w.string(s) }
            w.endArray()
        }
        if let t = r.temperature { w.key("temperature"); w.number(text: t) }
        if let p = r.topP { w.key("top_p"); w.number(text: p) }
        if r.topK != nil { ctx.diagnostics.dropped("top_k", "no counterpart in OpenAI Chat") }
    }

    /// DeepSeek's `thinking` switch (config.thinkingToggle), then `reasoning_effort`, only when the
    /// upstream accepts it (config.reasoningEffort). A budget has become an effort bucket in
    /// RequestPolicy.
    private static func writeReasoning(_ r: NRequest, _ w: inout JSONWriter, _ ctx: inout TranslationContext) {
        guard let reasoning = r.reasoning else { return }
        if ctx.config.thinkingToggle {
            w.key("thinking")
            w.beginObject()
            w.field("type", reasoning.mode == .disabled ? "disabled" : "enabled")
            w.endObject()
        }
        guard reasoning.mode != .disabled else { return }
        guard ctx.config.reasoningEffort else {
            if !ctx.config.thinkingToggle {
                ctx.diagnostics.dropped("thinking", "dropped (upstream.reasoning_effort is false, and so is upstream.thinking_toggle)")
            }
            return
        }
        guard let effort = reasoning.effort else {
            ctx.diagnostics.dropped("thinking", "adaptive thinking without output_config.effort: no reasoning_effort sent")
            return
        }
        w.field("reasoning_effort", effort)
    }

    private static func writeResponseFormat(_ r: NRequest, _ w: inout JSONWriter) {
        guard let format = r.responseFormat else { return }
        w.key("response_format")
        w.beginObject()
        switch format {
        case .text: w.field("type", "text")
        case .jsonObject: w.field("type", "json_object")
        case .jsonSchema(let name, let description, let schema, let strict):
            w.field("type", "json_schema")
            w.key("json_schema")
            w.beginObject()
            w.field("name", name ?? "output")
            w.field("description", ifPresent: description)
            w.field("schema", raw: schema)
            if let strict { w.field("strict", strict) }
            w.endObject()
        }
        w.endObject()
    }

    /// Anthropic auto → auto, standard_only → default; OpenAI tiers pass through.
    private static func writeServiceTier(_ r: NRequest, _ w: inout JSONWriter, _ ctx: inout TranslationContext) {
        guard let tier = r.serviceTier else { return }
        switch tier {
        case "auto", "default", "flex", "scale", "priority": w.field("service_tier", tier)
        case "standard_only": w.field("service_tier", "default")
        default: ctx.diagnostics.dropped("service_tier", "\"\(tier)\" has no counterpart in OpenAI Chat")
        }
    }

    /// A capacity guess so the writer rarely reallocates (schemas and texts dominate). Sums sizes
    /// of strings in memory plus small constants per part: &+= cannot wrap in practice.
    private static func estimatedSize(_ r: NRequest) -> Int {
        var n = 512
        for s in r.system { n &+= s.json.body.count }
        for t in r.tools { n &+= (t.schema?.count ?? 0) &+ (t.descriptionJSON?.body.count ?? 0) &+ 64 }
        for m in r.messages {
            for p in m.parts {
                switch p {
                case .text(let t): n &+= t.json.body.count &+ 16
                case .toolCall(let c): n &+= c.arguments.count &+ 96
                case .toolResult(let tr):
                    for c in tr.content { if case .text(let t) = c { n &+= t.json.body.count &+ 16 } }
                    n &+= 64
                case .image(let img): if case .base64(_, let d) = img.source { n &+= d.utf8.count &+ 64 }
                case .document(let d): if case .base64(_, let s) = d.source { n &+= s.utf8.count &+ 96 }
                default: n &+= 64
                }
            }
        }
        return max(256, min(n + n / 8, 1 << 30))
    }
}
