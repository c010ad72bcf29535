import CTranslate
import Logging
import NIOCore
import NIOHTTP1
import ProxyCore

/// One proxied request (POST /v1/messages, /v1/chat/completions, /v1/responses) from the
/// client's body to the last byte of the answer: the I/O shell around ProxyCallStateMachine.
/// Every event (upstream head, data, end; timers; the client leaving) goes to the machine, and
/// the shell performs the action it returns. Routing (RequestRouting), the upstream request
/// (UpstreamRequestBuilder), the retry policy (RetryPolicy, inside the machine) and metering
/// (CallMeter) are their own types. Confined to the connection's event loop; the curl engine's
/// events hop onto it.
final class ProxyCall: @unchecked Sendable {
    private let app: ProxyApp
    private let context: ChannelHandlerContext
    private let head: HTTPRequestHead
    private let clientFormat: WireFormat
    private let meter: CallMeter
    private let onFinish: () -> Void

    private var machine: ProxyCallStateMachine
    private var route: Route?
    /// The config snapshot this request started with (kept to its end across reloads).
    private let config: ProxyConfig
    /// The `clients:` entry that called (nil: no `clients:`, or PROXY_API_KEY).
    private let client: ProxyConfig.Client?
    private var exchange: APXExchange?
    private var stream: APXStream?
    private var upstreamRequest: UpstreamRequest?
    private var transfer: CurlTransfer?
    /// The body of a non-streaming answer or of an upstream error, collected to the end.
    private var buffered: [UInt8] = []
    /// The model the client's body named (for the log line).
    private var clientModel = ""
    /// Usage of a one-shot answer (a stream's is asked of the stream at the end).
    private var responseUsage: APXUsage?
    /// Set once the request is recorded (metrics, log line, onFinish).
    private var recorded = false
    /// One timer per call, re-armed only when it fires early: upstream events just move
    /// `lastActivity` (a clock read, not a schedule/cancel pair per event).
    private var idleTimer: Scheduled<Void>?
    private var lastActivity = NIODeadline.now()
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
        self.onFinish = onFinish
        meter = CallMeter(id: app.nextRequestID(), routeLabel: routeLabel)
        let settings = app.settings
        machine = ProxyCallStateMachine(maxResponseBytes: settings.maxResponseBytes, idleTimeoutMs: settings.idleTimeoutMs,
                                        retry: RetryPolicy(retries: settings.retries, maxDelayMs: settings.retryMaxDelayMs))
        app.metrics.requestStarted()
    }

    private var id: String { meter.id }

    // MARK: start

    func start(body buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { start(body: $0) }
    }

    private func start(body: UnsafeRawBufferPointer) {
        let route: Route
        switch RequestRouting.route(body: body, format: clientFormat, app: app, routes: config.routes) {
        case .refused(let status, let message, let model):
            clientModel = model
            return perform(machine.refuse(status: status, message: message))
        case .routed(let r, let model):
            route = r
            clientModel = model
        }
        self.route = route
        let translated: UpstreamBody
        let exchange: APXExchange
        do {
            let (b, warnings, ex) = try route.translator.translateRequest(from: clientFormat, to: route.upstream.format, body: body)
            translated = b
            exchange = ex
            if let w = warnings, !w.isEmpty {
                app.logger.notice("request translated with warnings", metadata: ["id": .string(id), "warnings": .string(w)])
            }
        } catch {
            return perform(machine.refuse(status: error.isClientError ? 400 : 500, message: "invalid request: " + error.description))
        }
        self.exchange = exchange
        if exchange.stream {
            do {
                stream = try APXStream(translator: route.translator, exchange: exchange)
            } catch {
                if route.upstream.format != clientFormat {
                    return perform(machine.refuse(status: error.code == APX_ERR_UNSUPPORTED ? 501 : 500,
                                                  message: "cannot stream \(route.upstream.format.name) to \(clientFormat.name): " + error.description))
                }
                stream = nil  // same format: forward the upstream's bytes as they are
            }
        }
        let builder = UpstreamRequestBuilder(upstream: route.upstream, clientFormat: clientFormat, settings: app.settings)
        let key = builder.key(clientHeaders: head.headers)
        upstreamKey = key
        secret = key.flatMap { $0.utf8.count >= 8 ? Array($0.utf8) : nil }
        upstreamRequest = builder.request(body: translated, stream: exchange.stream, key: key, clientHeaders: head.headers)
        perform(machine.start(upstream: route.upstream.name, stream: exchange.stream))
    }

    // MARK: events

    /// One hop's worth of events: written to the client with a single flush at the end.
    private func handle(_ events: [UpstreamEvent]) {
        lastActivity = .now()
        for e in events { handle(e) }
        if machine.streaming && !machine.isFinished { context.flush() }
    }

    private func handle(_ event: UpstreamEvent) {
        switch event {
        case .head(let status, let retryAfter):
            perform(machine.upstreamHead(status: status, retryAfter: retryAfter))
        case .data(let bytes):
            perform(machine.upstreamData(count: bytes.count), data: bytes)
            if let t = transfer, t.consumed(bytes.count) { app.engine.resume(t) }
        case .done(let error, let timedOut):
            guard machine.transferRunning else { return }
            transfer = nil
            perform(machine.upstreamDone(error: error, timedOut: timedOut))
        }
    }

    func writabilityChanged() {
        guard !machine.isFinished, context.channel.isWritable, let transfer else { return }
        resetIdleTimer()
        if transfer.setClientFull(false) { app.engine.resume(transfer) }
    }

    /// The client went away: abort the upstream transfer.
    func clientGone() {
        perform(machine.clientGone())
    }

    // MARK: actions

    /// Does what the machine said. `data` is the upstream chunk of a data event.
    private func perform(_ action: ProxyCallStateMachine.Action, data: [UInt8] = []) {
        if let failure = action.failure, let route { meter.upstreamError(app, upstream: route.upstream.name, failure) }
        switch action {
        case .none:
            break
        case .sendUpstream:
            send()
        case .startClientStream:
            startClientStream()
        case .forwardStreamBytes:
            forward(data, end: false)
        case .bufferBytes:
            buffered.append(contentsOf: data)
        case .endStream:
            if forward([], end: true) { machine.answered(); finish(status: 200) }
        case .translateResponse:
            completeBuffered()
        case .translateUpstreamError(let status):
            translateUpstreamError(status: status)
        case .scheduleRetry(let delay):
            idleTimer?.cancel()
            idleTimer = nil
            app.logger.debug("retrying after 429", metadata: ["id": .string(id), "delay_s": .stringConvertible(delay)])
            context.eventLoop.scheduleTask(in: .milliseconds(Int64(delay * 1000))) { [self] in
                perform(machine.retryTimerFired())
            }
        case .failResponse(let status, let message, _):
            cancelTransfer()
            failLocal(status, message)
        case .failStream(let status, let message, _):
            cancelTransfer()
            writeStreamFailure(status: status, message: message)
        case .abort:
            cancelTransfer()
            finish(status: 499)
        }
    }

    private func send() {
        guard let upstreamRequest else { return }
        buffered.removeAll(keepingCapacity: true)
        let loop = context.eventLoop
        let t = CurlTransfer(request: upstreamRequest) { [self] events in
            loop.execute { self.handle(events) }
        }
        transfer = t
        resetIdleTimer()
        app.engine.submit(t)
    }

    private func cancelTransfer() {
        if let transfer { app.engine.cancel(transfer) }
        transfer = nil
    }

    private func startClientStream() {
        app.metrics.streamStarted()
        var h = HTTPHeaders()
        h.add(name: "content-type", value: "text/event-stream; charset=utf-8")
        h.add(name: "cache-control", value: "no-cache")
        h.add(name: "x-request-id", value: id)
        if !head.isKeepAlive { h.add(name: "connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: .ok, headers: h)
        context.write(NIOAny(HTTPServerResponsePart.head(responseHead)), promise: nil)
    }

    /// Translates one upstream chunk (or the end) and writes it to the client at once. False
    /// when the library rejected it (the machine has been told, the failure ending written).
    @discardableResult
    private func forward(_ bytes: [UInt8], end: Bool) -> Bool {
        var out = context.channel.allocator.buffer(capacity: bytes.count + 256)
        if let stream {
            var failure: APXError?
            bytes.withUnsafeBytes { raw in
                do throws(APXError) { try stream.translate(raw, end: end, into: &out) } catch { failure = error }
            }
            if let error = failure {
                perform(machine.translationFailed(error.description))
                return false
            }
        } else {
            out.writeBytes(bytes)
        }
        redact(&out)
        if out.readableBytes > 0 {
            // Flushed once per batch of upstream events (handle(_ events:)) or by finish().
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(out))), promise: nil)
        }
        if !end, !context.channel.isWritable, let transfer {
            _ = transfer.setClientFull(true)
        }
        return true
    }

    private func completeBuffered() {
        guard let route else { return }
        do {
            let result = try route.translator.translateResponse(exchange: exchange, body: buffered)
            if let w = result.warnings, !w.isEmpty {
                app.logger.notice("response translated with warnings", metadata: ["id": .string(id), "warnings": .string(w)])
            }
            responseUsage = try? route.translator.responseUsage(format: route.upstream.format, body: buffered)
            machine.answered()
            // A 200 carrying a failed generation (Responses `status: "failed"`) has the
            // client's error status in result.status.
            respond(status: result.status != 0 ? result.status : 200, contentType: "application/json", body: redact(result.body))
        } catch {
            perform(machine.translationFailed(error.description))
        }
    }

    private func translateUpstreamError(status: Int) {
        guard let route else { return }
        machine.answered()
        do {
            let result = try route.translator.translateError(exchange: exchange, status: status, body: buffered)
            let code = result.status >= 400 ? result.status : status
            respond(status: code, contentType: "application/json", body: redact(result.body))
        } catch {
            failLocal(status >= 500 ? status : 502, "upstream error \(status)")
        }
    }

    // MARK: idle timer

    /// Marks upstream or client progress now and makes sure the idle timer runs.
    private func resetIdleTimer() {
        lastActivity = .now()
        guard idleTimer == nil, !machine.isFinished else { return }
        armIdleTimer(in: .milliseconds(Int64(app.settings.idleTimeoutMs)))
    }

    /// Fires after `delay`; gives up on the upstream only when nothing happened for the whole
    /// idle timeout, else waits for the rest of it.
    private func armIdleTimer(in delay: TimeAmount) {
        idleTimer = context.eventLoop.scheduleTask(in: delay) { [self] in
            idleTimer = nil
            guard machine.transferRunning, let t = transfer else { return }
            let limit = TimeAmount.milliseconds(Int64(app.settings.idleTimeoutMs))
            let quiet = NIODeadline.now() - lastActivity
            if quiet < limit { return armIdleTimer(in: limit - quiet) }
            if t.isHeldByClient { return resetIdleTimer() }
            perform(machine.idleTimedOut())
        }
    }

    // MARK: client side

    /// The library writes the client format's failure ending (after what is still pending).
    private func writeStreamFailure(status: Int, message: String) {
        let text = redact(message)
        app.logger.warning("stream failed", metadata: ["id": .string(id), "error": .string(text)])
        var out = context.channel.allocator.buffer(capacity: 1024)
        if let stream {
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
        guard !recorded else { return }
        recorded = true
        machine.answered()
        idleTimer?.cancel()
        idleTimer = nil
        if status != 499 {
            let keepAlive = head.isKeepAlive
            let channel = context.channel
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in
                if !keepAlive { channel.close(promise: nil) }
            }
        }
        if machine.streaming { app.metrics.streamFinished() }
        if let stream, let w = stream.takeWarnings(), !w.isEmpty {
            app.logger.notice("stream translated with warnings", metadata: ["id": .string(id), "warnings": .string(w)])
        }
        meter.finish(app, CallMeter.Outcome(
            status: status, clientModel: clientModel, upstream: route?.upstream.name, upstreamModel: exchange?.upstreamModel,
            attempts: machine.attempts, stream: exchange?.stream ?? false, usage: stream?.usage ?? responseUsage,
            inputEstimate: exchange?.inputTokens ?? 0))
        onFinish()
    }
}
