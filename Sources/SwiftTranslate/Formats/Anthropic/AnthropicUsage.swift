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

    /// `message_delta.usage` figures are cumulative totals: each present figure replaces the one
    /// in `usage` (the input side is rebuilt from the uncached part and the cache figures).
    static func merge(_ u: JSONValue, into usage: inout NUsage) throws(TranslateError) {
        if let o = try u.tokenCount("output_tokens", "usage") { usage.output = o }
        if let d = u["output_tokens_details"], let r = try d.tokenCount("thinking_tokens", "usage.output_tokens_details") { usage.reasoning = r }
        let read = try u.tokenCount("cache_read_input_tokens", "usage")
        let write = try u.tokenCount("cache_creation_input_tokens", "usage")
        if let i = try u.tokenCount("input_tokens", "usage") {
            usage.input = i.saturatingAdd(read ?? usage.cacheRead).saturatingAdd(write ?? usage.cacheWrite)
        } else if read != nil || write != nil {
            usage.input = usage.uncachedInput.saturatingAdd(read ?? usage.cacheRead).saturatingAdd(write ?? usage.cacheWrite)
        }
        if let read { usage.cacheRead = read }
        if let write { usage.cacheWrite = write }
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
