/// How an Anthropic client stream ends when it fails: `event: error` with the error body; nothing
/// else is closed (the SDKs raise on it). Shared by the stream encoder and the passthrough.
enum AnthropicStreamFailure {
    private static let errorName = Array("error".utf8)

    static func write(_ e: NError, into out: inout [UInt8]) {
        let body = AnthropicErrors.encode(e).body
        SSEWriter.event(errorName, into: &out) { w in w.raw(body) }
    }
}
