/// Reasoning between Responses and the other formats.
///
/// Responses → Anthropic client: a reasoning item becomes a thinking block whose signature is
/// `ThinkingSignature.forResponses(id:encryptedContent:)`; replayed, it becomes the same item.
///
/// Anthropic upstream → Responses client: a thinking block becomes a reasoning item whose
/// `encrypted_content` carries the Anthropic signature behind the prefix `apx1.a.` (redacted
/// thinking: `apx1.ad.` + data). OpenAI's own encrypted content never starts with `apx1.`, and
/// a carried signature is only ever unwrapped toward Anthropic (a Chat or Responses upstream
/// gets its summary text or nothing), so no signature reaches the vendor that did not mint it.
enum ResponsesReasoning {
    static let anthropicThinking = "apx1.a."
    static let anthropicRedacted = "apx1.ad."

    /// The neutral part for a Responses reasoning item read from a client's input or an
    /// upstream's output.
    static func part(_ item: NReasoningItem) -> NPart {
        if let enc = item.encryptedContent {
            if enc.hasPrefix(anthropicRedacted) {
                return .redactedThinking(String(enc.dropFirst(anthropicRedacted.count)))
            }
            if enc.hasPrefix(anthropicThinking) {
                return .thinking(NThinking(text: joinedSummary(item), signature: String(enc.dropFirst(anthropicThinking.count))))
            }
        }
        return .reasoningItem(item)
    }

    /// The thinking block an Anthropic client receives for a reasoning item: the summary as
    /// text, the item's id and encrypted content in an apxlate signature (so the client's replay
    /// becomes the same item again; see ResponsesInputEncoder).
    static func thinking(for item: NReasoningItem) -> NThinking {
        NThinking(text: joinedSummary(item),
                  signature: ThinkingSignature.forResponses(id: item.id, encryptedContent: item.encryptedContent))
    }

    /// The neutral part for a reasoning item in an upstream's output: thinking whose signature
    /// carries the item, so every client format handles it as thinking (Anthropic shows it with
    /// that signature and replays it; Chat shows the summary as reasoning text), the same as the
    /// stream decoder does.
    static func outputPart(_ item: NReasoningItem) -> NPart {
        let p = part(item)
        if case .reasoningItem(let r) = p { return .thinking(thinking(for: r)) }
        return p
    }

    /// Thinking text from a reasoning item: its summary parts (or, when the model exposed raw
    /// reasoning instead, its content parts), joined by blank lines.
    static func joinedSummary(_ item: NReasoningItem) -> String {
        (item.summary.isEmpty ? item.content : item.summary).joined(separator: "\n\n")
    }

    /// Reads `{id, summary:[{type:"summary_text", text}], content?:[{text}], encrypted_content?}`.
    static func decodeItem(_ v: JSONValue, path: String) throws(TranslateError) -> NReasoningItem {
        // Clients that never store responses may leave the id out (the encrypted content is what
        // counts); a present id must be a string.
        var id = ""
        if let i = v["id"], !i.isNull {
            guard let text = i.string else { throw TranslateError.invalid(path + ".id", "expected a string, got \(i.kindDescription)") }
            id = text
        }
        var summary: [String] = []
        for (i, s) in (v["summary"]?.elements ?? JSONValue.emptyElements(v)).enumerated() {
            guard let t = s["text"]?.string else { throw TranslateError.invalid("\(path).summary[\(i)].text", "expected a string") }
            summary.append(t)
        }
        var content: [String] = []
        if let c = v["content"], c.isArray {
            for (i, s) in c.elements.enumerated() {
                guard let t = s["text"]?.string else { throw TranslateError.invalid("\(path).content[\(i)].text", "expected a string") }
                content.append(t)
            }
        }
        return NReasoningItem(id: id, summary: summary, content: content, encryptedContent: v["encrypted_content"]?.string)
    }

    /// Writes a reasoning item (input or output form; `status` only for output).
    static func writeItem(_ w: inout JSONWriter, id: String, summary: [String], content: [String] = [],
                          encryptedContent: String?, status: Bool) {
        w.beginObject()
        w.field("type", "reasoning")
        if !id.isEmpty { w.field("id", id) }
        w.key("summary")
        w.beginArray()
        for s in summary {
            w.beginObject(); w.field("type", "summary_text"); w.field("text", s); w.endObject()
        }
        w.endArray()
        if !content.isEmpty {
            w.key("content")
            w.beginArray()
            for s in content {
                w.beginObject(); w.field("type", "reasoning_text"); w.field("text", s); w.endObject()
            }
            w.endArray()
        }
        if let e = encryptedContent { w.field("encrypted_content", e) } else if status { w.fieldNull("encrypted_content") }
        if status { w.field("status", "completed") }
        w.endObject()
    }

    /// Responses `reasoning.effort` → neutral effort (`minimal` → low; `none` is handled by the
    /// caller as thinking disabled).
    static func neutralEffort(_ effort: String) -> String { effort == "minimal" ? "low" : effort }
}

extension JSONValue {
    /// An empty element sequence (for absent optional arrays).
    static func emptyElements(_ any: JSONValue) -> JSONElements { JSONElements(doc: any.doc, start: 0, end: 0) }
}
