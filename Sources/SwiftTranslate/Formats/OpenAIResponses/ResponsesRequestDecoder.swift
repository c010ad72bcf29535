/// Reads a Responses `POST /v1/responses` body into the neutral request (docs/wire-formats.md §3.1).
/// The conversation (`input`) is in ResponsesInputDecoder, tools in ResponsesToolsDecoder.
enum ResponsesRequestDecoder: JSONTypedReads {
    static func decode(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NRequest {
        var r = NRequest()
        var toolsValue: JSONValue? = nil
        var toolChoiceValue: JSONValue? = nil
        var input = ResponsesInputDecoder(policy: ctx.config.builtinTools)
        var inputValue: JSONValue? = nil
        for (key, v) in root.members {
            switch key {
            case "model": r.model = try string(v, key)
            case "instructions":
                if v.isNull { continue }
                let t = try text(v, key)
                if !t.isEmpty { r.system.append(NText(json: t)) }
            case "input": inputValue = v
            case "max_output_tokens": if !v.isNull { r.maxTokens = try count(v, key) }
            case "tools": toolsValue = v
            case "tool_choice": toolChoiceValue = v
            case "parallel_tool_calls": if !v.isNull { r.parallelToolCalls = try bool(v, key) }
            case "reasoning": if !v.isNull { r.reasoning = try reasoning(v) }
            case "text": if !v.isNull { try text(v, &r, &ctx) }
            case "stream": if !v.isNull { r.stream = try bool(v, key) }
            case "temperature": if !v.isNull { r.temperature = try number(v, key) }
            case "top_p": if !v.isNull { r.topP = try number(v, key) }
            case "user": if !v.isNull { r.user = try string(v, key) }
            case "safety_identifier": if !v.isNull, r.user == nil { r.user = try string(v, key) }
            case "service_tier": if !v.isNull { r.serviceTier = try string(v, key) }
            case "store", "stream_options":
                continue // state and obfuscation are the server's business: nothing to carry
            case "include":
                for (i, e) in v.elements.enumerated() where !e.stringEquals("reasoning.encrypted_content") {
                    ctx.diagnostics.dropped("include[\(i)]", "not available through a translated upstream")
                }
            case "previous_response_id", "conversation":
                if v.isNull { continue }
                throw TranslateError.unsupported(key, "server-side conversation state is not supported: send the whole conversation in `input` (with `store: false`)")
            case "background":
                if v.bool == true { throw TranslateError.unsupported(key, "background responses are not supported") }
            case "prompt":
                if v.isNull { continue }
                throw TranslateError.unsupported(key, "stored prompt templates live on OpenAI's servers and cannot be expanded here")
            case "truncation":
                if v.stringEquals("auto") { ctx.diagnostics.dropped(key, "automatic truncation is not available; the upstream rejects an over-long context") }
            case "metadata":
                if v.count > 0 { ctx.diagnostics.dropped(key, "request metadata has no counterpart") }
            default:
                if !v.isNull { ctx.diagnostics.noCounterpart(key) }
            }
        }
        if let v = inputValue { try input.decode(v, &ctx) }
        r.system.append(contentsOf: input.system)
        r.messages = input.messages
        if let v = toolsValue {
            var tools = ResponsesToolsDecoder(policy: ctx.config.builtinTools)
            r.tools = try tools.decodeTools(v, &ctx)
            if let c = toolChoiceValue {
                r.toolChoice = try tools.decodeChoice(c, &r.tools, &ctx)
            }
        } else if let c = toolChoiceValue, !c.isNull {
            var tools = ResponsesToolsDecoder(policy: ctx.config.builtinTools)
            r.toolChoice = try tools.decodeChoice(c, &r.tools, &ctx)
        }
        return r
    }

    /// `reasoning{effort, summary}`: effort none → thinking disabled, minimal → low.
    private static func reasoning(_ v: JSONValue) throws(TranslateError) -> NReasoningConfig? {
        guard v.isObject else { throw TranslateError.invalid("reasoning", "expected an object, got \(v.kindDescription)") }
        var effort: String? = nil
        if let e = v["effort"], !e.isNull { effort = try string(e, "reasoning.effort") }
        var summary: String? = nil
        if let s = v["summary"] ?? v["generate_summary"], !s.isNull { summary = try string(s, "reasoning.summary") }
        if effort == "none" { return NReasoningConfig(mode: .disabled, effort: "none", summary: summary) }
        return NReasoningConfig(mode: .enabled, effort: effort.map(ResponsesReasoning.neutralEffort), summary: summary)
    }

    /// `text{format, verbosity}`; the JSON schema format is flat here.
    private static func text(_ v: JSONValue, _ r: inout NRequest, _ ctx: inout TranslationContext) throws(TranslateError) {
        guard v.isObject else { throw TranslateError.invalid("text", "expected an object, got \(v.kindDescription)") }
        for (key, f) in v.members {
            switch key {
            case "format":
                if f.isNull { continue }
                let type = f["type"]?.string
                switch type {
                case "text": r.responseFormat = .text
                case "json_object": r.responseFormat = .jsonObject
                case "json_schema":
                    guard let schema = f["schema"], schema.isObject else {
                        throw TranslateError.invalid("text.format.schema", "a json_schema format needs a schema object")
                    }
                    r.responseFormat = .jsonSchema(name: f["name"]?.string, description: f["description"]?.string,
                                                   schema: Array(schema.raw), strict: f["strict"]?.bool)
                default:
                    throw TranslateError.invalid("text.format.type", "expected \"text\", \"json_object\" or \"json_schema\"")
                }
            case "verbosity":
                if !f.isNull { ctx.diagnostics.noCounterpart("text.verbosity") }
            default:
                ctx.diagnostics.noCounterpart("text.\(key)")
            }
        }
    }
}
