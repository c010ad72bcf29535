/// Anthropic `tools` and `tool_choice`.
extension AnthropicRequestEncoder {
    static let emptySchema = Array("{\"type\":\"object\",\"properties\":{}}".utf8)

    /// `tools` (placeholders when the history needs them) and `tool_choice`, downgraded to auto
    /// when thinking is on.
    static func writeToolsAndChoice(_ w: inout JSONWriter, _ r: NRequest, _ turns: [Turn], thinkingOn: Bool, _ ctx: inout TranslationContext) throws(TranslateError) {
        var choice = r.toolChoice
        var tools = r.tools
        if tools.isEmpty {
            tools = placeholderTools(turns)
            if !tools.isEmpty {
                ctx.diagnostics.dropped("tools", "the history has tool calls but the request defines no tools: placeholder definitions were sent for \(tools.map(\.name).joined(separator: ", "))")
                if choice == nil { choice = NToolChoice.none }
            }
        }
        let written = try writeTools(&w, tools, &ctx)
        if written == 0 {
            switch choice {
            case .any?, .tool?: throw TranslateError.invalid("tool_choice", "requires a tool, but the request has none")
            default: break
            }
        } else {
            if thinkingOn {
                switch choice {
                case .any?, .tool?:
                    ctx.diagnostics.dropped("tool_choice", "forced tool use is not allowed with thinking on Anthropic: sent as auto")
                    choice = .auto
                default: break
                }
            }
            writeToolChoice(&w, choice, parallel: r.parallelToolCalls)
        }
    }

    /// Writes the `tools` member (when there is any tool to send); returns the number written.
    static func writeTools(_ w: inout JSONWriter, _ tools: [NTool], _ ctx: inout TranslationContext) throws(TranslateError) -> Int {
        var written = 0
        for (i, t) in tools.enumerated() {
            let path = "tools[\(i)]"
            if let b = t.builtin {
                if b.format == .openaiChat, b.type == "web_search_options" {
                    if written == 0 { w.key("tools"); w.beginArray() }
                    writeWebSearch(&w, b.raw, path, &ctx)
                    written += 1
                    continue
                }
                guard b.format == .anthropic else {
                    ctx.diagnostics.dropped(path, "\(b.format.name) built-in tool \"\(b.type)\" has no Anthropic form; dropped")
                    continue
                }
                if written == 0 { w.key("tools"); w.beginArray() }
                w.raw(b.raw)
                written += 1
                continue
            }
            if written == 0 { w.key("tools"); w.beginArray() }
            w.beginObject()
            w.field("name", t.name)
            if let d = t.descriptionJSON, !d.isEmpty { w.field("description", d) }
            w.key("input_schema")
            try writeSchema(&w, t.schema, path, t.name)
            if let s = t.strict { w.field("strict", s) }
            if let c = t.cacheControl { w.field("cache_control", raw: c) }
            w.endObject()
            written += 1
        }
        if written > 0 { w.endArray() }
        return written
    }

    /// Chat `web_search_options{search_context_size?, user_location?{type, approximate{…}}}` →
    /// the web_search server tool with the same approximate location.
    static func writeWebSearch(_ w: inout JSONWriter, _ raw: [UInt8], _ path: String, _ ctx: inout TranslationContext) {
        w.beginObject()
        w.field("type", "web_search_20250305")
        w.field("name", "web_search")
        if let doc = try? JSONDocument.parse(raw) {
            if doc.root["search_context_size"].map({ !$0.isNull }) == true {
                ctx.diagnostics.dropped("web_search_options.search_context_size", "no Anthropic counterpart; dropped")
            }
            if let approx = doc.root["user_location"]?["approximate"], approx.isObject {
                w.key("user_location")
                w.beginObject()
                w.field("type", "approximate")
                for key in ["city", "region", "country", "timezone"] {
                    if let v = approx[key], v.isString { w.key(key); w.value(v) }
                }
                w.endObject()
            }
        }
        w.endObject()
    }

    /// The schema as Anthropic needs it: a root `type:"object"` (added when missing).
    static func writeSchema(_ w: inout JSONWriter, _ schema: [UInt8]?, _ path: String, _ name: String) throws(TranslateError) {
        guard let schema else { w.raw(emptySchema); return }
        let doc: JSONDocument
        do { doc = try JSONDocument.parse(schema) } catch {
            throw TranslateError.invalid(path, "the schema of tool \"\(name)\" is not valid JSON: \(error.message)")
        }
        let root = doc.root
        guard root.isObject else { throw TranslateError.invalid(path, "the schema of tool \"\(name)\" must be an object") }
        if root.count == 0 { w.raw(emptySchema); return }
        if let type = root["type"] {
            guard type.stringEquals("object") else {
                throw TranslateError.unsupported(path, "tool \"\(name)\": Anthropic needs a schema of type \"object\"")
            }
            w.raw(root.raw)
            return
        }
        // `{"properties":…}` without a type: prepend it, keep every other byte.
        let raw = root.raw
        var out: [UInt8] = Array("{\"type\":\"object\",".utf8)
        out.reserveCapacity(raw.count + 17)
        out.append(contentsOf: raw.dropFirst().drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 })
        w.raw(out)
    }

    /// Tool definitions for names used in the history when the client sent no tools (Anthropic
    /// rejects tool_use/tool_result blocks without them); the model is told not to call them.
    static func placeholderTools(_ turns: [Turn]) -> [NTool] {
        var seen: Set<String> = []
        var out: [NTool] = []
        for t in turns where t.role == .assistant {
            for item in t.items {
                if case .toolCall(let c) = item.part, seen.insert(c.name).inserted {
                    out.append(NTool(name: c.name, description: "Used earlier in this conversation; not available now.", schema: nil))
                }
            }
        }
        return out
    }

    /// `tool_choice` with `disable_parallel_tool_use` for parallelToolCalls == false.
    static func writeToolChoice(_ w: inout JSONWriter, _ choice: NToolChoice?, parallel: Bool?) {
        let single = parallel == false
        let type: String
        var name: String? = nil
        switch choice {
        case nil:
            guard single else { return }
            type = "auto"
        case .auto?: type = "auto"
        case .any?: type = "any"
        case .tool(let n)?: type = "tool"; name = n
        case .none?:
            w.key("tool_choice")
            w.beginObject()
            w.field("type", "none")
            w.endObject()
            return
        }
        w.key("tool_choice")
        w.beginObject()
        w.field("type", type)
        if let name { w.field("name", name) }
        if single { w.field("disable_parallel_tool_use", true) }
        w.endObject()
    }
}
