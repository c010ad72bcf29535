/// Why an upstream let a request down, as counted by `apxlate_upstream_errors_total{kind}`.
public enum UpstreamFailure: Sendable, Equatable {
    /// The transfer failed (connection refused, reset, TLS ...).
    case unreachable
    /// Nothing came for the idle timeout (or curl's own timeout).
    case timeout
    /// An HTTP error status.
    case status(Int)
    /// A buffered answer over the size limit.
    case tooLarge
    /// A body that could not be translated.
    case badResponse
    /// Stream bytes that could not be translated.
    case badStream

    /// The metric's `kind` label.
    public var kind: String {
        switch self {
        case .unreachable: return "unreachable"
        case .timeout: return "timeout"
        case .status(let s): return s == 429 ? "status_429" : (s >= 500 ? "status_5xx" : "status_\(s)")
        case .tooLarge: return "too_large"
        case .badResponse: return "bad_response"
        case .badStream: return "bad_stream"
        }
    }
}
