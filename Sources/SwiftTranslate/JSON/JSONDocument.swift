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

    /// Tape offsets are 32-bit (see `JSONNode`); translator configurations cap bodies far lower
    /// (`limits.max_body_bytes`).
    static let maxBytes = Int(exactly: UInt32.max) ?? Int.max

    /// The top-level value.
    public var root: JSONValue { JSONValue(doc: self, index: 0) }

    /// Parse `bytes` strictly (RFC 8259, UTF-8). Throws `TranslateError` with `.json` and the
    /// byte offset, or `.limit` when nesting exceeds `maxDepth` or the input has `maxBytes` or more.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 512) throws(TranslateError) -> JSONDocument {
        guard bytes.count < maxBytes else {
            throw TranslateError(.limit, "JSON document of \(bytes.count) bytes: the parser takes less than \(maxBytes)", offset: maxBytes)
        }
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        let nodes = try parser.parse()
        return JSONDocument(bytes: bytes, nodes: nodes)
    }

    /// Validates all of `bytes` exactly as `parse` does (the same errors at the same offsets) but
    /// puts only the root and its direct members on the tape: a container inside the root has no
    /// children here, so only the root's own members may be read (`root[key]` and their scalars).
    /// Cheaper than `parse` where one top-level field is wanted (`Translator.requestModel`).
    static func parseTopLevel(_ bytes: [UInt8], maxDepth: Int = 512) throws(TranslateError) -> JSONDocument {
        guard bytes.count < maxBytes else {
            throw TranslateError(.limit, "JSON document of \(bytes.count) bytes: the parser takes less than \(maxBytes)", offset: maxBytes)
        }
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth, recordDepth: 1)
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

/// One tape entry. For containers, `next` is the index just past the whole subtree (the number
/// of members/elements is counted on demand, `JSONValue.count`); for strings, `start..<end`
/// excludes the quotes.
///
/// Offsets and indices are stored as UInt32 (16 bytes a node instead of 40: the tape is the
/// largest structure of a document made of many small values). `JSONDocument.parse` refuses
/// input of `maxBytes` or more, and a document has at most one node per input byte plus one,
/// so every value fits.
struct JSONNode {
    var kind: JSONKind
    /// Strings only: the raw text contains a backslash escape.
    var escaped: Bool
    /// Strings only: one of them is a `\\uXXXX` escape (JSONText checks those for lone surrogates).
    var unicodeEscaped: Bool
    private var start32: UInt32
    private var end32: UInt32
    private var next32: UInt32

    init(kind: JSONKind, escaped: Bool, unicodeEscaped: Bool = false, start: Int, end: Int, next: Int) {
        self.kind = kind
        self.escaped = escaped
        self.unicodeEscaped = unicodeEscaped
        start32 = UInt32(truncatingIfNeeded: start)
        end32 = UInt32(truncatingIfNeeded: end)
        next32 = UInt32(truncatingIfNeeded: next)
    }

    var start: Int { Int(start32) }
    var end: Int {
        get { Int(end32) }
        set { end32 = UInt32(truncatingIfNeeded: newValue) }
    }
    var next: Int {
        get { Int(next32) }
        set { next32 = UInt32(truncatingIfNeeded: newValue) }
    }
}
