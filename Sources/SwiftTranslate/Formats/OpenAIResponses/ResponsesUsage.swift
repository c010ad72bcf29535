/// Responses `usage` and `status`/`incomplete_details`, shared by the one-shot codec and the
/// stream translators (docs/wire-formats.md §3.3, §4.5, §4.6).
enum ResponsesUsage {
    /// `{input_tokens, input_tokens_details{cached_tokens, cache_write_tokens}, output_tokens,
    ///   output_tokens_details{reasoning_tokens}}`; `input_tokens` already includes cached tokens.
    /// Counts saturate at `Counts.maxTokens`; a negative or non-numeric one is an error at its
    /// JSON path (`path` is where `u` is, e.g. "usage").
    static func decode(_ u: JSONValue, path: String) throws(TranslateError) -> NUsage {
        var n = NUsage()
        n.input = try u.tokenCount("input_tokens", path) ?? 0
        n.output = try u.tokenCount("output_tokens", path) ?? 0
        if let d = u["input_tokens_details"] {
            let dpath = "\(path).input_tokens_details"
            n.cacheRead = try d.tokenCount("cached_tokens", dpath) ?? 0
            n.cacheWrite = try d.tokenCount("cache_write_tokens", dpath) ?? 0
        }
        if let d = u["output_tokens_details"] {
            n.reasoning = try d.tokenCount("reasoning_tokens", "\(path).output_tokens_details")
        }
        return n
    }

    static func write(_ w: inout JSONWriter, _ u: NUsage) {
        w.beginObject()
        w.field("input_tokens", u.input)
        w.key("input_tokens_details")
        w.beginObject()
        w.field("cached_tokens", u.cacheRead)
        if u.cacheWrite > 0 { w.field("cache_write_tokens", u.cacheWrite) }
        w.endObject()
        w.field("output_tokens", u.output)
        if let r = u.reasoning { // only a figure the upstream reported, never a made-up 0
            w.key("output_tokens_details")
            w.beginObject()
            w.field("reasoning_tokens", r)
            w.endObject()
        }
        w.field("total_tokens", u.input.saturatingAdd(u.output))
        w.endObject()
    }
}
