/// The client-format SSE bytes that report a failure after the stream has started (the HTTP
/// status is already 200): Anthropic `event: error`, OpenAI a data chunk with a top-level
/// `error` (both SDKs raise on it). The body comes from apx_error_build.
enum MidStreamError {
    static func event(format: WireFormat, status: Int, message: String) -> [UInt8] {
        let body = APXTranslator.buildError(format: format, status: status, message: message).body
        switch format {
        case .anthropic, .openaiResponses:
            return Array("event: error\ndata: ".utf8) + body + Array("\n\n".utf8)
        case .openaiChat:
            return Array("data: ".utf8) + body + Array("\n\n".utf8)
        }
    }
}
