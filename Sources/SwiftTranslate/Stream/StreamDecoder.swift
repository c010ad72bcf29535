/// Turns one upstream SSE event into neutral events (a state machine per upstream format).
protocol StreamDecoder {
    /// `event` is a message event (comments and `[DONE]` are handled by the pipe); `json` its
    /// parsed data.
    mutating func consume(_ event: SSEEvent, json: JSONValue, into out: inout [StreamEvent]) throws(TranslateError)
    /// `data: [DONE]`.
    mutating func done(into out: inout [StreamEvent]) throws(TranslateError)
    /// The upstream ended: whatever closes the neutral stream well-formed.
    mutating func finish(into out: inout [StreamEvent]) throws(TranslateError)
    /// Warnings since the last call (moved out).
    mutating func takeWarnings() -> [String]
}
