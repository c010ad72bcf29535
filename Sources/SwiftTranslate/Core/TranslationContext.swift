/// What a codec may read and record while translating one document.
public struct TranslationContext: Sendable {
    public let config: TranslatorConfig
    public var diagnostics = Diagnostics()
    /// Built while encoding a request toward OpenAI; read to restore names in responses.
    public var toolNames = ToolNameMap()
    /// The client's model name: responses and streams report it.
    public var clientModel: String? = nil
    /// The client asked for usage in an OpenAI stream (`stream_options.include_usage`).
    public var includeUsage = false
    /// Estimated input tokens of the request (for stream starts before the upstream says).
    public var inputTokens = 0

    public init(config: TranslatorConfig) { self.config = config }
}
