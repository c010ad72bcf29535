import NIOCore
import NIOHTTP1

/// One client connection: collects a request (up to the body limit), answers local endpoints,
/// and hands proxied requests to a ProxyCall. HTTPServerPipelineHandler in front of it keeps
/// one request at a time.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let app: ProxyApp
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var tooLarge = false
    private var call: ProxyCall?

    /// The proxied endpoints and the wire format of their clients (built once, not per request).
    private static let proxied: [String: WireFormat] = ["/v1/messages": .anthropic, "/v1/chat/completions": .openaiChat,
                                                        "/v1/responses": .openaiResponses, "/v1/messages/count_tokens": .anthropic]

    init(app: ProxyApp) { self.app = app }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = nil
            tooLarge = false
            if let cl = h.headers.first(name: "content-length").flatMap(Int.init), cl > app.settings.maxBodyBytes {
                tooLarge = true
            }
            // curl and others wait for "100 Continue" before sending a large body.
            if !tooLarge, h.headers.first(name: "expect")?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: .continue))), promise: nil)
            }
        case .body(var part):
            guard !tooLarge else { return }  // read and drop the rest, then answer 413
            if (body?.readableBytes ?? 0) + part.readableBytes > app.settings.maxBodyBytes {
                tooLarge = true
                body = nil
                return
            }
            if body == nil {
                // One allocation of the announced size instead of growing buffer after buffer.
                let announced = head?.headers.first(name: "content-length").flatMap(Int.init) ?? 0
                if announced > part.readableBytes {
                    var b = context.channel.allocator.buffer(capacity: announced)
                    b.writeBuffer(&part)
                    body = b
                } else {
                    body = part
                }
            } else {
                body?.writeBuffer(&part)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let bytes = body ?? context.channel.allocator.buffer(capacity: 0)
            body = nil
            dispatch(context: context, head: head, body: bytes)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        call?.clientGone()
        call = nil
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        call?.writabilityChanged()
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func dispatch(context: ChannelHandlerContext, head: HTTPRequestHead, body: ByteBuffer) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? head.uri
        let anthropicClient = ClientAuth.looksAnthropic(head.headers)
        let proxied = HTTPConnectionHandler.proxied
        let format = proxied[path] ?? (anthropicClient ? .anthropic : .openaiChat)
        if path == "/health" { return answer(context, head, LocalEndpoints.health(), route: path) }
        if tooLarge {
            return answer(context, head, LocalEndpoints.error(format, 413, "request body is larger than \(app.settings.maxBodyBytes) bytes"), route: path)
        }
        guard ClientAuth.allowed(head.headers, expected: app.settings.proxyAPIKey) else {
            return answer(context, head, LocalEndpoints.error(format, 401, "invalid or missing API key for this proxy (x-api-key or Authorization: Bearer)"), route: path)
        }
        switch (head.method, path) {
        case (.GET, "/metrics"): return answer(context, head, LocalEndpoints.metrics(app), route: path)
        case (.GET, "/v1/models"): return answer(context, head, LocalEndpoints.models(app, anthropic: anthropicClient), route: path)
        case (.POST, "/v1/messages/count_tokens"): return answer(context, head, LocalEndpoints.countTokens(app, body: Array(body.readableBytesView)), route: path)
        case (.POST, "/v1/messages"), (.POST, "/v1/chat/completions"), (.POST, "/v1/responses"):
            let c = ProxyCall(app: app, context: context, head: head, clientFormat: format, routeLabel: path) { [weak self] in
                self?.call = nil
            }
            call = c
            c.start(body: body)
        default:
            let known = proxied[path] != nil || path == "/v1/models" || path == "/metrics"
            let status = known ? 405 : 404
            answer(context, head, LocalEndpoints.error(format, status, known ? "method \(head.method) not allowed on \(path)" : "no such endpoint: \(path)"), route: known ? path : "other")
        }
    }

    private func answer(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ a: LocalEndpoints.Answer, route: String) {
        let start = NIODeadline.now()
        app.metrics.requestStarted()
        var h = HTTPHeaders()
        h.add(name: "content-type", value: a.contentType)
        h.add(name: "content-length", value: String(a.body.count))
        let close = !head.isKeepAlive || tooLarge
        if close { h.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: a.status), headers: h))), promise: nil)
        var buf = context.channel.allocator.buffer(capacity: a.body.count)
        buf.writeBytes(a.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buf))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if close { channel.close(promise: nil) }
        }
        let seconds = Double((NIODeadline.now() - start).nanoseconds) / 1e9
        app.metrics.requestFinished(route: route, status: a.status, seconds: seconds)
        // Health checks and scrapes log at debug level; refusals (401, 404, 413...) at info.
        app.logger.log(level: a.status >= 400 ? .info : .debug, "request", metadata: [
            "route": .string(route), "method": .string("\(head.method)"), "status": .stringConvertible(a.status),
            "latency_ms": .string(String(Int((seconds * 1000).rounded()))),
        ])
    }
}
