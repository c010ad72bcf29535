/// Upstream bytes in, client bytes out.
protocol StreamPipe {
    mutating func feed(_ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) throws(TranslateError)
    mutating func finish(into out: inout [UInt8]) throws(TranslateError)
    /// The host gives up on the stream (the upstream broke, timed out, or sent what cannot be
    /// translated): appends the client format's failure ending after what was already written
    /// (<Format>StreamFailure in each format's folder); nothing when the client stream is already complete. Whatever input
    /// is still buffered (an incomplete event) is dropped.
    mutating func fail(_ error: NError, into out: inout [UInt8])
    mutating func takeWarnings() -> [String]
    /// What the upstream reported so far: usage and model (apx_stream_usage).
    var usage: UsageReport { get }
}
