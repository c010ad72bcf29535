/// Anthropic error bodies: `{"type":"error","error":{"type":…,"message":…},"request_id"?}`.
enum AnthropicErrors {
    /// `error.type` for a kind, and the status Anthropic uses for it.
    static func typeAndStatus(_ e: NError) -> (type: String, status: Int) {
        switch e.kind {
        case .invalidRequest: return ("invalid_request_error", (400...499).contains(e.status) ? e.status : 400)
        case .authentication: return ("authentication_error", 401)
        case .billing: return ("billing_error", 402)
        case .permission: return ("permission_error", 403)
        case .notFound: return ("not_found_error", 404)
        case .conflict: return ("conflict_error", 409)
        case .requestTooLarge: return ("request_too_large", 413)
        case .unprocessable: return ("invalid_request_error", 422)
        case .rateLimit: return ("rate_limit_error", 429)
        case .api: return ("api_error", (500...599).contains(e.status) && e.status != 503 && e.status != 504 && e.status != 529 ? e.status : 500)
        case .timeout: return ("timeout_error", 504)
        case .overloaded: return ("overloaded_error", 529)
        }
    }

    static func kind(forType type: String) -> NError.Kind? {
        switch type {
        case "invalid_request_error": return .invalidRequest
        case "authentication_error": return .authentication
        case "billing_error": return .billing
        case "permission_error": return .permission
        case "not_found_error": return .notFound
        case "conflict_error", "memory_path_conflict_error": return .conflict
        case "memory_precondition_failed_error": return .invalidRequest
        case "request_too_large": return .requestTooLarge
        case "rate_limit_error": return .rateLimit
        case "api_error": return .api
        case "timeout_error": return .timeout
        case "overloaded_error": return .overloaded
        default: return nil
        }
    }

    /// Reads an Anthropic error object (the `error` member, or a whole body/event payload).
    static func decode(status: Int, body: [UInt8]) -> NError {
        guard let doc = try? JSONDocument.parse(body) else { return ErrorText.fromRaw(status: status, body: body) }
        return decode(status: status, root: doc.root)
    }

    static func decode(status: Int, root: JSONValue) -> NError {
        let obj = root["error"] ?? root
        let type = obj["type"]?.string ?? ""
        let message = obj["message"]?.string ?? ErrorText.fallback(status: status)
        let kind = kind(forType: type) ?? NError.kind(forStatus: status)
        var e = NError(kind: kind, status: status == 0 ? typeAndStatus(NError(kind: kind, status: 0, message: "")).status : status, message: message)
        e.code = obj["details"]?["error_code"]?.string
        // OpenAI clients trim their context on this code; Anthropic says it in the message only.
        if e.code == nil, kind == .invalidRequest, message.hasPrefix("prompt is too long") {
            e.code = "context_length_exceeded"
            e.param = "messages"
        }
        return e
    }

    /// The error object `{"type":"error","error":{…}}` (a body, or an `event: error` payload).
    static func encode(_ e: NError) -> (status: Int, body: [UInt8]) {
        let (type, status) = typeAndStatus(e)
        var w = JSONWriter(capacity: 96 + e.message.utf8.count)
        w.beginObject()
        w.field("type", "error")
        w.key("error")
        w.beginObject()
        w.field("type", type)
        w.field("message", e.message)
        w.endObject()
        w.endObject()
        return (status, w.bytes)
    }
}
