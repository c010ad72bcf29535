/// One wire format's decoder and encoder for one-shot documents (stream decoders and encoders
/// conform to StreamDecoder and StreamEncoder). Each format's codec is a plain enum in its folder;
/// it is made a WireCodec here, so only the pipeline knows every format.
public protocol WireCodec {
    static func decodeRequest(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NRequest
    static func encodeRequest(_ request: NRequest, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8]
    static func decodeResponse(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NResponse
    static func encodeResponse(_ response: NResponse, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8]
    /// Never fails: any status and body (even empty or not JSON) gives an error.
    static func decodeError(status: Int, body: [UInt8]) -> NError
    /// The client-format body for an error, and the HTTP status the client should see.
    static func encodeError(_ error: NError) -> (status: Int, body: [UInt8])
}

extension AnthropicCodec: WireCodec {}
extension OpenAIChatCodec: WireCodec {}
extension OpenAIResponsesCodec: WireCodec {}

/// The codec of a format: the only place, with StreamTranslator and PassthroughPipe, that
/// names every format's types.
public func codec(for format: Format) -> any WireCodec.Type {
    switch format {
    case .anthropic: return AnthropicCodec.self
    case .openaiChat: return OpenAIChatCodec.self
    case .openaiResponses: return OpenAIResponsesCodec.self
    }
}
