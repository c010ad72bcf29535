/// Reads a Responses response object (docs/wire-formats.md §3.3) into the neutral response.
/// `status:"failed"`/`"cancelled"` sets `NResponse.error` (the client gets an error).
enum ResponsesResponseDecoder {
    static func decode(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NResponse {
        guard root.isObject else { throw TranslateError.invalid("", "a response must be a JSON object, got \(root.kindDescription)") }
        if let e = root["error"], e.isObject, root["output"] == nil {
            // An error body where a response was expected (some servers answer 200 with one).
            var r = NResponse()
            r.error = OpenAIErrors.decode(status: 0, root: root)
            return r
        }
        var r = NResponse()
        r.id = root["id"]?.string ?? ""
        r.model = root["model"]?.string ?? ""
        if let c = root["created_at"]?.double, c.isFinite, c >= 0, c < 1e15 { r.created = Int(c) }
        if let u = root["usage"], u.isObject { r.usage = try ResponsesUsage.decode(u, path: "usage") }
        let status = root["status"]?.string
        if status == "failed" || status == "cancelled" {
            r.error = ResponsesStatus.failure(status: status ?? "failed", error: root["error"])
            return r
        }
        if let output = root["output"] {
            guard output.isArray else { throw TranslateError.invalid("output", "expected an array, got \(output.kindDescription)") }
            r.content.reserveCapacity(output.count)
            for (i, item) in output.elements.enumerated() {
                try decodeItem(item, path: "output[\(i)]", &r, &ctx)
            }
        }
        let hasToolCalls = r.content.contains { if case .toolCall = $0 { return true } else { return false } }
        guard let stop = ResponsesStatus.decode(status: status, incompleteReason: root["incomplete_details"]?["reason"]?.string,
                                                hasToolCalls: hasToolCalls) else {
            throw TranslateError.unsupported("status", "the response is still \"\(status ?? "")\" (background responses are not supported)")
        }
        r.stopReason = stop
        return r
    }

    private static func decodeItem(_ item: JSONValue, path: String, _ r: inout NResponse, _ ctx: inout TranslationContext) throws(TranslateError) {
        guard item.isObject, let type = item["type"]?.string else { throw TranslateError.invalid(path, "expected an item with a type") }
        switch type {
        case "message":
            for (j, p) in (item["content"]?.elements ?? JSONValue.emptyElements(item)).enumerated() {
                let pp = "\(path).content[\(j)]"
                switch p["type"]?.string {
                case "output_text":
                    guard let t = p["text"]?.string else { throw TranslateError.invalid(pp + ".text", "expected a string") }
                    if let a = p["annotations"], a.count > 0 {
                        ctx.diagnostics.dropped(pp + ".annotations", "annotations are not translated")
                    }
                    r.content.append(.text(NText(t)))
                case "refusal":
                    guard let t = p["refusal"]?.string else { throw TranslateError.invalid(pp + ".refusal", "expected a string") }
                    r.content.append(.refusal(t))
                default:
                    ctx.diagnostics.dropped(pp, "content part type \"\(p["type"]?.string ?? "?")\" has no counterpart")
                }
            }
        case "function_call":
            guard let callId = item["call_id"]?.string, let name = item["name"]?.string else {
                throw TranslateError.invalid(path, "a function_call needs call_id and name strings")
            }
            guard let args = item["arguments"]?.stringBytes else {
                throw TranslateError.invalid(path + ".arguments", "expected the arguments as a JSON string")
            }
            r.content.append(.toolCall(NToolCall(id: callId, name: name, arguments: args,
                                                 itemId: item["id"]?.string)))
        case "reasoning":
            let reasoning = try ResponsesReasoning.decodeItem(item, path: path)
            // An item with neither text nor encrypted content (the client asked for no
            // reasoning) carries nothing a client could show or replay.
            if reasoning.encryptedContent == nil && ResponsesReasoning.joinedSummary(reasoning).isEmpty { return }
            r.content.append(ResponsesReasoning.outputPart(reasoning))
        default:
            ctx.diagnostics.dropped(path, "the built-in `\(type)` item has no counterpart outside the Responses API")
        }
    }
}
