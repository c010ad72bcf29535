import Foundation

/// The process's open-file limit (RLIMIT_NOFILE): raised to the hard limit at start, and the
/// number of client connections it allows.
enum OpenFileLimit {
    /// Descriptors kept out of the connection budget: stdio, the listening socket, event loop and
    /// curl engine descriptors, and curl's cache of idle upstream connections (at most 256).
    static let reserved = 320

    /// Raises the soft limit to the hard one (capped by fs/nr_open when the hard limit is
    /// unlimited). Returns the limit before and after (after == before when raising failed).
    static func raise() -> (before: Int, after: Int) {
        var rl = rlimit()
        guard getrlimit(resource, &rl) == 0 else { return (0, 0) }
        let before = clamp(rl.rlim_cur)
        var target = rl.rlim_max
        if target == rlim_t.max, let open = nrOpen() { target = rlim_t(open) }
        guard target > rl.rlim_cur else { return (before, before) }
        var raised = rl
        raised.rlim_cur = target
        guard setrlimit(resource, &raised) == 0 else { return (before, before) }
        return (before, clamp(target))
    }

    /// Client connections a limit allows: each proxied request holds its client connection and
    /// an upstream connection.
    static func connections(allowedBy limit: Int) -> Int {
        max(16, (limit - reserved) / 2)
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif

    private static func clamp(_ v: rlim_t) -> Int { v > rlim_t(Int.max) ? Int.max : Int(v) }

    private static func nrOpen() -> Int? {
        guard let s = try? String(contentsOfFile: "/proc/sys/fs/nr_open", encoding: .utf8) else { return nil }
        return Int(s.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
