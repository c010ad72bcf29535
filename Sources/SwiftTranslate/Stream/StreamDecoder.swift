/// Turns one upstream SSE event into neutral events (a state machine per upstream format).
protocol StreamDecoder {
    /// `event` is a message event (comments and `[DONE]` are handled by the pipe); `json` its
    /// parsed data.
    mutating func consume(_ event: SSEEvent, json: JSONValue, into out: inout [StreamEvent]) throws(TranslateError)
    /// The fast path of the hot events (text, reasoning and argument deltas), tried before
    /// `consume`: when `event` has the exact shape of one (read with JSONScan, every byte
    /// validated, nothing allocated) and the stream is where one may come, does what `consume`
    /// would and returns true. Else returns false having changed nothing (malformed data
    /// included): the pipe then parses the event and calls `consume`, which reports any error.
    /// An event taken here holds nothing a StreamMeter reads (usage; a model unless `modelKnown`,
    /// the meter having one already), so the meter does not see it.
    mutating func consumeHot(_ event: SSEEvent, modelKnown: Bool, into out: inout [StreamEvent]) throws(TranslateError) -> Bool
    /// `data: [DONE]`.
    mutating func done(into out: inout [StreamEvent]) throws(TranslateError)
    /// The upstream ended: whatever closes the neutral stream well-formed.
    mutating func finish(into out: inout [StreamEvent]) throws(TranslateError)
    /// Warnings since the last call (moved out).
    mutating func takeWarnings() -> [String]
}
