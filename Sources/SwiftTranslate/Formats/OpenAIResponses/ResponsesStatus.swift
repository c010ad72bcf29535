enum ResponsesStatus {
    /// The stop reason for a finished response. `hasToolCalls`: the output holds function_call
    /// items (Responses says `completed` for a tool turn). nil for statuses that are not an end
    /// (`failed`, `cancelled`, `in_progress`, `queued`): the caller reports those.
    static func decode(status: String?, incompleteReason: String?, hasToolCalls: Bool) -> NStopReason? {
        switch status {
        case "completed", nil:
            return hasToolCalls ? .toolUse : .endTurn
        case "incomplete":
            switch incompleteReason {
            case "content_filter": return .refusal
            default: return .maxTokens // max_output_tokens, and the rarer max_messages/steered: the answer was cut
            }
        default:
            return nil
        }
    }

    /// `status` and `incomplete_details.reason` for a stop reason.
    static func encode(_ stop: NStopReason) -> (status: String, incompleteReason: String?) {
        switch stop {
        case .endTurn, .stopSequence, .toolUse, .pauseTurn: return ("completed", nil)
        case .maxTokens, .contextWindowExceeded: return ("incomplete", "max_output_tokens")
        case .refusal: return ("incomplete", "content_filter")
        }
    }

    /// The error a `failed` (or `cancelled`) response carries, as a neutral error. Codes name
    /// the cause: `rate_limit_exceeded`, `server_error`, `invalid_prompt`, `invalid_image…`, ….
    static func failure(status: String, error: JSONValue?) -> NError {
        guard let error, error.isObject else {
            let what = status == "cancelled" ? "the upstream cancelled the response" : "the upstream response failed"
            return NError(kind: .api, status: 500, message: what)
        }
        var e = OpenAIErrors.decode(status: 0, root: error)
        if let code = e.code, e.kind == .api,
           code.hasPrefix("invalid_") || code.hasPrefix("image_") || code == "bio_policy" || code == "empty_image_file" {
            e.kind = .invalidRequest
            e.status = 400
        }
        return e
    }
}
