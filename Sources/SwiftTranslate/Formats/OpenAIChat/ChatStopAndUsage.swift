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

enum ChatUsage {
    /// `{prompt_tokens, completion_tokens, prompt_tokens_details{cached_tokens, cache_write_tokens},
    ///   completion_tokens_details{reasoning_tokens}}`; missing numbers are 0.
    static func decode(_ u: JSONValue) -> NUsage {
        var n = NUsage()
        n.input = u["prompt_tokens"]?.tokenCount ?? 0
        n.output = u["completion_tokens"]?.tokenCount ?? 0
        if let d = u["prompt_tokens_details"] {
            n.cacheRead = d["cached_tokens"]?.tokenCount ?? 0
            n.cacheWrite = d["cache_write_tokens"]?.tokenCount ?? 0
        }
        // Some compatible servers (DeepSeek) report cache hits at the top level.
        if n.cacheRead == 0, let hit = u["prompt_cache_hit_tokens"]?.tokenCount { n.cacheRead = hit }
        n.reasoning = u["completion_tokens_details"]?["reasoning_tokens"]?.tokenCount
        return n
    }

    static func write(_ w: inout JSONWriter, _ u: NUsage) {
        w.beginObject()
        w.field("prompt_tokens", u.input)
        w.field("completion_tokens", u.output)
        w.field("total_tokens", u.input + u.output)
        w.key("prompt_tokens_details")
        w.beginObject()
        w.field("cached_tokens", u.cacheRead)
        if u.cacheWrite > 0 { w.field("cache_write_tokens", u.cacheWrite) }
        w.endObject()
        w.key("completion_tokens_details")
        w.beginObject()
        w.field("reasoning_tokens", u.reasoning ?? 0)
        w.endObject()
        w.endObject()
    }
}
