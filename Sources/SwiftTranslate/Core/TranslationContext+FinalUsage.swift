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

extension StreamSettings {
    /// The usage of the closing `message_delta`: the upstream's when it sent one, else the
    /// request's input estimate and output estimated from the streamed bytes (with a warning).
    func finalUsage(_ usage: NUsage?, outputBytes: Int, warnings: inout [String]) -> NUsage {
        if let usage { return usage }
        warnings.append("the upstream sent no usage: input tokens are the request estimate, output tokens estimated from the streamed text")
        return NUsage(input: inputTokens, output: outputBytes.saturatingAdd(3) / 4)
    }
}
