/// Chat `messages[]` → NRequest.system and NRequest.messages.
///
/// system/developer messages are hoisted into `system`; tool messages become `.toolResult` parts
/// of ONE user turn (consecutive tool messages merged, results first), and a user message right
/// after them joins that same turn. Every tool result must answer an earlier tool call.
extension ChatRequestDecoder {
    /// What the message loop needs to remember between messages.
    struct MessageState {
        /// The last turn in `messages` is a user turn opened by tool results.
        var toolTurnOpen = false
        /// A user or assistant message has been seen (a later system message loses its position).
        var conversationStarted = false
        /// Every tool call id of the assistant messages so far.
        var callIds = SeenIDs()
        /// Tool calls of the last assistant message still waiting for their result (ids may
        /// repeat across turns: some servers number them per turn).
        var openCalls: [OpenCall] = []
        /// The id given to the last deprecated `function_call`, answered by a `function` message.
        var pendingFunction: (id: String, name: String)? = nil
    }

    /// A tool call waiting for its result, with where it is (formatted only for an error).
    struct OpenCall {
        var id: String
        var message: Int
        /// Index in `tool_calls`, or -1 for a deprecated `function_call`.
        var call: Int

        var path: String { call < 0 ? "messages[\(message)].function_call" : "messages[\(message)].tool_calls[\(call)]" }
    }

    static func decodeMessages(_ list: JSONValue, into r: inout NRequest, _ ctx: inout TranslationContext) throws(TranslateError) {
        try array(list, "messages")
        var state = MessageState()
        var i = 0
        for m in list.elements {
            let i_path = i
            func path() -> String { "messages[\(i_path)]" }
            try object(m, path())
            let role = try reqString(m, "role", path())
            if role != "function", present(m["name"]) != nil {
                ctx.diagnostics.dropped("\(path()).name", "participant names have no counterpart upstream; dropped")
            }
            switch role {
            case "system", "developer":
                guard let c = present(m["content"]) else { throw TranslateError.invalid("\(path()).content", "required") }
                let texts = try textParts(c, "\(path()).content")
                if state.conversationStarted {
                    ctx.diagnostics.dropped(path(), "\(role) message after the conversation started: moved to the system prompt, its position is lost")
                }
                r.system += texts
            case "user":
                guard let c = present(m["content"]) else { throw TranslateError.invalid("\(path()).content", "required") }
                let parts = try userContent(c, "\(path()).content", &ctx)
                state.conversationStarted = true
                if state.toolTurnOpen, !r.messages.isEmpty {
                    r.messages[r.messages.count - 1].parts += parts
                } else {
                    r.messages.append(NMessage(role: .user, parts: parts))
                }
            case "assistant":
                try checkAnswered(state)
                let parts = try assistantMessage(m, index: i_path, &state, &ctx)
                state.conversationStarted = true
                state.toolTurnOpen = false
                r.messages.append(NMessage(role: .assistant, parts: parts))
            case "tool":
                let id = try reqString(m, "tool_call_id", path())
                guard let c = present(m["content"]) else { throw TranslateError.invalid("\(path()).content", "required") }
                // Text per the Chat spec; images and files too (as LiteLLM accepts), since tool
                // results can carry them upstream.
                let content = try userContent(c, "\(path()).content", &ctx)
                try answer(id, "\(path()).tool_call_id", &state)
                appendResult(NToolResult(toolCallId: id, content: content, isError: false), &r, &state)
            case "function":
                let name = try reqString(m, "name", path())
                guard let pending = state.pendingFunction, pending.name == name else {
                    throw TranslateError.invalid(path(), "function result \"\(name)\" answers no earlier function_call")
                }
                var texts: [NPart] = []
                if let c = present(m["content"]) { texts = [.text(NText(json: try text(c, "\(path()).content")))] }
                state.pendingFunction = nil
                state.openCalls.removeAll { $0.id == pending.id }
                appendResult(NToolResult(toolCallId: pending.id, content: texts, isError: false), &r, &state)
            default:
                throw TranslateError.invalid("\(path()).role", "unknown role \"\(role)\"")
            }
            i += 1
        }
        try checkAnswered(state)
    }

    /// Every tool call must have its result before the next assistant message (and the end).
    static func checkAnswered(_ state: MessageState) throws(TranslateError) {
        if let open = state.openCalls.first {
            throw TranslateError.invalid(open.path, "tool call \"\(open.id)\" has no tool result before the next assistant message")
        }
    }

    /// Checks that `id` answers a not yet answered tool call of the last assistant message.
    static func answer(_ id: String, _ path: @autoclosure () -> String, _ state: inout MessageState) throws(TranslateError) {
        if let k = state.openCalls.firstIndex(where: { $0.id == id }) {
            state.openCalls.remove(at: k)
            return
        }
        if state.callIds.contains(id) {
            throw TranslateError.invalid(path(), "tool result \"\(id)\" answers a tool call that is already answered or not of the last assistant message")
        }
        throw TranslateError.invalid(path(), "tool result \"\(id)\" answers no earlier tool call")
    }

    /// Adds a tool result to the open tool turn (after its other results), or opens one.
    static func appendResult(_ result: NToolResult, _ r: inout NRequest, _ state: inout MessageState) {
        state.conversationStarted = true
        if state.toolTurnOpen, !r.messages.isEmpty {
            let last = r.messages.count - 1
            let at = r.messages[last].parts.firstIndex { if case .toolResult = $0 { return false } else { return true } }
            r.messages[last].parts.insert(.toolResult(result), at: at ?? r.messages[last].parts.endIndex)
        } else {
            r.messages.append(NMessage(role: .user, parts: [.toolResult(result)]))
            state.toolTurnOpen = true
        }
    }

    /// An assistant message: reasoning first, then content/refusal, then tool calls.
    static func assistantMessage(_ m: JSONValue, index: Int, _ state: inout MessageState, _ ctx: inout TranslationContext) throws(TranslateError) -> [NPart] {
        func path() -> String { "messages[\(index)]" }
        var parts: [NPart] = []
        state.openCalls.removeAll()
        if let details = present(m["reasoning_details"]) {
            parts = try reasoningDetails(details, "\(path()).reasoning_details", &ctx)
        }
        if parts.isEmpty {
            for field in ["reasoning_content", "reasoning"] {
                if let v = present(m[field]) {
                    parts.append(.thinking(NThinking(text: try string(v, "\(path()).\(field)"), signature: nil)))
                    break
                }
            }
        }
        if let c = present(m["content"]) {
            if let t = JSONText(c) {
                parts.append(.text(NText(json: t)))
            } else {
                try array(c, "\(path()).content")
                var k = 0
                for part in c.elements {
                    let k_p = k
                    func p() -> String { "\(path()).content[\(k_p)]" }
                    try object(part, p())
                    switch try reqString(part, "type", p()) {
                    case "text": parts.append(.text(NText(json: try reqText(part, "text", p()), cacheControl: cacheControl(part))))
                    case "refusal": parts.append(.refusal(try reqString(part, "refusal", p())))
                    case let other: throw TranslateError.invalid("\(p()).type", "an assistant part must be text or refusal, got \"\(other)\"")
                    }
                    k += 1
                }
            }
        }
        if let refusal = try optString(m, "refusal", path()) { parts.append(.refusal(refusal)) }
        if let calls = present(m["tool_calls"]) {
            try array(calls, "\(path()).tool_calls")
            var k = 0
            for call in calls.elements {
                let k_p = k
                func p() -> String { "\(path()).tool_calls[\(k_p)]" }
                let c = try toolCall(call, p())
                state.callIds.insert(c.id)
                state.openCalls.append(OpenCall(id: c.id, message: index, call: k_p))
                parts.append(.toolCall(c))
                k += 1
            }
        }
        if let fc = present(m["function_call"]) {
            func p() -> String { "\(path()).function_call" }
            try object(fc, p())
            let name = try reqString(fc, "name", p())
            let id = "call_function_\(state.callIds.count)"
            state.callIds.insert(id)
            state.pendingFunction = (id, name)
            state.openCalls.append(OpenCall(id: id, message: index, call: -1))
            parts.append(.toolCall(NToolCall(id: id, name: name, arguments: try arguments(fc, p()))))
        }
        if present(m["audio"]) != nil {
            ctx.diagnostics.dropped("\(path()).audio", "audio replies have no counterpart upstream; dropped")
        }
        return parts
    }

    static func toolCall(_ call: JSONValue, _ p: @autoclosure () -> String) throws(TranslateError) -> NToolCall {
        try object(call, p())
        let type = try optString(call, "type", p()) ?? "function"
        if type == "custom" { throw TranslateError.unsupported(p(), "custom tool calls have no counterpart upstream") }
        guard type == "function" else { throw TranslateError.invalid("\(p()).type", "expected \"function\", got \"\(type)\"") }
        let id = try reqString(call, "id", p())
        guard let fn = call["function"] else { throw TranslateError.invalid("\(p()).function", "required") }
        try object(fn, "\(p()).function")
        let name = try reqString(fn, "name", "\(p()).function")
        return NToolCall(id: id, name: name, arguments: try arguments(fn, "\(p()).function"))
    }

    /// `arguments`: a JSON string (its decoded bytes), or an object some clients send as is.
    static func arguments(_ fn: JSONValue, _ p: @autoclosure () -> String) throws(TranslateError) -> [UInt8] {
        guard let a = present(fn["arguments"]) else { return [] }
        if let bytes = a.stringBytes { return bytes }
        if a.isObject { return Array(a.raw) }
        throw TranslateError.invalid("\(p()).arguments", "expected a JSON string, got \(a.kindDescription)")
    }

    /// OpenRouter-style `reasoning_details` (as apxlate writes them in Chat responses): signed
    /// Anthropic thinking survives a round trip through a Chat client this way.
    static func reasoningDetails(_ v: JSONValue, _ path: @autoclosure () -> String, _ ctx: inout TranslationContext) throws(TranslateError) -> [NPart] {
        try array(v, path())
        var parts: [NPart] = []
        var k = 0
        for d in v.elements {
            let k_p = k
            func p() -> String { "\(path())[\(k_p)]" }
            try object(d, p())
            switch try reqString(d, "type", p()) {
            case "reasoning.text":
                // A signature is only meaningful to the vendor that minted it.
                let format = try optString(d, "format", p())
                let signature = format == nil || format == ChatReasoningDetails.anthropicFormat ? try optString(d, "signature", p()) : nil
                parts.append(.thinking(NThinking(text: try optString(d, "text", p()) ?? "", signature: signature)))
            case "reasoning.summary":
                parts.append(.thinking(NThinking(text: try optString(d, "summary", p()) ?? "", signature: nil)))
            case "reasoning.encrypted":
                if (try optString(d, "format", p())) == ChatReasoningDetails.anthropicFormat {
                    parts.append(.redactedThinking(try reqString(d, "data", p())))
                } else {
                    ctx.diagnostics.dropped(p(), "encrypted reasoning of another vendor; dropped")
                }
            case let other:
                ctx.diagnostics.dropped(p(), "reasoning detail \"\(other)\" has no counterpart; dropped")
            }
            k += 1
        }
        return parts
    }
}
