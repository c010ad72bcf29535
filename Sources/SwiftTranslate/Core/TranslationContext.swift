/// The one context of a translation: what a codec, a stream decoder and a stream encoder read
/// (the configuration, the exchange's client model, tool names, usage wish and input estimate)
/// and what a one-shot codec records (diagnostics, the tool names it made OpenAI-safe).
///
/// `Exchange` is a different thing and stays apart: it is the immutable record a request hands
/// back to the host (the `apx_exchange` handle: formats, both model names, stream flag), kept
/// between calls and shared across threads, while a context lives for one translation and
/// carries the translator's configuration. A context is built from an exchange with
/// `init(config:exchange:)`.
public struct TranslationContext: Sendable {
    public let config: TranslatorConfig
    public var diagnostics = Diagnostics()
    /// Built while encoding a request toward OpenAI; read to restore names in responses.
    public var toolNames = ToolNameMap()
    /// The client's model name: responses and streams report it (nil without an exchange: the
    /// upstream's name is kept).
    public var clientModel: String? = nil
    /// The client asked for usage in an OpenAI stream (`stream_options.include_usage`).
    public var includeUsage = false
    /// Estimated input tokens of the request (for stream starts before the upstream says; 0
    /// without an exchange).
    public var inputTokens = 0
    /// Unix seconds for `created` when the upstream gave none (a stream reads it once).
    public var clock: @Sendable () -> Int = unixTimeNow

    public init(config: TranslatorConfig) { self.config = config }

    /// A context for translating an exchange's response or stream (nil: none, as for a response
    /// translated without its request).
    init(config: TranslatorConfig, exchange: Exchange?, clock: @escaping @Sendable () -> Int = unixTimeNow) {
        self.config = config
        self.clock = clock
        guard let exchange else { return }
        toolNames = exchange.toolNames
        clientModel = exchange.clientModel
        includeUsage = exchange.includeUsage
        inputTokens = exchange.inputTokens
    }
}
