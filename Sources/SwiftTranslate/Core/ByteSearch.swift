/// Substring tests on UTF-8 bytes. The stdlib's `String.contains(String)` goes through the
/// string-processing engine and costs microseconds per call; these are plain byte loops.
enum ByteSearch {
    /// True when `needle` occurs in `haystack`; with `ignoringASCIICase`, A–Z match a–z.
    static func contains(_ haystack: String, _ needle: String, ignoringASCIICase: Bool = false) -> Bool {
        let h = Array(haystack.utf8), n = Array(needle.utf8)
        if n.isEmpty { return true }
        guard h.count >= n.count else { return false }
        var i = 0
        while i + n.count <= h.count {
            var j = 0
            while j < n.count && fold(h[i + j], ignoringASCIICase) == fold(n[j], ignoringASCIICase) { j += 1 }
            if j == n.count { return true }
            i += 1
        }
        return false
    }

    /// True when `needle` occurs in `haystack` (bytes, exact).
    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        firstIndex(of: needle, in: haystack) != nil
    }

    /// Where `needle` first occurs in `haystack` (bytes, exact), or nil. A needle of two bytes or
    /// more is looked for 16 positions at a time (its first two bytes compared as SIMD vectors,
    /// then each flagged position in full): the metering of passthrough streams scans every byte
    /// of them for `"usage"` (4.5 GB/s against 1.6 for the byte loop, measured on a long stream).
    static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard let first = needle.first else { return haystack.startIndex }
        guard haystack.count >= needle.count else { return nil }
        let last = haystack.endIndex - needle.count
        var i = haystack.startIndex
        if needle.count >= 2 {
            let span = haystack.span
            let raw = span.bytes
            let base = haystack.startIndex
            let firsts = SIMD16<UInt8>(repeating: first), seconds = SIMD16<UInt8>(repeating: needle[1])
            var k = 0
            // Positions k..<k+16 need bytes up to k+16.
            while span.count - k >= 17 && base + k <= last {
                let a = raw.unsafeLoadUnaligned(fromByteOffset: k, as: SIMD16<UInt8>.self)
                let b = raw.unsafeLoadUnaligned(fromByteOffset: k + 1, as: SIMD16<UInt8>.self)
                // A zero byte where both match (not `any(mask)`: its reduction is a call per step).
                let z = unsafeBitCast((a ^ firsts) | (b ^ seconds), to: SIMD2<UInt64>.self)
                if JSONBytes.equal(z[0], 0) | JSONBytes.equal(z[1], 0) == 0 { k += 16; continue }
                let stop = min(k + 16, last - base + 1)
                while k < stop {
                    var j = 0
                    while j < needle.count && span[k + j] == needle[j] { j += 1 }
                    if j == needle.count { return base + k }
                    k += 1
                }
            }
            i = base + k
        }
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    @inline(__always) private static func fold(_ b: UInt8, _ on: Bool) -> UInt8 {
        on && b >= 0x41 && b <= 0x5A ? b | 0x20 : b
    }
}
