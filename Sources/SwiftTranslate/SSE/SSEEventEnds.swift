/// Where events end in raw SSE bytes (a blank line: two line ends, each LF, CR or CRLF), found
/// without parsing: what lets a passthrough forward whole events only.
///
/// Bytes arrive in pieces, so whether a line end at the start of a piece makes a blank line
/// depends on the bytes before it: every search takes `before`, the two bytes that precede the
/// slice in the stream (`Before.streamStart` at the beginning: the stream starts a line). Without
/// it a blank line split from its line end (`…\n` sent, `\n` or `\r\n` arriving next) would be
/// held back, and the same bytes would be forwarded differently depending on the split.
enum SSEEventEnds {
    private static let LF: UInt8 = 0x0A
    private static let CR: UInt8 = 0x0D

    /// The last two bytes before a slice (0 where there is none: only CR and LF matter).
    struct Before: Equatable {
        var last: UInt8
        var secondLast: UInt8

        /// Before the first byte of a stream: as after a line end.
        static let streamStart = Before(last: LF, secondLast: 0)

        /// The two bytes before whatever follows `b`, which itself followed `self`.
        func after(_ b: ArraySlice<UInt8>) -> Before {
            switch b.count {
            case 0: return self
            case 1: return Before(last: b[b.startIndex], secondLast: last)
            default: return Before(last: b[b.endIndex - 1], secondLast: b[b.endIndex - 2])
            }
        }
    }

    /// The byte at `i` of the stream: from `b`, or from `before` just ahead of it.
    @inline(__always)
    private static func byte(_ b: ArraySlice<UInt8>, _ i: Int, _ before: Before) -> UInt8 {
        if i >= b.startIndex { return b[i] }
        if i == b.startIndex - 1 { return before.last }
        if i == b.startIndex - 2 { return before.secondLast }
        return 0
    }

    /// Whether `b[..<p]` (after `before`) ends with a blank line. `b.startIndex < p <= b.endIndex`.
    static func isEnd(_ b: ArraySlice<UInt8>, _ p: Int, before: Before) -> Bool {
        guard p > b.startIndex, p <= b.endIndex else { return false }
        let q: Int
        switch b[p - 1] {
        case LF: q = byte(b, p - 2, before) == CR ? p - 2 : p - 1
        case CR: q = p - 1
        default: return false
        }
        let c = byte(b, q - 1, before)
        return c == LF || c == CR
    }

    /// The end of the last complete event in `b` that ends after `notBefore` (searched backwards:
    /// a chunk usually ends at an event end, so this is found at once). A CR as the very last byte
    /// does not end an event yet: it may be the first half of a CRLF split across chunks, whose
    /// LF must travel with it.
    static func last(in b: ArraySlice<UInt8>, notBefore: Int, before: Before) -> Int? {
        var p = b.endIndex
        if p > b.startIndex && b[p - 1] == CR { p -= 1 }
        while p > notBefore {
            if isEnd(b, p, before: before) { return p }
            p -= 1
        }
        return nil
    }

    /// The end of the first complete event in `b[from...]` (`before` precedes `b`, not `from`).
    static func first(in b: ArraySlice<UInt8>, from: Int, before: Before) -> Int? {
        var p = from
        while p < b.endIndex {
            p += 1
            if isEnd(b, p, before: before) { return p }
        }
        return nil
    }

    /// Whether the event `b` has a `data` field (what makes it dispatched, unlike a comment or a
    /// lone `event:`/`id:` line).
    /// A `data:` line is recognised by its start, before its (long) value is scanned.
    static func hasData(_ b: ArraySlice<UInt8>) -> Bool {
        var i = b.startIndex
        while i < b.endIndex {
            let rest = b[i...]
            if rest.starts(with: "data".utf8) {
                let k = i + 4
                if k == b.endIndex || b[k] == UInt8(ascii: ":") || b[k] == LF || b[k] == CR { return true }
            }
            guard let e = rest.firstIndex(where: { $0 == LF || $0 == CR }) else { return false }
            i = e + 1
        }
        return false
    }
}
