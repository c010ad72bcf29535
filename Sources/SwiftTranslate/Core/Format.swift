/// The three wire formats. Raw values are pinned by include/apxlate.h.
public enum Format: Int32, Sendable, CaseIterable {
    case anthropic = 1
    case openaiChat = 2
    case openaiResponses = 3

    /// Static text, so the C ABI can hand it out as a `const char *` (apx_format_name).
    public var staticName: StaticString {
        switch self {
        case .anthropic: return "anthropic"
        case .openaiChat: return "openai-chat"
        case .openaiResponses: return "openai-responses"
        }
    }

    public var name: String { staticName.description }

    public init?(name: String) {
        guard let f = Format.allCases.first(where: { $0.name == name }) else { return nil }
        self = f
    }
}
