import Foundation
import NIOConcurrencyHelpers

/// The keys of one upstream (`api_keys_env: [A, B, ...]`), handed out in turn. A key the
/// upstream refused (401/403) is set aside until the next config reload; one it throttled (429)
/// rests for its Retry-After. Keys are named in logs and metrics by their id (the environment
/// variable's name), never by their value. One pool per upstream per config snapshot: a reload
/// re-reads the keys and starts a fresh pool.
final class KeyPool: @unchecked Sendable {
    struct Key: Sendable {
        /// The environment variable the key came from: safe to log.
        let id: String
        let value: String
    }

    /// Why no key is usable, for the client's error.
    struct Exhausted: Error {
        var setAside: Int
        var resting: Int
        /// Seconds until the first resting key is usable again (nil: none rests).
        var retryAfter: Double?
    }

    let keys: [Key]
    private let lock = NIOLock()
    private var nextIndex = 0
    private var setAside: [Bool]
    private var restUntil: [Double]
    private let clock: () -> Double

    init(keys: [Key], clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) {
        self.keys = keys
        setAside = Array(repeating: false, count: keys.count)
        restUntil = Array(repeating: 0, count: keys.count)
        self.clock = clock
    }

    /// The next usable key in turn, skipping `tried` (indexes this request already used).
    func next(excluding tried: Set<Int> = []) -> Result<(index: Int, key: Key), Exhausted> {
        let now = clock()
        return lock.withLock {
            let n = keys.count
            var resting = 0
            var soonest: Double?
            for step in 0..<n {
                let i = (nextIndex + step) % n
                if setAside[i] || tried.contains(i) { continue }
                if restUntil[i] > now {
                    resting += 1
                    soonest = min(soonest ?? .infinity, restUntil[i] - now)
                    continue
                }
                nextIndex = (i + 1) % n
                return .success((i, keys[i]))
            }
            return .failure(Exhausted(setAside: setAside.filter { $0 }.count, resting: resting, retryAfter: soonest))
        }
    }

    /// The upstream refused key `index` (401/403): not used again until a reload.
    /// Returns false when it was already set aside (log once).
    @discardableResult
    func setAside(_ index: Int) -> Bool {
        lock.withLock {
            guard setAside.indices.contains(index), !setAside[index] else { return false }
            setAside[index] = true
            return true
        }
    }

    /// The upstream throttled key `index` (429): rest it for `seconds` (its Retry-After, or 1 s).
    func rest(_ index: Int, seconds: Double?) {
        let until = clock() + min(max(seconds ?? 1, 0), 3600)
        lock.withLock {
            guard restUntil.indices.contains(index) else { return }
            restUntil[index] = max(restUntil[index], until)
        }
    }

    /// Keys usable now (for /metrics).
    var usable: Int {
        let now = clock()
        return lock.withLock { (0..<keys.count).filter { !setAside[$0] && restUntil[$0] <= now }.count }
    }
}
