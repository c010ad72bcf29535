/// A set of strings compared byte for byte (their UTF-8), for ids: `Set<String>` hashes and
/// compares under Unicode canonical equivalence, which costs a normalization check per string
/// on the hot path (a tool_use id is matched exactly anyway).
struct ExactStringSet {
    private var keys: Set<ExactStringKey> = []

    mutating func insert(_ s: String) { keys.insert(ExactStringKey(s)) }
    func contains(_ s: String) -> Bool { keys.contains(ExactStringKey(s)) }
}

/// A String hashed and compared by its UTF-8 bytes.
struct ExactStringKey: Hashable {
    let string: String
    init(_ s: String) { string = s }

    static func == (a: ExactStringKey, b: ExactStringKey) -> Bool {
        let x = a.string.utf8Span.span, y = b.string.utf8Span.span
        guard x.count == y.count else { return false }
        var i = 0
        while i < x.count && x[i] == y[i] { i += 1 }
        return i == x.count
    }

    func hash(into hasher: inout Hasher) {
        // The bytes go to the seeded Hasher 8 at a time (so hash flooding stays covered).
        let span = string.utf8Span.span
        let raw = span.bytes
        let n = span.count
        var i = 0
        while n - i >= 8 {
            hasher.combine(raw.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var word: UInt64 = 0
        var shift: UInt64 = 0
        while i < n { word |= UInt64(span[i]) << shift; shift += 8; i += 1 }
        hasher.combine(word)
        hasher.combine(n)
    }
}
