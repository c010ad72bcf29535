/// The stream translator behind `apx_stream`: upstream SSE bytes (split anywhere) in, client SSE
/// bytes out. Pipeline: SSE parser → stream decoder (per upstream format) → neutral events
/// (StreamEvent) → stream encoder (per client format) → SSE writer. Same format on both sides is
/// a passthrough that only restores the client's model name.
public struct StreamTranslator {
    public private(set) var warnings: [String] = []
    private var pipe: any StreamPipe

    public init(config: TranslatorConfig, exchange: Exchange?, from: Format, to: Format) throws(TranslateError) {
        try self.init(config: config, exchange: exchange, from: from, to: to, clock: unixTimeNow)
    }

    /// `clock` gives `created` for OpenAI chunks when the upstream has none (tests fix it).
    init(config: TranslatorConfig, exchange: Exchange?, from: Format, to: Format, clock: @escaping () -> Int) throws(TranslateError) {
        let settings = StreamSettings(config: config, exchange: exchange, clock: clock)
        if from == to {
            pipe = PassthroughPipe(settings: settings, upstreamModel: exchange?.upstreamModel)
            return
        }
        switch (from, to) {
        case (.openaiChat, .anthropic):
            pipe = TranslatingPipe(decoder: ChatStreamDecoder(settings: settings), encoder: AnthropicStreamEncoder(settings: settings))
        case (.anthropic, .openaiChat):
            pipe = TranslatingPipe(decoder: AnthropicStreamDecoder(settings: settings), encoder: ChatStreamEncoder(settings: settings))
        default:
            // openai-responses decoders/encoders plug in here on the same neutral events.
            throw TranslateError.unsupported("", "streams from \(from.name) to \(to.name) are not supported yet")
        }
    }

    /// Consumes upstream bytes (split anywhere) and appends complete client bytes to `out`.
    public mutating func feed(_ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) throws(TranslateError) {
        defer { collectWarnings() }
        try pipe.feed(bytes, into: &out)
    }

    /// The upstream ended: appends what closes the client stream well-formed.
    public mutating func finish(into out: inout [UInt8]) throws(TranslateError) {
        defer { collectWarnings() }
        try pipe.finish(into: &out)
    }

    private mutating func collectWarnings() {
        let w = pipe.takeWarnings()
        if !w.isEmpty { warnings += w }
    }
}
