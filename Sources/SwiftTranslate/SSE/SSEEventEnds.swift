/// Where events end in raw SSE bytes (a blank line: two line ends, each LF, CR or CRLF), found
/// without parsing: what lets a passthrough forward whole events only.
enum SSEEventEnds {
    private static let LF: UInt8 = 0x0A
    private static let CR: UInt8 = 0x0D

    /// Whether `b[..<p]` ends with a blank line.
    static func isEnd(_ b: ArraySlice<UInt8>, _ p: Int) -> Bool {
        guard p - 2 >= b.startIndex, p <= b.endIndex else { return false }
        let q: Int
        switch b[p - 1] {
        case LF: q = b[p - 2] == CR ? p - 2 : p - 1
        case CR: q = p - 1
        default: return false
        }
        guard q - 1 >= b.startIndex else { return false }
        return b[q - 1] == LF || b[q - 1] == CR
    }

    /// The end of the last complete event in `b` that ends after `notBefore` (searched backwards:
    /// a chunk usually ends at an event end, so this is found at once). A CR as the very last byte
    /// does not end an event yet: it may be the first half of a CRLF split across chunks, whose
    /// LF must travel with it.
    static func last(in b: ArraySlice<UInt8>, notBefore: Int) -> Int? {
        var p = b.endIndex
        if p > b.startIndex && b[p - 1] == CR { p -= 1 }
        while p > notBefore {
            if isEnd(b, p) { return p }
            p -= 1
        }
        return nil
    }

    /// The end of the first complete event in `b`.
    static func first(in b: ArraySlice<UInt8>) -> Int? {
        var p = b.startIndex
        while p < b.endIndex {
            p += 1
            if isEnd(b, p) { return p }
        }
        return nil
    }
}
