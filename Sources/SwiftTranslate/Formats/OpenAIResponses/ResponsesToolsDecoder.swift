/// Responses `tools` (flat function tools; built-ins per `upstream.builtin_tools`) and
/// `tool_choice` into neutral tools.
struct ResponsesToolsDecoder {
    let policy: TranslatorConfig.BuiltinToolsPolicy

    /// A tool (or tool choice, or input item) the other formats cannot express: an error, or
    /// dropped with a warning, per configuration.
    static func builtin(_ path: String, _ type: String, _ policy: TranslatorConfig.BuiltinToolsPolicy,
                        _ ctx: inout TranslationContext) throws(TranslateError) {
        let why = "the Responses built-in `\(type)` has no counterpart outside the Responses API"
        if policy == .error { throw TranslateError.unsupported(path, why + " (upstream.builtin_tools is \"error\")") }
        ctx.diagnostics.dropped(path, why)
    }

    mutating func decodeTools(_ v: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> [NTool] {
        if v.isNull { return [] }
        guard v.isArray else { throw TranslateError.invalid("tools", "expected an array, got \(v.kindDescription)") }
        var out: [NTool] = []
        out.reserveCapacity(v.count)
        var names = Set<String>()
        for (i, t) in v.elements.enumerated() {
            let path = "tools[\(i)]"
            guard t.isObject else { throw TranslateError.invalid(path, "expected an object, got \(t.kindDescription)") }
            guard let type = t["type"]?.string else { throw TranslateError.invalid(path + ".type", "expected a string") }
            guard type == "function" else {
                try Self.builtin(path, type, policy, &ctx)
                continue
            }
            guard let name = t["name"]?.string, !name.isEmpty else {
                throw TranslateError.invalid(path + ".name", "a function tool needs a non-empty name")
            }
            var schema: [UInt8]? = nil
            if let p = t["parameters"], !p.isNull {
                guard p.isObject else { throw TranslateError.invalid(path + ".parameters", "expected a JSON Schema object, got \(p.kindDescription)") }
                schema = Array(p.raw)
            }
            guard names.insert(name).inserted else {
                throw TranslateError.invalid(path + ".name", "a second function tool named \"\(name)\"")
            }
            let tool = NTool(name: name, description: t["description"]?.string, schema: schema, strict: t["strict"]?.bool)
            if let d = t["defer_loading"], d.bool == true { ctx.diagnostics.dropped(path + ".defer_loading", "no counterpart") }
            out.append(tool)
        }
        return out
    }

    /// `"none"|"auto"|"required"`, `{type:"function", name}`, `{type:"allowed_tools", mode, tools}`
    /// (emulated by filtering `tools`), or a built-in's type.
    mutating func decodeChoice(_ v: JSONValue, _ tools: inout [NTool], _ ctx: inout TranslationContext) throws(TranslateError) -> NToolChoice? {
        if v.isNull { return nil }
        if let s = v.string {
            switch s {
            case "auto": return .auto
            case "required": return .any
            case "none": return NToolChoice.none
            default: throw TranslateError.invalid("tool_choice", "expected \"none\", \"auto\" or \"required\", got \"\(s)\"")
            }
        }
        guard v.isObject, let type = v["type"]?.string else {
            throw TranslateError.invalid("tool_choice", "expected a string or an object with a type")
        }
        switch type {
        case "function":
            guard let name = v["name"]?.string else { throw TranslateError.invalid("tool_choice.name", "expected a string") }
            guard tools.contains(where: { $0.name == name }) else {
                throw TranslateError.invalid("tool_choice.name", "no function tool named \"\(name)\" in tools")
            }
            return .tool(name)
        case "allowed_tools":
            var names = Set<String>()
            for (i, t) in (v["tools"]?.elements ?? JSONValue.emptyElements(v)).enumerated() {
                if let n = t["name"]?.string, t["type"]?.string ?? "function" == "function" { names.insert(n) } else {
                    try Self.builtin("tool_choice.tools[\(i)]", t["type"]?.string ?? "unknown", policy, &ctx)
                }
            }
            tools.removeAll { !names.contains($0.name) }
            let mode = v["mode"]?.string ?? "auto"
            guard mode == "auto" || mode == "required" else {
                throw TranslateError.invalid("tool_choice.mode", "expected \"auto\" or \"required\"")
            }
            if tools.isEmpty { return NToolChoice.none }
            return mode == "required" ? .any : .auto
        default:
            try Self.builtin("tool_choice", type, policy, &ctx)
            return nil
        }
    }
}
