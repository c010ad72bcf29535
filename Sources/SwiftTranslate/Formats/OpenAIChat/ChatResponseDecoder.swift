/// OpenAI Chat completion → NResponse. Content order: reasoning (as thinking), text, refusal,
/// tool calls. Reasoning text is read from `reasoning_content` or `reasoning`, whichever the
/// server sends, whatever the configuration says.
enum ChatResponseDecoder {
    static func decode(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NResponse {
        try FieldReads.object(root, "")
        var r = NResponse()
        r.id = try FieldReads.optionalString(root, "id", "") ?? ""
        r.model = try FieldReads.optionalString(root, "model", "") ?? ""
        r.created = root["created"]?.int // informative only: a strange value must not fail the response
        guard let choices = root["choices"] else { throw TranslateError.invalid("", "missing \"choices\"") }
        try FieldReads.array(choices, "choices")
        var first: JSONValue? = nil
        for c in choices.elements { first = c; break }
        guard let choice = first else { throw TranslateError.invalid("choices", "expected at least one choice, got none") }
        if choices.count > 1 { ctx.diagnostics.dropped("choices", "\(choices.count - 1) extra choice(s) dropped (only the first is kept)") }
        try FieldReads.object(choice, "choices[0]")
        guard let message = choice["message"] else { throw TranslateError.invalid("choices[0]", "missing \"message\"") }
        let mpath = "choices[0].message"
        try FieldReads.object(message, mpath)

        if let thinking = try reasoning(message, mpath) {
            r.content.append(.thinking(NThinking(text: thinking, signature: ThinkingSignature.chat)))
        }
        try content(message, mpath, &r.content, &ctx)
        if let refusal = try FieldReads.optionalString(message, "refusal", mpath), !refusal.isEmpty {
            r.content.append(.refusal(refusal))
        }
        try toolCalls(message, mpath, responseID: r.id, &r.content, &ctx)
        if let a = message["annotations"], a.count > 0 {
            ctx.diagnostics.dropped("\(mpath).annotations", "url citations dropped (no counterpart in the client format)")
        }

        let finish = try FieldReads.optionalString(choice, "finish_reason", "choices[0]")
        r.stopReason = stopReason(finish, hasToolCalls: r.content.contains { if case .toolCall = $0 { return true } else { return false } })
        if let usage = root["usage"], !usage.isNull {
            try FieldReads.object(usage, "usage")
            r.usage = try ChatUsage.decode(usage, path: "usage")
        }
        return r
    }

    /// The finish reason, made consistent with the content: some servers (Ollama, older vLLM) say
    /// "stop" next to tool calls, and an Anthropic client only runs tools on `tool_use`; a
    /// "tool_calls" finish without any call would leave the client waiting for one.
    static func stopReason(_ finish: String?, hasToolCalls: Bool) -> NStopReason {
        let reason = ChatFinish.decode(finish)
        if hasToolCalls && reason == .endTurn { return .toolUse }
        if !hasToolCalls && reason == .toolUse { return .endTurn }
        return reason
    }

    /// `reasoning_content` (DeepSeek) or `reasoning` (vLLM ≥0.11, OpenRouter, Ollama); failing
    /// both, the text and summary entries of OpenRouter's `reasoning_details`.
    private static func reasoning(_ m: JSONValue, _ path: String) throws(TranslateError) -> String? {
        for key in ["reasoning_content", "reasoning"] {
            if let s = try FieldReads.optionalString(m, key, path), !s.isEmpty { return s }
        }
        guard let details = m["reasoning_details"], details.isArray else { return nil }
        var texts: [String] = []
        for d in details.elements {
            if let t = d["text"]?.string ?? d["summary"]?.string, !t.isEmpty { texts.append(t) }
        }
        return texts.isEmpty ? nil : texts.joined(separator: "\n\n")
    }

    /// `content`: null, a string, or parts (`text`, `refusal`).
    private static func content(_ m: JSONValue, _ path: String, _ out: inout [NPart], _ ctx: inout TranslationContext) throws(TranslateError) {
        guard let c = m["content"], !c.isNull else { return }
        if let s = c.string {
            if !s.isEmpty { out.append(.text(NText(s))) }
            return
        }
        guard c.isArray else { throw TranslateError.invalid("\(path).content", "expected a string, an array or null, got \(c.kindDescription)") }
        var i = 0
        for part in c.elements {
            let p = "\(path).content[\(i)]"
            i += 1
            try FieldReads.object(part, p)
            let type = try FieldReads.string(part, "type", p)
            switch type {
            case "text", "output_text":
                let s = try FieldReads.string(part, "text", p)
                if !s.isEmpty { out.append(.text(NText(s))) }
            case "refusal":
                out.append(.refusal(try FieldReads.string(part, "refusal", p)))
            default:
                ctx.diagnostics.dropped(p, "\(type) part dropped (no counterpart in the client format)")
            }
        }
    }

    /// `tool_calls[]` (function calls; the arguments string decoded to its bytes) and the
    /// deprecated `function_call`.
    /// A call without an id gets one made of the response id and its position, so ids stay
    /// unique across the turns of a conversation.
    private static func toolCalls(_ m: JSONValue, _ path: String, responseID: String, _ out: inout [NPart], _ ctx: inout TranslationContext) throws(TranslateError) {
        let idBase = responseID.isEmpty ? "call_" : "call_\(responseID)_"
        if let calls = m["tool_calls"], !calls.isNull {
            let cpath = "\(path).tool_calls"
            try FieldReads.array(calls, cpath)
            var i = 0
            for call in calls.elements {
                let p = "\(cpath)[\(i)]"
                i += 1
                try FieldReads.object(call, p)
                let type = try FieldReads.optionalString(call, "type", p) ?? "function"
                guard type == "function" else {
                    ctx.diagnostics.dropped(p, "\(type) tool call dropped (only function calls have a counterpart)")
                    continue
                }
                var id = try FieldReads.optionalString(call, "id", p) ?? ""
                if id.isEmpty { id = idBase + String(i - 1) }
                guard let fn = call["function"] else { throw TranslateError.invalid(p, "missing \"function\"") }
                out.append(.toolCall(try function(fn, "\(p).function", id: id)))
            }
        }
        if let fc = m["function_call"], !fc.isNull {
            out.append(.toolCall(try function(fc, "\(path).function_call", id: idBase + "function_call")))
        }
    }

    private static func function(_ fn: JSONValue, _ path: String, id: String) throws(TranslateError) -> NToolCall {
        try FieldReads.object(fn, path)
        let name = try FieldReads.string(fn, "name", path)
        var arguments: [UInt8] = []
        if let a = fn["arguments"], !a.isNull {
            if let bytes = a.stringBytes {
                arguments = bytes
            } else if a.isObject {
                // Some servers send the arguments as an object instead of a string.
                arguments = Array(a.raw)
            } else {
                throw TranslateError.invalid("\(path).arguments", "expected a string, got \(a.kindDescription)")
            }
        }
        return NToolCall(id: id, name: name, arguments: arguments)
    }
}
