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

/// The context that a request leaves for its response, stream and errors.
public struct Exchange: Sendable {
    public var clientFormat: Format
    public var upstreamFormat: Format
    public var clientModel: String
    public var upstreamModel: String
    public var stream: Bool
    public var includeUsage: Bool
    public var toolNames: ToolNameMap
    public var inputTokens: Int

    public init(clientFormat: Format, upstreamFormat: Format, clientModel: String, upstreamModel: String,
                stream: Bool, includeUsage: Bool, toolNames: ToolNameMap, inputTokens: Int) {
        self.clientFormat = clientFormat; self.upstreamFormat = upstreamFormat
        self.clientModel = clientModel; self.upstreamModel = upstreamModel
        self.stream = stream; self.includeUsage = includeUsage
        self.toolNames = toolNames; self.inputTokens = inputTokens
    }

    /// A context for translating this exchange's response or stream.
    public func context(config: TranslatorConfig) -> TranslationContext {
        var ctx = TranslationContext(config: config)
        ctx.toolNames = toolNames
        ctx.clientModel = clientModel
        ctx.includeUsage = includeUsage
        ctx.inputTokens = inputTokens
        return ctx
    }
}

/// One wire format's decoder and encoder for one-shot documents. Streams are in Stream/.
public protocol WireCodec {
    static func decodeRequest(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NRequest
    static func encodeRequest(_ request: NRequest, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8]
    static func decodeResponse(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NResponse
    static func encodeResponse(_ response: NResponse, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8]
    /// Never fails: any status and body (even empty or not JSON) gives an error.
    static func decodeError(status: Int, body: [UInt8]) -> NError
    /// The client-format body for an error, and the HTTP status the client should see.
    static func encodeError(_ error: NError) -> (status: Int, body: [UInt8])
}

public func codec(for format: Format) -> any WireCodec.Type {
    switch format {
    case .anthropic: return AnthropicCodec.self
    case .openaiChat: return OpenAIChatCodec.self
    case .openaiResponses: return OpenAIResponsesCodec.self
    }
}
