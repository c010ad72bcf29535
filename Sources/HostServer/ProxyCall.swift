import CTranslate
import Logging
import NIOCore
import NIOHTTP1

/// One proxied request (POST /v1/messages, /v1/chat/completions, /v1/responses) from the
/// client's body to the last byte of the answer. Confined to the connection's event loop; the
/// curl engine's events hop onto it.
final class ProxyCall: @unchecked Sendable {
    private let app: ProxyApp
    private let context: ChannelHandlerContext
    private let head: HTTPRequestHead
    private let clientFormat: WireFormat
    private let routeLabel: String
    private let id: String
    private let started = NIODeadline.now()
    private let onFinish: () -> Void
    /// The config snapshot this request started with (kept to its end across reloads).
    private let config: ProxyConfig
    /// The `clients:` entry that called (nil: no clients section, or PROXY_API_KEY).
    private let client: ProxyConfig.Client?

    private var route: Route?
    private var exchange: APXExchange?
    private var stream: APXStream?
    private var streamRequested = false
    private var upstreamRequest: UpstreamRequest?
    private var transfer: CurlTransfer?
    private var attempts = 0
    private var upstreamStatus = 0
    private var retryAfter: Double?
    private var buffered: [UInt8] = []
    /// The SSE head has gone to the client: failures from now on are error events.
    private var streaming = false
    private var finished = false
    private var usage = UsageScan()
    /// One timer per call, re-armed only when it fires early: upstream events just move
    /// `lastActivity` (a clock read, not a schedule/cancel pair per event).
    private var idleTimer: Scheduled<Void>?
    private var lastActivity = NIODeadline.now()
    private var clientModel = ""
    /// The key sent upstream, to scrub from anything the upstream echoes back in an error.
    private var upstreamKey: String?
    /// Its bytes, when long enough to be worth masking (short ones would mask ordinary text).
    private var secret: [UInt8]?

    init(app: ProxyApp, context: ChannelHandlerContext, head: HTTPRequestHead, clientFormat: WireFormat,
         routeLabel: String, config: ProxyConfig, client: ProxyConfig.Client?, onFinish: @escaping () -> Void) {
        self.app = app
        self.config = config
        self.client = client
        self.context = context
        self.head = head
        self.clientFormat = clientFormat
        self.routeLabel = routeLabel
        self.onFinish = onFinish
        id = app.nextRequestID()
        app.metrics.requestStarted()
    }

    /// A client-given string fit for a log line: control characters replaced, length capped.
    static func loggable(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars.prefix(128) { out.unicodeScalars.append(u.value < 0x20 || u.value == 0x7F ? "?" : u) }
        return out
    }

    // MARK: start

    func start(body buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { start(body: $0) }
    }

    private func start(body: UnsafeRawBufferPointer) {
        let found = TopLevelModel.find(body)
        let model = found ?? ""
        clientModel = model
        guard let route = config.routes.route(for: model) else {
            if found == nil {
                // Not JSON, not an object, or no model: let the library say exactly what is wrong.
                do {
                    _ = try app.plainTranslator.translateRequest(from: clientFormat, to: clientFormat, body: Array(body))
                } catch {
                    return failLocal(400, "invalid request: " + error.description)
                }
                return failLocal(400, "invalid request: `model` is missing or not a string")
            }
            return failLocal(404, "no route for model '\(model)': add one to the config file (routes)")
        }
        self.route = route
        let translated: UpstreamBody
        do {
            let (b, warnings, ex) = try route.translator.translateRequest(from: clientFormat, to: route.upstream.format, body: body)
            translated = b
            exchange = ex
            if let w = warnings, !w.isEmpty {
                app.logger.notice("request translated with warnings", metadata: ["id": .string(id), "warnings": .string(w)])
            }
        } catch {
            return failLocal(error.isClientError ? 400 : 500, "invalid request: " + error.description)
        }
        guard let exchange else { return failLocal(500, "no exchange") }
        streamRequested = exchange.stream
        if streamRequested {
            do {
                stream = try APXStream(translator: route.translator, exchange: exchange)
            } catch {
                if route.upstream.format != clientFormat {
                    return failLocal(error.code == APX_ERR_UNSUPPORTED ? 501 : 500,
                                     "cannot stream \(route.upstream.format.name) to \(clientFormat.name): " + error.description)
                }
                stream = nil  // same format: forward the upstream's bytes as they are
            }
        }
        upstreamRequest = UpstreamRequest(url: route.upstream.endpointURL, headers: upstreamHeaders(route.upstream),
                                          body: translated, connectTimeoutMs: app.settings.connectTimeoutMs,
                                          caFile: route.upstream.caFile,
                                          verbose: app.settings.curlVerbose)
        send()
    }

    private func upstreamHeaders(_ up: Upstream) -> [String] {
        var h = ["Content-Type: application/json"]
        if streamRequested { h.append("Accept: text/event-stream") }
        let key = up.apiKey ?? (up.passClientKey ? ClientAuth.presentedKey(head.headers) : nil)
        upstreamKey = key
        secret = key.flatMap { $0.utf8.count >= 8 ? Array($0.utf8) : nil }
        switch up.format {
        case .anthropic:
            if let key { h.append("x-api-key: " + key) }
            let version = clientFormat == .anthropic ? head.headers.first(name: "anthropic-version") : nil
            h.append("anthropic-version: " + (version ?? "2023-06-01"))
            if clientFormat == .anthropic, let beta = head.headers.first(name: "anthropic-beta") { h.append("anthropic-beta: " + beta) }
        case .openaiChat, .openaiResponses:
            if let key { h.append("Authorization: Bearer " + key) }
        }
        return h + up.headers
    }

    private func send() {
        guard let upstreamRequest else { return }
        attempts += 1
        upstreamStatus = 0
        retryAfter = nil
        buffered.removeAll(keepingCapacity: true)
        let loop = context.eventLoop
        let t = CurlTransfer(request: upstreamRequest) { [self] events in
            loop.execute { self.handle(events) }
        }
        transfer = t
        resetIdleTimer()
        app.engine.submit(t)
    }

    // MARK: upstream events

    /// One hop's worth of events: written to the client with a single flush at the end.
    private func handle(_ events: [UpstreamEvent]) {
        lastActivity = .now()
        for e in events { handle(e) }
        if streaming && !finished { context.flush() }
    }

    private func handle(_ event: UpstreamEvent) {
        guard !finished else { return }
        switch event {
        case .head(let status, let retry):
            upstreamStatus = status
            retryAfter = retry
            if (200..<300).contains(status) && streamRequested { startClientStream() }
        case .data(let bytes):
            if streaming {
                forward(bytes, end: false)
            } else if buffered.count + bytes.count > app.settings.maxResponseBytes {
                if let t = transfer { app.engine.cancel(t) }
                transfer = nil
                app.metrics.upstreamError(upstream: route?.upstream.name ?? "-", kind: "too_large")
                return failLocal(502, "the upstream response is larger than \(app.settings.maxResponseBytes) bytes")
            } else {
                buffered.append(contentsOf: bytes)
            }
            if let t = transfer, t.consumed(bytes.count) { app.engine.resume(t) }
        case .done(let error, let timedOut):
            transfer = nil
            if let error {
                upstreamFailed(error, timedOut: timedOut)
            } else if (200..<300).contains(upstreamStatus) {
                if streaming { forward([], end: true); finish(status: 200) } else { completeBuffered() }
            } else {
                upstreamErrorStatus()
            }
        }
    }

    private func startClientStream() {
        streaming = true
        app.metrics.streamStarted()
        var h = HTTPHeaders()
        h.add(name: "content-type", value: "text/event-stream; charset=utf-8")
        h.add(name: "cache-control", value: "no-cache")
        h.add(name: "x-request-id", value: id)
        if !head.isKeepAlive { h.add(name: "connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: .ok, headers: h)
        context.write(NIOAny(HTTPServerResponsePart.head(responseHead)), promise: nil)
    }

    /// Translates one upstream chunk and writes it to the client at once.
    private func forward(_ bytes: [UInt8], end: Bool) {
        var out = context.channel.allocator.buffer(capacity: bytes.count + 256)
        if let stream {
            var failure: APXError?
            bytes.withUnsafeBytes { raw in
                do throws(APXError) { try stream.translate(raw, end: end, into: &out) } catch { failure = error }
            }
            if let error = failure {
                writeMidStreamFailure(status: 502, message: "the upstream stream could not be translated: " + error.description, kind: "bad_stream")
                return
            }
        } else {
            out.writeBytes(bytes)
        }
        redact(&out)
        out.withUnsafeReadableBytes { usage.scan($0) }
        if out.readableBytes > 0 {
            // Flushed once per batch of upstream events (handle(_ events:)) or by finish().
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(out))), promise: nil)
        }
        if !end, !context.channel.isWritable, let transfer {
            _ = transfer.setClientFull(true)
        }
    }

    func writabilityChanged() {
        guard !finished, context.channel.isWritable, let transfer else { return }
        resetIdleTimer()
        if transfer.setClientFull(false) { app.engine.resume(transfer) }
    }

    private func completeBuffered() {
        guard let route else { return }
        do {
            let result = try route.translator.translateResponse(exchange: exchange, body: buffered)
            if let w = result.warnings, !w.isEmpty {
                app.logger.notice("response translated with warnings", metadata: ["id": .string(id), "warnings": .string(w)])
            }
            usage.scan(result.body)
            respond(status: 200, contentType: "application/json", body: redact(result.body))
        } catch {
            app.metrics.upstreamError(upstream: route.upstream.name, kind: "bad_response")
            failLocal(502, "the upstream response could not be translated: " + error.description)
        }
    }

    private func upstreamErrorStatus() {
        guard let route else { return }
        let status = upstreamStatus
        app.metrics.upstreamError(upstream: route.upstream.name, kind: status == 429 ? "status_429" : (status >= 500 ? "status_5xx" : "status_\(status)"))
        if status == 429 && attempts <= app.settings.retries {
            let backoff = min(0.5 * Double(1 << min(attempts - 1, 10)), Double(app.settings.retryMaxDelayMs) / 1000)
            let delay = retryAfter ?? backoff
            if delay * 1000 <= Double(app.settings.retryMaxDelayMs) {
                idleTimer?.cancel()
                idleTimer = nil
                app.logger.debug("retrying after 429", metadata: ["id": .string(id), "delay_s": .stringConvertible(delay)])
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(delay * 1000))) { [self] in
                    if !finished { send() }
                }
                return
            }
        }
        do {
            let result = try route.translator.translateError(exchange: exchange, status: status, body: buffered)
            let code = result.status >= 400 ? result.status : status
            respond(status: code, contentType: "application/json", body: redact(result.body))
        } catch {
            failLocal(status >= 500 ? status : 502, "upstream error \(status)")
        }
    }

    private func upstreamFailed(_ message: String, timedOut: Bool) {
        let name = route?.upstream.name ?? "upstream"
        app.metrics.upstreamError(upstream: name, kind: timedOut ? "timeout" : "unreachable")
        let status = timedOut ? 504 : 502
        let text = timedOut ? "upstream \(name) timed out: \(message)" : "upstream \(name) failed: \(message)"
        if streaming {
            writeMidStreamFailure(status: status, message: text, kind: nil)
        } else {
            failLocal(status, text)
        }
    }

    /// Marks upstream or client progress now and makes sure the idle timer runs.
    private func resetIdleTimer() {
        lastActivity = .now()
        guard idleTimer == nil, !finished else { return }
        armIdleTimer(in: .milliseconds(Int64(app.settings.idleTimeoutMs)))
    }

    /// Fires after `delay`; gives up on the upstream only when nothing happened for the whole
    /// idle timeout, else waits for the rest of it.
    private func armIdleTimer(in delay: TimeAmount) {
        idleTimer = context.eventLoop.scheduleTask(in: delay) { [self] in
            idleTimer = nil
            guard !finished, let t = transfer else { return }
            let limit = TimeAmount.milliseconds(Int64(app.settings.idleTimeoutMs))
            let quiet = NIODeadline.now() - lastActivity
            if quiet < limit { return armIdleTimer(in: limit - quiet) }
            if t.isHeldByClient { return resetIdleTimer() }
            app.engine.cancel(t)
            transfer = nil
            upstreamFailed("no data for \(app.settings.idleTimeoutMs / 1000) s", timedOut: true)
        }
    }

    // MARK: client side

    /// The client went away: abort the upstream transfer.
    func clientGone() {
        guard !finished else { return }
        if let transfer { app.engine.cancel(transfer) }
        transfer = nil
        finish(status: 499)
    }

    private func writeMidStreamFailure(status: Int, message: String, kind: String?) {
        if let kind, let route { app.metrics.upstreamError(upstream: route.upstream.name, kind: kind) }
        if let transfer { app.engine.cancel(transfer) }
        transfer = nil
        let text = redact(message)
        app.logger.warning("stream failed", metadata: ["id": .string(id), "error": .string(text)])
        var out = context.channel.allocator.buffer(capacity: 1024)
        if let stream {
            // The library writes the client format's failure ending (after what is still pending).
            stream.fail(status: status, message: text)
            do throws(APXError) { try stream.translate(UnsafeRawBufferPointer(start: nil, count: 0), end: false, into: &out) } catch {
                app.logger.error("stream failure ending not written", metadata: ["id": .string(id), "error": .string(error.description)])
            }
        }
        redact(&out)
        if out.readableBytes > 0 {
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(out))), promise: nil)
        }
        finish(status: status)
    }

    private func failLocal(_ status: Int, _ message: String) {
        let result = APXTranslator.buildError(format: clientFormat, status: status, message: redact(message))
        respond(status: status, contentType: "application/json", body: result.body)
    }

    // MARK: redaction (the upstream key never reaches the client, however it is spelled)

    private func redact(_ body: [UInt8]) -> [UInt8] {
        guard let secret else { return body }
        return Redact.replacing(secret, in: body)
    }

    private func redact(_ text: String) -> String {
        guard secret != nil else { return text }
        return Redact.replacing(upstreamKey, in: text)
    }

    /// Client-bound bytes: the translator emits whole events, so a key cannot straddle two calls.
    private func redact(_ buffer: inout ByteBuffer) {
        guard let secret, buffer.readableBytes >= secret.count else { return }
        guard let masked = buffer.withUnsafeReadableBytes({ Redact.redacted(secret, in: $0) }) else { return }
        buffer.clear()
        buffer.writeBytes(masked)
    }

    private func respond(status: Int, contentType: String, body: [UInt8]) {
        var h = HTTPHeaders()
        h.add(name: "content-type", value: contentType)
        h.add(name: "content-length", value: String(body.count))
        h.add(name: "x-request-id", value: id)
        if !head.isKeepAlive { h.add(name: "connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status), headers: h)
        context.write(NIOAny(HTTPServerResponsePart.head(responseHead)), promise: nil)
        var buf = context.channel.allocator.buffer(capacity: body.count)
        buf.writeBytes(body)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buf))), promise: nil)
        finish(status: status)
    }

    /// Ends the response (for streams: after the last event) and records the request.
    private func finish(status: Int) {
        guard !finished else { return }
        finished = true
        idleTimer?.cancel()
        idleTimer = nil
        if status != 499 {
            let keepAlive = head.isKeepAlive
            let channel = context.channel
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in
                if !keepAlive { channel.close(promise: nil) }
            }
        }
        if streaming { app.metrics.streamFinished() }
        if let stream, let w = stream.takeWarnings(), !w.isEmpty {
            app.logger.notice("stream translated with warnings", metadata: ["id": .string(id), "warnings": .string(w)])
        }
        let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        app.metrics.requestFinished(route: routeLabel, status: status, seconds: seconds)
        let input = usage.input > 0 ? usage.input : (exchange?.inputTokens ?? 0)
        if let route { app.metrics.tokens(upstream: route.upstream.name, input: input, output: usage.output) }
        app.logger.info("request", metadata: [
            "id": .string(id),
            "route": .string(routeLabel),
            "model": .string(ProxyCall.loggable(clientModel)),
            "upstream": .string(route?.upstream.name ?? "-"),
            "upstream_model": .string(exchange?.upstreamModel ?? "-"),
            "status": .stringConvertible(status),
            "attempts": .stringConvertible(attempts),
            "stream": .stringConvertible(streamRequested),
            "latency_ms": .string(String(Int((seconds * 1000).rounded()))),
            "tokens_in": .stringConvertible(input),
            "tokens_out": .stringConvertible(usage.output),
        ])
        onFinish()
    }
}
