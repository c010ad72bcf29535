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

    /// Where `needle` first occurs in `haystack` (bytes, exact), or nil. A needle whose first two
    /// bytes are ASCII is looked for 8 positions at a time (both bytes tested word-wise; the
    /// metering of passthrough streams scans every byte of them for `"usage"`).
    static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard let first = needle.first else { return haystack.startIndex }
        guard haystack.count >= needle.count else { return nil }
        let last = haystack.endIndex - needle.count
        var i = haystack.startIndex
        if needle.count >= 2, first < 0x80, needle[1] < 0x80 {
            let second = needle[1]
            let span = haystack.span
            let raw = span.bytes
            let base = haystack.startIndex
            // Candidates at k...k+7 need bytes up to k+8; a flagged position is only a candidate
            // (JSONBytes.equal may flag above a true match), checked in full below.
            var k = 0
            while span.count - k >= 9 && base + k <= last {
                let w0 = UInt64(littleEndian: raw.unsafeLoadUnaligned(fromByteOffset: k, as: UInt64.self))
                let w1 = UInt64(littleEndian: raw.unsafeLoadUnaligned(fromByteOffset: k + 1, as: UInt64.self))
                let m = JSONBytes.equal(w0, first) & JSONBytes.equal(w1, second)
                if m == 0 { k += 8; continue }
                k += JSONBytes.firstByte(m)
                if base + k > last { return nil }
                var j = 0
                while j < needle.count && span[k + j] == needle[j] { j += 1 }
                if j == needle.count { return base + k }
                k += 1
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
