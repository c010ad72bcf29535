/// Chat Completions request → NRequest. Top-level fields here; messages, parts and tools in the
/// ChatRequestDecoder+*.swift files. Wrong types throw `.invalid` with the JSON path; fields with no
/// neutral form are dropped with a warning; `n > 1` and audio input are `.unsupported`.
enum ChatRequestDecoder {
    /// Fields with no counterpart: dropped, with a warning unless they hold a default (see `isDefault`).
    static let droppedFields: Set<String> = [
        "seed", "logit_bias", "frequency_penalty", "presence_penalty", "logprobs", "top_logprobs",
        "metadata", "store", "modalities", "audio", "prediction", "verbosity",
        "prompt_cache_key", "prompt_cache_retention", "prompt_cache_options", "moderation",
    ]

    static func decode(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NRequest {
        var r = NRequest()
        var messages: JSONValue? = nil
        var maxCompletion: Int? = nil
        var maxTokens: Int? = nil
        var tools: JSONValue? = nil
        var toolChoice: JSONValue? = nil
        var functions: JSONValue? = nil
        var functionCall: JSONValue? = nil
        var user: String? = nil
        var safetyIdentifier: String? = nil
        var webSearch: NTool? = nil
        var effort: NReasoningConfig? = nil
        var vendorReasoning: NReasoningConfig? = nil

        for (key, value) in root.members {
            guard let v = present(value) else { continue }
            switch key {
            case "model": r.model = try string(v, key)
            case "messages": messages = v
            case "max_completion_tokens": maxCompletion = try count(v, key)
            case "max_tokens": maxTokens = try count(v, key)
            case "temperature": r.temperature = try number(v, key)
            case "top_p": r.topP = try number(v, key)
            case "top_k": r.topK = try number(v, key)
            case "n":
                let n = try count(v, key)
                if n > 1 { throw TranslateError.unsupported(key, "n=\(n): the upstream returns one choice per request") }
            case "stop": r.stop = try stop(v)
            case "stream": r.stream = try bool(v, key)
            case "stream_options":
                try object(v, key)
                if let u = present(v["include_usage"]) { r.includeUsage = try bool(u, "stream_options.include_usage") }
            case "tools": tools = v
            case "tool_choice": toolChoice = v
            case "functions": functions = v
            case "function_call": functionCall = v
            case "parallel_tool_calls": r.parallelToolCalls = try bool(v, key)
            case "response_format": r.responseFormat = try responseFormat(v, &ctx)
            case "reasoning_effort": effort = try reasoningEffort(v)
            case "reasoning": vendorReasoning = try openRouterReasoning(v, &ctx)
            case "thinking": vendorReasoning = try thinking(v)
            case "user": user = try string(v, key)
            case "safety_identifier": safetyIdentifier = try string(v, key)
            case "service_tier": r.serviceTier = try string(v, key)
            case "web_search_options": webSearch = try webSearchTool(v)
            case "modalities" where v.count == 1 && v.elements.allSatisfy({ $0.stringEquals("text") }): break
            default:
                if droppedFields.contains(key) {
                    if !isDefault(v) { ctx.diagnostics.dropped(key, "no counterpart upstream; dropped") }
                } else {
                    ctx.diagnostics.dropped(key, "unknown field; dropped")
                }
            }
        }

        guard let messages else { throw TranslateError.invalid("messages", "required") }
        r.maxTokens = maxCompletion ?? maxTokens
        r.user = safetyIdentifier ?? user
        r.reasoning = effort ?? vendorReasoning
        try decodeMessages(messages, into: &r, &ctx)
        if let functions { r.tools = try decodeFunctions(functions, "functions") }
        if let tools { r.tools += try decodeTools(tools, &ctx) }
        if let functionCall {
            r.toolChoice = try decodeFunctionCall(functionCall)
            if case .tool(let name)? = r.toolChoice, !r.tools.contains(where: { $0.name == name }) {
                throw TranslateError.invalid("function_call.name", "names \"\(name)\", which is not in functions")
            }
        }
        try checkUniqueNames(r.tools)
        if let webSearch { r.tools.append(webSearch) }
        if let toolChoice { try decodeToolChoice(toolChoice, into: &r) }
        return r
    }

    /// false, 0, "", {} and []: asking for nothing, so dropping them loses nothing.
    static func isDefault(_ v: JSONValue) -> Bool {
        switch v.kind {
        case .false: return true
        case .number: return v.double == 0
        case .string: return v.rawStringLength == 0
        case .object, .array: return v.count == 0
        default: return false
        }
    }

    /// Tool names must be unique (`functions` entries come first, then `tools`).
    static func checkUniqueNames(_ tools: [NTool]) throws(TranslateError) {
        var seen: Set<String> = []
        for t in tools where !seen.insert(t.name).inserted {
            throw TranslateError.invalid("tools", "tool name \"\(t.name)\" is defined twice")
        }
    }

    /// `web_search_options` asks for the vendor's web search: kept as a Chat built-in for the
    /// encoder to map (Anthropic: the web_search server tool).
    static func webSearchTool(_ v: JSONValue) throws(TranslateError) -> NTool {
        try object(v, "web_search_options")
        var tool = NTool(name: "web_search", description: nil, schema: nil)
        tool.builtin = NBuiltinTool(format: .openaiChat, type: "web_search_options", raw: Array(v.raw))
        return tool
    }

    /// `stop`: a string or an array of strings.
    static func stop(_ v: JSONValue) throws(TranslateError) -> [String] {
        if let s = v.string { return [s] }
        guard v.isArray else { throw TranslateError.invalid("stop", "expected a string or an array of strings, got \(v.kindDescription)") }
        var out: [String] = []
        var i = 0
        for e in v.elements {
            out.append(try string(e, "stop[\(i)]"))
            i += 1
        }
        return out
    }

    /// `response_format`: text, json_object, or json_schema{name, description?, schema?, strict?}.
    static func responseFormat(_ v: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NResponseFormat {
        func path() -> String { "response_format" }
        try object(v, path())
        guard let typeValue = v["type"] else { throw TranslateError.invalid("\(path()).type", "required") }
        switch try string(typeValue, "\(path()).type") {
        case "text": return .text
        case "json_object": return .jsonObject
        case "json_schema":
            guard let js = v["json_schema"] else { throw TranslateError.invalid("\(path()).json_schema", "required") }
            try object(js, "\(path()).json_schema")
            func p() -> String { "\(path()).json_schema" }
            let name = try optString(js, "name", p())
            let description = try optString(js, "description", p())
            let strict = try optBool(js, "strict", p())
            var schema: [UInt8] = Array("{\"type\":\"object\"}".utf8)
            if let s = present(js["schema"]) {
                try object(s, "\(path()).json_schema.schema")
                schema = Array(s.raw)
            }
            return .jsonSchema(name: name, description: description, schema: schema, strict: strict)
        case let other:
            throw TranslateError.unsupported("\(path()).type", "unknown response format \"\(other)\"")
        }
    }
}
