import CCurl
import NIOConcurrencyHelpers

/// One upstream HTTP transfer on the curl engine. Created on any thread, then driven only by the
/// engine thread; the flow-control state is what it shares with the client's event loop.
final class CurlTransfer: @unchecked Sendable {
    let request: UpstreamRequest
    /// Receives events on the engine thread, in batches (one hop to the client's event loop for
    /// everything a transfer produced in one engine round: often head, body and end at once).
    let sink: @Sendable ([UpstreamEvent]) -> Void
    /// Engine thread: events produced in the current round, not yet handed to the sink.
    private var queued: [UpstreamEvent] = []
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// curl writes a failure's details here (CURLOPT_ERRORBUFFER needs a stable address).
    private let errorBuffer: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        p.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        return p
    }()
    var status = 0
    var retryAfter: Double?
    var headSent = false
    var finished = false
    /// Flow control shared by the engine thread and the client's event loop (under `flowLock`):
    /// bytes handed to the event loop and not yet written to the client, whether the client's
    /// channel is full, and whether curl is paused (the write callback refused a chunk with
    /// CURL_WRITEFUNC_PAUSE; curl keeps it and redelivers it after curl_easy_pause(CONT)).
    private let flowLock = NIOLock()
    private var inFlight = 0
    private var clientFull = false
    private var paused = false
    /// Most bytes queued toward one client before curl stops reading the upstream.
    static let maxInFlight = 256 * 1024

    /// Engine thread: may this chunk be delivered now? (Else curl pauses.)
    private func admit(_ n: Int) -> Bool {
        flowLock.withLock {
            if clientFull || inFlight >= CurlTransfer.maxInFlight {
                paused = true
                return false
            }
            inFlight += n
            return true
        }
    }

    /// Event loop: `n` delivered bytes were written to the client. True when curl must resume.
    func consumed(_ n: Int) -> Bool {
        flowLock.withLock {
            inFlight -= n
            return resumeIfPossible()
        }
    }

    /// Event loop: the client's channel became unwritable (true) or writable again (false).
    /// True when curl must resume.
    func setClientFull(_ full: Bool) -> Bool {
        flowLock.withLock {
            clientFull = full
            return resumeIfPossible()
        }
    }

    /// Whether the transfer is held back by the client (the idle timeout does not apply then).
    var isHeldByClient: Bool { flowLock.withLock { paused || clientFull } }

    private func resumeIfPossible() -> Bool {
        guard paused, !clientFull, inFlight < CurlTransfer.maxInFlight / 2 else { return false }
        paused = false
        return true
    }

    init(request: UpstreamRequest, sink: @escaping @Sendable ([UpstreamEvent]) -> Void) {
        self.request = request
        self.sink = sink
    }

    /// Sets up a fresh (or reset) easy handle for this transfer; the engine owns the handle.
    func configure(_ h: UnsafeMutableRawPointer) {
        easy = h
        apxc_setopt_str(h, CURLOPT_URL, request.url)
        apxc_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        apxc_setopt_long(h, CURLOPT_POST, 1)
        apxc_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
        // No copy: the body outlives the transfer (the request, which this transfer holds, owns it).
        apxc_setopt_ptr(h, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: request.body.pointer ?? UnsafeRawPointer(("" as StaticString).utf8Start)))
        for line in request.headers { headerList = curl_slist_append(headerList, line) }
        headerList = curl_slist_append(headerList, "Expect:")
        apxc_setopt_slist(h, CURLOPT_HTTPHEADER, headerList)
        apxc_setopt_long(h, CURLOPT_HTTP_VERSION, APXC_HTTP_VERSION_2TLS)
        // A burst to a new HTTPS upstream waits for the first connection's ALPN answer and then
        // multiplexes over it (HTTP/2) instead of opening one connection per request. Not over
        // plain HTTP (HTTP/1.1 here, never multiplexed): there the burst would queue behind the
        // first response (seen in Tests/faults: a slow first answer timed the others out).
        apxc_setopt_long(h, CURLOPT_PIPEWAIT, request.url.hasPrefix("https://") ? 1 : 0)
        apxc_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMs)
        apxc_setopt_long(h, CURLOPT_TCP_NODELAY, 1)
        apxc_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
        apxc_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
        apxc_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = request.caFile { apxc_setopt_str(h, CURLOPT_CAINFO, ca) }
        apxc_setopt_long(h, CURLOPT_VERBOSE, request.verbose ? 1 : 0)
        apxc_setopt_ptr(h, CURLOPT_ERRORBUFFER, errorBuffer)
        let me = Unmanaged.passUnretained(self).toOpaque()
        apxc_setopt_write(h, curlWriteCallback, me)
        apxc_setopt_header(h, curlHeaderCallback, me)
    }

    /// Engine thread: queues an event for the end of the round.
    func emit(_ event: UpstreamEvent) { queued.append(event) }

    /// Engine thread: hands the round's events to the sink. Returns whether there were any.
    func flushEvents() {
        guard !queued.isEmpty else { return }
        let batch = queued
        queued.removeAll()
        sink(batch)
    }

    /// Lets go of the easy handle (the engine keeps or frees it) and frees the header list
    /// (engine thread, after curl_multi_remove_handle).
    func detach() {
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }

    /// One header line from curl (status lines reset the state: 1xx and redirects come first).
    func header(_ line: UnsafeRawBufferPointer) {
        if line.count >= 5 && line.starts(with: "HTTP/".utf8) {
            status = 0; retryAfter = nil
            // "HTTP/1.1 200 OK" or "HTTP/2 200"
            if let sp = line.firstIndex(of: UInt8(ascii: " ")) {
                var code = 0
                var i = sp + 1
                while i < line.count, line[i] >= 48, line[i] <= 57, code < 1000 { code = code * 10 + Int(line[i] - 48); i += 1 }
                status = code
            }
            return
        }
        if line.count <= 2 {  // end of the header block
            if status >= 200 && !headSent {
                headSent = true
                emit(.head(status: status, retryAfter: retryAfter))
            }
            return
        }
        let prefix = "retry-after:".utf8
        if line.count > prefix.count && zip(line, prefix).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) {
            let value = String(decoding: line[prefix.count...], as: UTF8.self).trimmingCharacters(in: " \t\r\n")
            if let seconds = Double(value), seconds >= 0 { retryAfter = seconds }
        }
    }

    func data(_ bytes: UnsafeRawBufferPointer) -> Int {
        if !admit(bytes.count) { return Int(APXC_WRITEFUNC_PAUSE) }
        if !headSent {  // no header block end seen (HTTP/0.9-ish); report what we have
            headSent = true
            emit(.head(status: status == 0 ? 200 : status, retryAfter: retryAfter))
        }
        emit(.data(Array(bytes)))
        return bytes.count
    }

    var curlErrorMessage: String { String(cString: errorBuffer) }

    deinit { errorBuffer.deallocate() }
}

private func curlWriteCallback(_ ptr: UnsafeMutablePointer<CChar>?, _ size: Int, _ n: Int, _ ud: UnsafeMutableRawPointer?) -> Int {
    guard let ud else { return 0 }
    let t = Unmanaged<CurlTransfer>.fromOpaque(ud).takeUnretainedValue()
    return t.data(UnsafeRawBufferPointer(start: ptr, count: size * n))
}

private func curlHeaderCallback(_ ptr: UnsafeMutablePointer<CChar>?, _ size: Int, _ n: Int, _ ud: UnsafeMutableRawPointer?) -> Int {
    guard let ud else { return 0 }
    let t = Unmanaged<CurlTransfer>.fromOpaque(ud).takeUnretainedValue()
    t.header(UnsafeRawBufferPointer(start: ptr, count: size * n))
    return size * n
}

extension String {
    /// Trims any of the given ASCII characters from both ends.
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set.utf8)
        var s = Substring(self).utf8[...]
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(Substring(s))
    }
}
