/// Where a route may send a request: its upstream first, then its `fallbacks` in order. Each
/// target has its own translator (the fallback's upstream quirks and model), so the request is
/// translated again for that upstream's format.
final class RouteTarget: @unchecked Sendable {
    let upstream: Upstream
    let translator: APXTranslator

    init(upstream: Upstream, translatorConfig: [UInt8]) throws(APXError) {
        self.upstream = upstream
        translator = try APXTranslator(config: translatorConfig)
    }
}

/// One request's walk along its route's targets. A target is left for the next only on a
/// failure before any byte reached the client: a connect failure, a timeout before the first
/// byte, a 5xx, a 429 that outlasted the retries, or no usable key.
struct FallbackChain {
    enum Failure {
        case unreachable
        case timeoutBeforeFirstByte
        case status(Int)
        case noUsableKey
    }

    let fallbacks: [RouteTarget]
    /// 0: the route's own upstream; n: fallbacks[n - 1].
    private(set) var position = 0

    init(fallbacks: [RouteTarget]) { self.fallbacks = fallbacks }

    static func triggers(_ f: Failure) -> Bool {
        switch f {
        case .unreachable, .timeoutBeforeFirstByte, .noUsableKey: return true
        case .status(let s): return s == 429 || (500...599).contains(s)
        }
    }

    /// The next target after `failure`, or nil (the failure goes to the client). Never once the
    /// client has a byte: the caller passes `clientHasBytes`.
    mutating func next(after failure: Failure, clientHasBytes: Bool) -> RouteTarget? {
        guard !clientHasBytes, Self.triggers(failure), position < fallbacks.count else { return nil }
        position += 1
        return fallbacks[position - 1]
    }
}
