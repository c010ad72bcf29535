import NIOCore

/// The upstream key of one call, masked (Redact) in everything bound for the client: bodies,
/// stream bytes, failure messages. The upstream key never reaches the client, however spelled.
struct UpstreamKeyMask {
    let key: String?
    /// Its bytes, when long enough to be worth masking (short ones would mask ordinary text).
    let secret: [UInt8]?

    init(key: String?) {
        self.key = key
        secret = key.flatMap { $0.utf8.count >= 8 ? Array($0.utf8) : nil }
    }

    func apply(_ body: [UInt8]) -> [UInt8] {
        guard let secret else { return body }
        return Redact.replacing(secret, in: body)
    }

    func apply(_ text: String) -> String {
        guard secret != nil else { return text }
        return Redact.replacing(key, in: text)
    }

    /// Client-bound bytes: the translator emits whole events, so a key cannot straddle two calls.
    func apply(_ buffer: inout ByteBuffer) {
        guard let secret, buffer.readableBytes >= secret.count else { return }
        guard let masked = buffer.withUnsafeReadableBytes({ Redact.redacted(secret, in: $0) }) else { return }
        buffer.clear()
        buffer.writeBytes(masked)
    }
}
