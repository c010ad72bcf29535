enum ChatUsage {
    /// `{prompt_tokens, completion_tokens, prompt_tokens_details{cached_tokens, cache_write_tokens},
    ///   completion_tokens_details{reasoning_tokens}}`; missing numbers are 0. Counts saturate at
    /// `Counts.maxTokens`; a negative or non-numeric one is an error at its JSON path.
    static func decode(_ u: JSONValue, path: String) throws(TranslateError) -> NUsage {
        var n = NUsage()
        n.input = try u.tokenCount("prompt_tokens", path) ?? 0
        n.output = try u.tokenCount("completion_tokens", path) ?? 0
        if let d = u["prompt_tokens_details"] {
            let dpath = "\(path).prompt_tokens_details"
            n.cacheRead = try d.tokenCount("cached_tokens", dpath) ?? 0
            n.cacheWrite = try d.tokenCount("cache_write_tokens", dpath) ?? 0
        }
        // Some compatible servers (DeepSeek) report cache hits at the top level.
        let hit = try u.tokenCount("prompt_cache_hit_tokens", path)
        if n.cacheRead == 0, let hit { n.cacheRead = hit }
        if let d = u["completion_tokens_details"] {
            n.reasoning = try d.tokenCount("reasoning_tokens", "\(path).completion_tokens_details")
        }
        return n
    }

    static func write(_ w: inout JSONWriter, _ u: NUsage) {
        w.beginObject()
        w.field("prompt_tokens", u.input)
        w.field("completion_tokens", u.output)
        w.field("total_tokens", u.input.saturatingAdd(u.output))
        w.key("prompt_tokens_details")
        w.beginObject()
        w.field("cached_tokens", u.cacheRead)
        if u.cacheWrite > 0 { w.field("cache_write_tokens", u.cacheWrite) }
        w.endObject()
        if let r = u.reasoning { // only a figure the upstream reported, never a made-up 0
            w.key("completion_tokens_details")
            w.beginObject()
            w.field("reasoning_tokens", r)
            w.endObject()
        }
        w.endObject()
    }
}
