import Yams

/// A node of the config file with its key path, read strictly: every accessor checks the YAML
/// type (a quoted "8192" is a string, a plain 8192 a number) and otherwise throws a `ConfigError`
/// naming the file, line, key path and what was found.
struct ConfigNode {
    let node: Node
    /// `upstreams.openai.quirks`, `routes[2]`; empty at the top.
    let path: String
    let file: String
    /// Where the key of this value is, for errors about the key itself.
    var keyMark: Mark? = nil

    /// An error at this value, or at its key (`unknown key`).
    func error(_ message: String, atKey: Bool = false) -> ConfigError {
        ConfigError(file: file, mark: atKey ? keyMark ?? node.mark : node.mark, path: path, message: message)
    }

    func child(_ key: String, _ value: Node, keyMark: Mark? = nil) -> ConfigNode {
        ConfigNode(node: value, path: path.isEmpty ? key : path + "." + key, file: file, keyMark: keyMark)
    }

    /// The resolved YAML tag (`Tag.name` is internal to Yams).
    private var tagName: Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    /// What this node is, for "expected …, got …".
    var kind: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch tagName {
            case .str: return "a string"
            case .int, .float: return "a number"
            case .bool: return "true/false"
            case .null: return "nothing"
            case .timestamp: return "a date"
            default: return "a value tagged \(tagName.rawValue)"
            }
        }
    }

    private func expected(_ what: String) -> ConfigError {
        error("expected \(what), got \(kind)")
    }

    func string() throws(ConfigError) -> String {
        guard case .scalar(let s) = node, tagName == .str else {
            var e = expected("a string")
            if case .scalar = node, tagName != .null { e.message += " (quote it to make it a string)" }
            throw e
        }
        return s.string
    }

    func nonEmptyString() throws(ConfigError) -> String {
        let s = try string()
        guard !s.isEmpty else { throw error("expected a non-empty string") }
        return s
    }

    func bool() throws(ConfigError) -> Bool {
        guard tagName == .bool, let b = node.bool else { throw expected("true or false") }
        return b
    }

    /// A whole number in `range` (a plain YAML integer: a quoted "60" is a string).
    func int(_ range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard tagName == .int else { throw expected("a whole number") }
        guard let i = node.int, range.contains(i) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return i
    }

    /// A list of non-empty strings (`api_keys_env: [A, B]`); at least one.
    func stringList() throws(ConfigError) -> [String] {
        let items = try sequence()
        guard !items.isEmpty else { throw error("expected at least one name") }
        var out: [String] = []
        for item in items { out.append(try item.nonEmptyString()) }
        return out
    }

    /// The text of any scalar but null (header values: `X-Count: 5` is fine).
    func scalarText() throws(ConfigError) -> String {
        guard case .scalar(let s) = node, tagName != .null else { throw expected("a string") }
        return s.string
    }

    func sequence() throws(ConfigError) -> [ConfigNode] {
        guard case .sequence(let seq) = node else { throw expected("a list") }
        return seq.enumerated().map { ConfigNode(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    /// A mapping's entries in file order; keys are scalars, taken as text. A YAML merge key
    /// (`<<: *defaults`) adds the keys of the mapping(s) it names that are not given here.
    func entries() throws(ConfigError) -> [(key: String, value: ConfigNode)] {
        guard case .mapping(let m) = node else { throw expected("a mapping") }
        var out: [(key: String, value: ConfigNode)] = []
        var merged: [(key: String, value: ConfigNode)] = []
        var seen: Set<String> = []
        for (k, v) in m {
            let keyNode = ConfigNode(node: k, path: path, file: file)
            guard case .scalar(let ks) = k else {
                throw ConfigError(file: file, mark: k.mark, path: path, message: "a key must be a plain word, got \(keyNode.kind)")
            }
            if keyNode.tagName == .merge {
                let sources = if case .sequence(let list) = v { Array(list) } else { [v] }
                for source in sources { merged += try ConfigNode(node: source, path: path, file: file).entries() }
                continue
            }
            let value = child(ks.string, v, keyMark: k.mark)
            guard seen.insert(ks.string).inserted else { throw value.error("duplicate key", atKey: true) }
            out.append((ks.string, value))
        }
        for entry in merged where seen.insert(entry.key).inserted { out.append(entry) }
        return out
    }

    /// A mapping whose keys must all be in `known` (a typo is an error, not a silent default).
    func fields(_ known: [String]) throws(ConfigError) -> ConfigFields {
        var values: [String: ConfigNode] = [:]
        for (key, value) in try entries() {
            guard known.contains(key) else {
                throw value.error("unknown key (expected one of: \(known.joined(separator: ", ")))", atKey: true)
            }
            values[key] = value
        }
        return ConfigFields(owner: self, values: values)
    }

    /// The node as JSON, for the translator sections (`quirks`, `models`, `client`) that the
    /// library checks itself.
    func json() throws(ConfigError) -> ConfigJSON {
        switch node {
        case .mapping:
            var object: [String: ConfigJSON] = [:]
            for (k, v) in try entries() { object[k] = try v.json() }
            return .object(object)
        case .sequence:
            var array: [ConfigJSON] = []
            for item in try sequence() { array.append(try item.json()) }
            return .array(array)
        case .alias:
            throw error("aliases are not supported here")
        case .scalar(let s):
            switch tagName {
            case .str, .timestamp: return .string(s.string)
            case .null: return .null
            case .bool:
                guard let b = node.bool else { throw expected("true or false") }
                return .bool(b)
            case .int:
                guard let i = node.int else { throw error("number out of range") }
                return .int(i)
            case .float:
                guard let d = node.float, d.isFinite else { throw error("expected a finite number") }
                return .number(d)
            default:
                throw error("unsupported tag \(tagName.rawValue)")
            }
        }
    }
}

/// The keys of a mapping read by `ConfigNode.fields`.
struct ConfigFields {
    let owner: ConfigNode
    let values: [String: ConfigNode]

    subscript(key: String) -> ConfigNode? { values[key] }

    func required(_ key: String) throws(ConfigError) -> ConfigNode {
        guard let v = values[key] else { throw owner.error("missing `\(key)`") }
        return v
    }
}
