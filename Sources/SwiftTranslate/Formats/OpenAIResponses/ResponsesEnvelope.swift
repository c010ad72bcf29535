/// The response object around `output`, shared by one-shot responses and the stream events that
/// carry a `response` (created, in_progress, completed, incomplete, failed).
enum ResponsesEnvelope {
    static func write(_ w: inout JSONWriter, id: String, created: Int, status: String, incompleteReason: String?,
                      error: NError?, model: String, usage: NUsage?, output: (inout JSONWriter) -> Void) {
        w.beginObject()
        w.field("id", id)
        w.field("object", "response")
        w.field("created_at", created)
        w.field("status", status)
        if let error {
            w.key("error")
            w.beginObject()
            w.field("code", error.code ?? OpenAIErrors.typeCodeStatus(error).code ?? "server_error")
            w.field("message", error.message)
            w.endObject()
        } else {
            w.fieldNull("error")
        }
        if let incompleteReason {
            w.key("incomplete_details"); w.beginObject(); w.field("reason", incompleteReason); w.endObject()
        } else {
            w.fieldNull("incomplete_details")
        }
        w.fieldNull("instructions")
        w.field("model", model)
        w.key("output")
        output(&w)
        w.field("parallel_tool_calls", true)
        w.field("tool_choice", "auto")
        w.key("tools"); w.beginArray(); w.endArray()
        w.field("store", false)
        w.key("usage")
        if let usage { ResponsesUsage.write(&w, usage) } else { w.null() }
        w.endObject()
    }
}
