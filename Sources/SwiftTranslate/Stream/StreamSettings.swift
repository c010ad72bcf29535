/// What a stream's decoder and encoder read from the configuration and the exchange.
struct StreamSettings {
    var config: TranslatorConfig
    /// The client's model name (nil without an exchange: the upstream's name is kept).
    var clientModel: String?
    var toolNames: ToolNameMap
    var includeUsage: Bool
    /// The request's estimated input tokens (0 without an exchange).
    var inputTokens: Int
    /// Unix seconds for `created` when the upstream gave none (read once per stream).
    var clock: () -> Int

    init(config: TranslatorConfig, exchange: Exchange?, clock: @escaping () -> Int = unixTimeNow) {
        self.config = config
        clientModel = exchange?.clientModel
        toolNames = exchange?.toolNames ?? ToolNameMap()
        includeUsage = exchange?.includeUsage ?? false
        inputTokens = exchange?.inputTokens ?? 0
        self.clock = clock
    }
}
