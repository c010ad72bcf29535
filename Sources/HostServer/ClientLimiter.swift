import Foundation
import NIOConcurrencyHelpers

/// A client's limits from `clients:` (each optional).
struct ClientLimits: Sendable, Equatable {
    var requestsPerMinute: Int?
    var tokensPerMinute: Int?
    var concurrentStreams: Int?
}

/// Per-client limits, shared by every event loop and kept across config reloads (by client
/// name). Requests and tokens are token buckets that refill their whole minute's allowance
/// evenly over a minute; a request is admitted while a request is left and the token bucket
/// is not empty (the tokens a request used are taken after it, from what the proxy metered).
final class ClientLimiter: @unchecked Sendable {
    /// A limit's figures at refusal time, for the vendor's rate-limit headers.
    struct Figures: Equatable {
        var limit: Int
        var remaining: Int
        /// Seconds until the bucket is full again.
        var resetSeconds: Double
    }

    struct Refusal: Equatable {
        /// "requests_per_minute", "tokens_per_minute" or "concurrent_streams" (a metric label).
        var limit: String
        var retryAfterSeconds: Int
        var requests: Figures?
        var tokens: Figures?
        var message: String
    }

    private struct Bucket {
        var level: Double
        var at: Double

        /// Refills for the time since the last look; `capacity` per minute.
        mutating func refill(capacity: Int, now: Double) {
            let cap = Double(capacity)
            level = min(cap, level + max(0, now - at) * cap / 60)
            at = now
        }

        func figures(capacity: Int) -> Figures {
            let cap = Double(capacity)
            return Figures(limit: capacity, remaining: max(0, Int(level.rounded(.down))),
                           resetSeconds: max(0, (cap - level) * 60 / cap))
        }
    }

    private struct State {
        var requests: Bucket?
        var tokens: Bucket?
        var streams = 0
    }

    private let lock = NIOLock()
    private var states: [String: State] = [:]
    private let clock: () -> Double

    init(clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) { self.clock = clock }

    /// Admits one proxied request of `client` or says which limit it is over.
    func admitRequest(client: String, limits: ClientLimits) -> Refusal? {
        guard limits.requestsPerMinute != nil || limits.tokensPerMinute != nil else { return nil }
        let now = clock()
        return lock.withLock { () -> Refusal? in
            var s = states[client] ?? State()
            defer { states[client] = s }
            var requests: Figures?
            var tokens: Figures?
            if let rpm = limits.requestsPerMinute {
                var b = s.requests ?? Bucket(level: Double(rpm), at: now)
                b.refill(capacity: rpm, now: now)
                s.requests = b
                requests = b.figures(capacity: rpm)
            }
            if let tpm = limits.tokensPerMinute {
                var b = s.tokens ?? Bucket(level: Double(tpm), at: now)
                b.refill(capacity: tpm, now: now)
                s.tokens = b
                tokens = b.figures(capacity: tpm)
            }
            if let rpm = limits.requestsPerMinute, let level = s.requests?.level, level < 1 {
                let wait = (1 - level) * 60 / Double(rpm)
                return Refusal(limit: "requests_per_minute", retryAfterSeconds: Self.seconds(wait), requests: requests, tokens: tokens,
                               message: "rate limit: \(rpm) requests per minute for this client; retry later")
            }
            if let tpm = limits.tokensPerMinute, let level = s.tokens?.level, level <= 0 {
                let wait = (1 - level) * 60 / Double(tpm)
                return Refusal(limit: "tokens_per_minute", retryAfterSeconds: Self.seconds(wait), requests: requests, tokens: tokens,
                               message: "rate limit: \(tpm) tokens per minute for this client; retry later")
            }
            if s.requests != nil {
                s.requests?.level -= 1
                if let r = requests?.remaining { requests?.remaining = max(0, r - 1) }
            }
            return nil
        }
    }

    /// Takes the tokens an answered request used (input + output, as metered).
    func recordTokens(client: String, limits: ClientLimits, tokens: Int64) {
        guard let tpm = limits.tokensPerMinute, tokens > 0 else { return }
        let now = clock()
        lock.withLock {
            var b = states[client]?.tokens ?? Bucket(level: Double(tpm), at: now)
            b.refill(capacity: tpm, now: now)
            // Never below one minute's allowance in debt: one huge answer blocks a minute or two, not a day.
            b.level = max(-Double(tpm), b.level - Double(tokens))
            states[client, default: State()].tokens = b
        }
    }

    /// Admits one more stream of `client`; `streamEnded` gives it back.
    func admitStream(client: String, limits: ClientLimits) -> Refusal? {
        guard let max = limits.concurrentStreams else { return nil }
        return lock.withLock { () -> Refusal? in
            let open = states[client]?.streams ?? 0
            guard open < max else {
                return Refusal(limit: "concurrent_streams", retryAfterSeconds: 1, requests: nil, tokens: nil,
                               message: "rate limit: \(max) concurrent streams for this client; retry when one ends")
            }
            states[client, default: State()].streams = open + 1
            return nil
        }
    }

    func streamEnded(client: String) {
        lock.withLock { states[client, default: State()].streams = max(0, (states[client]?.streams ?? 1) - 1) }
    }

    /// Whole seconds, at least 1 (Retry-After takes integers).
    private static func seconds(_ s: Double) -> Int {
        guard s.isFinite else { return 60 }
        return Int(min(max(1, s.rounded(.up)), 3600))
    }
}
