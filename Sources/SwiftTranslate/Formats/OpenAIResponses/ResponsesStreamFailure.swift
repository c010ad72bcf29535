/// How a Responses client stream ends when it fails (an upstream error event, or the host's
/// `apx_stream_fail`): an `error` event (`type`, `sequence_number`, `code`, `message`, `param`),
/// then `response.failed` with the response object (status `failed`, the error, the finished
/// output items). Shared by the stream encoder and the passthrough.
enum ResponsesStreamFailure {
    private static let errorName = Array("error".utf8)

    /// What `response.failed` repeats of the stream's response.
    struct ResponseIdentity {
        var id: String
        var created: Int
        var model: String
    }

    /// `response.created` and `response.in_progress` for a stream that fails before anything was
    /// sent (clients expect `response.created` first).
    static func responsesOpening(_ r: ResponseIdentity, sequence: inout Int, into out: inout [UInt8]) {
        for type in ["response.created", "response.in_progress"] {
            responseEvent(type, r, status: "in_progress", error: nil, output: [], sequence: &sequence, into: &out)
        }
    }

    /// The `error` event and `response.failed`; `output` is the finished items' JSON,
    /// comma-separated.
    static func responses(_ e: NError, _ r: ResponseIdentity, output: [UInt8], sequence: inout Int, into out: inout [UInt8]) {
        let code = e.code ?? OpenAIErrors.typeCodeStatus(e).code ?? "server_error"
        let n = sequence
        sequence = sequence < Int.max ? sequence + 1 : sequence
        SSEWriter.event(errorName, into: &out) { w in
            w.beginObject()
            w.field("type", "error")
            w.field("sequence_number", n)
            w.field("code", code)
            w.field("message", e.message)
            if let p = e.param { w.field("param", p) } else { w.fieldNull("param") }
            w.endObject()
        }
        responseEvent("response.failed", r, status: "failed", error: e, output: output, sequence: &sequence, into: &out)
    }

    private static func responseEvent(_ type: String, _ r: ResponseIdentity, status: String, error: NError?, output: [UInt8],
                                      sequence: inout Int, into out: inout [UInt8]) {
        let n = sequence
        sequence = sequence < Int.max ? sequence + 1 : sequence
        SSEWriter.event(Array(type.utf8), into: &out) { w in
            w.beginObject()
            w.field("type", type)
            w.field("sequence_number", n)
            w.key("response")
            ResponsesEnvelope.write(&w, id: r.id, created: r.created, status: status, incompleteReason: nil, error: error,
                                    model: r.model, usage: nil) { w in
                w.bytes.append(UInt8(ascii: "["))
                w.bytes.append(contentsOf: output)
                w.endArray()
            }
            w.endObject()
        }
    }
}
