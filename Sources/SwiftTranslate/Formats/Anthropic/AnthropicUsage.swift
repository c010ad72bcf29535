/// Anthropic `usage`, shared by the one-shot codec and the stream translators.
/// Anthropic `input_tokens` is the uncached part: neutral input = input + cache read + cache write.
enum AnthropicUsage {
    /// Counts saturate at `Counts.maxTokens`; a negative or non-numeric one is an error at its
    /// JSON path (`path` is where `u` is, e.g. "usage" or "message.usage").
    static func decode(_ u: JSONValue, path: String) throws(TranslateError) -> NUsage {
        var n = NUsage()
        n.cacheRead = try u.tokenCount("cache_read_input_tokens", path) ?? 0
        n.cacheWrite = try u.tokenCount("cache_creation_input_tokens", path) ?? 0
        n.input = (try u.tokenCount("input_tokens", path) ?? 0).saturatingAdd(n.cacheRead).saturatingAdd(n.cacheWrite)
        n.output = try u.tokenCount("output_tokens", path) ?? 0
        if let d = u["output_tokens_details"] {
            n.reasoning = try d.tokenCount("thinking_tokens", "\(path).output_tokens_details")
        }
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
