/// Keeps secrets out of what the proxy sends back: an upstream error that echoes the key the
/// proxy sent it gets "***" instead.
enum Redact {
    static let mask = Array("***".utf8)

    static func replacing(_ secret: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        guard !secret.isEmpty, bytes.count >= secret.count, let first = secret.first else { return bytes }
        var out: [UInt8] = []
        var i = 0
        var changed = false
        let last = bytes.count - secret.count
        while i < bytes.count {
            if i <= last, bytes[i] == first, bytes[i..<(i + secret.count)].elementsEqual(secret) {
                if !changed { out.reserveCapacity(bytes.count); out.append(contentsOf: bytes[0..<i]); changed = true }
                out.append(contentsOf: mask)
                i += secret.count
                continue
            }
            if changed { out.append(bytes[i]) }
            i += 1
        }
        return changed ? out : bytes
    }
}
