/// PLACEHOLDER: the stream translator (upstream SSE bytes → client SSE bytes).
public struct StreamTranslator {
    public private(set) var warnings: [String] = []

    public init(config: TranslatorConfig, exchange: Exchange?, from: Format, to: Format) throws(TranslateError) {
        throw TranslateError.unsupported("", "streams are not implemented yet")
    }

    /// Consumes upstream bytes (split anywhere) and appends complete client bytes to `out`.
    public mutating func feed(_ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) throws(TranslateError) {}

    /// The upstream ended: appends what closes the client stream well-formed.
    public mutating func finish(into out: inout [UInt8]) throws(TranslateError) {}
}
