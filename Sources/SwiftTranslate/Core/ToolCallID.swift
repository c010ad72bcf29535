/// Anthropic requires tool_use ids matching `^[a-zA-Z0-9_-]+$`; Chat and Responses ids may hold
/// other characters (`call_x|fc_y`). The same deterministic transform is applied to calls and
/// results, so they keep matching: invalid characters become `_` plus an 8-hex hash suffix.
public enum ToolCallID {
    public static func anthropicSafe(_ id: String) -> String {
        if isSafe(id) { return id }
        var hash: UInt32 = 0x811C9DC5
        for b in id.utf8 { hash = (hash ^ UInt32(b)) &* 0x01000193 }
        var hex = String(hash, radix: 16)
        while hex.utf8.count < 8 { hex = "0" + hex }
        let body = id.utf8.map { ToolNameMap.isSafeByte($0) ? $0 : UInt8(ascii: "_") }
        return String(decoding: body, as: UTF8.self) + "_" + hex
    }

    /// Non-empty and only `[a-zA-Z0-9_-]` (a loop over the bytes: `utf8.allSatisfy` went
    /// through the generic collection path, ~8% of a Chat → Anthropic translation).
    static func isSafe(_ id: String) -> Bool {
        let span = id.utf8Span.span
        guard span.count > 0 else { return false }
        var i = 0
        while i < span.count {
            guard ToolNameMap.isSafeByte(span[i]) else { return false }
            i += 1
        }
        return true
    }
}
