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

    /// The same tests on two words at once (16 bytes; SSE2 on x86). Lane-wise SIMD compares
    /// (`.==`, `.<`) are not used: they compile to a loop over the lanes, where these integer
    /// operations are single vector instructions.
    typealias Pair = SIMD2<UInt64>

    /// 16 bytes from `raw` at `offset` (byte 0 lowest in lane 0), which the caller checked.
    @inline(__always) static func pair(_ raw: RawSpan, _ offset: Int) -> Pair {
        let v = raw.unsafeLoadUnaligned(fromByteOffset: offset, as: Pair.self)
        return Pair(UInt64(littleEndian: v[0]), UInt64(littleEndian: v[1]))
    }

    @inline(__always) static func equal(_ w: Pair, _ b: UInt8) -> Pair {
        let x = w ^ Pair(repeating: ones &* UInt64(b))
        return (x &- Pair(repeating: ones)) & ~x & Pair(repeating: high)
    }

    @inline(__always) static func control(_ w: Pair) -> Pair {
        (w &- Pair(repeating: ones &* 0x20)) & ~w & Pair(repeating: high)
    }

    @inline(__always) static func parserStops(_ w: Pair) -> Pair {
        equal(w, 0x22) | equal(w, 0x5C) | control(w) | (w & Pair(repeating: high))
    }

    @inline(__always) static func needsEscape(_ w: Pair) -> Pair {
        equal(w, 0x22) | equal(w, 0x5C) | control(w)
    }

    /// Whether any byte of a pair of masks is flagged.
    @inline(__always) static func any(_ m: Pair) -> Bool { m[0] | m[1] != 0 }

    /// The index of the first flagged byte of a pair of masks, at least one nonzero.
    @inline(__always) static func firstByte(_ m: Pair) -> Int {
        m[0] != 0 ? firstByte(m[0]) : 8 &+ firstByte(m[1])
    }

    /// The index of the first flagged byte of a nonzero mask.
    @inline(__always) static func firstByte(_ mask: UInt64) -> Int { mask.trailingZeroBitCount >> 3 }
}
