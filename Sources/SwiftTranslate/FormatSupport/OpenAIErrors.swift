/// OpenAI error bodies (Chat and Responses): `{"error":{"message","type","param","code"}}`.
enum OpenAIErrors {
    static func typeCodeStatus(_ e: NError) -> (type: String, code: String?, status: Int) {
        switch e.kind {
        case .invalidRequest: return ("invalid_request_error", e.code, (400...499).contains(e.status) && e.status != 402 ? e.status : 400)
        case .authentication: return ("invalid_request_error", e.code ?? "invalid_api_key", 401)
        case .billing: return ("insufficient_quota", e.code ?? "insufficient_quota", 429)
        case .permission: return ("permission_error", e.code ?? "request_forbidden", 403)
        case .notFound: return ("invalid_request_error", e.code ?? "not_found", 404)
        case .conflict: return ("invalid_request_error", e.code ?? "conflict", 409)
        case .requestTooLarge: return ("invalid_request_error", e.code ?? "request_too_large", 413)
        case .unprocessable: return ("invalid_request_error", e.code, 422)
        case .rateLimit: return ("rate_limit_exceeded", e.code ?? "rate_limit_exceeded", 429)
        case .api: return ("server_error", e.code, (500...599).contains(e.status) && e.status != 503 && e.status != 529 ? e.status : 500)
        case .timeout: return ("server_error", e.code ?? "timeout", 504)
        case .overloaded: return ("service_unavailable_error", e.code ?? "server_is_overloaded", 503)
        }
    }

    /// The kind an OpenAI-compatible error means: the status first, refined by type and code.
    static func kind(status: Int, type: String?, code: String?) -> NError.Kind {
        let tag = (code ?? "") + " " + (type ?? "")
        if ByteSearch.contains(tag, "insufficient_quota") || ByteSearch.contains(tag, "credit_balance") || status == 402 { return .billing }
        if ByteSearch.contains(tag, "invalid_api_key") || ByteSearch.contains(tag, "authentication") || status == 401 { return .authentication }
        if ByteSearch.contains(tag, "context_length_exceeded") { return .invalidRequest }
        if ByteSearch.contains(tag, "server_is_overloaded") || ByteSearch.contains(tag, "overloaded") || status == 503 || status == 529 { return .overloaded }
        if ByteSearch.contains(tag, "rate_limit") || ByteSearch.contains(tag, "slow_down") { return .rateLimit }
        if ByteSearch.contains(tag, "not_found") || ByteSearch.contains(tag, "model_not_found") { return .notFound }
        if ByteSearch.contains(tag, "timeout") && status >= 500 { return .timeout }
        if status == 0 {
            if ByteSearch.contains(tag, "invalid_request") { return .invalidRequest }
            return .api
        }
        return NError.kind(forStatus: status)
    }

    static func decode(status: Int, body: [UInt8]) -> NError {
        guard let doc = try? JSONDocument.parse(body) else { return ErrorText.fromRaw(status: status, body: body) }
        return decode(status: status, root: doc.root)
    }

    /// Reads `{"error":{…}}`, a bare error object, or Responses' flat `{"type":"error",code,message}`.
    static func decode(status: Int, root: JSONValue) -> NError {
        var obj = root
        if let inner = root["error"], inner.isObject { obj = inner }
        let type = obj["type"]?.string
        let code = obj["code"]?.string ?? obj["code"]?.numberText
        let message = obj["message"]?.string ?? (root["error"]?.string ?? ErrorText.fallback(status: status))
        let kind = kind(status: status, type: type == "error" ? nil : type, code: code)
        var e = NError(kind: kind, status: status, message: message)
        e.param = obj["param"]?.string
        e.code = code
        if status == 0 { e.status = typeCodeStatus(e).status }
        return e
    }

    /// The `{"error":{…}}` body and the status for the client.
    static func encode(_ e: NError) -> (status: Int, body: [UInt8]) {
        let (type, code, status) = typeCodeStatus(e)
        var w = JSONWriter(capacity: 96 + e.message.utf8.count)
        w.beginObject()
        w.key("error")
        writeObject(&w, e, type: type, code: code)
        w.endObject()
        return (status, w.bytes)
    }

    /// The inner error object `{"message","type","param","code"}`.
    static func writeObject(_ w: inout JSONWriter, _ e: NError, type: String? = nil, code: String?? = nil) {
        let m = typeCodeStatus(e)
        w.beginObject()
        w.field("message", e.message)
        w.field("type", type ?? m.type)
        if let p = e.param { w.field("param", p) } else { w.fieldNull("param") }
        if let c = code ?? m.code { w.field("code", c) } else { w.fieldNull("code") }
        w.endObject()
    }
}
