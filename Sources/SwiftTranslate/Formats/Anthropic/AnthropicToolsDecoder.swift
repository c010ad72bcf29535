/// Anthropic `tools`, `tool_choice`, `thinking` and `output_config` → NRequest fields.
enum AnthropicToolsDecoder {
    /// Tool members with no neutral slot: dropped with one warning per kind.
    private static let droppedToolKeys = ["defer_loading", "input_examples", "eager_input_streaming", "allowed_callers"]

    static func tools(_ v: JSONValue, _ state: inout AnthropicDecodeState, _ ctx: inout TranslationContext) throws(TranslateError) -> [NTool] {
        try FieldReads.array(v, "tools")
        var out: [NTool] = []
        out.reserveCapacity(v.count)
        var i = 0
        for t in v.elements {
            let path = "tools[\(i)]"
            i += 1
            try FieldReads.object(t, path)
            let type = try FieldReads.optionalString(t, "type", path)
            if let type, type != "custom" {
                // A server tool (web_search_20250305, bash_20250124, ...): kept raw.
                var tool = NTool(name: try FieldReads.optionalString(t, "name", path) ?? type, description: nil, schema: nil)
                tool.builtin = NBuiltinTool(format: .anthropic, type: type, raw: Array(t.raw))
                out.append(tool)
                continue
            }
            let name = try FieldReads.string(t, "name", path)
            let description = try FieldReads.optionalText(t, "description", path)
            let schema = try FieldReads.optionalRawObject(t, "input_schema", path)
            var tool = NTool(name: name, descriptionJSON: description, schema: schema,
                             strict: try FieldReads.optionalBool(t, "strict", path))
            tool.cacheControl = try FieldReads.optionalRawObject(t, "cache_control", path)
            for key in droppedToolKeys {
                if let k = t[key], !k.isNull, k.bool != false {
                    state.once.drop("tool." + key, "\(path).\(key)", "dropped (no counterpart in the target format)", &ctx.diagnostics)
                }
            }
            out.append(tool)
        }
        return out
    }

    /// The choice, and `parallelToolCalls` (false when `disable_parallel_tool_use` is true).
    static func toolChoice(_ v: JSONValue) throws(TranslateError) -> (NToolChoice, Bool?) {
        let path = "tool_choice"
        try FieldReads.object(v, path)
        let type = try FieldReads.string(v, "type", path)
        let disable = try FieldReads.optionalBool(v, "disable_parallel_tool_use", path)
        let parallel: Bool? = disable == true ? false : nil
        switch type {
        case "auto": return (.auto, parallel)
        case "any": return (.any, parallel)
        case "none": return (.none, nil)
        case "tool": return (.tool(try FieldReads.string(v, "name", path)), parallel)
        default: throw TranslateError.invalid("tool_choice.type", "expected auto, any, tool or none, got \"\(type)\"")
        }
    }

    static func thinking(_ v: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NReasoningConfig? {
        let path = "thinking"
        try FieldReads.object(v, path)
        let type = try FieldReads.string(v, "type", path)
        if let display = v["display"], !display.isNull {
            ctx.diagnostics.dropped("thinking.display", "no counterpart in the target format (reasoning text is returned as the upstream sends it)")
        }
        switch type {
        case "enabled":
            guard let budget = try FieldReads.optionalCount(v, "budget_tokens", path) else {
                throw TranslateError.invalid(path, "missing \"budget_tokens\"")
            }
            return NReasoningConfig(mode: .enabled, budgetTokens: budget)
        case "adaptive": return NReasoningConfig(mode: .adaptive)
        case "disabled": return NReasoningConfig(mode: .disabled)
        default:
            ctx.diagnostics.dropped("thinking.type", "thinking type \"\(type)\" has no counterpart; dropped")
            return nil
        }
    }

    /// `output_config`: `effort` (into the reasoning config) and `format` (json_schema).
    static func outputConfig(_ v: JSONValue, _ r: inout NRequest, _ ctx: inout TranslationContext) throws(TranslateError) {
        let path = "output_config"
        try FieldReads.object(v, path)
        for (key, value) in v.members {
            switch key {
            case "effort":
                guard let effort = try FieldReads.optionalString(v, key, path) else { continue }
                if r.reasoning == nil { r.reasoning = NReasoningConfig(mode: .adaptive) }
                r.reasoning?.effort = effort
            case "format":
                if value.isNull { continue }
                let fpath = "\(path).format"
                try FieldReads.object(value, fpath)
                let type = try FieldReads.string(value, "type", fpath)
                guard type == "json_schema" else { throw TranslateError.invalid("\(fpath).type", "expected \"json_schema\", got \"\(type)\"") }
                guard let schema = try FieldReads.optionalRawObject(value, "schema", fpath) else {
                    throw TranslateError.invalid(fpath, "missing \"schema\"")
                }
                r.responseFormat = .jsonSchema(name: nil, description: nil, schema: schema, strict: nil)
            default:
                ctx.diagnostics.noCounterpart("\(path).\(key)")
            }
        }
    }
}
