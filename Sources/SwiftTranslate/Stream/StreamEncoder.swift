/// Writes neutral events as client SSE bytes (a state machine per client format).
protocol StreamEncoder {
    mutating func encode(_ event: StreamEvent, into out: inout [UInt8])
    /// The neutral stream ended (after the decoder's finish).
    mutating func finish(into out: inout [UInt8])
    mutating func takeWarnings() -> [String]
}
