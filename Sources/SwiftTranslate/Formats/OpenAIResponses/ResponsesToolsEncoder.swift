/// Neutral tools as Responses flat function tools, and `tool_choice`.
enum ResponsesToolsEncoder {
    static let emptySchema: [UInt8] = Array(#"{"type":"object","properties":{}}"#.utf8)

    /// Writes `tools` when there is at least one function tool; returns how many were written.
    /// Names are made OpenAI-safe (the map restores them in responses). `strict` is always
    /// written: Responses defaults it to true, which rejects most client schemas.
    static func write(_ w: inout JSONWriter, _ tools: [NTool], _ ctx: inout TranslationContext) throws(TranslateError) -> Int {
        var count = 0
        for (i, t) in tools.enumerated() {
            if let b = t.builtin {
                let why = "the \(b.format.name) built-in tool `\(b.type)` has no counterpart in the Responses API"
                if ctx.config.builtinTools == .error {
                    throw TranslateError.unsupported("tools[\(i)]", why + " (upstream.builtin_tools is \"error\")")
                }
                ctx.diagnostics.dropped("tools[\(i)]", why)
                continue
            }
            if count == 0 { w.key("tools"); w.beginArray() }
            count += 1
            w.beginObject()
            w.field("type", "function")
            w.field("name", ctx.toolNames.openAISafe(t.name))
            if let d = t.descriptionJSON { w.field("description", d) }
            w.field("parameters", raw: t.schema ?? emptySchema)
            w.field("strict", t.strict ?? false)
            w.endObject()
        }
        if count > 0 { w.endArray() }
        return count
    }

    static func writeChoice(_ w: inout JSONWriter, _ c: NToolChoice, _ ctx: inout TranslationContext) {
        w.key("tool_choice")
        switch c {
        case .auto: w.string("auto")
        case .any: w.string("required")
        case .none: w.string("none")
        case .tool(let name):
            w.beginObject()
            w.field("type", "function")
            w.field("name", ctx.toolNames.openAISafe(name))
            w.endObject()
        }
    }
}
