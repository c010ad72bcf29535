/// The stream translator behind `apx_stream`: upstream SSE bytes (split anywhere) in, client SSE
/// bytes out. Pipeline: SSE parser → stream decoder (per upstream format) → neutral events
/// (StreamEvent) → stream encoder (per client format) → SSE writer. Same format on both sides is
/// a passthrough that only restores the client's model name.
///
/// Behaviour a user sees:
/// - Output depends only on the upstream bytes, never on how they were split.
/// - Anthropic clients always get `message_start` … `message_stop` with `event:` lines and one
///   `message_delta` carrying the full usage; never `[DONE]`. Until the upstream reports usage,
///   `message_start` says input_tokens = the request's estimate, output_tokens = 0. An upstream
///   that sends no usage at all gets estimated figures (and a warning).
/// - An upstream error mid-stream becomes the client format's failure ending (<Format>StreamFailure:
///   Anthropic `event: error`, Chat `data: {"error":…}`, Responses `error` + `response.failed`)
///   and ends the stream; so does `fail` (apx_stream_fail), when the host gives up on the
///   upstream. A stream that stops early is closed well-formed, with a warning.
/// - Keep-alives are kept: an SSE comment or Anthropic `ping` from the upstream becomes
///   `event: ping` for Anthropic clients and a `: keep-alive` comment for Chat clients; one that
///   arrives before the stream's opening event is dropped (nothing precedes it).
/// - Chat `created`: the upstream chunk's when it has one, else the time at message start.
/// - Chat upstream tool calls: the first one streams live, others (interleaved by index) are
///   buffered and emitted whole in index order; text that follows tool calls comes after them.
/// - Data that is not JSON (other than `[DONE]`) is an error (APX_ERR_STREAM) with its byte
///   offset; a malformed Anthropic event sequence likewise. Passthrough does not parse unless
///   the model name must be restored, and then passes non-JSON data on unchanged.
public struct StreamTranslator {
    public private(set) var warnings: [String] = []
    private var pipe: any StreamPipe

    public init(config: TranslatorConfig, exchange: Exchange?, from: Format, to: Format) throws(TranslateError) {
        try self.init(config: config, exchange: exchange, from: from, to: to, clock: unixTimeNow)
    }

    /// `clock` gives `created` for OpenAI chunks when the upstream has none (tests fix it).
    init(config: TranslatorConfig, exchange: Exchange?, from: Format, to: Format, clock: @escaping @Sendable () -> Int) throws(TranslateError) {
        let settings = TranslationContext(config: config, exchange: exchange, clock: clock)
        if from == to {
            pipe = PassthroughPipe(format: from, settings: settings, upstreamModel: exchange?.upstreamModel)
            return
        }
        switch (from, to) {
        case (.openaiChat, .anthropic):
            pipe = TranslatingPipe(decoder: ChatStreamDecoder(settings: settings), encoder: AnthropicStreamEncoder(settings: settings), meter: StreamUsageMeter(format: from), maxEventBytes: settings.config.maxBodyBytes)
        case (.anthropic, .openaiChat):
            pipe = TranslatingPipe(decoder: AnthropicStreamDecoder(settings: settings), encoder: ChatStreamEncoder(settings: settings), meter: StreamUsageMeter(format: from), maxEventBytes: settings.config.maxBodyBytes)
        case (.openaiResponses, .anthropic):
            pipe = TranslatingPipe(decoder: ResponsesStreamDecoder(settings: settings), encoder: AnthropicStreamEncoder(settings: settings), meter: StreamUsageMeter(format: from), maxEventBytes: settings.config.maxBodyBytes)
        case (.openaiResponses, .openaiChat):
            pipe = TranslatingPipe(decoder: ResponsesStreamDecoder(settings: settings), encoder: ChatStreamEncoder(settings: settings), meter: StreamUsageMeter(format: from), maxEventBytes: settings.config.maxBodyBytes)
        case (.anthropic, .openaiResponses):
            pipe = TranslatingPipe(decoder: AnthropicStreamDecoder(settings: settings), encoder: ResponsesStreamEncoder(settings: settings), meter: StreamUsageMeter(format: from), maxEventBytes: settings.config.maxBodyBytes)
        case (.openaiChat, .openaiResponses):
            pipe = TranslatingPipe(decoder: ChatStreamDecoder(settings: settings), encoder: ResponsesStreamEncoder(settings: settings), meter: StreamUsageMeter(format: from), maxEventBytes: settings.config.maxBodyBytes)
        default:
            throw TranslateError.unsupported("", "streams from \(from.name) to \(to.name) are not supported")
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

    /// Ends the client stream with a failure in its format (see StreamPipe.fail): also after
    /// `feed` threw.
    public mutating func fail(_ error: NError, into out: inout [UInt8]) {
        defer { collectWarnings() }
        pipe.fail(error, into: &out)
    }

    /// The usage and model the upstream reported so far (complete once the stream ended).
    public var usage: UsageReport { pipe.usage }

    /// Every stream warning passes here: each becomes one line without control characters
    /// (LogText), whatever upstream string it quotes.
    private mutating func collectWarnings() {
        let w = pipe.takeWarnings()
        if !w.isEmpty { warnings += w.map(LogText.escaped) }
    }
}
