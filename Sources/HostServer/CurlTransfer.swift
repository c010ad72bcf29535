import CCurl

/// One upstream HTTP transfer on a loop's curl engine. Created and driven on that loop only:
/// curl's callbacks queue its events, which the engine hands to the sink once curl has returned.
final class CurlTransfer: @unchecked Sendable {
    let request: UpstreamRequest
    /// Receives events on the loop, in batches (everything a transfer produced in one engine
    /// round: often head, body and end at once; consecutive body bytes as one chunk).
    let sink: ([UpstreamEvent]) -> Void
    /// Set by the engine on submit (engines live as long as the process).
    unowned(unsafe) var engine: CurlEngine?
    /// Events produced in the current round, not yet handed to the sink; `pendingData` is the
    /// body chunk being collected (appended to `queued` when another event or the flush comes).
    private var queued: [UpstreamEvent] = []
    private var pendingData: [UInt8] = []
    /// Body bytes queued this round (flow control: past maxInFlight curl pauses).
    private var queuedBytes = 0
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
    /// Cancelled by the call: nothing more is delivered.
    var cancelled = false
    /// Flow control: whether the client's channel is full, and whether curl is paused (the write
    /// callback refused a chunk with CURL_WRITEFUNC_PAUSE; curl keeps it and delivers it again
    /// after curl_easy_pause(CONT)).
    var clientFull = false
    var paused = false
    /// Most body bytes queued toward one client in one engine round before curl stops reading.
    static let maxInFlight = 256 * 1024

    /// May this chunk be queued now? (Else curl pauses.)
    private func admit(_ n: Int) -> Bool {
        if clientFull || queuedBytes >= CurlTransfer.maxInFlight {
            paused = true
            return false
        }
        queuedBytes += n
        return true
    }

    /// The client's channel became unwritable (true) or writable again (false). True when curl
    /// must resume (engine.resume).
    func setClientFull(_ full: Bool) -> Bool {
        clientFull = full
        return paused && !full
    }

    /// Whether the transfer is held back by the client (the idle timeout does not apply then).
    var isHeldByClient: Bool { paused || clientFull }

    init(request: UpstreamRequest, sink: @escaping ([UpstreamEvent]) -> Void) {
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

    /// Queues an event for the end of the engine's round.
    func emit(_ event: UpstreamEvent) {
        if queued.isEmpty && pendingData.isEmpty { engine?.markDirty(self) }
        closeData()
        queued.append(event)
    }

    private func closeData() {
        guard !pendingData.isEmpty else { return }
        queued.append(.data(pendingData))
        pendingData = []
    }

    /// Hands the round's events to the sink (none once cancelled).
    func flushEvents() {
        closeData()
        queuedBytes = 0
        guard !queued.isEmpty else { return }
        let batch = queued
        queued = []
        if !cancelled { sink(batch) }
    }

    /// Lets go of the easy handle (the engine keeps or frees it) and frees the header list
    /// (after curl_multi_remove_handle).
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
        if pendingData.isEmpty && queued.isEmpty { engine?.markDirty(self) }
        pendingData.append(contentsOf: bytes)
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
