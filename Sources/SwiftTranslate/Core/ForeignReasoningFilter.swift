/// Same-format passthrough keeps every byte, except reasoning that apxlate minted for another
/// vendor: a client that switched routes mid-conversation (Claude Code sending a haiku turn to
/// Anthropic after opus turns on an OpenAI model) still holds thinking blocks signed `apx1.…`,
/// which Anthropic rejects with 400, and Responses reasoning items whose `encrypted_content` is
/// `apx1.…`, which OpenAI rejects. Those are removed (with a warning); nothing else changes.
enum ForeignReasoningFilter {
    static let marker: [UInt8] = Array(ThinkingSignature.prefix.utf8)

    /// The body with foreign reasoning removed, or nil when there is none (the common case,
    /// decided by one byte scan).
    static func filter(_ doc: JSONDocument, format: Format, diagnostics: inout Diagnostics) -> [UInt8]? {
        guard containsMarker(doc.bytes) else { return nil }
        var cuts: [(range: Range<Int>, replacement: [UInt8])] = []
        switch format {
        case .anthropic:
            guard let messages = doc.root["messages"] else { return nil }
            for (i, message) in messages.elements.enumerated() {
                guard let content = message["content"], content.isArray else { continue }
                let kept = content.elements.enumerated().filter { (j, block) in
                    let foreign = block["type"]?.stringEquals("thinking") == true
                        && ThinkingSignature.isApxlate(block["signature"]?.string)
                    if foreign {
                        diagnostics.dropped("messages[\(i)].content[\(j)]", "thinking signed by apxlate for another vendor removed (Anthropic would reject it)")
                    }
                    return !foreign
                }
                if kept.count != content.count { cuts.append((rawRange(content), joined(kept.map { $0.1 }))) }
            }
        case .openaiResponses:
            guard let input = doc.root["input"], input.isArray else { return nil }
            let kept = input.elements.enumerated().filter { (j, item) in
                let foreign = item["type"]?.stringEquals("reasoning") == true
                    && ThinkingSignature.isApxlate(item["encrypted_content"]?.string)
                if foreign {
                    diagnostics.dropped("input[\(j)]", "reasoning item minted by apxlate for another vendor removed (OpenAI would reject it)")
                }
                return !foreign
            }
            if kept.count != input.count { cuts.append((rawRange(input), joined(kept.map { $0.1 }))) }
        case .openaiChat:
            return nil
        }
        guard !cuts.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(doc.bytes.count)
        var at = 0
        for cut in cuts.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            out.append(contentsOf: doc.bytes[at..<cut.range.lowerBound])
            out.append(contentsOf: cut.replacement)
            at = cut.range.upperBound
        }
        out.append(contentsOf: doc.bytes[at...])
        return out
    }

    private static func rawRange(_ v: JSONValue) -> Range<Int> {
        let start = v.offset
        return start..<(start + v.raw.count)
    }

    private static func joined(_ values: [JSONValue]) -> [UInt8] {
        var w = JSONWriter()
        w.beginArray()
        for v in values { w.value(v) }
        w.endArray()
        return w.bytes
    }

    private static func containsMarker(_ bytes: [UInt8]) -> Bool {
        let m = marker
        guard let first = m.first, bytes.count >= m.count else { return false }
        var i = 0
        let last = bytes.count - m.count
        while i <= last {
            if bytes[i] == first {
                var j = 1
                while j < m.count && bytes[i + j] == m[j] { j += 1 }
                if j == m.count { return true }
            }
            i += 1
        }
        return false
    }
}
