import NIOCore
import NIOHTTP1

/// One client connection: checks the client key and the announced size on the request head,
/// collects the body (growing with the bytes that arrive, never past the body limit), answers
/// local endpoints and hands proxied requests to a ProxyCall. HTTPServerPipelineHandler in front
/// of it keeps one request at a time. It also holds the client's deadlines: a head must arrive
/// within the header timeout, a body within the body timeout, the next request on a kept-alive
/// connection within the idle timeout, and a client must not leave a response unread longer
/// than the idle timeout.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Where the connection is in its request/response cycle; each phase has its own deadline.
    private enum Phase {
        /// Waiting for a request head. `started`: bytes of it may have arrived (a new connection,
        /// or a kept-alive one after its first byte): the header timeout runs; otherwise the
        /// idle timeout does.
        case awaitingHead(started: Bool)
        /// Head accepted, body arriving: the body timeout runs.
        case readingBody
        /// The request is being answered (`seq`: which one): only the unread-response deadline.
        case answering(seq: UInt64)
        /// Refused: the answer is out and the output closed; input is discarded until the client
        /// closes or the linger time ends.
        case closing
    }

    private let app: ProxyApp
    private var context: ChannelHandlerContext?
    private var phase = Phase.awaitingHead(started: true)
    private var head: HTTPRequestHead?
    private var format = WireFormat.openaiChat
    private var body: ByteBuffer?
    private var call: ProxyCall?
    /// The config snapshot and the client of the request being read or answered (taken on its head).
    private var config: ProxyConfig?
    private var client: ProxyConfig.Client?
    private var seq: UInt64 = 0
    /// The current deadline, and the one timer that serves it: the timer is moved only when the
    /// deadline comes earlier; when it fires early it re-arms itself for the rest.
    private var deadline: NIODeadline?
    private var timer: Scheduled<Void>?
    private var timerAt: NIODeadline?
    /// Bytes of the last response still queued when the idle timeout last expired (a client
    /// still reading them gets more time).
    private var unreadAtIdle: Int?

    /// The proxied endpoints and the wire format of their clients (built once, not per request).
    private static let proxied: [String: WireFormat] = ["/v1/messages": .anthropic, "/v1/chat/completions": .openaiChat,
                                                        "/v1/responses": .openaiResponses, "/v1/messages/count_tokens": .anthropic]

    init(app: ProxyApp) { self.app = app }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        setDeadline(after: app.settings.clientHeaderTimeoutMs)
        context.fireChannelActive()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Bytes arrived on an idle kept-alive connection: a request head has begun.
        if case .awaitingHead(started: false) = phase {
            phase = .awaitingHead(started: true)
            setDeadline(after: app.settings.clientHeaderTimeoutMs)
        }
        context.fireChannelReadComplete()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            // In `.answering` too: HTTPServerPipelineHandler hands over a pipelined request while
            // the previous answer's end is being written, before that answer reports back.
            switch phase {
            case .awaitingHead, .answering: break
            case .readingBody, .closing: return
            }
            phase = .readingBody
            head = h
            body = nil
            setDeadline(after: app.settings.clientBodyTimeoutMs)
            let path = HTTPConnectionHandler.path(h.uri)
            format = HTTPConnectionHandler.proxied[path] ?? (ClientAuth.looksAnthropic(h.headers) ? .anthropic : .openaiChat)
            // Decided on the head, before any body byte is read or held.
            let config = app.config
            self.config = config
            client = nil
            if path == "/admin/reload", config.adminKey != nil {
                if !config.isAdmin(h.headers) { return refuse(401, "invalid or missing admin key (admin.key_env)") }
            } else if path != "/health" {
                switch config.admit(h.headers) {
                case .denied: return refuse(401, "invalid or missing API key for this proxy (x-api-key or Authorization: Bearer)")
                case .allowed(let c): client = c
                }
            }
            if let cl = h.headers.first(name: "content-length").flatMap(Int.init), cl > app.settings.maxBodyBytes {
                return refuse(413, "request body is larger than \(app.settings.maxBodyBytes) bytes")
            }
            // curl and others wait for "100 Continue" before sending a large body.
            if h.headers.first(name: "expect")?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: .continue))), promise: nil)
            }
        case .body(var part):
            guard case .readingBody = phase else { return }  // a refused request's body: dropped
            let have = body?.readableBytes ?? 0
            guard part.readableBytes <= app.settings.maxBodyBytes - have else {
                body = nil
                return refuse(413, "request body is larger than \(app.settings.maxBodyBytes) bytes")
            }
            // Grows with what arrives (ByteBuffer doubles its storage): nothing is reserved from
            // the announced length, which the client chooses.
            if body == nil { body = part } else { body?.writeBuffer(&part) }
        case .end:
            guard case .readingBody = phase, let head else { return }
            self.head = nil
            seq &+= 1
            phase = .answering(seq: seq)
            deadline = nil
            if !context.channel.isWritable { setDeadline(after: app.settings.clientIdleTimeoutMs) }
            let bytes = body ?? context.channel.allocator.buffer(capacity: 0)
            body = nil
            dispatch(context: context, head: head, body: bytes)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        call?.clientGone()
        call = nil
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        call?.writabilityChanged()
        // A client that stops reading what it asked for: closed after the idle timeout.
        if case .answering = phase {
            if context.channel.isWritable { deadline = nil } else { setDeadline(after: app.settings.clientIdleTimeoutMs) }
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    /// The metrics label of a path: the path when the proxy serves it, else "other" (clients
    /// choose paths, and must not grow the metrics with them).
    private static func routeLabel(_ path: String) -> String {
        proxied[path] != nil || path == "/v1/models" || path == "/metrics" || path == "/health" || path == "/admin/reload" ? path : "other"
    }

    /// The URI without its query (the same string, not a copy, when it has none).
    private static func path(_ uri: String) -> String {
        guard let q = uri.utf8.firstIndex(of: UInt8(ascii: "?")) else { return uri }
        return String(uri[..<q])
    }

    private func dispatch(context: ChannelHandlerContext, head: HTTPRequestHead, body: ByteBuffer) {
        let path = HTTPConnectionHandler.path(head.uri)
        let anthropicClient = ClientAuth.looksAnthropic(head.headers)
        let proxied = HTTPConnectionHandler.proxied
        if path == "/health" { return answer(context, head, LocalEndpoints.health(), route: path) }
        switch (head.method, path) {
        case (.GET, "/metrics"): return answer(context, head, LocalEndpoints.metrics(app), route: path)
        case (.GET, "/v1/models"): return answer(context, head, LocalEndpoints.models(app, anthropic: anthropicClient), route: path)
        case (.POST, "/v1/messages/count_tokens"): return answer(context, head, LocalEndpoints.countTokens(app, body: Array(body.readableBytesView)), route: path)
        case (.POST, "/admin/reload") where config?.adminKey != nil:
            let failure = app.reload(trigger: "POST /admin/reload")
            let answer = failure.map { LocalEndpoints.error(format, 422, "config reload refused, the running config stays: \($0)") }
                ?? LocalEndpoints.Answer(status: 200, body: Array("{\"status\":\"reloaded\"}".utf8))
            return self.answer(context, head, answer, route: path)
        case (.POST, "/v1/messages"), (.POST, "/v1/chat/completions"), (.POST, "/v1/responses"):
            let config = self.config ?? app.config
            if let client, let refusal = app.limiter.admitRequest(client: client.name, limits: client.limits) {
                app.featureMetrics.limited(client: client.name, limit: refusal.limit)
                return answer(context, head, RateLimitAnswer.answer(refusal, format: format), route: path)
            }
            let mine = seq
            let c = ProxyCall(app: app, context: context, head: head, clientFormat: format, routeLabel: path,
                              config: config, client: client) { [weak self] in
                self?.answered(seq: mine)
            }
            call = c
            c.start(body: body)
        default:
            let known = proxied[path] != nil || path == "/v1/models" || path == "/metrics"
            let status = known ? 405 : 404
            answer(context, head, LocalEndpoints.error(format, status, known ? "method \(head.method) not allowed on \(path)" : "no such endpoint: \(path)"), route: known ? path : "other")
        }
    }

    /// The answer to request `seq` is complete: the connection waits for the next request.
    /// (A pipelined request may already have started: then `seq` is an old one.)
    private func answered(seq done: UInt64) {
        guard case .answering(let current) = phase, current == done else { return }
        call = nil
        phase = .awaitingHead(started: false)
        unreadAtIdle = nil
        setDeadline(after: app.settings.clientIdleTimeoutMs)
    }

    /// Answers the request whose head is in `head` with an error and ends the connection: the
    /// output is closed at once (the client sees the answer, then EOF); what the client still
    /// sends is discarded, never held, until it closes or the linger time ends.
    private func refuse(_ status: Int, _ message: String) {
        guard let context, let head else { return }
        phase = .closing
        body = nil
        self.head = nil
        answer(context, head, LocalEndpoints.error(format, status, message), route: HTTPConnectionHandler.routeLabel(HTTPConnectionHandler.path(head.uri)), closeOutput: true)
        setDeadline(after: app.settings.lingerMs)
    }

    private func answer(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ a: LocalEndpoints.Answer, route: String,
                        closeOutput: Bool = false) {
        let start = NIODeadline.now()
        app.metrics.requestStarted()
        var answering: UInt64?
        if case .answering(let s) = phase { answering = s }
        var h = HTTPHeaders()
        h.add(name: "content-type", value: a.contentType)
        h.add(name: "content-length", value: String(a.body.count))
        for (name, value) in a.headers { h.add(name: name, value: value) }
        let close = !head.isKeepAlive || closeOutput
        if close { h.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: a.status), headers: h))), promise: nil)
        var buf = context.channel.allocator.buffer(capacity: a.body.count)
        buf.writeBytes(a.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buf))), promise: nil)
        let channel = context.channel
        if closeOutput {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { [weak self] _ in
                guard let ctx = self?.context else { return channel.close(promise: nil) }
                let done = ctx.eventLoop.makePromise(of: Void.self)
                ctx.close(mode: .output, promise: done)
                done.futureResult.whenFailure { _ in channel.close(promise: nil) }  // no half-close: close
            }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if close { channel.close(promise: nil) }
            }
        }
        let seconds = Double((NIODeadline.now() - start).nanoseconds) / 1e9
        app.metrics.requestFinished(route: route, status: a.status, seconds: seconds)
        // Health checks and scrapes log at debug level; refusals (401, 404, 413...) at info.
        app.logger.log(level: a.status >= 400 ? .info : .debug, "request", metadata: [
            "route": .string(route), "method": .string("\(head.method)"), "status": .stringConvertible(a.status),
            "latency_ms": .string(String(Int((seconds * 1000).rounded()))),
        ])
        if let answering { answered(seq: answering) }
    }

    // MARK: deadlines

    private func setDeadline(after ms: Int) {
        let d = NIODeadline.now() + .milliseconds(Int64(ms))
        deadline = d
        if let at = timerAt, at <= d { return }  // fires sooner and re-arms itself
        timer?.cancel()
        arm(at: d)
    }

    private func arm(at d: NIODeadline) {
        guard let context else { return }
        timerAt = d
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: d) { [weak self] in self?.timerFired() }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerAt = nil
        deadline = nil
    }

    private func timerFired() {
        timer = nil
        timerAt = nil
        guard let d = deadline else { return }
        if NIODeadline.now() < d { return arm(at: d) }
        deadline = nil
        expired()
    }

    private func expired() {
        guard let context else { return }
        let channel = context.channel
        switch phase {
        case .awaitingHead(let started):
            // The last response may still be on its way to a client reading it slowly.
            if !started, let unread = try? channel.syncOptions?.getOption(.bufferedWritableBytes), unread > 0,
               unread < (unreadAtIdle ?? Int.max) {
                unreadAtIdle = unread
                return setDeadline(after: app.settings.clientIdleTimeoutMs)
            }
            app.logger.debug(started ? "client connection closed: no complete request head in time" : "idle client connection closed",
                             metadata: ["timeout_ms": .stringConvertible(started ? app.settings.clientHeaderTimeoutMs : app.settings.clientIdleTimeoutMs)])
            context.close(promise: nil)
        case .readingBody:
            refuse(408, "the request body did not arrive within \(app.settings.clientBodyTimeoutMs / 1000) s")
        case .answering:
            guard !channel.isWritable else { return }
            app.logger.info("client connection closed: the client left its response unread",
                            metadata: ["timeout_ms": .stringConvertible(app.settings.clientIdleTimeoutMs)])
            context.close(promise: nil)
        case .closing:
            context.close(promise: nil)
        }
    }
}
