import CCurl
import Foundation
import NIOConcurrencyHelpers

/// The single event-driven upstream engine: one dedicated thread runs the curl multi interface
/// (curl_multi_poll / curl_multi_perform) for every transfer. Other threads talk to it through a
/// locked command queue plus curl_multi_wakeup. The multi handle keeps the connection pool (reuse,
/// HTTP/2 multiplexing) and the DNS cache for all transfers.
final class CurlEngine: @unchecked Sendable {
    private enum Command {
        case add(CurlTransfer)
        case cancel(CurlTransfer)
        case resume(CurlTransfer)
    }

    private let multi: UnsafeMutableRawPointer
    private let lock = NIOLock()
    private var commands: [Command] = []
    private var stopping = false
    /// True while the engine thread is in (or about to enter) curl_multi_poll: only then does a
    /// new command need a wakeup (saves a syscall and a context switch under load).
    private var sleeping = false
    /// Engine thread only: transfers in the multi handle, by easy handle address.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:] {
        didSet { activeCount.withLockedValue { $0 = active.count } }
    }
    /// `active.count` for other threads (GET /metrics).
    private let activeCount = NIOLockedValueBox(0)
    /// Upstream transfers in curl right now.
    var transfersInFlight: Int { activeCount.withLockedValue { $0 } }
    /// Engine thread only: finished easy handles, reset and kept for the next transfers (saves
    /// curl_easy_init's allocations and per-handle setup on every request).
    private var idleEasy: [UnsafeMutableRawPointer] = []
    static let maxIdleEasy = 64
    private var thread: Thread?

    init(maxConnectionsPerHost: Int = 0) {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard let m = curl_multi_init() else {
            FileIO.warn("apxlate: curl_multi_init failed")
            exit(1)
        }
        multi = m
        apxc_multi_setopt_long(m, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        if maxConnectionsPerHost > 0 { apxc_multi_setopt_long(m, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost) }
        apxc_multi_setopt_long(m, CURLMOPT_MAXCONNECTS, 256)
    }

    func start() {
        let t = Thread { [self] in self.run() }
        t.name = "apxlate-curl"
        thread = t
        t.start()
    }

    /// Starts a transfer; its events go to the transfer's sink.
    func submit(_ t: CurlTransfer) { send(.add(t)) }
    /// Aborts a transfer (the client went away): no more events are delivered for it.
    func cancel(_ t: CurlTransfer) { send(.cancel(t)) }
    /// Resumes a transfer that curl paused for flow control (see CurlTransfer.consumed).
    func resume(_ t: CurlTransfer) { send(.resume(t)) }

    func stop() {
        lock.withLock { stopping = true }
        curl_multi_wakeup(multi)
    }

    private func send(_ c: Command) {
        let wake = lock.withLock { () -> Bool in
            commands.append(c)
            return sleeping
        }
        if wake { curl_multi_wakeup(multi) }
    }

    private func run() {
        while true {
            let (batch, stop) = lock.withLock { () -> ([Command], Bool) in
                let b = commands
                commands.removeAll(keepingCapacity: true)
                return (b, stopping)
            }
            if stop { break }
            for c in batch { apply(c) }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            reapFinished()
            for (_, t) in active { t.flushEvents() }
            let idle = lock.withLock { () -> Bool in
                sleeping = commands.isEmpty && !stopping
                return sleeping
            }
            guard idle else { continue }
            var fds: Int32 = 0
            curl_multi_poll(multi, nil, 0, 1000, &fds)
            lock.withLock { sleeping = false }
        }
        for (_, t) in active { remove(t) }
        active.removeAll()
        for h in idleEasy { curl_easy_cleanup(h) }
        idleEasy.removeAll()
    }

    private func apply(_ c: Command) {
        switch c {
        case .add(let t):
            guard let easy = idleEasy.popLast() ?? curl_easy_init() else {
                t.emit(.done(error: "could not start the upstream request", timedOut: false))
                t.flushEvents()
                return
            }
            t.configure(easy)
            guard curl_multi_add_handle(multi, easy) == CURLM_OK else {
                remove(t)
                t.emit(.done(error: "could not start the upstream request", timedOut: false))
                t.flushEvents()
                return
            }
            active[easy] = t
        case .cancel(let t):
            guard let easy = t.easy, active[easy] != nil else { return }
            t.finished = true
            remove(t)
            active[easy] = nil
        case .resume(let t):
            guard let easy = t.easy, active[easy] != nil else { return }
            curl_easy_pause(easy, APXC_PAUSE_CONT)
        }
    }

    /// Detaches the transfer's handle from the multi handle and keeps it for reuse (reset: no
    /// option, callback or header list of this transfer survives).
    private func remove(_ t: CurlTransfer) {
        if let easy = t.easy {
            curl_multi_remove_handle(multi, easy)
            if idleEasy.count < CurlEngine.maxIdleEasy {
                curl_easy_reset(easy)
                idleEasy.append(easy)
            } else {
                curl_easy_cleanup(easy)
            }
        }
        t.detach()
    }

    private func reapFinished() {
        var left: Int32 = 0
        while let msg = curl_multi_info_read(multi, &left) {
            guard msg.pointee.msg == CURLMSG_DONE, let easy = msg.pointee.easy_handle, let t = active[easy] else { continue }
            let code = apxc_easy_result(msg)
            active[easy] = nil
            var error: String?
            if code != CURLE_OK {
                let detail = t.curlErrorMessage
                error = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            }
            let timedOut = code == CURLE_OPERATION_TIMEDOUT
            if t.status == 0 && code == CURLE_OK { error = "the upstream sent no HTTP response" }
            remove(t)
            t.finished = true
            t.emit(.done(error: error, timedOut: timedOut))
            t.flushEvents()
        }
    }
}
