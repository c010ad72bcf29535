/// Chat `tools`, `tool_choice` and the deprecated `functions` / `function_call`.
extension ChatRequestDecoder {
    static func decodeTools(_ v: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> [NTool] {
        try array(v, "tools")
        var tools: [NTool] = []
        tools.reserveCapacity(v.count)
        var i = 0
        for t in v.elements {
            let i_p = i
            func p() -> String { "tools[\(i_p)]" }
            try object(t, p())
            let type = try optString(t, "type", p()) ?? "function"
            switch type {
            case "function":
                guard let fn = t["function"] else { throw TranslateError.invalid("\(p()).function", "required") }
                var tool = try function(fn, "\(p()).function")
                // LiteLLM-style prompt caching marks a tool with cache_control (on the tool or its function).
                tool.cacheControl = cacheControl(t) ?? cacheControl(fn)
                tools.append(tool)
            case "custom":
                throw TranslateError.unsupported(p(), "custom (free-form or grammar) tools have no counterpart upstream")
            default:
                throw TranslateError.unsupported("\(p()).type", "unknown tool type \"\(type)\"")
            }
            i += 1
        }
        return tools
    }

    /// `{name, description?, parameters?, strict?}` (a Chat function or a deprecated `functions[]` entry).
    static func function(_ fn: JSONValue, _ p: @autoclosure () -> String) throws(TranslateError) -> NTool {
        try object(fn, p())
        let name = try reqString(fn, "name", p())
        let description = try optText(fn, "description", p())
        var schema: [UInt8]? = nil
        if let params = present(fn["parameters"]) {
            try object(params, "\(p()).parameters")
            schema = Array(params.raw)
        }
        return NTool(name: name, descriptionJSON: description, schema: schema, strict: try optBool(fn, "strict", p()))
    }

    static func decodeFunctions(_ v: JSONValue, _ path: @autoclosure () -> String) throws(TranslateError) -> [NTool] {
        try array(v, path())
        var tools: [NTool] = []
        var i = 0
        for f in v.elements {
            tools.append(try function(f, "\(path())[\(i)]"))
            i += 1
        }
        return tools
    }

    /// Deprecated `function_call`: "auto" | "none" | {name}.
    static func decodeFunctionCall(_ v: JSONValue) throws(TranslateError) -> NToolChoice {
        switch v.string {
        case "auto": return .auto
        case "none": return .none
        case nil:
            try object(v, "function_call")
            return .tool(try reqString(v, "name", "function_call"))
        case let other?:
            throw TranslateError.invalid("function_call", "expected \"auto\", \"none\" or {name}, got \"\(other)\"")
        }
    }

    /// `tool_choice`; `allowed_tools` filters `r.tools` to the allowed ones.
    static func decodeToolChoice(_ v: JSONValue, into r: inout NRequest) throws(TranslateError) {
        func path() -> String { "tool_choice" }
        if let s = v.string {
            switch s {
            case "auto": r.toolChoice = .auto
            case "none": r.toolChoice = NToolChoice.none
            case "required": r.toolChoice = .any
            default: throw TranslateError.invalid(path(), "expected auto, none or required, got \"\(s)\"")
            }
            return
        }
        try object(v, path())
        let type = try reqString(v, "type", path())
        switch type {
        case "function":
            let name: String
            if let fn = v["function"] {
                try object(fn, "\(path()).function")
                name = try reqString(fn, "name", "\(path()).function")
            } else {
                name = try reqString(v, "name", path())
            }
            guard r.tools.contains(where: { $0.name == name }) else {
                throw TranslateError.invalid("\(path()).function.name", "names \"\(name)\", which is not in tools")
            }
            r.toolChoice = .tool(name)
        case "allowed_tools":
            let spec = v["allowed_tools"] ?? v
            func p() -> String { v["allowed_tools"] == nil ? path() : "\(path()).allowed_tools" }
            try object(spec, p())
            let mode = try optString(spec, "mode", p()) ?? "auto"
            switch mode {
            case "auto": r.toolChoice = .auto
            case "required": r.toolChoice = .any
            default: throw TranslateError.invalid("\(p()).mode", "expected auto or required, got \"\(mode)\"")
            }
            guard let list = spec["tools"] else { throw TranslateError.invalid("\(p()).tools", "required") }
            try array(list, "\(p()).tools")
            var allowed: Set<String> = []
            var i = 0
            for t in list.elements {
                let tp = "\(p()).tools[\(i)]"
                try object(t, tp)
                let name: String
                if let fn = t["function"] {
                    try object(fn, "\(tp).function")
                    name = try reqString(fn, "name", "\(tp).function")
                } else {
                    name = try reqString(t, "name", tp)
                }
                guard r.tools.contains(where: { $0.name == name }) else {
                    throw TranslateError.invalid(tp, "names \"\(name)\", which is not in tools")
                }
                allowed.insert(name)
                i += 1
            }
            r.tools.removeAll { !allowed.contains($0.name) }
        case "custom":
            throw TranslateError.unsupported(path(), "custom tools have no counterpart upstream")
        default:
            throw TranslateError.invalid("\(path()).type", "unknown tool_choice type \"\(type)\"")
        }
    }
}
