/// Byte-level helpers for the stream hot path: one pass over an object's members comparing raw
/// key bytes, instead of one linear key search per field.
extension JSONValue {
    /// Calls `body` with each member's key (its decoded UTF-8 bytes) and value, in input order.
    @inline(__always)
    func forEachMember(_ body: (ArraySlice<UInt8>, JSONValue) throws(TranslateError) -> Void) throws(TranslateError) {
        let nodes = doc.nodes
        guard index < nodes.count, nodes[index].kind == .object else { return }
        let end = nodes[index].next
        let bytes = doc.bytes
        var i = index + 1
        while i + 1 < end && i + 1 < nodes.count {
            let k = nodes[i]
            let key = k.escaped ? JSONUnescape.bytes(bytes[k.start..<k.end])[...] : bytes[k.start..<k.end]
            try body(key, JSONValue(doc: doc, index: i + 1))
            i = nodes[i + 1].next
        }
    }
}

/// Exact comparison of a byte slice with a constant.
@inline(__always)
func bytesEqual(_ a: ArraySlice<UInt8>, _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var i = a.startIndex
    for x in b {
        if a[i] != x { return false }
        i += 1
    }
    return true
}
