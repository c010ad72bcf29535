/// When a proxied request tries its upstream again: after a 429 only, at most `retries` more
/// times, waiting the upstream's `Retry-After` or else an exponential backoff (0.5 s, 1 s,
/// 2 s ...), and never longer than `maxDelayMs` (a longer wait gives the 429 to the client).
public struct RetryPolicy: Sendable, Equatable {
    public var retries: Int
    public var maxDelayMs: Int

    public init(retries: Int, maxDelayMs: Int) {
        self.retries = retries
        self.maxDelayMs = maxDelayMs
    }

    /// Seconds to wait before the next attempt after `attempts` attempts ended with `status`,
    /// or nil: do not retry.
    public func delay(afterAttempts attempts: Int, status: Int, retryAfter: Double?) -> Double? {
        guard status == 429, attempts <= retries else { return nil }
        let limit = Double(maxDelayMs) / 1000
        let backoff = min(0.5 * Double(1 << min(max(attempts - 1, 0), 10)), limit)
        let delay = retryAfter ?? backoff
        return delay * 1000 <= Double(maxDelayMs) ? delay : nil
    }
}
