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
}
