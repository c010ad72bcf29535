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
