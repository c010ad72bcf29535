/// PLACEHOLDER: replaced by the real codec.
public enum AnthropicCodec: WireCodec {
    public static func decodeRequest(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NRequest {
        throw TranslateError.unsupported("", "Anthropic requests are not implemented yet")
    }
    public static func encodeRequest(_ request: NRequest, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        throw TranslateError.unsupported("", "Anthropic requests are not implemented yet")
    }
    public static func decodeResponse(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NResponse {
        throw TranslateError.unsupported("", "Anthropic responses are not implemented yet")
    }
    public static func encodeResponse(_ response: NResponse, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        throw TranslateError.unsupported("", "Anthropic responses are not implemented yet")
    }
    public static func decodeError(status: Int, body: [UInt8]) -> NError {
        NError(kind: NError.kind(forStatus: status), status: status, message: String(decoding: body, as: UTF8.self))
    }
    public static func encodeError(_ error: NError) -> (status: Int, body: [UInt8]) {
        (error.status, Array(error.message.utf8))
    }
}
