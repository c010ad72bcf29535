/// Shared helpers for error bodies that are not JSON or say nothing.
enum ErrorText {
    static func fallback(status: Int) -> String { "upstream returned HTTP \(status)" }

    /// A non-JSON body becomes the message (trimmed, at most 1,000 bytes).
    static func fromRaw(status: Int, body: [UInt8]) -> NError {
        let text = String(decoding: body.prefix(1000), as: UTF8.self)
        let trimmed = text.trimmingWhitespace()
        let message = trimmed.isEmpty ? fallback(status: status) : "upstream returned HTTP \(status): \(trimmed)"
        return NError(status: status, message: message)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
