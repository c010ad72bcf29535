/// The three wire formats. Raw values are pinned by include/apxlate.h.
public enum Format: Int32, Sendable, CaseIterable {
    case anthropic = 1
    case openaiChat = 2
    case openaiResponses = 3

    public var name: String {
        switch self {
        case .anthropic: return "anthropic"
        case .openaiChat: return "openai-chat"
        case .openaiResponses: return "openai-responses"
        }
    }

    public init?(name: String) {
        guard let f = Format.allCases.first(where: { $0.name == name }) else { return nil }
        self = f
    }
}
