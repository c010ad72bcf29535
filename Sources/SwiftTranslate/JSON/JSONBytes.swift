/// Word-at-a-time (SWAR) byte classes for the string loops of the parser and the writer: eight
/// bytes are tested at once, and the lowest set bit of a mask marks the first byte of interest
/// (false positives can only appear above a true one, so the lowest is always right).
enum JSONBytes {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let high: UInt64 = 0x8080_8080_8080_8080

    /// Bytes equal to `b` (b < 0x80), flagged in their high bit.
    @inline(__always) static func equal(_ w: UInt64, _ b: UInt8) -> UInt64 {
        let x = w ^ (ones &* UInt64(b))
        return (x &- ones) & ~x & high
    }

    /// Bytes below 0x20 (control characters).
    @inline(__always) static func control(_ w: UInt64) -> UInt64 {
        (w &- ones &* 0x20) & ~w & high
    }

    /// What ends a plain run in the parser: '"', '\\', a control character, or a non-ASCII byte.
    @inline(__always) static func parserStops(_ w: UInt64) -> UInt64 {
        equal(w, 0x22) | equal(w, 0x5C) | control(w) | (w & high)
    }

    /// What the writer must escape: '"', '\\', or a control character.
    @inline(__always) static func needsEscape(_ w: UInt64) -> UInt64 {
        equal(w, 0x22) | equal(w, 0x5C) | control(w)
    }

    /// The index of the first flagged byte of a nonzero mask.
    @inline(__always) static func firstByte(_ mask: UInt64) -> Int { mask.trailingZeroBitCount >> 3 }
}
