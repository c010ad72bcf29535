/// Responses `input` (a string, or items) into neutral turns (docs/wire-formats.md §3.2, §4.1).
///
/// Items regroup into turns: consecutive assistant messages, `function_call` and `reasoning`
/// items form one assistant turn (`custom_tool_call` items as calls whose arguments are
/// `{"input": …}`, namespaced calls under ToolNameMap.namespaced); `function_call_output` and
/// `custom_tool_call_output` items become tool results at the front
/// of a user turn, and a user message right after them joins that turn (as Chat tool messages
/// do). System and developer messages are hoisted to `system`.
struct ResponsesInputDecoder {
    let policy: TranslatorConfig.BuiltinToolsPolicy
    private(set) var system: [NText] = []
    private(set) var messages: [NMessage] = []

    init(policy: TranslatorConfig.BuiltinToolsPolicy) { self.policy = policy }

    mutating func decode(_ v: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) {
        if let t = JSONText(v) {
            if !t.isEmpty { messages.append(NMessage(role: .user, parts: [.text(NText(json: t))])) }
            return
        }
        if v.isNull { return }
        guard v.isArray else { throw TranslateError.invalid("input", "expected a string or an array of items, got \(v.kindDescription)") }
        messages.reserveCapacity(v.count)
        for (i, item) in v.elements.enumerated() {
            try decodeItem(item, path: "input[\(i)]", &ctx)
        }
    }

    private mutating func decodeItem(_ item: JSONValue, path: @autoclosure () -> String, _ ctx: inout TranslationContext) throws(TranslateError) {
        guard item.isObject else { throw TranslateError.invalid(path(), "expected an object, got \(item.kindDescription)") }
        let type = item["type"]?.string ?? (item["role"] != nil ? "message" : "")
        switch type {
        case "message":
            try message(item, path: path(), &ctx)
        case "function_call":
            guard let callId = item["call_id"]?.string, !callId.isEmpty else {
                throw TranslateError.invalid(path() + ".call_id", "a function_call needs a non-empty call_id")
            }
            let name = try callName(item, path: path())
            guard let args = item["arguments"], let bytes = args.stringBytes else {
                throw TranslateError.invalid(path() + ".arguments", "expected the arguments as a JSON string")
            }
            appendAssistant(.toolCall(NToolCall(id: callId, name: name, arguments: bytes, itemId: item["id"]?.string)))
        case "custom_tool_call":
            guard let callId = item["call_id"]?.string, !callId.isEmpty else {
                throw TranslateError.invalid(path() + ".call_id", "a custom_tool_call needs a non-empty call_id")
            }
            let name = try callName(item, path: path())
            guard let input = item["input"]?.stringBytes else { throw TranslateError.invalid(path() + ".input", "expected a string") }
            appendAssistant(.toolCall(NToolCall(id: callId, name: name, arguments: ResponsesCustomTools.arguments(input: input),
                                                itemId: item["id"]?.string)))
        case "function_call_output", "custom_tool_call_output":
            guard let callId = item["call_id"]?.string, !callId.isEmpty else {
                throw TranslateError.invalid(path() + ".call_id", "a \(type) needs the call_id of its call")
            }
            guard let output = item["output"] else { throw TranslateError.invalid(path() + ".output", "missing") }
            let content = try toolOutput(output, path: path() + ".output", &ctx)
            appendToolResult(.toolResult(NToolResult(toolCallId: callId, content: content, isError: false)))
        case "reasoning":
            appendAssistant(ResponsesReasoning.part(try ResponsesReasoning.decodeItem(item, path: path())))
        case "item_reference":
            throw TranslateError.unsupported(path(), "item references point to server-side state: send the items themselves")
        case "":
            throw TranslateError.invalid(path() + ".type", "an input item needs a type (or a role, for a message)")
        default:
            try ResponsesToolsDecoder.builtin(path(), type, policy, &ctx)
        }
    }

    /// A call's neutral name: its `name`, joined with its `namespace` when it has one.
    private func callName(_ item: JSONValue, path: @autoclosure () -> String) throws(TranslateError) -> String {
        guard let name = item["name"]?.string else { throw TranslateError.invalid(path() + ".name", "expected a string") }
        if let ns = item["namespace"], !ns.isNull {
            guard let ns = ns.string else { throw TranslateError.invalid(path() + ".namespace", "expected a string") }
            if !ns.isEmpty { return ToolNameMap.namespaced(ns, name) }
        }
        return name
    }

    private mutating func message(_ item: JSONValue, path: @autoclosure () -> String, _ ctx: inout TranslationContext) throws(TranslateError) {
        guard let role = item["role"]?.string else { throw TranslateError.invalid(path() + ".role", "expected a string") }
        guard let content = item["content"] else { throw TranslateError.invalid(path() + ".content", "missing") }
        switch role {
        case "system", "developer":
            if let t = JSONText(content) { if !t.isEmpty { system.append(NText(json: t)) }; return }
            for p in try parts(content, path: path() + ".content", &ctx) {
                if case .text(let t) = p { system.append(t) } else {
                    ctx.diagnostics.dropped(path() + ".content", "only text is allowed in a system prompt")
                }
            }
        case "user":
            let ps = try parts(content, path: path() + ".content", &ctx)
            if ps.isEmpty { return }
            if let last = messages.last, last.role == .user, last.parts.contains(where: \.isToolResult) {
                messages[messages.count - 1].parts.append(contentsOf: ps)
            } else {
                messages.append(NMessage(role: .user, parts: ps))
            }
        case "assistant":
            for p in try parts(content, path: path() + ".content", &ctx) { appendAssistant(p) }
        default:
            throw TranslateError.invalid(path() + ".role", "expected user, assistant, system or developer, got \"\(role)\"")
        }
    }

    /// A content string or a list of input/output parts.
    private func parts(_ content: JSONValue, path: @autoclosure () -> String, _ ctx: inout TranslationContext) throws(TranslateError) -> [NPart] {
        if let t = JSONText(content) { return t.isEmpty ? [] : [.text(NText(json: t))] }
        guard content.isArray else { throw TranslateError.invalid(path(), "expected a string or an array of parts, got \(content.kindDescription)") }
        var out: [NPart] = []
        out.reserveCapacity(content.count)
        for (i, p) in content.elements.enumerated() {
            let i_pp = i
            func pp() -> String { "\(path())[\(i_pp)]" }
            guard p.isObject, let type = p["type"]?.string else { throw TranslateError.invalid(pp(), "expected a part object with a type") }
            switch type {
            case "input_text", "output_text", "text":
                guard let t = p["text"].flatMap(JSONText.init) else { throw TranslateError.invalid(pp() + ".text", "expected a string") }
                if !t.isEmpty { out.append(.text(NText(json: t))) }
                if type == "output_text", let a = p["annotations"], a.count > 0 {
                    ctx.diagnostics.dropped(pp() + ".annotations", "annotations have no counterpart in requests")
                }
            case "refusal":
                guard let t = p["refusal"]?.string else { throw TranslateError.invalid(pp() + ".refusal", "expected a string") }
                out.append(.refusal(t))
            case "input_image":
                let detail = p["detail"]?.string
                if let url = p["image_url"]?.string {
                    out.append(.image(NImage(source: ResponsesMedia.source(imageURL: url), detail: detail)))
                } else if let id = p["file_id"]?.string {
                    out.append(.image(NImage(source: .file(id), detail: detail)))
                } else {
                    throw TranslateError.invalid(pp(), "an input_image needs image_url or file_id")
                }
            case "input_file":
                let filename = p["filename"]?.string
                if let data = p["file_data"]?.string {
                    out.append(.document(NDocument(source: ResponsesMedia.source(fileData: data), filename: filename)))
                } else if let url = p["file_url"]?.string {
                    out.append(.document(NDocument(source: .url(url), filename: filename)))
                } else if let id = p["file_id"]?.string {
                    out.append(.document(NDocument(source: .file(id), filename: filename)))
                } else {
                    throw TranslateError.invalid(pp(), "an input_file needs file_data, file_url or file_id")
                }
            case "input_audio":
                throw TranslateError.unsupported(pp(), "audio input has no counterpart in the target format")
            default:
                ctx.diagnostics.dropped(pp(), "content part type \"\(type)\" has no counterpart")
            }
        }
        return out
    }

    /// `output`: a string, or input_text/input_image/input_file parts.
    private func toolOutput(_ v: JSONValue, path: @autoclosure () -> String, _ ctx: inout TranslationContext) throws(TranslateError) -> [NPart] {
        if let t = JSONText(v) { return [.text(NText(json: t))] }
        return try parts(v, path: path(), &ctx)
    }

    private mutating func appendAssistant(_ p: NPart) {
        if let last = messages.last, last.role == .assistant {
            messages[messages.count - 1].parts.append(p)
        } else {
            messages.append(NMessage(role: .assistant, parts: [p]))
        }
    }

    /// Tool results open a user turn, or join one that so far holds only tool results.
    private mutating func appendToolResult(_ p: NPart) {
        if let last = messages.last, last.role == .user, last.parts.allSatisfy(\.isToolResult) {
            messages[messages.count - 1].parts.append(p)
        } else {
            messages.append(NMessage(role: .user, parts: [p]))
        }
    }
}

extension NPart {
    var isToolResult: Bool { if case .toolResult = self { return true } else { return false } }
}
