import Foundation

/// The 429 a client gets over one of its limits: its format's error body (apx_error_build),
/// `retry-after`, and the figures in the headers its vendor's SDKs read:
/// `anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}` (reset: an RFC 3339 time) for
/// Anthropic clients, `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (reset: a duration
/// such as "1m30s") for OpenAI clients.
enum RateLimitAnswer {
    static func answer(_ r: ClientLimiter.Refusal, format: WireFormat, now: Date = Date()) -> LocalEndpoints.Answer {
        var a = LocalEndpoints.error(format, 429, r.message)
        a.headers = headers(r, format: format, now: now)
        return a
    }

    static func headers(_ r: ClientLimiter.Refusal, format: WireFormat, now: Date) -> [(String, String)] {
        var h: [(String, String)] = [("retry-after", String(r.retryAfterSeconds))]
        for (kind, f) in [("requests", r.requests), ("tokens", r.tokens)] {
            guard let f else { continue }
            switch format {
            case .anthropic:
                h.append(("anthropic-ratelimit-\(kind)-limit", String(f.limit)))
                h.append(("anthropic-ratelimit-\(kind)-remaining", String(f.remaining)))
                h.append(("anthropic-ratelimit-\(kind)-reset", rfc3339(now.addingTimeInterval(f.resetSeconds.rounded(.up)))))
            case .openaiChat, .openaiResponses:
                h.append(("x-ratelimit-limit-\(kind)", String(f.limit)))
                h.append(("x-ratelimit-remaining-\(kind)", String(f.remaining)))
                h.append(("x-ratelimit-reset-\(kind)", duration(f.resetSeconds)))
            }
        }
        return h
    }

    /// "2026-12-04T17:30:05Z".
    static func rfc3339(_ d: Date) -> String {
        var t = time_t(d.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// OpenAI's style: "850ms", "12s", "1m30s".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0s" }
        if seconds < 1 { return "\(Int((seconds * 1000).rounded(.up)))ms" }
        let s = Int(min(seconds, 86_400).rounded(.up))
        return s < 60 ? "\(s)s" : "\(s / 60)m\(s % 60)s"
    }
}
