/// Anthropic `usage`, shared by the one-shot codec and the stream translators.
/// Anthropic `input_tokens` is the uncached part: neutral input = input + cache read + cache write.
enum AnthropicUsage {
    static func decode(_ u: JSONValue) -> NUsage {
        var n = NUsage()
        n.cacheRead = u["cache_read_input_tokens"]?.tokenCount ?? 0
        n.cacheWrite = u["cache_creation_input_tokens"]?.tokenCount ?? 0
        n.input = (u["input_tokens"]?.tokenCount ?? 0) + n.cacheRead + n.cacheWrite
        n.output = u["output_tokens"]?.tokenCount ?? 0
        n.reasoning = u["output_tokens_details"]?["thinking_tokens"]?.tokenCount
        return n
    }

    /// The full usage object (responses, `message_delta`): every figure, cache fields included.
    static func write(_ w: inout JSONWriter, _ u: NUsage) {
        w.beginObject()
        w.field("input_tokens", u.uncachedInput)
        w.field("cache_creation_input_tokens", u.cacheWrite)
        w.field("cache_read_input_tokens", u.cacheRead)
        w.field("output_tokens", u.output)
        if let r = u.reasoning { w.key("output_tokens_details"); w.beginObject(); w.field("thinking_tokens", r); w.endObject() }
        w.endObject()
    }
}

/// Anthropic `stop_reason` strings are NStopReason's raw values.
enum AnthropicStop {
    static func decode(_ s: String?) -> NStopReason { s.flatMap(NStopReason.init(rawValue:)) ?? .endTurn }
}
