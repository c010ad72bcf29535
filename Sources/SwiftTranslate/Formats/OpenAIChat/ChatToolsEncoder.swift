/// NRequest tools → Chat `tools`, `tool_choice`, `parallel_tool_calls`. Names are made
/// OpenAI-safe (≤64 characters of `[a-zA-Z0-9_-]`) and recorded in `ctx.toolNames`.
enum ChatToolsEncoder {
    static func tools(_ r: NRequest, _ w: inout JSONWriter, _ ctx: inout TranslationContext) {
        var wroteAny = false
        var sentNames: Set<String> = []
        for (i, t) in r.tools.enumerated() {
            let path = "tools[\(i)]"
            if let builtin = t.builtin {
                ctx.diagnostics.dropped(path, "server tool \(builtin.type) dropped (no counterpart in OpenAI Chat)")
                continue
            }
            if !wroteAny {
                w.key("tools")
                w.beginArray()
                wroteAny = true
            }
            w.beginObject()
            w.field("type", "function")
            w.key("function")
            w.beginObject()
            let name = ctx.toolNames.openAISafe(t.name)
            sentNames.insert(name)
            w.field("name", name)
            if let d = t.descriptionJSON { w.field("description", d) }
            if let schema = t.schema { w.field("parameters", raw: schema) }
            if let strict = t.strict { w.field("strict", strict) }
            w.endObject()
            w.endObject()
        }
        guard wroteAny else {
            // OpenAI rejects `tools: []`, and tool_choice / parallel_tool_calls without tools.
            if let choice = r.toolChoice, choice != .none {
                ctx.diagnostics.dropped("tool_choice", "dropped (no function tools to choose from)")
            }
            return
        }
        w.endArray()
        var choice = r.toolChoice
        if case .tool(let name) = choice, !sentNames.contains(ctx.toolNames.openAISafe(name)) {
            ctx.diagnostics.dropped("tool_choice.name", "\"\(name)\" is not among the function tools sent; tool_choice dropped")
            choice = nil
        }
        if let choice {
            w.key("tool_choice")
            switch choice {
            case .auto: w.string("auto")
            case .any: w.string("required")
            case .none: w.string("none")
            case .tool(let name):
                w.beginObject()
                w.field("type", "function")
                w.key("function"); w.beginObject(); w.field("name", ctx.toolNames.openAISafe(name)); w.endObject()
                w.endObject()
            }
        }
        if r.parallelToolCalls == false { w.field("parallel_tool_calls", false) }
    }
}
