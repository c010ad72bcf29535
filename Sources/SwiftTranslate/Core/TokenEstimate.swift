/// A local input-token estimate: about 4 UTF-8 bytes a token for text, schemas and arguments
/// (text measured as it travels, escaped: `\n` counts two bytes; no text is decoded to count it),
/// a fixed cost per image or document, and a small overhead per message and tool. Sums of
/// in-memory sizes and at most 3,000 per part (each part is several input bytes): no overflow.
/// `count` recurses once at most: tool-result content never holds a tool result (decoders).
public enum TokenEstimate {
    static let imageTokens = 1600
    static let documentTokens = 3000

    public static func request(_ r: NRequest) -> Int {
        var bytes = 0
        var fixed = 3
        for s in r.system { bytes += s.json.body.count }
        for m in r.messages {
            fixed += 4
            for p in m.parts { count(p, &bytes, &fixed) }
        }
        for t in r.tools {
            fixed += 8
            bytes += t.name.utf8.count + (t.descriptionJSON?.body.count ?? 0) + (t.schema?.count ?? 0)
        }
        return fixed + (bytes + 3) / 4
    }

    /// Recurses into tool results only, at most twice deep: the decoders put text, images,
    /// documents and opaque blocks inside a tool result, never another tool result.
    private static func count(_ p: NPart, _ bytes: inout Int, _ fixed: inout Int) {
        switch p {
        case .text(let t): bytes += t.json.body.count
        case .image: fixed += imageTokens
        case .document(let d):
            if case .text(let s) = d.source { bytes += s.utf8.count } else { fixed += documentTokens }
        case .thinking(let t): bytes += t.json.body.count
        case .redactedThinking(let d): bytes += d.utf8.count / 2
        case .reasoningItem(let r): for s in r.summary { bytes += s.utf8.count }
        case .toolCall(let c): bytes += c.name.utf8.count + c.arguments.count; fixed += 4
        case .toolResult(let r): fixed += 4; for c in r.content { count(c, &bytes, &fixed) }
        case .refusal(let s): bytes += s.utf8.count
        case .opaque(_, _, let raw): bytes += raw.count
        }
    }
}
