/// Chat `finish_reason` and `usage`, shared by the one-shot codec and the stream translators.
enum ChatFinish {
    static func decode(_ reason: String?) -> NStopReason {
        switch reason {
        case "length": return .maxTokens
        case "tool_calls", "function_call": return .toolUse
        case "content_filter": return .refusal
        default: return .endTurn // "stop", null, unknown
        }
    }

    static func encode(_ stop: NStopReason) -> String {
        switch stop {
        case .endTurn, .stopSequence, .pauseTurn: return "stop"
        case .maxTokens, .contextWindowExceeded: return "length"
        case .toolUse: return "tool_calls"
        case .refusal: return "content_filter"
        }
    }
}
