/// The OpenAIChat wire format: one-shot documents. Each direction lives in its own file.
public enum OpenAIChatCodec {
    public static func decodeRequest(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NRequest {
        try ChatRequestDecoder.decode(root, &ctx)
    }
    public static func encodeRequest(_ request: NRequest, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        try ChatRequestEncoder.encode(request, &ctx)
    }
    public static func decodeResponse(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NResponse {
        try ChatResponseDecoder.decode(root, &ctx)
    }
    public static func encodeResponse(_ response: NResponse, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        try ChatResponseEncoder.encode(response, &ctx)
    }
    public static func decodeError(status: Int, body: [UInt8]) -> NError {
        OpenAIErrors.decode(status: status, body: body)
    }
    public static func encodeError(_ error: NError) -> (status: Int, body: [UInt8]) {
        OpenAIErrors.encode(error)
    }
}
