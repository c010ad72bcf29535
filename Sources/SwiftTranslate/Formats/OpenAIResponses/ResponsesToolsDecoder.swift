/// Responses `tools` (flat function tools, `custom` tools as one-string-parameter functions,
/// `namespace` tools flattened; built-ins per `upstream.builtin_tools`) and `tool_choice` into
/// neutral tools. Custom and namespaced tools are recorded in `ctx.toolNames` so their calls go
/// back to the client in its own shapes.
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
            switch type {
            case "function":
                try add(try Self.function(t, path: path, &ctx), path, &names, &out)
            case "custom":
                let tool = try ResponsesCustomTools.tool(t, path: path, &ctx)
                ctx.toolNames.record(ToolNameMap.ClientTool(namespace: nil, name: tool.name, custom: true), as: tool.name)
                try add(tool, path, &names, &out)
            case "namespace":
                try namespace(t, path: path, &names, &out, &ctx)
            default:
                try Self.builtin(path, type, policy, &ctx)
            }
        }
        return out
    }

    private func add(_ tool: NTool, _ path: String, _ names: inout Set<String>, _ out: inout [NTool]) throws(TranslateError) {
        guard names.insert(tool.name).inserted else {
            throw TranslateError.invalid(path + ".name", "a second function tool named \"\(tool.name)\"")
        }
        out.append(tool)
    }

    /// A function tool (top level or inside a namespace).
    private static func function(_ t: JSONValue, path: String, _ ctx: inout TranslationContext) throws(TranslateError) -> NTool {
        guard let name = t["name"]?.string, !name.isEmpty else {
            throw TranslateError.invalid(path + ".name", "a function tool needs a non-empty name")
        }
        var schema: [UInt8]? = nil
        if let p = t["parameters"], !p.isNull {
            guard p.isObject else { throw TranslateError.invalid(path + ".parameters", "expected a JSON Schema object, got \(p.kindDescription)") }
            schema = Array(p.raw)
        }
        if let d = t["defer_loading"], d.bool == true { ctx.diagnostics.dropped(path + ".defer_loading", "no counterpart") }
        return NTool(name: name, descriptionJSON: t["description"].flatMap(JSONText.init), schema: schema, strict: t["strict"]?.bool)
    }

    /// `{"type":"namespace", name, description, tools}`: each function or custom tool inside goes
    /// out as its own function named `<namespace>__<name>` (ToolNameMap.namespaced), its
    /// description followed by the namespace's.
    private mutating func namespace(_ t: JSONValue, path: String, _ names: inout Set<String>, _ out: inout [NTool],
                                    _ ctx: inout TranslationContext) throws(TranslateError) {
        guard let ns = t["name"]?.string, !ns.isEmpty else {
            throw TranslateError.invalid(path + ".name", "a namespace tool needs a non-empty name")
        }
        guard let inner = t["tools"], inner.isArray else {
            throw TranslateError.invalid(path + ".tools", "a namespace tool needs an array of tools")
        }
        let about = t["description"]?.string.flatMap { $0.isEmpty ? nil : "Part of `\(ns)`: \($0)" }
        for (j, f) in inner.elements.enumerated() {
            let fp = "\(path).tools[\(j)]"
            guard f.isObject else { throw TranslateError.invalid(fp, "expected an object, got \(f.kindDescription)") }
            guard let type = f["type"]?.string else { throw TranslateError.invalid(fp + ".type", "expected a string") }
            var tool: NTool
            switch type {
            case "function": tool = try Self.function(f, path: fp, &ctx)
            case "custom": tool = try ResponsesCustomTools.tool(f, path: fp, &ctx)
            default:
                try Self.builtin(fp, type, policy, &ctx)
                continue
            }
            let clientName = tool.name
            tool.name = ToolNameMap.namespaced(ns, clientName)
            if let about {
                tool.description = tool.description.flatMap { $0.isEmpty ? nil : $0 + "\n\n" + about } ?? about
            }
            ctx.toolNames.record(ToolNameMap.ClientTool(namespace: ns, name: clientName, custom: type == "custom"), as: tool.name)
            try add(tool, fp, &names, &out)
        }
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
        case "function", "custom":
            guard let name = Self.neutralName(v) else { throw TranslateError.invalid("tool_choice.name", "expected a string") }
            guard tools.contains(where: { $0.name == name }) else {
                throw TranslateError.invalid("tool_choice.name", "no \(type) tool named \"\(name)\" in tools")
            }
            return .tool(name)
        case "allowed_tools":
            var names = Set<String>()
            for (i, t) in (v["tools"]?.elements ?? JSONValue.emptyElements(v)).enumerated() {
                let type = t["type"]?.string ?? "function"
                if type == "function" || type == "custom", let n = Self.neutralName(t) {
                    names.insert(n)
                } else if type == "namespace", let ns = t["name"]?.string {
                    for (n, c) in ctx.toolNames.clientTools where c.namespace == ns { names.insert(n) }
                } else {
                    try Self.builtin("tool_choice.tools[\(i)]", type, policy, &ctx)
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

    /// The neutral name a tool reference (`{name, namespace?}`) means.
    private static func neutralName(_ v: JSONValue) -> String? {
        guard let name = v["name"]?.string else { return nil }
        if let ns = v["namespace"]?.string, !ns.isEmpty { return ToolNameMap.namespaced(ns, name) }
        return name
    }
}
