/// A parsed JSON document: the input bytes plus a flat "tape" of nodes in document order.
///
/// Nothing is copied or decoded at parse time: strings and numbers are byte ranges into `bytes`,
/// so any value can be re-emitted byte for byte (`JSONValue.raw`), which keeps tool schemas,
/// number text and key order exactly as the client sent them.
public final class JSONDocument: @unchecked Sendable {
    public let bytes: [UInt8]
    let nodes: [JSONNode]

    init(bytes: [UInt8], nodes: [JSONNode]) {
        self.bytes = bytes
        self.nodes = nodes
    }

    /// The top-level value.
    public var root: JSONValue { JSONValue(doc: self, index: 0) }

    /// Parse `bytes` strictly (RFC 8259, UTF-8). Throws `TranslateError` with `.json` and the
    /// byte offset, or `.limit` when nesting exceeds `maxDepth`.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 512) throws(TranslateError) -> JSONDocument {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        let nodes = try parser.parse()
        return JSONDocument(bytes: bytes, nodes: nodes)
    }

    public static func parse(_ text: String, maxDepth: Int = 512) throws(TranslateError) -> JSONDocument {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }
}

public enum JSONKind: UInt8, Sendable {
    case object, array, string, number, `true`, `false`, null
}

/// One tape entry. For containers, `next` is the index just past the whole subtree and `count`
/// the number of members/elements; for strings, `start..<end` excludes the quotes.
struct JSONNode {
    var kind: JSONKind
    /// Strings only: the raw text contains a backslash escape.
    var escaped: Bool
    var start: Int
    var end: Int
    var next: Int
    var count: Int
}
