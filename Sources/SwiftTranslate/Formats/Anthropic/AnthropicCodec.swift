/// The Anthropic wire format: one-shot documents. Each direction lives in its own file.
public enum AnthropicCodec {
    public static func decodeRequest(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NRequest {
        try AnthropicRequestDecoder.decode(root, &ctx)
    }
    public static func encodeRequest(_ request: NRequest, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        try AnthropicRequestEncoder.encode(request, &ctx)
    }
    public static func decodeResponse(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NResponse {
        try AnthropicResponseDecoder.decode(root, &ctx)
    }
    public static func encodeResponse(_ response: NResponse, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        try AnthropicResponseEncoder.encode(response, &ctx)
    }
    public static func decodeError(status: Int, body: [UInt8]) -> NError {
        AnthropicErrors.decode(status: status, body: body)
    }
    public static func encodeError(_ error: NError) -> (status: Int, body: [UInt8]) {
        AnthropicErrors.encode(error)
    }
}
