/// The neutral stream: what every upstream stream decoder produces and every client stream encoder
/// consumes. Blocks never interleave: `blockStart`, its deltas, `blockStop`, then the next block.
/// A well-formed stream is `messageStart`, blocks, exactly one `messageDelta`, `messageStop`; or it
/// ends with `error` at any point. The cases that come once per stream are `indirect` (boxed),
/// so that the per-token deltas move a small value.
enum StreamEvent: Equatable {
    /// `usage` is the input side when the upstream already said (Anthropic), else nil.
    indirect case messageStart(id: String, model: String, created: Int?, usage: NUsage?)
    case blockStart(StreamBlockKind)
    case textDelta(JSONText)
    case thinkingDelta(JSONText)
    case signatureDelta(JSONText)
    case argumentsDelta(JSONText)
    case blockStop
    /// The stop reason and the full, final usage.
    indirect case messageDelta(stop: NStopReason, stopSequence: String?, usage: NUsage)
    case messageStop
    /// The upstream reported an error mid-stream; nothing follows.
    indirect case error(NError)
    /// The upstream sent a keep-alive (an SSE comment or an Anthropic `ping`).
    case keepAlive
}
