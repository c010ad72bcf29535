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
/// (CallMeter) are their own types. Confined to the connection's event loop, which also runs
/// the loop's curl engine: upstream events arrive here without a thread hop.
final class ProxyCall: @unchecked Sendable {
    private let app: ProxyApp
    private let context: ChannelHandlerContext
    private let head: HTTPRequestHead
    private let clientFormat: WireFormat
    private let meter: CallMeter
    private let onFinish: () -> Void
    /// The curl engine of the connection's loop.
    private let engine: CurlEngine?

    private var machine: ProxyCallStateMachine
    private var route: Route?
    /// The config snapshot this request started with (kept to its end across reloads).
    private let config: ProxyConfig
    /// The `clients:` entry that called (nil: no `clients:`, or PROXY_API_KEY).
    private let client: ProxyConfig.Client?
    /// The upstream, translator and key in use, and what comes next when they fail.
    private var choice: UpstreamChoice?
    /// The client's body, kept (not copied) only when the route has fallbacks (translated
    /// again for them).
    private var clientBody: ByteBuffer?
    /// Set when the answer may go to the response cache.
    private var cacheKey: ResponseCache.Key?
    /// A concurrent_streams slot of the client is held until the end.
    private var holdsStreamSlot = false
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
    /// The key sent upstream, scrubbed from anything the upstream echoes back.
    private var mask = UpstreamKeyMask(key: nil)

    init(app: ProxyApp, context: ChannelHandlerContext, head: HTTPRequestHead, clientFormat: WireFormat,
         routeLabel: String, config: ProxyConfig, client: ProxyConfig.Client?, onFinish: @escaping () -> Void) {
        self.app = app
        self.config = config
        self.client = client
        self.context = context
        self.head = head
        self.clientFormat = clientFormat
        self.onFinish = onFinish
        engine = app.engines.engine(for: context.eventLoop)
        meter = CallMeter(id: app.nextRequestID(), routeLabel: routeLabel)
        let settings = app.settings
        machine = ProxyCallStateMachine(maxResponseBytes: settings.maxResponseBytes, idleTimeoutMs: settings.idleTimeoutMs,
                                        retry: RetryPolicy(retries: settings.retries, maxDelayMs: settings.retryMaxDelayMs))
        app.metrics.requestStarted()
    }

    private var id: String { meter.id }

    // MARK: start

    func start(body buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { start(body: $0, buffer: buffer) }
    }

    private func start(body: UnsafeRawBufferPointer, buffer: ByteBuffer) {
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
        var choice = UpstreamChoice(route: route)
        let (moved, exhausted) = choice.takeKey()
        if let exhausted {
            let wait = exhausted.retryAfter.map { max(1, Int($0.rounded(.up))) }
            let message = "no usable key for upstream \(choice.upstream.name): \(exhausted.setAside) set aside after 401/403, \(exhausted.resting) resting after 429"
            return perform(machine.refuse(status: wait == nil ? 503 : 429, message: message))
        }
        for from in moved { app.featureMetrics.fellBack(from: from, to: choice.upstream.name, reason: "no_usable_key") }
        self.choice = choice
        if !route.fallbacks.isEmpty { clientBody = buffer }
        if let refusal = prepare(choice, body: body) { return perform(machine.refuse(status: refusal.status, message: refusal.message)) }
        guard let exchange else { return }
        if exchange.stream, let client, let refusal = app.limiter.admitStream(client: client.name, limits: client.limits) {
            app.featureMetrics.limited(client: client.name, limit: refusal.limit)
            machine.answered()
            let answer = RateLimitAnswer.answer(refusal, format: clientFormat)
            return respond(status: answer.status, contentType: answer.contentType, body: answer.body, extraHeaders: answer.headers)
        }
        holdsStreamSlot = exchange.stream && client?.limits.concurrentStreams != nil
        if let cache = config.responseCache, !exchange.stream, let request = upstreamRequest {
            let key = ResponseCache.Key(clientKey: ClientAuth.presentedKey(head.headers), route: route.match.description,
                                        upstream: choice.upstream.name,
                                        body: UnsafeRawBufferPointer(start: request.body.pointer, count: request.body.count))
            if let hit = cache.get(key) {
                app.featureMetrics.cacheEvent("hit", bytes: cache.storedBytes)
                machine.answered()
                return respond(status: 200, contentType: "application/json", body: hit, extraHeaders: [("x-apxlate-cache", "hit")])
            }
            app.featureMetrics.cacheEvent("miss", bytes: cache.storedBytes)
            cacheKey = key
        }
        perform(machine.start(upstream: choice.upstream.name, stream: exchange.stream, alternatives: choice.hasAlternatives))
    }

    /// Translates the client's body for `choice`'s upstream and builds the upstream request
    /// (the first target, or a fallback). Returns why not, for the client.
    private func prepare(_ choice: UpstreamChoice, body: UnsafeRawBufferPointer) -> (status: Int, message: String)? {
        let upstream = choice.upstream
        let translated: UpstreamBody
        let exchange: APXExchange
        do {
            let (b, warnings, ex) = try choice.translator.translateRequest(from: clientFormat, to: upstream.format, body: body)
            translated = b
            exchange = ex
            if let w = warnings, !w.isEmpty {
                app.logger.notice("request translated with warnings", metadata: ["id": .string(id), "warnings": .string(w)])
            }
        } catch {
            return (error.isClientError ? 400 : 500, "invalid request: " + error.description)
        }
        var newStream: APXStream?
        if exchange.stream {
            do {
                newStream = try APXStream(translator: choice.translator, exchange: exchange)
            } catch {
                if upstream.format != clientFormat {
                    return (error.code == APX_ERR_UNSUPPORTED ? 501 : 500,
                            "cannot stream \(upstream.format.name) to \(clientFormat.name): " + error.description)
                }
                newStream = nil  // same format: forward the upstream's bytes as they are
            }
        }
        // Only now, all checks passed: a refused fallback leaves the current exchange as it was.
        self.exchange = exchange
        stream = newStream
        buildRequest(choice, body: translated)
        return nil
    }

    /// The upstream request for `choice`'s upstream and key (again after a key switch).
    private func buildRequest(_ choice: UpstreamChoice, body: UpstreamBody) {
        let builder = UpstreamRequestBuilder(upstream: choice.upstream, clientFormat: clientFormat, settings: app.settings)
        let key = choice.key(clientKey: ClientAuth.presentedKey(head.headers))
        mask = UpstreamKeyMask(key: key)
        upstreamRequest = builder.request(body: body, stream: exchange?.stream ?? false, key: key, clientHeaders: head.headers)
    }

    /// A failure before the client had a byte, offered by the machine: another key, the next
    /// fallback (the request translated again for it), or the failure takes its course.
    private func takeAlternative(_ failure: UpstreamFailure, retryAfter: Double?, willRetry: Bool) {
        cancelTransfer()
        guard var choice else { return perform(machine.noAlternative()) }
        let failed = choice.upstream.name
        let next = choice.next(after: failure, retryAfter: retryAfter, willRetry: willRetry,
                               metrics: app.featureMetrics, logger: app.logger, id: id)
        switch next {
        case .none:
            self.choice = choice
            perform(machine.noAlternative())
        case .nextKey:
            self.choice = choice
            meter.upstreamError(app, upstream: failed, failure)
            guard let body = upstreamRequest?.body else { return perform(machine.noAlternative()) }
            buildRequest(choice, body: body)
            perform(machine.switchUpstream(to: choice.upstream.name, fallback: false))
        case .fallback(let from, let reason):
            let refusal: (status: Int, message: String)? = clientBody.map { buffer in
                buffer.withUnsafeReadableBytes { prepare(choice, body: $0) }
            } ?? (500, "no body kept for the fallback")
            guard refusal == nil else {
                app.logger.warning("fallback skipped", metadata: ["id": .string(id), "to": .string(choice.upstream.name),
                                                                  "error": .string(refusal?.message ?? "")])
                return perform(machine.noAlternative())
            }
            self.choice = choice
            meter.upstreamError(app, upstream: from, failure)
            app.featureMetrics.fellBack(from: from, to: choice.upstream.name, reason: reason)
            app.logger.notice("falling back", metadata: ["id": .string(id), "from": .string(from), "to": .string(choice.upstream.name),
                                                          "reason": .string(reason)])
            perform(machine.switchUpstream(to: choice.upstream.name, fallback: true))
        }
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
        case .done(let error, let timedOut):
            guard machine.transferRunning else { return }
            transfer = nil
            perform(machine.upstreamDone(error: error, timedOut: timedOut))
        }
    }

    func writabilityChanged() {
        guard !machine.isFinished, context.channel.isWritable, let transfer else { return }
        resetIdleTimer()
        if transfer.setClientFull(false) { engine?.resume(transfer) }
    }

    /// The client went away: abort the upstream transfer.
    func clientGone() {
        perform(machine.clientGone())
    }

    // MARK: actions

    /// Does what the machine said. `data` is the upstream chunk of a data event.
    private func perform(_ action: ProxyCallStateMachine.Action, data: [UInt8] = []) {
        if let failure = action.failure, let choice { meter.upstreamError(app, upstream: choice.upstream.name, failure) }
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
        case .tryAlternative(let failure, let retryAfter, let willRetry):
            takeAlternative(failure, retryAfter: retryAfter, willRetry: willRetry)
        }
    }

    private func send() {
        guard let upstreamRequest else { return }
        buffered.removeAll(keepingCapacity: true)
        guard let engine else { return perform(machine.upstreamDone(error: "no upstream engine on this event loop", timedOut: false)) }
        let t = CurlTransfer(request: upstreamRequest) { [self] events in handle(events) }
        transfer = t
        resetIdleTimer()
        engine.submit(t)
    }

    private func cancelTransfer() {
        if let transfer { engine?.cancel(transfer) }
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
        mask.apply(&out)
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
        guard let choice else { return }
        do {
            let result = try choice.translator.translateResponse(exchange: exchange, body: buffered)
            if let w = result.warnings, !w.isEmpty {
                app.logger.notice("response translated with warnings", metadata: ["id": .string(id), "warnings": .string(w)])
            }
            responseUsage = try? choice.translator.responseUsage(format: choice.upstream.format, body: buffered)
            machine.answered()
            // A 200 carrying a failed generation (Responses `status: "failed"`) has the
            // client's error status in result.status.
            let status = result.status != 0 ? result.status : 200
            let body = mask.apply(result.body)
            if status == 200, let cacheKey, let cache = config.responseCache {
                cache.put(cacheKey, body: body)
                app.featureMetrics.cacheEvent("store", bytes: cache.storedBytes)
            }
            respond(status: status, contentType: "application/json", body: body)
        } catch {
            perform(machine.translationFailed(error.description))
        }
    }

    private func translateUpstreamError(status: Int) {
        guard let choice else { return }
        machine.answered()
        do {
            let result = try choice.translator.translateError(exchange: exchange, status: status, body: buffered)
            let code = result.status >= 400 ? result.status : status
            respond(status: code, contentType: "application/json", body: mask.apply(result.body))
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
        let text = mask.apply(message)
        app.logger.warning("stream failed", metadata: ["id": .string(id), "error": .string(text)])
        var out = context.channel.allocator.buffer(capacity: 1024)
        if let stream {
            stream.fail(status: status, message: text)
            do throws(APXError) { try stream.translate(UnsafeRawBufferPointer(start: nil, count: 0), end: false, into: &out) } catch {
                app.logger.error("stream failure ending not written", metadata: ["id": .string(id), "error": .string(error.description)])
            }
        }
        mask.apply(&out)
        if out.readableBytes > 0 {
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(out))), promise: nil)
        }
        finish(status: status)
    }

    private func failLocal(_ status: Int, _ message: String) {
        let result = APXTranslator.buildError(format: clientFormat, status: status, message: mask.apply(message))
        respond(status: status, contentType: "application/json", body: result.body)
    }

    private func respond(status: Int, contentType: String, body: [UInt8], extraHeaders: [(String, String)] = []) {
        var h = HTTPHeaders()
        h.add(name: "content-type", value: contentType)
        h.add(name: "content-length", value: String(body.count))
        for (name, value) in extraHeaders { h.add(name: name, value: value) }
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
        if holdsStreamSlot, let client { app.limiter.streamEnded(client: client.name) }
        let usage = stream?.usage ?? responseUsage
        if let client, client.limits.tokensPerMinute != nil {
            let used = max(0, usage?.input ?? exchange?.inputTokens ?? 0) + max(0, usage?.output ?? 0)
            app.limiter.recordTokens(client: client.name, limits: client.limits, tokens: used)
        }
        if machine.attempts > 0, let choice { app.featureMetrics.servedBy(choice.upstream.name) }
        meter.finish(app, CallMeter.Outcome(
            status: status, clientModel: clientModel, upstream: choice?.upstream.name, upstreamModel: exchange?.upstreamModel,
            attempts: machine.attempts, stream: exchange?.stream ?? false, usage: usage,
            inputEstimate: exchange?.inputTokens ?? 0))
        onFinish()
    }
}
