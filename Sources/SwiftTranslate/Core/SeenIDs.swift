/// Ids seen so far (tool_use ids), for "was this id used earlier?". A result nearly always
/// answers one of the last few ids, so those are compared directly; the hashed set of all older
/// ids is built only when a lookup has to go further back (each id is hashed at most once).
struct SeenIDs {
    private var ids: [String] = []
    /// `ids[..<indexed]` are in `older`.
    private var indexed = 0
    private var older: Set<ExactStringKey> = []
    /// How many of the latest ids are compared one by one before the set is consulted.
    static let recent = 16

    mutating func insert(_ id: String) { ids.append(id) }
    var count: Int { ids.count }

    mutating func contains(_ id: String) -> Bool {
        var i = ids.count
        let stop = max(0, ids.count - SeenIDs.recent)
        while i > stop {
            i -= 1
            if ExactStringKey.equal(ids[i], id) { return true }
        }
        guard stop > 0 else { return false }
        while indexed < stop { older.insert(ExactStringKey(ids[indexed])); indexed += 1 }
        return older.contains(ExactStringKey(id))
    }
}

/// A String hashed and compared by its UTF-8 bytes: `Set<String>` hashes and compares under
/// Unicode canonical equivalence, which costs a normalization check per string (and an id is
/// matched exactly anyway).
struct ExactStringKey: Hashable {
    let string: String
    init(_ s: String) { string = s }

    static func == (a: ExactStringKey, b: ExactStringKey) -> Bool { equal(a.string, b.string) }

    static func equal(_ a: String, _ b: String) -> Bool {
        let x = a.utf8Span.span, y = b.utf8Span.span
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
