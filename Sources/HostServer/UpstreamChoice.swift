import Logging
import ProxyCore

/// Which upstream, translator and key a proxied request uses now, and what it tries next when
/// that one fails before the client has a byte: another key of the same upstream (KeyPool), or
/// the route's next fallback (FallbackChain). A route with one key and no fallbacks never gets
/// past `init`.
struct UpstreamChoice {
    private(set) var upstream: Upstream
    private(set) var translator: APXTranslator
    /// The pool key in use (nil: the upstream's own key, or the client's).
    private(set) var keyIndex: Int?
    private var triedKeys: Set<Int> = []
    private var chain: FallbackChain

    /// What to do after a failure.
    enum Next {
        /// Same upstream and body, another key (`keyIndex`).
        case nextKey
        /// The next fallback (`upstream`, `translator`): translate the request again.
        case fallback(from: String, reason: String)
        /// Nothing else to try: the failure stands.
        case none
    }

    init(route: Route) {
        upstream = route.upstream
        translator = route.translator
        chain = FallbackChain(fallbacks: route.fallbacks)
    }

    /// Whether anything can be switched (else the state machine need not offer failures).
    var hasAlternatives: Bool { upstream.keyPool != nil || !chain.fallbacks.isEmpty }

    /// The key value to send (pool key, own key, or the client's when the upstream passes it on).
    func key(clientKey: String?) -> String? {
        if let pool = upstream.keyPool, let i = keyIndex, pool.keys.indices.contains(i) { return pool.keys[i].value }
        return upstream.apiKey ?? (upstream.passClientKey ? clientKey : nil)
    }

    /// Picks a key for the current upstream. With a pool and no usable key, moves on to the
    /// next fallback that has one; returns the pool's refusal when none is left.
    mutating func takeKey() -> (moved: [String], exhausted: KeyPool.Exhausted?) {
        var moved: [String] = []
        while true {
            guard let pool = upstream.keyPool else { return (moved, nil) }
            switch pool.next(excluding: triedKeys) {
            case .success(let pick):
                keyIndex = pick.index
                return (moved, nil)
            case .failure(let exhausted):
                guard let next = chain.next(after: .noUsableKey, clientHasBytes: false) else { return (moved, exhausted) }
                moved.append(upstream.name)
                switchTo(next)
            }
        }
    }

    /// After `failure` (before the client has a byte): sets a refused key aside or rests a
    /// throttled one, then says whether to go again with another key, move to a fallback, or
    /// give up. `willRetry`: the retry policy would wait and retry this same upstream (a 429).
    mutating func next(after failure: UpstreamFailure, retryAfter: Double?, willRetry: Bool,
                       metrics: FeatureMetrics, logger: Logger, id: String) -> Next {
        var fallbackReason: FallbackChain.Failure?
        switch failure {
        case .status(let s) where s == 401 || s == 403:
            guard let pool = upstream.keyPool, let i = keyIndex else { return .none }
            if pool.setAside(i) {
                logger.warning("upstream key set aside after \(s) until the next reload",
                               metadata: ["id": .string(id), "upstream": .string(upstream.name), "key": .string(pool.keys[i].id)])
                metrics.keyEvent(upstream: upstream.name, keyID: pool.keys[i].id, event: "set_aside")
            }
            triedKeys.insert(i)
            if case .success(let pick) = pool.next(excluding: triedKeys) { keyIndex = pick.index; return .nextKey }
            fallbackReason = .noUsableKey
        case .status(429):
            if let pool = upstream.keyPool, let i = keyIndex {
                pool.rest(i, seconds: retryAfter)
                logger.notice("upstream key rested after 429", metadata: ["id": .string(id), "upstream": .string(upstream.name),
                                                                          "key": .string(pool.keys[i].id)])
                metrics.keyEvent(upstream: upstream.name, keyID: pool.keys[i].id, event: "rested")
                triedKeys.insert(i)
                if case .success(let pick) = pool.next(excluding: triedKeys) { keyIndex = pick.index; return .nextKey }
                triedKeys.remove(i)  // the retry below goes again with this key
            }
            if willRetry { return .none }
            fallbackReason = .status(429)
        case .status(let s) where (500...599).contains(s):
            fallbackReason = .status(s)
        case .unreachable:
            fallbackReason = .unreachable
        case .timeout:
            fallbackReason = .timeoutBeforeFirstByte
        default:
            return .none
        }
        // Tried on a copy: when no fallback has a usable key, the failure stands with this
        // upstream (its body is translated with its translator).
        var trial = self
        guard let reason = fallbackReason, let target = trial.chain.next(after: reason, clientHasBytes: false) else { return .none }
        trial.switchTo(target)
        guard trial.takeKey().exhausted == nil else { return .none }
        let from = upstream.name
        self = trial
        return .fallback(from: from, reason: Self.label(reason))
    }

    private mutating func switchTo(_ target: RouteTarget) {
        upstream = target.upstream
        translator = target.translator
        keyIndex = nil
        triedKeys = []
    }

    static func label(_ f: FallbackChain.Failure) -> String {
        switch f {
        case .unreachable: return "unreachable"
        case .timeoutBeforeFirstByte: return "timeout"
        case .noUsableKey: return "no_usable_key"
        case .status(let s): return s == 429 ? "status_429" : "status_5xx"
        }
    }
}
