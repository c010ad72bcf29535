/// Warnings collected while translating: what was dropped or approximated, with its path.
/// Each is one line without control characters (LogText): the C ABI joins them with '\n'.
public struct Diagnostics: Sendable {
    public private(set) var warnings: [String] = []
    public init() {}

    public mutating func dropped(_ path: String, _ why: String) {
        warnings.append(LogText.escaped(path.isEmpty ? why : "\(path): \(why)"))
    }

    /// A field of the client's request that the neutral model has no place for (one text for
    /// every decoder).
    mutating func noCounterpart(_ path: String) {
        dropped(path, "no counterpart in the target format")
    }

    public var text: String { warnings.joined(separator: "\n") }
}
