/// Status codes pinned by include/apxlate.h (never renumber).
public enum Status: Int32, Sendable {
    case ok = 0
    case argument = 1
    case json = 2
    case invalid = 3
    case unsupported = 4
    case config = 5
    case limit = 6
    case stream = 7
    case state = 8
    case nomem = 9
    case `internal` = 10

    /// Static text, so the C ABI can hand it out as a `const char *` (apx_status_str).
    public var staticDescription: StaticString {
        switch self {
        case .ok: return "ok"
        case .argument: return "invalid argument"
        case .json: return "invalid JSON"
        case .invalid: return "invalid document"
        case .unsupported: return "not expressible in the target format"
        case .config: return "invalid configuration"
        case .limit: return "limit exceeded"
        case .stream: return "malformed stream"
        case .state: return "stream in a terminal state"
        case .nomem: return "out of memory"
        case .internal: return "internal error"
        }
    }

    public var description: String { staticDescription.description }
}
