/// Anthropic Messages response → NResponse. Blocks the neutral model has no case for (server
/// tool calls and their results, containers, ...) are kept as `.opaque` for the encoder to
/// pass through or drop with a warning.
enum AnthropicResponseDecoder {
    static func decode(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NResponse {
        guard root.isObject else { throw TranslateError.invalid("", "a response must be a JSON object, got \(root.kindDescription)") }
        if root["type"]?.stringEquals("error") == true {
            let e = AnthropicErrors.decode(status: 0, root: root)
            throw TranslateError.invalid("", "the upstream answered with an error: \(e.message)")
        }
        var r = NResponse()
        r.id = try string(root, "id", "") ?? ""
        r.model = try string(root, "model", "") ?? ""
        if let stop = try string(root, "stop_reason", "") {
            guard let reason = NStopReason(rawValue: stop) else {
                throw TranslateError.invalid("stop_reason", "unknown stop reason \"\(stop)\"")
            }
            r.stopReason = reason
        }
        r.stopSequence = try string(root, "stop_sequence", "")
        if let u = present(root["usage"]) {
            guard u.isObject else { throw TranslateError.invalid("usage", "expected an object, got \(u.kindDescription)") }
            r.usage = try AnthropicUsage.decode(u, path: "usage")
        }
        guard let content = root["content"] else { throw TranslateError.invalid("content", "required") }
        guard content.isArray else { throw TranslateError.invalid("content", "expected an array, got \(content.kindDescription)") }
        r.content.reserveCapacity(content.count)
        var i = 0
        for block in content.elements {
            r.content.append(try self.block(block, "content[\(i)]"))
            i += 1
        }
        if r.stopReason == .refusal, let details = present(root["stop_details"]), let why = details["explanation"]?.string, !why.isEmpty {
            r.content.append(.refusal(why))
        }
        return r
    }

    static func block(_ b: JSONValue, _ path: String) throws(TranslateError) -> NPart {
        guard b.isObject else { throw TranslateError.invalid(path, "expected an object, got \(b.kindDescription)") }
        guard let type = try string(b, "type", path) else { throw TranslateError.invalid("\(path).type", "required") }
        switch type {
        case "text":
            let text = try FieldReads.optionalText(b, "text", path) ?? JSONText(body: [])
            var citations: [UInt8]? = nil
            if let c = present(b["citations"]) {
                guard c.isArray else { throw TranslateError.invalid("\(path).citations", "expected an array, got \(c.kindDescription)") }
                if c.count > 0 { citations = Array(c.raw) }
            }
            return .text(NText(json: text, citations: citations))
        case "thinking":
            return .thinking(NThinking(json: try FieldReads.optionalText(b, "thinking", path) ?? JSONText(body: []), signature: try string(b, "signature", path)))
        case "redacted_thinking":
            return .redactedThinking(try string(b, "data", path) ?? "")
        case "tool_use":
            guard let id = try string(b, "id", path) else { throw TranslateError.invalid("\(path).id", "required") }
            guard let name = try string(b, "name", path) else { throw TranslateError.invalid("\(path).name", "required") }
            var input: [UInt8] = Array("{}".utf8)
            if let v = present(b["input"]) {
                guard v.isObject else { throw TranslateError.invalid("\(path).input", "expected an object, got \(v.kindDescription)") }
                input = Array(v.raw)
            }
            return .toolCall(NToolCall(id: id, name: name, arguments: input))
        default:
            return .opaque(format: .anthropic, type: type, raw: Array(b.raw))
        }
    }

    static func present(_ v: JSONValue?) -> JSONValue? {
        guard let v, !v.isNull else { return nil }
        return v
    }

    /// `obj[key]` as a string; nil when absent or null, an error naming the path otherwise.
    static func string(_ obj: JSONValue, _ key: String, _ path: String) throws(TranslateError) -> String? {
        guard let v = present(obj[key]) else { return nil }
        guard let s = v.string else {
            throw TranslateError.invalid(path.isEmpty ? key : "\(path).\(key)", "expected a string, got \(v.kindDescription)")
        }
        return s
    }
}
