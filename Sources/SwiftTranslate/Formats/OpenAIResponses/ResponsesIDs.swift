/// Deterministic Responses ids from an upstream id (`msg_01X…`, `chatcmpl-…`, `resp_…`).
struct ResponsesIDs {
    let core: String
    let response: String

    init(_ upstreamId: String) {
        var c = Substring(upstreamId)
        for p in ["resp_", "msg_", "chatcmpl-", "chatcmpl_"] where c.hasPrefix(p) { c = c.dropFirst(p.count); break }
        let safe = String(c.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        core = safe.isEmpty ? "apx" : safe
        response = upstreamId.hasPrefix("resp_") ? upstreamId : "resp_" + core
    }

    func message(_ n: Int) -> String { "msg_\(core)_\(n)" }
    func reasoning(_ n: Int) -> String { "rs_\(core)_\(n)" }
    /// The `fc_…` item id for a call that came without one (from Anthropic or Chat).
    func functionCall(_ callId: String) -> String {
        var c = Substring(callId)
        for p in ["call_", "toolu_", "fc_"] where c.hasPrefix(p) { c = c.dropFirst(p.count); break }
        return "fc_" + c
    }
    /// The `ctc_…` item id of a custom tool call.
    func customToolCall(_ callId: String) -> String { "ctc_" + functionCall(callId).dropFirst(3) }
}
