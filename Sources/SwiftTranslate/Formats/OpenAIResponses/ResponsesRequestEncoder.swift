/// Writes the neutral request as a Responses `POST /v1/responses` body (docs/wire-formats.md §3.1).
/// Always `store: false`, with `include: ["reasoning.encrypted_content"]` when the client wants
/// or replays reasoning (and the upstream takes reasoning parameters): the conversation,
/// reasoning included, travels with every request, and no state is left on the server.
enum ResponsesRequestEncoder {
    /// OpenAI rejects `max_output_tokens` below 16.
    static let minOutputTokens = 16

    static func encode(_ r: NRequest, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        // reserved once (about the input's size: 4 bytes a token) so the buffer does not double
        var w = JSONWriter(capacity: min(max(1024 &+ r.messages.count &* 256, ctx.inputTokens &* 5), 1 << 30))
        w.beginObject()
        w.field("model", r.model)
        // the system texts joined with a blank line, each copied as it arrived
        var first = true
        for t in r.system where !t.json.isEmpty {
            if first { w.key("instructions"); w.beginString(); first = false } else { w.stringPiece("\n\n") }
            w.stringPiece(t.json)
        }
        if !first { w.endString() }
        w.key("input")
        ResponsesInputEncoder.write(&w, r.messages, &ctx)

        let tools = try ResponsesToolsEncoder.write(&w, r.tools, &ctx)
        if tools > 0 {
            if let c = r.toolChoice { ResponsesToolsEncoder.writeChoice(&w, c, &ctx) }
            if let p = r.parallelToolCalls { w.field("parallel_tool_calls", p) }
        } else if r.toolChoice != nil && r.toolChoice != NToolChoice.none {
            ctx.diagnostics.dropped("tool_choice", "no tools to choose from")
        }

        if let reasoning = r.reasoning {
            if ctx.config.responsesReasoning {
                writeReasoning(&w, reasoning)
            } else if reasoning.mode != .disabled {
                ctx.diagnostics.dropped("reasoning", "the upstream takes no reasoning parameters (upstream.responses_reasoning is false)")
            }
        }
        if var max = r.maxTokens { // capped by RequestPolicy
            if max < minOutputTokens {
                ctx.diagnostics.dropped("max_tokens", "raised from \(max) to \(minOutputTokens), the Responses minimum")
                max = minOutputTokens
            }
            w.field("max_output_tokens", max)
        }
        if let f = r.responseFormat { writeFormat(&w, f) }
        if let t = r.temperature { w.key("temperature"); w.number(text: t) }
        if let p = r.topP { w.key("top_p"); w.number(text: p) }
        if r.topK != nil { ctx.diagnostics.dropped("top_k", "no counterpart in the Responses API") }
        if !r.stop.isEmpty { ctx.diagnostics.dropped("stop", "the Responses API has no stop sequences") }
        if let u = r.user, ctx.config.sendUser { w.field("user", u) }
        if let tier = r.serviceTier {
            switch tier {
            case "auto", "default", "flex", "scale", "priority", "fast": w.field("service_tier", tier)
            case "standard_only": w.field("service_tier", "default")
            default: ctx.diagnostics.dropped("service_tier", "\"\(tier)\" has no Responses counterpart")
            }
        }
        if r.stream { w.field("stream", true) }
        w.field("store", false)
        if ctx.config.responsesReasoning && carriesReasoning(r) {
            w.key("include")
            w.beginArray(); w.string("reasoning.encrypted_content"); w.endArray()
        }
        w.endObject()
        return w.bytes
    }

    /// Whether the client wants reasoning (thinking enabled, an effort) or replays some: then
    /// the upstream's reasoning items must come back whole. A client that asked for none gets
    /// none (an Anthropic client without thinking must not receive thinking blocks).
    static func carriesReasoning(_ r: NRequest) -> Bool {
        if let c = r.reasoning, c.mode != .disabled { return true }
        for m in r.messages where m.role == .assistant {
            for p in m.parts {
                switch p {
                case .reasoningItem: return true
                case .thinking(let t):
                    if case .responses = ThinkingSignature.origin(t.signature) { return true }
                default: continue
                }
            }
        }
        return false
    }

    /// `reasoning{effort, summary}`. Thinking disabled sends nothing (the model's default),
    /// unless the client asked for effort `none` itself. A budget has become an effort bucket in
    /// RequestPolicy; the summary defaults to `auto` so reasoning text reaches the client.
    static func writeReasoning(_ w: inout JSONWriter, _ r: NReasoningConfig) {
        let effort = r.effort
        if r.mode == .disabled, effort != "none" { return }
        w.key("reasoning")
        w.beginObject()
        if let e = effort { w.field("effort", e) }
        if r.mode != .disabled { w.field("summary", r.summary ?? "auto") }
        w.endObject()
    }

    /// `text.format`: the JSON schema is flat here.
    static func writeFormat(_ w: inout JSONWriter, _ f: NResponseFormat) {
        w.key("text")
        w.beginObject()
        w.key("format")
        w.beginObject()
        switch f {
        case .text: w.field("type", "text")
        case .jsonObject: w.field("type", "json_object")
        case .jsonSchema(let name, let description, let schema, let strict):
            w.field("type", "json_schema")
            w.field("name", name ?? "response")
            if let d = description { w.field("description", d) }
            w.field("schema", raw: schema)
            if let s = strict { w.field("strict", s) }
        }
        w.endObject()
        w.endObject()
    }
}
