/// Byte-level helpers for the stream hot path: one pass over an object's members comparing raw
/// key bytes, instead of one linear key search per field.
extension JSONValue {
    /// Calls `body` with each member's key (its decoded UTF-8 bytes, as a span: no copy and no
    /// retain for a plain key) and value, in input order.
    @inline(__always)
    func forEachMember(_ body: (Span<UInt8>, JSONValue) throws(TranslateError) -> Void) throws(TranslateError) {
        let nodes = doc.nodes
        guard index < nodes.count, nodes[index].kind == .object else { return }
        let end = nodes[index].next
        let bytes = doc.bytes
        let span = bytes.span
        var i = index + 1
        while i + 1 < end && i + 1 < nodes.count {
            let k = nodes[i]
            if k.escaped {
                let key = JSONUnescape.bytes(span.extracting(k.start..<k.end))
                try body(key.span, JSONValue(doc: doc, index: i + 1))
            } else {
                try body(span.extracting(k.start..<k.end), JSONValue(doc: doc, index: i + 1))
            }
            i = nodes[i + 1].next
        }
    }
}

/// Exact comparison of key bytes with a constant (a literal: iterating its UTF-8 retains nothing).
@inline(__always)
func bytesEqual(_ a: Span<UInt8>, _ b: String) -> Bool {
    guard a.count == b.utf8.count else { return false }
    var i = 0
    for x in b.utf8 {
        if a[i] != x { return false }
        i += 1
    }
    return true
}
