import Foundation

/// An upstream API: where to send, in which format, with which key.
struct Upstream: Sendable {
    var name: String
    /// e.g. https://api.openai.com/v1 (OpenAI formats) or https://api.anthropic.com (Anthropic).
    var baseURL: String
    var format: WireFormat
    /// The key itself, read from the environment or the config file at start (never logged).
    var apiKey: String?
    /// `api_keys_env`: several keys used in turn (then `apiKey` is nil).
    var keyPool: KeyPool?
    /// Send the client's own key upstream (when the upstream has no key of its own).
    var passClientKey: Bool = false
    /// Extra headers sent with every request ("Name: value").
    var headers: [String] = []
    /// A PEM bundle of CAs to trust instead of the system's (private CAs); verification stays on.
    var caFile: String?

    /// The endpoint for a request in this upstream's format.
    var endpointURL: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        switch format {
        case .anthropic: return base.hasSuffix("/v1") ? base + "/messages" : base + "/v1/messages"
        case .openaiChat: return base + "/chat/completions"
        case .openaiResponses: return base + "/responses"
        }
    }
}
