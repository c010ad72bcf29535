/// The request rules that do not belong to one format, applied once to the neutral request
/// between decode and encode (Translator.translateRequest), so each is written once, warns with
/// one text, and holds in every direction; the encoders then only encode:
/// - `max_tokens` above `upstream.max_tokens_cap` is clamped to it, with a warning;
/// - toward Anthropic, which requires `max_tokens`, a request without one gets
///   `upstream.default_max_tokens` (within the cap, silently);
/// - toward OpenAI (Chat, Responses):
///   - Claude Code's billing header line (`x-anthropic-billing-header: …`, a system block that
///     changes every session) is removed when `upstream.strip_billing_header`, with a warning per
///     block: it would defeat the upstream's automatic prompt cache;
///   - `cache_control` breakpoints have no counterpart: one warning, at the first one;
///   - a thinking budget without an effort gets the effort bucket `effort(forBudget:)`.
enum RequestPolicy {
    static let billingHeaderPrefix = "x-anthropic-billing-header:"

    static func apply(_ r: inout NRequest, to target: Format, _ ctx: inout TranslationContext) {
        capMaxTokens(&r, &ctx)
        switch target {
        case .anthropic:
            if r.maxTokens == nil { r.maxTokens = min(ctx.config.defaultMaxTokens, ctx.config.maxTokensCap ?? .max) }
        case .openaiChat, .openaiResponses:
            let strip = ctx.config.stripBillingHeader
            let cacheControl = firstCacheControl(r, skippingBillingHeader: strip)
            if strip { stripBillingHeader(&r, &ctx) }
            if let path = cacheControl { ctx.diagnostics.dropped(path, "cache_control dropped (OpenAI caches prompts automatically)") }
            if var rc = r.reasoning, rc.mode == .enabled, rc.effort == nil, let budget = rc.budgetTokens {
                rc.effort = effort(forBudget: budget)
                r.reasoning = rc
            }
        }
    }

    /// The effort bucket for a thinking budget (docs/wire-formats.md §4.4): < 4,096 low,
    /// < 16,384 medium, else high.
    static func effort(forBudget budget: Int) -> String {
        if budget < 4096 { return "low" }
        if budget < 16384 { return "medium" }
        return "high"
    }

    private static func capMaxTokens(_ r: inout NRequest, _ ctx: inout TranslationContext) {
        guard let n = r.maxTokens, let cap = ctx.config.maxTokensCap, n > cap else { return }
        ctx.diagnostics.dropped("max_tokens", "\(n) clamped to the upstream cap \(cap)")
        r.maxTokens = cap
    }

    private static func stripBillingHeader(_ r: inout NRequest, _ ctx: inout TranslationContext) {
        guard r.system.contains(where: { $0.json.hasPrefix(billingHeaderPrefix) }) else { return }
        var kept: [NText] = []
        for (i, t) in r.system.enumerated() {
            if t.json.hasPrefix(billingHeaderPrefix) {
                ctx.diagnostics.dropped("system[\(i)]", "billing header line removed (it changes every session and defeats the upstream's prompt cache)")
            } else {
                kept.append(t)
            }
        }
        r.system = kept
    }

    /// The client's path of the first `cache_control` (system, then the messages' blocks and
    /// tool results in order, then tools), or nil. A billing header about to be removed does
    /// not count.
    private static func firstCacheControl(_ r: NRequest, skippingBillingHeader: Bool) -> String? {
        if let i = r.system.firstIndex(where: { $0.cacheControl != nil && !(skippingBillingHeader && $0.json.hasPrefix(billingHeaderPrefix)) }) {
            return "system[\(i)].cache_control"
        }
        for (i, m) in r.messages.enumerated() {
            var message: String { "messages[\(m.sourceIndex ?? i)]" } // text only when found
            for (j, p) in m.parts.enumerated() {
                switch p {
                case .text(let t) where t.cacheControl != nil:
                    return "\(message).content[\(j)].cache_control"
                case .toolResult(let t):
                    if t.cacheControl != nil { return "\(message).content[\(j)].cache_control" }
                    for (k, c) in t.content.enumerated() {
                        if case .text(let text) = c, text.cacheControl != nil { return "\(message).content[\(j)].content[\(k)].cache_control" }
                    }
                default: continue
                }
            }
        }
        if let i = r.tools.firstIndex(where: { $0.cacheControl != nil }) { return "tools[\(i)].cache_control" }
        return nil
    }
}
