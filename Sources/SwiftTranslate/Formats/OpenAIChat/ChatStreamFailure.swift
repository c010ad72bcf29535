/// How a Chat client stream ends when it fails: a data chunk `{"error":{…}}` and no `[DONE]`
/// (the openai SDK raises on the chunk; a client that ignores it still sees a stream that never
/// finished). Shared by the stream encoder and the passthrough.
enum ChatStreamFailure {
    static func write(_ e: NError, into out: inout [UInt8]) {
        let body = OpenAIErrors.encode(e).body
        SSEWriter.event(nil, into: &out) { w in w.raw(body) }
    }
}
