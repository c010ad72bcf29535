/// A mapping of the config file that goes to the translator as one section of its configuration
/// (`quirks` → "upstream", `models`, `client`). The library checks its keys and types; its
/// rejection is reported back at the file's key (`upstream.max_token_cap` →
/// `upstreams.openai.quirks.max_token_cap`, with that key's line).
struct TranslatorSection {
    let node: ConfigNode
    let values: [String: ConfigJSON]

    init(_ node: ConfigNode) throws(ConfigError) {
        guard case .object(let o) = try node.json() else { throw node.error("expected a mapping, got \(node.kind)") }
        self.node = node
        self.values = o
    }

    /// The library's error for this section (`library` is the section's name in the translator
    /// configuration) as an error at the matching key of the file.
    func error(for e: APXError, library: String) -> ConfigError {
        let message = e.message.hasPrefix(e.path + ": ") ? String(e.message.dropFirst(e.path.count + 2)) : e.message
        var rest: Substring
        if e.path == library { rest = "" } else if e.path.hasPrefix(library + ".") {
            rest = e.path.dropFirst(library.count + 1)
        } else {
            return node.error(message)
        }
        var at = node
        // Walk down by the longest key that prefixes the rest (keys may hold dots: "gpt-4.1").
        while !rest.isEmpty, let entries = try? at.entries() {
            let next = entries.filter { rest == $0.key || rest.hasPrefix($0.key + ".") }.max { $0.key.count < $1.key.count }
            guard let next else { break }
            at = next.value
            rest = rest.dropFirst(next.key.count)
            if rest.first == "." { rest = rest.dropFirst() }
        }
        var err = at.error(message, atKey: true)
        if !rest.isEmpty { err.path += "." + rest }
        return err
    }
}
