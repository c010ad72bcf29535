/// A neutral API error: what went wrong, for which HTTP status.
public struct NError: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case invalidRequest, authentication, billing, permission, notFound, conflict,
             requestTooLarge, unprocessable, rateLimit, api, timeout, overloaded
    }
    public var kind: Kind
    public var status: Int
    public var message: String
    public var param: String? = nil
    /// The upstream's machine code (OpenAI `code`, e.g. `context_length_exceeded`).
    public var code: String? = nil
    public init(kind: Kind, status: Int, message: String, param: String? = nil, code: String? = nil) {
        self.kind = kind; self.status = status; self.message = message; self.param = param; self.code = code
    }

    /// An error whose kind follows the status, as in apx_error_build (502 upstream unreachable
    /// or broken, 504 timeout, 429 rate limit...).
    public init(status: Int, message: String) {
        self.init(kind: NError.kind(forStatus: status), status: status, message: message)
    }

    /// The kind an HTTP status means when the body says nothing better.
    public static func kind(forStatus status: Int) -> Kind {
        switch status {
        case 400: return .invalidRequest
        case 401: return .authentication
        case 402: return .billing
        case 403: return .permission
        case 404: return .notFound
        case 409: return .conflict
        case 413: return .requestTooLarge
        case 422: return .unprocessable
        case 429: return .rateLimit
        case 504, 408: return .timeout
        case 503, 529: return .overloaded
        case 500...599: return .api
        default: return status >= 400 && status < 500 ? .invalidRequest : .api
        }
    }
}
