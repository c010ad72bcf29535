import CCurl
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// The upstream engine of one event loop: a curl multi handle driven with
/// curl_multi_socket_action on that loop's thread, so a request is sent, and its answer read and
/// handed to its ProxyCall, without leaving the loop (no command queue, no hop per chunk, no
/// lock). curl's sockets are watched by an epoll instance of the engine, armed one-shot: a small
/// watcher thread sleeps in epoll_wait on it and posts what became ready to the loop (NIO offers
/// no way to add a foreign descriptor to its own selector); the loop runs curl on them and arms
/// them again. curl's timer is a task scheduled on the loop. The multi handle keeps the
/// connection pool (reuse, HTTP/2 multiplexing) and the DNS cache for the loop's transfers.
/// Every method but `transfersInFlight` and `stop` runs on `loop`.
final class CurlEngine: @unchecked Sendable {
    let loop: EventLoop
    private let multi: UnsafeMutableRawPointer
    /// curl's sockets (one-shot) and `wakeFD` (level: stops the watcher).
    private let epfd: Int32
    private let wakeFD: Int32
    /// A socket curl asked to watch: its CURL_POLL_* interest, and whether it is armed in epoll
    /// (a one-shot socket is disarmed once reported, until armed again).
    private struct Watch {
        var what: Int32
        var armed: Bool
    }
    private var sockets: [Int32: Watch] = [:]
    /// Transfers in the multi handle, by easy handle address.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    /// `active.count` for other threads (GET /metrics).
    private let activeCount = NIOLockedValueBox(0)
    /// Finished easy handles, reset and kept for the next transfers (saves curl_easy_init's
    /// allocations and per-handle setup on every request).
    private var idleEasy: [UnsafeMutableRawPointer] = []
    static let maxIdleEasy = 64
    /// Transfers with events not yet handed to their sink.
    private var dirty: [CurlTransfer] = []
    /// curl asked for a timeout action now (timer callback with 0).
    private var timeoutDue = false
    /// When curl wants its timeout action (nil: no timer), and the loop task serving it.
    private var timerDeadline: NIODeadline?
    private var timerTask: Scheduled<Void>?
    private var timerAt: NIODeadline?
    /// Inside drive(): nested calls return at once and the outer one does their work.
    private var driving = false
    private var dispatchScheduled = false
    private var thread: Thread?

    /// `maxConnects`: idle upstream connections this engine keeps (CURLMOPT_MAXCONNECTS).
    init(loop: EventLoop, maxConnects: Int, maxConnectionsPerHost: Int = 0) {
        self.loop = loop
        guard let m = curl_multi_init() else {
            FileIO.warn("apxlate: curl_multi_init failed")
            exit(1)
        }
        multi = m
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard epfd >= 0, wakeFD >= 0, apxc_epoll_add_wakeup(epfd, wakeFD) == 0 else {
            FileIO.warn("apxlate: cannot create the upstream engine's epoll instance (errno \(errno))")
            exit(1)
        }
        apxc_multi_setopt_long(m, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        if maxConnectionsPerHost > 0 { apxc_multi_setopt_long(m, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost) }
        apxc_multi_setopt_long(m, CURLMOPT_MAXCONNECTS, maxConnects)
        apxc_multi_set_callbacks(m, curlSocketCallback, curlTimerCallback, Unmanaged.passUnretained(self).toOpaque())
    }

    func start() {
        let t = Thread { [self] in self.watch() }
        t.name = "apxlate-curl"
        thread = t
        t.start()
    }

    /// Stops the watcher thread (any thread; the loop must stop running transfers after this).
    func stop() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    /// Upstream transfers in curl right now (any thread).
    var transfersInFlight: Int { activeCount.withLockedValue { $0 } }

    // MARK: the ProxyCall side

    /// Starts a transfer; its events go to the transfer's sink, on the loop, outside this call.
    func submit(_ t: CurlTransfer) {
        t.engine = self
        guard let easy = idleEasy.popLast() ?? curl_easy_init() else {
            t.emit(.done(error: "could not start the upstream request", timedOut: false))
            return drive(dispatch: false)
        }
        t.configure(easy)
        guard curl_multi_add_handle(multi, easy) == CURLM_OK else {
            remove(t)
            t.emit(.done(error: "could not start the upstream request", timedOut: false))
            return drive(dispatch: false)
        }
        active[easy] = t
        activeCount.withLockedValue { $0 = active.count }
        drive(dispatch: false)
    }

    /// Aborts a transfer (the client went away, or the call moves on): no more events are
    /// delivered for it, not even those already queued.
    func cancel(_ t: CurlTransfer) {
        t.cancelled = true
        guard let easy = t.easy, active[easy] != nil else { return }
        t.finished = true
        active[easy] = nil
        activeCount.withLockedValue { $0 = active.count }
        remove(t)
        drive(dispatch: false)
    }

    /// Resumes a transfer that curl paused for flow control (see CurlTransfer.setClientFull).
    func resume(_ t: CurlTransfer) {
        guard let easy = t.easy, active[easy] != nil, t.paused else { return }
        t.paused = false
        curl_easy_pause(easy, APXC_PAUSE_CONT)
        drive(dispatch: false)
    }

    // MARK: curl's callbacks

    /// CURLMOPT_SOCKETFUNCTION: watch `fd` for `what` (CURL_POLL_IN/OUT/INOUT), or stop (REMOVE).
    fileprivate func watch(_ fd: Int32, _ what: Int32) {
        if what == CURL_POLL_REMOVE {
            sockets[fd] = nil
            _ = apxc_epoll_remove(epfd, fd)
            return
        }
        let armed = apxc_epoll_arm(epfd, fd, what, sockets[fd] == nil ? 1 : 0) == 0
        if !armed { FileIO.warn("apxlate: cannot watch an upstream socket (errno \(errno))") }
        sockets[fd] = Watch(what: what, armed: armed)
    }

    /// CURLMOPT_TIMERFUNCTION: curl wants a timeout action in `ms` (0: now; -1: no timer).
    fileprivate func setTimer(_ ms: Int) {
        if ms < 0 {
            timerDeadline = nil
            return
        }
        if ms == 0 {
            timerDeadline = nil
            timeoutDue = true  // every curl call here is followed by drive()
            return
        }
        let d = NIODeadline.now() + .milliseconds(Int64(ms))
        timerDeadline = d
        if let at = timerAt, at <= d { return }  // fires sooner and re-arms itself
        timerTask?.cancel()
        armTimer(at: d)
    }

    private func armTimer(at d: NIODeadline) {
        timerAt = d
        timerTask = loop.scheduleTask(deadline: d) { [self] in
            timerTask = nil
            timerAt = nil
            guard let due = timerDeadline else { return }
            if NIODeadline.now() < due { return armTimer(at: due) }
            timerDeadline = nil
            timeoutDue = true
            drive(dispatch: true)
        }
    }

    // MARK: the loop

    /// The watcher thread: waits for curl's sockets and posts them to the loop (each one is
    /// disarmed until the loop has run curl on it).
    private func watch() {
        var fds = [Int32](repeating: 0, count: 64)
        var flags = [Int32](repeating: 0, count: 64)
        while true {
            let n = apxc_epoll_wait(epfd, &fds, &flags, 64, -1)
            if n < 0 {
                if errno == EINTR { continue }
                FileIO.warn("apxlate: the upstream engine stopped watching its sockets (errno \(errno))")
                return
            }
            var ready: [(fd: Int32, flags: Int32)] = []
            ready.reserveCapacity(Int(n))
            for i in 0..<Int(n) {
                if fds[i] == wakeFD { return }
                ready.append((fds[i], flags[i]))
            }
            if !ready.isEmpty {
                let batch = ready
                loop.execute { [self] in self.ready(batch) }
            }
        }
    }

    /// Sockets the watcher saw ready: curl acts on each, then each is armed again.
    private func ready(_ batch: [(fd: Int32, flags: Int32)]) {
        var running: Int32 = 0
        for (fd, flags) in batch {
            guard sockets[fd] != nil else { continue }  // curl let go of it meanwhile
            sockets[fd]?.armed = false
            curl_multi_socket_action(multi, fd, flags, &running)
            if let w = sockets[fd], !w.armed {
                sockets[fd]?.armed = apxc_epoll_arm(epfd, fd, w.what, 0) == 0
            }
        }
        drive(dispatch: true)
    }

    /// After any curl call: runs curl's due timeouts, collects finished transfers, and hands
    /// queued events to their sinks (`dispatch`), or in a loop task of their own when called on
    /// the ProxyCall's behalf (whose state must not change under it).
    private func drive(dispatch: Bool) {
        guard !driving else { return }
        driving = true
        defer { driving = false }
        var running: Int32 = 0
        var rounds = 0
        while true {
            while timeoutDue && rounds < 64 {
                timeoutDue = false
                rounds += 1
                curl_multi_socket_action(multi, APXC_SOCKET_TIMEOUT, 0, &running)
            }
            reapFinished()
            // Events while the ProxyCall is inside a call to the engine, or curl still asking for
            // more timeout actions after many (never spin the loop): the rest in a task of its own.
            guard dispatch, rounds < 64 else {
                if (!dirty.isEmpty || timeoutDue) && !dispatchScheduled {
                    dispatchScheduled = true
                    loop.execute { [self] in
                        dispatchScheduled = false
                        drive(dispatch: true)
                    }
                }
                return
            }
            if dirty.isEmpty { return }
            let batch = dirty
            dirty.removeAll(keepingCapacity: true)
            for t in batch {
                t.flushEvents()
                // Paused for a full queue (not by the client): delivered now, so read on.
                if t.paused && !t.clientFull, let easy = t.easy, active[easy] != nil {
                    t.paused = false
                    curl_easy_pause(easy, APXC_PAUSE_CONT)
                }
            }
        }
    }

    /// A transfer has events to deliver (called by the transfer when its queue fills).
    func markDirty(_ t: CurlTransfer) { dirty.append(t) }

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
            activeCount.withLockedValue { $0 = active.count }
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
        }
    }
}

/// The engines of all event loops (one each), made when the loops exist.
final class CurlEngines: @unchecked Sendable {
    /// Written once by `attach`, before any connection is accepted; read-only afterwards.
    private var byLoop: [ObjectIdentifier: CurlEngine] = [:]
    private var all: [CurlEngine] = []

    init() { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }

    /// Makes and starts one engine per loop of `group`. The loops share the budget of 256 idle
    /// upstream connections (OpenFileLimit.reserved counts on it).
    func attach(_ group: EventLoopGroup) {
        let loops = Array(group.makeIterator())
        for loop in loops {
            let e = CurlEngine(loop: loop, maxConnects: max(32, 256 / max(1, loops.count)))
            e.start()
            byLoop[ObjectIdentifier(loop)] = e
            all.append(e)
        }
    }

    /// The engine of `loop` (nil only for a loop outside the group, which does not happen).
    func engine(for loop: EventLoop) -> CurlEngine? { byLoop[ObjectIdentifier(loop)] }

    var transfersInFlight: Int { all.reduce(0) { $0 + $1.transfersInFlight } }

    /// Stops the watcher threads (before the loops shut down: nothing is posted to them after).
    func stop() { for e in all { e.stop() } }
}

private func curlSocketCallback(_ easy: UnsafeMutableRawPointer?, _ fd: curl_socket_t, _ what: Int32,
                                _ userp: UnsafeMutableRawPointer?, _ socketp: UnsafeMutableRawPointer?) -> Int32 {
    guard let userp else { return 0 }
    Unmanaged<CurlEngine>.fromOpaque(userp).takeUnretainedValue().watch(fd, what)
    return 0
}

private func curlTimerCallback(_ multi: UnsafeMutableRawPointer?, _ ms: Int, _ userp: UnsafeMutableRawPointer?) -> Int32 {
    guard let userp else { return 0 }
    Unmanaged<CurlEngine>.fromOpaque(userp).takeUnretainedValue().setTimer(ms)
    return 0
}
