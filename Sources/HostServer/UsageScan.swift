import Foundation

/// Reads token counts out of translated client bytes (JSON or SSE) without parsing them: the
/// last `"<key>":<digits>` wins. Cheap enough for every response; approximate by design (metrics).
struct UsageScan {
    private(set) var input: Int64 = 0
    private(set) var output: Int64 = 0

    private static let suffix = Array("tokens\":".utf8)
    /// Key prefixes up to the `_` of `_tokens":`, each with its leading quote.
    private static let inputPrefixes: [[UInt8]] = [Array("\"input".utf8), Array("\"prompt".utf8)]
    private static let outputPrefixes: [[UInt8]] = [Array("\"output".utf8), Array("\"completion".utf8)]

    mutating func scan(_ b: UnsafeRawBufferPointer) {
        let n = b.count
        let suffix = UsageScan.suffix
        guard let base = b.baseAddress else { return }
        var i = 0
        while i + 1 + suffix.count < n {
            // Every key is `…_tokens":`: jump to the next '_' (memchr), then check the 't' after
            // it (most '_' fail there).
            guard let hit = memchr(base + i, Int32(UInt8(ascii: "_")), n - i) else { return }
            i = base.distance(to: UnsafeRawPointer(hit))
            guard i + 1 + suffix.count < n else { return }
            guard b[i + 1] == UInt8(ascii: "t") else { i += 1; continue }
            var match = true
            for j in 1..<suffix.count where b[i + 1 + j] != suffix[j] { match = false; break }
            guard match else { i += 1; continue }
            let valueStart = i + 1 + suffix.count
            if UsageScan.endsWith(b, at: i, any: UsageScan.outputPrefixes), let v = UsageScan.number(b, from: valueStart) {
                output = v
            } else if UsageScan.endsWith(b, at: i, any: UsageScan.inputPrefixes), let v = UsageScan.number(b, from: valueStart) {
                input = v
            }
            i = valueStart
        }
    }

    mutating func scan(_ bytes: [UInt8]) { bytes.withUnsafeBytes { scan($0) } }

    /// Whether the bytes just before `end` are one of `prefixes`.
    private static func endsWith(_ b: UnsafeRawBufferPointer, at end: Int, any prefixes: [[UInt8]]) -> Bool {
        outer: for p in prefixes {
            guard end >= p.count else { continue }
            let start = end - p.count
            for j in 0..<p.count where b[start + j] != p[j] { continue outer }
            return true
        }
        return false
    }

    private static func number(_ b: UnsafeRawBufferPointer, from start: Int) -> Int64? {
        var p = start
        while p < b.count, b[p] == UInt8(ascii: " ") { p += 1 }
        var v: Int64 = 0
        var digits = 0
        while p < b.count, b[p] >= 48, b[p] <= 57, digits < 18 {
            v = v * 10 + Int64(b[p] - 48); p += 1; digits += 1
        }
        return digits > 0 ? v : nil
    }
}
