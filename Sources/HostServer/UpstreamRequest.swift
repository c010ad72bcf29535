/// One HTTP request to an upstream, as the curl engine sends it.
struct UpstreamRequest: Sendable {
    var url: String
    var headers: [String]          // "Name: value" lines
    var body: UpstreamBody
    var connectTimeoutMs: Int
    var caFile: String?
    var verbose: Bool = false
}

/// What an upstream transfer reports, in order: one head (after retries of 1xx/redirects),
/// any number of data chunks, then done. Delivered on the event loop of the call.
enum UpstreamEvent: Sendable {
    case head(status: Int, retryAfter: Double?)
    case data([UInt8])
    /// `error` is nil for a complete response; `timedOut` tells a timeout from other failures.
    case done(error: String?, timedOut: Bool)
}
