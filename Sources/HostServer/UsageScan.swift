/// Reads token counts out of translated client bytes (JSON or SSE) without parsing them: the
/// last `"<key>":<digits>` wins. Cheap enough for every response; approximate by design (metrics).
struct UsageScan {
    private(set) var input: Int64 = 0
    private(set) var output: Int64 = 0

    private static let inputKeys: [[UInt8]] = [Array("\"input_tokens\":".utf8), Array("\"prompt_tokens\":".utf8)]
    private static let outputKeys: [[UInt8]] = [Array("\"output_tokens\":".utf8), Array("\"completion_tokens\":".utf8)]

    mutating func scan(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        var i = 0
        while i < n {
            // Every key ends in `_tokens":`: find 't' of "tokens" cheaply, then check around it.
            guard bytes[i] == UInt8(ascii: "_") else { i += 1; continue }
            for k in UsageScan.inputKeys { if let v = UsageScan.value(bytes, keyEndingAt: i, key: k) { input = v } }
            for k in UsageScan.outputKeys { if let v = UsageScan.value(bytes, keyEndingAt: i, key: k) { output = v } }
            i += 1
        }
    }

    mutating func scan(_ bytes: [UInt8]) { bytes.withUnsafeBytes { scan($0) } }

    /// `underscore` is the index of the `_` in `_tokens":` within `key`.
    private static func value(_ b: UnsafeRawBufferPointer, keyEndingAt underscore: Int, key: [UInt8]) -> Int64? {
        guard let u = key.firstIndex(of: UInt8(ascii: "_")) else { return nil }
        let start = underscore - u
        guard start >= 0, start + key.count <= b.count else { return nil }
        for j in 0..<key.count where b[start + j] != key[j] { return nil }
        var p = start + key.count
        while p < b.count, b[p] == UInt8(ascii: " ") { p += 1 }
        var v: Int64 = 0
        var digits = 0
        while p < b.count, b[p] >= 48, b[p] <= 57, digits < 18 {
            v = v * 10 + Int64(b[p] - 48); p += 1; digits += 1
        }
        return digits > 0 ? v : nil
    }
}
