/// The body of a JSON string exactly as it appears on the wire: escaped, without the quotes.
/// Stream deltas travel in this form, so a text or argument fragment is copied from the upstream
/// chunk to the client event without being decoded and re-escaped. Concatenating two bodies
/// gives the body of the concatenated string.
struct JSONText: Equatable {
    var body: ArraySlice<UInt8>

    init(body: ArraySlice<UInt8>) { self.body = body }

    /// The text of a JSON string value (nil when `value` is not a string).
    init?(_ value: JSONValue) {
        guard value.isString else { return nil }
        let raw = value.raw
        body = raw.dropFirst().dropLast()
    }

    /// Escapes a Swift string.
    init(escaping s: String) {
        var w = JSONWriter(capacity: s.utf8.count + 2)
        w.string(s)
        body = w.bytes.dropFirst().dropLast()
    }

    var isEmpty: Bool { body.isEmpty }

    /// The decoded string (for tests and messages; the hot path never needs it).
    var decoded: String { String(decoding: JSONUnescape.bytes(body), as: UTF8.self) }
}

extension JSONWriter {
    /// Writes `text` as a JSON string value, copying its escaped body.
    mutating func string(_ text: JSONText) {
        beginString()
        bytes.append(contentsOf: text.body)
        endString()
    }
}
