/// The life of one proxied request, from the routed and translated body to the end of the
/// client's answer, as a pure state machine in the manner of async-http-client's request state
/// machines: each event the I/O shell (HostServer's ProxyCall) observes goes in through a
/// mutating method, which returns the one `Action` the shell must perform. No I/O, clocks or
/// NIO types here, so every path is testable alone (Tests/ProxyCoreTests).
///
///     idle ──start──▶ awaitingHead ──head 2xx, stream──▶ streaming ──done──▶ endingStream
///                        │    ▲                                │
///                        │    └──retry timer── waitingToRetry  │ (failures: failStream)
///                        └──head──▶ buffering ──done──▶ answering ──answered──▶ finished
///                                       └──429, retry policy says wait──▶ waitingToRetry
///
/// Any state but `finished` may end at once: the client goes away (`abort`), the upstream
/// fails or stays silent (`failResponse` before the client has a head, `failStream` after).
public struct ProxyCallStateMachine: Sendable {
    public enum State: Sendable, Equatable {
        /// Routed and translated; the upstream not asked yet.
        case idle
        /// A transfer runs; no head yet.
        case awaitingHead
        /// The head came (an answer that is not a stream, or an upstream error): its body is
        /// collected; `bytes` so far.
        case buffering(status: Int, retryAfter: Double?, bytes: Int)
        /// The client has the SSE head: upstream bytes are translated and written as they come.
        case streaming
        /// After a 429, until the retry timer fires.
        case waitingToRetry
        /// The collected body is being turned into the client's answer.
        case answering
        /// The upstream stream ended: its end is being translated.
        case endingStream
        /// A failure before the client has a byte was offered to the shell (`tryAlternative`):
        /// it answers `switchUpstream` (another key or a fallback) or `noAlternative`.
        case choosingAlternative
        case finished
    }

    public enum Action: Sendable, Equatable {
        case none
        /// Start a transfer to the upstream (another attempt) and arm the idle timer.
        case sendUpstream
        /// Send the client the SSE response head.
        case startClientStream
        /// Translate the upstream bytes just received and write them to the client.
        case forwardStreamBytes
        /// Keep the upstream bytes just received for the end.
        case bufferBytes
        /// Translate the end of the stream, then finish with 200 (or report `translationFailed`).
        case endStream
        /// Translate the collected 2xx body for the client (or report `translationFailed`).
        case translateResponse
        /// Translate the collected upstream error body for the client.
        case translateUpstreamError(status: Int)
        /// Wait, then report `retryTimerFired`.
        case scheduleRetry(seconds: Double)
        /// Stop the transfer if one runs; answer the client with an error body of its format.
        case failResponse(status: Int, message: String, failure: UpstreamFailure?)
        /// Stop the transfer if one runs; end the client's stream with its format's failure
        /// ending and finish with `status`.
        case failStream(status: Int, message: String, failure: UpstreamFailure?)
        /// The client went away: stop the transfer, finish (499) without writing.
        case abort
        /// Only when `start` was told of alternatives (several keys, fallbacks): the upstream
        /// failed before the client had a byte. Stop the transfer if one runs, then answer
        /// `switchUpstream` (another key, or the next fallback) or `noAlternative` (the failure
        /// stands: the action it would have had comes then). `willRetry`: the retry policy
        /// would wait and ask the same upstream again (a 429 within the retries).
        case tryAlternative(failure: UpstreamFailure, retryAfter: Double?, willRetry: Bool)

        /// What the metrics count as an upstream error for this action.
        public var failure: UpstreamFailure? {
            switch self {
            case .failResponse(_, _, let f), .failStream(_, _, let f): return f
            case .translateUpstreamError(let status): return .status(status)
            case .scheduleRetry: return .status(429)
            default: return nil
            }
        }
    }

    public private(set) var state: State = .idle
    /// Transfers started (1 + retries).
    public private(set) var attempts = 0
    /// The client has the SSE head (a failure from then on is a failure ending, not a body).
    public private(set) var streaming = false

    /// Set by `start`: the route's upstream, and whether the client asked for a stream.
    private var upstreamName = "upstream"
    private var streamRequested = false
    private let maxResponseBytes: Int
    private let idleTimeoutMs: Int
    private let retry: RetryPolicy
    /// Failures before the client has a byte go to the shell first (`tryAlternative`).
    private var alternatives = false
    /// What a failure offered to the shell does when no alternative is taken, and the state it leaves.
    private var withoutAlternative: (action: Action, state: State)?
    /// `attempts` when the current upstream was first asked (the retry policy counts from there).
    private var attemptsBefore = 0

    /// `maxResponseBytes`: the largest answer collected in memory (streams are never held).
    public init(maxResponseBytes: Int, idleTimeoutMs: Int, retry: RetryPolicy) {
        self.maxResponseBytes = maxResponseBytes
        self.idleTimeoutMs = idleTimeoutMs
        self.retry = retry
    }

    public var isFinished: Bool { state == .finished }

    /// A transfer runs (the idle timer and flow control apply).
    public var transferRunning: Bool {
        switch state {
        case .awaitingHead, .buffering, .streaming: return true
        default: return false
        }
    }

    // MARK: events

    /// The request is routed and translated: ask `upstream`.
    /// `alternatives`: the shell can switch key or upstream (several keys, fallbacks).
    public mutating func start(upstream: String, stream: Bool, alternatives: Bool = false) -> Action {
        guard state == .idle else { return .none }
        upstreamName = upstream
        streamRequested = stream
        self.alternatives = alternatives
        return send()
    }

    public mutating func upstreamHead(status: Int, retryAfter: Double?) -> Action {
        guard state == .awaitingHead else { return .none }
        if (200..<300).contains(status) && streamRequested {
            state = .streaming
            streaming = true
            return .startClientStream
        }
        state = .buffering(status: status, retryAfter: retryAfter, bytes: 0)
        return .none
    }

    public mutating func upstreamData(count: Int) -> Action {
        switch state {
        case .streaming:
            return .forwardStreamBytes
        case .awaitingHead, .buffering:
            var status = 0, retryAfter: Double? = nil, bytes = 0
            if case .buffering(let s, let r, let b) = state { status = s; retryAfter = r; bytes = b }
            guard count <= maxResponseBytes - bytes else {
                state = .finished
                return .failResponse(status: 502, message: "the upstream response is larger than \(maxResponseBytes) bytes", failure: .tooLarge)
            }
            state = .buffering(status: status, retryAfter: retryAfter, bytes: bytes + count)
            return .bufferBytes
        default:
            return .none
        }
    }

    /// The transfer ended: `error` is nil for a complete answer.
    public mutating func upstreamDone(error: String?, timedOut: Bool) -> Action {
        guard transferRunning else { return .none }
        if let error {
            let failed = upstreamFailed(timedOut ? "upstream \(upstreamName) timed out: \(error)" : "upstream \(upstreamName) failed: \(error)",
                                        timedOut: timedOut)
            return offer(timedOut ? .timeout : .unreachable, retryAfter: nil, otherwise: failed)
        }
        var status = 0, retryAfter: Double? = nil
        switch state {
        case .streaming:
            state = .endingStream
            return .endStream
        case .buffering(let s, let r, _):
            status = s; retryAfter = r
        default:
            break // no head at all: status 0, an upstream error
        }
        if (200..<300).contains(status) {
            state = .answering
            return .translateResponse
        }
        if let delay = retry.delay(afterAttempts: attempts - attemptsBefore, status: status, retryAfter: retryAfter) {
            state = .waitingToRetry
            return offer(.status(status), retryAfter: retryAfter, otherwise: .scheduleRetry(seconds: delay))
        }
        state = .answering
        return offer(.status(status), retryAfter: retryAfter, otherwise: .translateUpstreamError(status: status))
    }

    /// The shell took an alternative: ask `upstream` (another key of the same one, or a
    /// fallback: then `fallback` restarts the retry count).
    public mutating func switchUpstream(to upstream: String, fallback: Bool) -> Action {
        guard state == .choosingAlternative else { return .none }
        withoutAlternative = nil
        upstreamName = upstream
        if fallback { attemptsBefore = attempts }
        return send()
    }

    /// The shell has no alternative: the failure takes its course.
    public mutating func noAlternative() -> Action {
        guard state == .choosingAlternative, let w = withoutAlternative else { return .none }
        withoutAlternative = nil
        state = w.state
        return w.action
    }

    public mutating func retryTimerFired() -> Action {
        guard state == .waitingToRetry else { return .none }
        return send()
    }

    /// The shell's idle timer saw nothing from the upstream for the whole idle timeout (and the
    /// client was not the one holding it back).
    public mutating func idleTimedOut() -> Action {
        guard transferRunning else { return .none }
        let failed = upstreamFailed("upstream \(upstreamName) timed out: no data for \(idleTimeoutMs / 1000) s", timedOut: true)
        return offer(.timeout, retryAfter: nil, otherwise: failed)
    }

    /// What `forwardStreamBytes`, `endStream` or `translateResponse` asked for could not be
    /// translated; `reason` is the library's error.
    public mutating func translationFailed(_ reason: String) -> Action {
        switch state {
        case .streaming, .endingStream:
            state = .finished
            return .failStream(status: 502, message: "the upstream stream could not be translated: " + reason, failure: .badStream)
        case .answering:
            state = .finished
            return .failResponse(status: 502, message: "the upstream response could not be translated: " + reason, failure: .badResponse)
        default:
            return .none
        }
    }

    /// The shell wrote the client's whole answer.
    public mutating func answered() {
        state = .finished
    }

    /// The request was refused before any upstream was asked (no route, a body the library
    /// rejects, a stream it cannot translate).
    public mutating func refuse(status: Int, message: String) -> Action {
        guard state == .idle else { return .none }
        state = .finished
        return .failResponse(status: status, message: message, failure: nil)
    }

    public mutating func clientGone() -> Action {
        guard state != .finished else { return .none }
        state = .finished
        return .abort
    }

    // MARK: helpers

    private mutating func send() -> Action {
        attempts += 1
        state = .awaitingHead
        return .sendUpstream
    }

    /// Offers a failure to the shell when alternatives exist and the client has no byte yet
    /// (a connect failure, a timeout, 401/403, 429, 5xx); else returns `otherwise` as before.
    private mutating func offer(_ failure: UpstreamFailure, retryAfter: Double?, otherwise: Action) -> Action {
        guard alternatives, !streaming else { return otherwise }
        switch failure {
        case .unreachable, .timeout: break
        case .status(let s) where s == 401 || s == 403 || s == 429 || (500...599).contains(s): break
        default: return otherwise
        }
        withoutAlternative = (otherwise, state)
        state = .choosingAlternative
        var willRetry = false
        if case .scheduleRetry = otherwise { willRetry = true }
        return .tryAlternative(failure: failure, retryAfter: retryAfter, willRetry: willRetry)
    }

    private mutating func upstreamFailed(_ message: String, timedOut: Bool) -> Action {
        state = .finished
        let status = timedOut ? 504 : 502
        let failure: UpstreamFailure = timedOut ? .timeout : .unreachable
        return streaming ? .failStream(status: status, message: message, failure: failure)
                         : .failResponse(status: status, message: message, failure: failure)
    }
}
