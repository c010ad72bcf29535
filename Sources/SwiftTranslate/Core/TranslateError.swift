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

/// Every failure of the library: a status, a readable message, and where (JSON path and/or
/// byte offset into the input). Message and path never hold a control character (hosts log
/// them): whatever is set is escaped (LogText), so no caller can forget.
public struct TranslateError: Error, Sendable, Equatable {
    public var status: Status
    public var message: String { didSet { message = LogText.escaped(message) } }
    public var path: String { didSet { path = LogText.escaped(path) } }
    public var offset: Int

    public init(_ status: Status, _ message: String, path: String = "", offset: Int = -1) {
        self.status = status
        self.message = LogText.escaped(message)
        self.path = LogText.escaped(path)
        self.offset = offset
    }

    /// A wrong shape at `path`: "messages[3].content[1]: expected an object, got a string".
    public static func invalid(_ path: String, _ what: String) -> TranslateError {
        TranslateError(.invalid, path.isEmpty ? what : "\(path): \(what)", path: path)
    }

    public static func unsupported(_ path: String, _ what: String) -> TranslateError {
        TranslateError(.unsupported, path.isEmpty ? what : "\(path): \(what)", path: path)
    }
}

/// Warnings collected while translating: what was dropped or approximated, with its path.
/// Each is one line without control characters (LogText): the C ABI joins them with '\n'.
public struct Diagnostics: Sendable {
    public private(set) var warnings: [String] = []
    public init() {}

    public mutating func dropped(_ path: String, _ why: String) {
        warnings.append(LogText.escaped(path.isEmpty ? why : "\(path): \(why)"))
    }

    public var text: String { warnings.joined(separator: "\n") }
}
