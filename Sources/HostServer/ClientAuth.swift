import NIOHTTP1

/// The optional client key: `x-api-key: KEY` or `Authorization: Bearer KEY`.
enum ClientAuth {
    /// The key the client presented, if any.
    static func presentedKey(_ headers: HTTPHeaders) -> String? {
        if let k = headers.first(name: "x-api-key"), !k.isEmpty { return k }
        if let a = headers.first(name: "authorization") {
            let lower = a.lowercased()
            if lower.hasPrefix("bearer ") { return String(a.dropFirst(7)).trimmingCharacters(in: " \t") }
        }
        return nil
    }

    /// Whether the request may pass (constant-time comparison of the key bytes).
    static func allowed(_ headers: HTTPHeaders, expected: String?) -> Bool {
        guard let expected else { return true }
        guard let given = presentedKey(headers) else { return false }
        return equal(given, expected)
    }

    /// Constant-time comparison of two keys' bytes.
    static func equal(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8), b = Array(expected.utf8)
        var diff = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return diff == 0
    }

    /// The client's format for answers that have no path-given format (GET /v1/models, 404s):
    /// Anthropic when the request carries Anthropic headers.
    static func looksAnthropic(_ headers: HTTPHeaders) -> Bool {
        headers.contains(name: "anthropic-version") || headers.contains(name: "x-api-key")
    }
}
