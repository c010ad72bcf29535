/// Anthropic `search_result` blocks for the formats that have no such block (both OpenAI
/// formats send them as text).
enum SearchResultText {
    /// An Anthropic `search_result` block (`{source, title, content:[{type:"text", text}]}`) as
    /// plain text: the title, the source, then the content texts. nil when it has no text.
    static func text(_ raw: [UInt8]) -> String? {
        guard let doc = try? JSONDocument.parse(raw) else { return nil }
        let b = doc.root
        var lines: [String] = []
        if let title = b["title"]?.string, !title.isEmpty { lines.append(title) }
        if let source = b["source"]?.string, !source.isEmpty { lines.append("Source: " + source) }
        var hasText = false
        if let content = b["content"] {
            for c in content.elements {
                if let t = c["text"]?.string { lines.append(t); hasText = true }
            }
        }
        return hasText ? lines.joined(separator: "\n") : nil
    }
}
