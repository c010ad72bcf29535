import NIOConcurrencyHelpers

/// The counters of the production features (reloads, upstream keys, fallbacks, client limits,
/// the response cache), apart from `Metrics` so that a request using none of them touches none
/// of these. Labels are upstream names, key ids (environment variable names), client names and
/// fixed words: never keys.
final class FeatureMetrics: @unchecked Sendable {
    private let lock = NIOLock()
    private var reloads: [String: UInt64] = [:]          // result
    private var keyEvents: [[String]: UInt64] = [:]      // [upstream, key id, event]
    private var fallbacks: [[String]: UInt64] = [:]      // [from, to, reason]
    private var served: [String: UInt64] = [:]           // upstream (after a retry with another key or a fallback)
    private var limited: [[String]: UInt64] = [:]        // [client, limit]
    private var cache: [String: UInt64] = [:]            // hit, miss, store
    private var cacheBytes = 0

    func reloaded(ok: Bool) { lock.withLock { Metrics.add(&reloads[ok ? "ok" : "error", default: 0], 1) } }
    func keyEvent(upstream: String, keyID: String, event: String) { lock.withLock { Metrics.add(&keyEvents[[upstream, keyID, event], default: 0], 1) } }
    func fellBack(from: String, to: String, reason: String) { lock.withLock { Metrics.add(&fallbacks[[from, to, reason], default: 0], 1) } }
    func servedBy(_ upstream: String) { lock.withLock { Metrics.add(&served[upstream, default: 0], 1) } }
    func limited(client: String, limit: String) { lock.withLock { Metrics.add(&limited[[client, limit], default: 0], 1) } }
    func cacheEvent(_ what: String, bytes: Int) {
        lock.withLock {
            Metrics.add(&cache[what, default: 0], 1)
            cacheBytes = bytes
        }
    }

    func render() -> String {
        lock.withLock {
            var s = "# HELP apxlate_config_reloads_total Config reloads (SIGHUP, POST /admin/reload), by result.\n# TYPE apxlate_config_reloads_total counter\n"
            for r in ["ok", "error"] { s += "apxlate_config_reloads_total{result=\"\(r)\"} \(reloads[r] ?? 0)\n" }
            s += "# HELP apxlate_upstream_key_events_total Upstream keys set aside (401/403) or rested (429), by upstream and key id.\n# TYPE apxlate_upstream_key_events_total counter\n"
            for (k, v) in keyEvents.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) where k.count == 3 {
                s += "apxlate_upstream_key_events_total{upstream=\"\(esc(k[0]))\",key=\"\(esc(k[1]))\",event=\"\(esc(k[2]))\"} \(v)\n"
            }
            s += "# HELP apxlate_fallbacks_total Requests moved to a route's next upstream, by from, to and reason.\n# TYPE apxlate_fallbacks_total counter\n"
            for (k, v) in fallbacks.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) where k.count == 3 {
                s += "apxlate_fallbacks_total{from=\"\(esc(k[0]))\",to=\"\(esc(k[1]))\",reason=\"\(esc(k[2]))\"} \(v)\n"
            }
            s += "# HELP apxlate_upstream_served_total Requests answered, by the upstream that served them.\n# TYPE apxlate_upstream_served_total counter\n"
            for (k, v) in served.sorted(by: { $0.key < $1.key }) { s += "apxlate_upstream_served_total{upstream=\"\(esc(k))\"} \(v)\n" }
            s += "# HELP apxlate_client_limited_total Requests refused with 429 over a client's limit, by client and limit.\n# TYPE apxlate_client_limited_total counter\n"
            for (k, v) in limited.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) where k.count == 2 {
                s += "apxlate_client_limited_total{client=\"\(esc(k[0]))\",limit=\"\(esc(k[1]))\"} \(v)\n"
            }
            s += "# HELP apxlate_cache_total Response cache lookups and stores, by result.\n# TYPE apxlate_cache_total counter\n"
            for (k, v) in cache.sorted(by: { $0.key < $1.key }) { s += "apxlate_cache_total{result=\"\(esc(k))\"} \(v)\n" }
            s += "# HELP apxlate_cache_bytes Bytes held by the response cache.\n# TYPE apxlate_cache_bytes gauge\napxlate_cache_bytes \(cacheBytes)\n"
            return s
        }
    }

    private func esc(_ s: String) -> String {
        s.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("\n", "\\n")
    }
}
