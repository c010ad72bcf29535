import NIOConcurrencyHelpers

/// Process-wide counters, rendered as Prometheus text on GET /metrics. Label values are routes,
/// status codes and upstream names only: never keys, never model prompts. Every addition
/// saturates: upstreams report token counts, and no count they send may trap the process.
final class Metrics: @unchecked Sendable {
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]

    private struct Histogram {
        var counts = [UInt64](repeating: 0, count: Metrics.buckets.count)
        var sum = 0.0
        var count: UInt64 = 0

        mutating func record(_ seconds: Double) {
            if let i = Metrics.buckets.firstIndex(where: { seconds <= $0 }) { Metrics.add(&counts[i], 1) }
            if seconds.isFinite && seconds > 0 { sum = min(sum + seconds, Double.greatestFiniteMagnitude) }
            Metrics.add(&count, 1)
        }
    }

    private let lock = NIOLock()
    private var requests: [String: [Int: UInt64]] = [:]   // route -> status -> count
    private var latency: [String: Histogram] = [:]         // route
    private var upstreamErrors: [String: UInt64] = [:]     // "upstream\u{0}kind"
    private var tokensIn: [String: Int64] = [:]            // upstream
    private var tokensOut: [String: Int64] = [:]
    private var streamsInFlight = 0
    private var requestsInFlight = 0
    private var connectionsOpen = 0
    private var connectionsRefused: UInt64 = 0

    /// A client connection was accepted: admitted (counted as open) when fewer than `limit` are
    /// open, else counted as refused.
    func connectionOpened(limit: Int) -> Bool {
        lock.withLock {
            guard connectionsOpen < limit else {
                Metrics.add(&connectionsRefused, 1)
                return false
            }
            Metrics.add(&connectionsOpen, 1)
            return true
        }
    }

    func connectionClosed() { lock.withLock { Metrics.add(&connectionsOpen, -1) } }

    var openConnections: Int { lock.withLock { connectionsOpen } }

    /// `a += b`, stopping at the type's maximum (and minimum) instead of trapping.
    static func add<T: FixedWidthInteger>(_ a: inout T, _ b: T) {
        let (r, overflow) = a.addingReportingOverflow(b)
        a = overflow ? (b > 0 ? T.max : T.min) : r
    }

    func requestStarted() { lock.withLock { Metrics.add(&requestsInFlight, 1) } }

    func requestFinished(route: String, status: Int, seconds: Double) {
        lock.withLock {
            Metrics.add(&requestsInFlight, -1)
            // In place: no key string built, no histogram copied per request.
            Metrics.add(&requests[route, default: [:]][status, default: 0], 1)
            latency[route, default: Histogram()].record(seconds)
        }
    }

    var inFlight: Int { lock.withLock { requestsInFlight } }

    func streamStarted() { lock.withLock { Metrics.add(&streamsInFlight, 1) } }
    func streamFinished() { lock.withLock { Metrics.add(&streamsInFlight, -1) } }

    func upstreamError(upstream: String, kind: String) {
        lock.withLock { Metrics.add(&upstreamErrors[upstream + "\u{0}" + kind, default: 0], 1) }
    }

    func tokens(upstream: String, input: Int64, output: Int64) {
        lock.withLock {
            if input > 0 { Metrics.add(&tokensIn[upstream, default: 0], input) }
            if output > 0 { Metrics.add(&tokensOut[upstream, default: 0], output) }
        }
    }

    func render() -> String {
        lock.withLock {
            var s = ""
            s += "# HELP apxlate_requests_total Requests served, by route and HTTP status.\n# TYPE apxlate_requests_total counter\n"
            for (route, byStatus) in requests.sorted(by: { $0.key < $1.key }) {
                for (status, v) in byStatus.sorted(by: { String($0.key) < String($1.key) }) {
                    s += "apxlate_requests_total{route=\"\(Metrics.escape(Substring(route)))\",status=\"\(status)\"} \(v)\n"
                }
            }
            s += "# HELP apxlate_request_duration_seconds Time from request to the last byte, by route.\n# TYPE apxlate_request_duration_seconds histogram\n"
            for (route, h) in latency.sorted(by: { $0.key < $1.key }) {
                let r = Metrics.escape(Substring(route))
                var cumulative: UInt64 = 0
                for (i, b) in Metrics.buckets.enumerated() {
                    Metrics.add(&cumulative, h.counts[i])
                    s += "apxlate_request_duration_seconds_bucket{route=\"\(r)\",le=\"\(b)\"} \(cumulative)\n"
                }
                s += "apxlate_request_duration_seconds_bucket{route=\"\(r)\",le=\"+Inf\"} \(h.count)\n"
                s += "apxlate_request_duration_seconds_sum{route=\"\(r)\"} \(h.sum)\n"
                s += "apxlate_request_duration_seconds_count{route=\"\(r)\"} \(h.count)\n"
            }
            s += "# HELP apxlate_upstream_errors_total Upstream failures, by upstream and kind (unreachable, timeout, status_5xx, status_429, ...).\n# TYPE apxlate_upstream_errors_total counter\n"
            for (k, v) in upstreamErrors.sorted(by: { $0.key < $1.key }) {
                let parts = k.split(separator: "\u{0}", omittingEmptySubsequences: false)
                s += "apxlate_upstream_errors_total{upstream=\"\(Metrics.escape(parts.first ?? ""))\",kind=\"\(Metrics.escape(parts.last ?? ""))\"} \(v)\n"
            }
            s += "# HELP apxlate_tokens_total Tokens reported by upstreams (estimated input when the upstream reports none).\n# TYPE apxlate_tokens_total counter\n"
            for (u, v) in tokensIn.sorted(by: { $0.key < $1.key }) {
                s += "apxlate_tokens_total{upstream=\"\(Metrics.escape(Substring(u)))\",direction=\"in\"} \(v)\n"
            }
            for (u, v) in tokensOut.sorted(by: { $0.key < $1.key }) {
                s += "apxlate_tokens_total{upstream=\"\(Metrics.escape(Substring(u)))\",direction=\"out\"} \(v)\n"
            }
            s += "# HELP apxlate_streams_in_flight Streaming responses open right now.\n# TYPE apxlate_streams_in_flight gauge\n"
            s += "apxlate_streams_in_flight \(streamsInFlight)\n"
            s += "# HELP apxlate_requests_in_flight Requests being served right now.\n# TYPE apxlate_requests_in_flight gauge\n"
            s += "apxlate_requests_in_flight \(requestsInFlight)\n"
            s += "# HELP apxlate_client_connections Client connections open right now.\n# TYPE apxlate_client_connections gauge\n"
            s += "apxlate_client_connections \(connectionsOpen)\n"
            s += "# HELP apxlate_client_connections_refused_total Client connections refused at the connection limit (--max-connections).\n# TYPE apxlate_client_connections_refused_total counter\n"
            s += "apxlate_client_connections_refused_total \(connectionsRefused)\n"
            return s
        }
    }

    private static func escape(_ s: Substring) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
