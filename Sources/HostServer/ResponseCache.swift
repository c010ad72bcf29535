import Foundation
import NIOConcurrencyHelpers

/// `cache: {ttl_seconds, max_bytes}`: translated non-streaming answers (200 only) kept in memory
/// for identical requests, least recently used dropped first once the entries (key and answer
/// bytes) pass `max_bytes`. The key is the client's key, the route and upstream, and the
/// translated upstream body: what the upstream would have been asked. Never used for streams.
final class ResponseCache: @unchecked Sendable {
    struct Key: Hashable {
        let bytes: [UInt8]
        private let hash: Int

        init(clientKey: String?, route: String, upstream: String, body: UnsafeRawBufferPointer) {
            var b: [UInt8] = []
            b.reserveCapacity(body.count + route.utf8.count + upstream.utf8.count + 64)
            b.append(contentsOf: (clientKey ?? "").utf8)
            b.append(0)
            b.append(contentsOf: route.utf8)
            b.append(0)
            b.append(contentsOf: upstream.utf8)
            b.append(0)
            b.append(contentsOf: body)
            bytes = b
            var h = Hasher()
            b.withUnsafeBytes { h.combine(bytes: $0) }
            hash = h.finalize()
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
        static func == (a: Key, b: Key) -> Bool { a.hash == b.hash && a.bytes == b.bytes }
    }

    private final class Entry {
        let key: Key
        let body: [UInt8]
        let storedAt: Double
        var newer: Entry?
        weak var older: Entry?
        init(key: Key, body: [UInt8], storedAt: Double) { self.key = key; self.body = body; self.storedAt = storedAt }
        var cost: Int { key.bytes.count + body.count + 128 }
    }

    let ttlSeconds: Double
    let maxBytes: Int
    private let lock = NIOLock()
    private var entries: [Key: Entry] = [:]
    /// Least recently used end (evicted first) and most recently used end.
    private var oldest: Entry?
    private var newest: Entry?
    private(set) var bytes = 0
    private let clock: () -> Double

    init(ttlSeconds: Int, maxBytes: Int, clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) {
        self.ttlSeconds = Double(ttlSeconds)
        self.maxBytes = maxBytes
        self.clock = clock
    }

    /// The answer stored for `key` within the TTL (and marks it recently used).
    func get(_ key: Key) -> [UInt8]? {
        let now = clock()
        return lock.withLock {
            guard let e = entries[key] else { return nil }
            guard now - e.storedAt < ttlSeconds else {
                remove(e)
                return nil
            }
            unlink(e)
            append(e)
            return e.body
        }
    }

    func put(_ key: Key, body: [UInt8]) {
        let e = Entry(key: key, body: body, storedAt: clock())
        guard e.cost <= maxBytes else { return }
        lock.withLock {
            if let old = entries[key] { remove(old) }
            while bytes + e.cost > maxBytes, let victim = oldest { remove(victim) }
            entries[key] = e
            append(e)
            bytes += e.cost
        }
    }

    var count: Int { lock.withLock { entries.count } }
    var storedBytes: Int { lock.withLock { bytes } }

    private func remove(_ e: Entry) {
        unlink(e)
        entries[e.key] = nil
        bytes -= e.cost
    }

    private func unlink(_ e: Entry) {
        if let o = e.older { o.newer = e.newer } else { oldest = e.newer }
        if let n = e.newer { n.older = e.older } else { newest = e.older }
        e.newer = nil
        e.older = nil
    }

    private func append(_ e: Entry) {
        e.older = newest
        newest?.newer = e
        newest = e
        if oldest == nil { oldest = e }
    }
}
