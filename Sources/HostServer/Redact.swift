/// Keeps secrets out of what the proxy sends back: the upstream key, wherever it shows up in
/// bytes bound for the client (an error that echoes it, a mid-stream error event, a failure
/// message), becomes "***". It is matched however JSON spells it: literally or with any of its
/// characters escaped (`\u0073`, `\/`), so a body that hides it behind escapes is caught too.
/// Runs on what reaches the client, after translation (which may have decoded the escapes).
enum Redact {
    static let mask = Array("***".utf8)
    private static let backslash = UInt8(ascii: "\\")

    static func replacing(_ secret: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { redacted(secret, in: $0) } ?? bytes
    }

    /// `bytes` with the secret masked, or nil when it does not occur.
    static func redacted(_ secret: [UInt8], in bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard !secret.isEmpty, bytes.count >= secret.count, let first = secret.first else { return nil }
        var out: [UInt8] = []
        var i = 0
        var changed = false
        while i < bytes.count {
            let b = bytes[i]
            if b == first || b == backslash, let end = matchEnd(secret, in: bytes, at: i) {
                if !changed { out.reserveCapacity(bytes.count); out.append(contentsOf: bytes[0..<i]); changed = true }
                out.append(contentsOf: mask)
                i = end
                continue
            }
            if changed { out.append(b) }
            i += 1
        }
        return changed ? out : nil
    }

    static func replacing(_ secret: String?, in text: String) -> String {
        guard let secret, !secret.isEmpty else { return text }
        let out = replacing(Array(secret.utf8), in: Array(text.utf8))
        return String(decoding: out, as: UTF8.self)
    }

    /// Where the spelling of `secret` that starts at `start` ends, or nil.
    private static func matchEnd(_ secret: [UInt8], in bytes: UnsafeRawBufferPointer, at start: Int) -> Int? {
        var k = start
        for s in secret {
            guard k < bytes.count else { return nil }
            if bytes[k] == s { k += 1; continue }
            guard bytes[k] == backslash, k + 1 < bytes.count else { return nil }
            switch bytes[k + 1] {
            case UInt8(ascii: "/") where s == UInt8(ascii: "/"):
                k += 2
            case UInt8(ascii: "u"):
                guard k + 5 < bytes.count, let v = hex4(bytes, k + 2), v == UInt32(s) else { return nil }
                k += 6
            default:
                return nil
            }
        }
        return k
    }

    private static func hex4(_ b: UnsafeRawBufferPointer, _ at: Int) -> UInt32? {
        var v: UInt32 = 0
        for i in at..<(at + 4) {
            let c = b[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }
}
