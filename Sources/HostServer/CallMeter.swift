import NIOCore
import ProxyCore

/// The metrics and the log line of one proxied request: started when the call is made,
/// finished once with what the library reported about the answer.
struct CallMeter {
    let id: String
    let routeLabel: String
    let started = NIODeadline.now()

    /// What the request line reports besides the status.
    struct Outcome {
        var status: Int
        var clientModel: String
        var upstream: String?
        var upstreamModel: String?
        var attempts: Int
        var stream: Bool
        /// What the upstream reported (apx_response_usage / apx_stream_usage), nil when nothing.
        var usage: APXUsage?
        /// The request's input estimate, for when the upstream reported no input count.
        var inputEstimate: Int64
    }

    func upstreamError(_ app: ProxyApp, upstream: String, _ failure: UpstreamFailure) {
        app.metrics.upstreamError(upstream: upstream, kind: failure.kind)
    }

    func finish(_ app: ProxyApp, _ o: Outcome) {
        let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        app.metrics.requestFinished(route: routeLabel, status: o.status, seconds: seconds)
        let input = o.usage?.input.flatMap { $0 > 0 ? $0 : nil } ?? o.inputEstimate
        let output = o.usage?.output ?? 0
        if let upstream = o.upstream { app.metrics.tokens(upstream: upstream, input: input, output: output) }
        app.logger.info("request", metadata: [
            "id": .string(id),
            "route": .string(routeLabel),
            "model": .string(CallMeter.loggable(o.clientModel)),
            "upstream": .string(o.upstream ?? "-"),
            "upstream_model": .string(o.upstreamModel ?? "-"),
            "status": .stringConvertible(o.status),
            "attempts": .stringConvertible(o.attempts),
            "stream": .stringConvertible(o.stream),
            "latency_ms": .string(String(Int((seconds * 1000).rounded()))),
            "tokens_in": .stringConvertible(input),
            "tokens_out": .stringConvertible(output),
        ])
    }

    /// A client-given string fit for a log line: control characters replaced, length capped.
    static func loggable(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars.prefix(128) { out.unicodeScalars.append(u.value < 0x20 || u.value == 0x7F ? "?" : u) }
        return out
    }
}
