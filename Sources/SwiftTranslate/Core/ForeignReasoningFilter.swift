/// Same-format passthrough keeps every byte, except reasoning that apxlate minted for another
/// vendor: a client that switched routes mid-conversation (Claude Code sending a haiku turn to
/// Anthropic after opus turns on an OpenAI model) still holds thinking blocks signed `apx1.…`,
/// which Anthropic rejects with 400, and Responses reasoning items whose `encrypted_content` is
/// `apx1.…`, which OpenAI rejects. Those are removed (with a warning); nothing else changes.
enum ForeignReasoningFilter {
    /// The body with foreign reasoning removed, or nil when there is none (the common case).
    /// Only the message and block lists are walked (the tape skips everything else), so the
    /// check costs far less than a scan of the body.
    static func filter(_ doc: JSONDocument, format: Format, diagnostics: inout Diagnostics) -> [UInt8]? {
        var cuts: [(range: Range<Int>, replacement: [UInt8])] = []
        switch format {
        case .anthropic:
            guard let messages = doc.root["messages"] else { return nil }
            for (i, message) in messages.elements.enumerated() {
                guard let content = message["content"], content.isArray,
                      content.elements.contains(where: isForeignThinking) else { continue }
                var kept: [JSONValue] = []
                for (j, block) in content.elements.enumerated() {
                    if isForeignThinking(block) {
                        diagnostics.dropped("messages[\(i)].content[\(j)]", "thinking signed by apxlate for another vendor removed (Anthropic would reject it)")
                    } else {
                        kept.append(block)
                    }
                }
                cuts.append((rawRange(content), joined(kept)))
            }
        case .openaiResponses:
            guard let input = doc.root["input"], input.isArray,
                  input.elements.contains(where: isForeignReasoningItem) else { return nil }
            var kept: [JSONValue] = []
            for (j, item) in input.elements.enumerated() {
                if isForeignReasoningItem(item) {
                    diagnostics.dropped("input[\(j)]", "reasoning item minted by apxlate for another vendor removed (OpenAI would reject it)")
                } else {
                    kept.append(item)
                }
            }
            cuts.append((rawRange(input), joined(kept)))
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

    private static func isForeignThinking(_ block: JSONValue) -> Bool {
        block["type"]?.stringEquals("thinking") == true && ThinkingSignature.isApxlate(block["signature"]?.string)
    }

    private static func isForeignReasoningItem(_ item: JSONValue) -> Bool {
        item["type"]?.stringEquals("reasoning") == true && ThinkingSignature.isApxlate(item["encrypted_content"]?.string)
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
}
