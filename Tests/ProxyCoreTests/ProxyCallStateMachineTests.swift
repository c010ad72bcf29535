import Testing
@testable import ProxyCore

private typealias M = ProxyCallStateMachine

private func machine(retries: Int = 2, maxDelayMs: Int = 30_000, maxResponseBytes: Int = 100) -> M {
    M(maxResponseBytes: maxResponseBytes, idleTimeoutMs: 600_000, retry: RetryPolicy(retries: retries, maxDelayMs: maxDelayMs))
}

@Suite struct ProxyCallStateMachineTests {
    @Test func oneShotAnswer() {
        var m = machine()
        #expect(m.start(upstream: "openai", stream: false) == .sendUpstream)
        #expect(m.attempts == 1)
        #expect(m.upstreamHead(status: 200, retryAfter: nil) == .none)
        #expect(m.upstreamData(count: 60) == .bufferBytes)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .translateResponse)
        #expect(m.state == .answering)
        m.answered()
        #expect(m.isFinished)
        #expect(m.clientGone() == .none)
    }

    @Test func streamForwardsThenEnds() {
        var m = machine()
        _ = m.start(upstream: "u", stream: true)
        #expect(m.upstreamHead(status: 200, retryAfter: nil) == .startClientStream)
        #expect(m.streaming)
        // a stream is never held: no size limit
        #expect(m.upstreamData(count: 1_000) == .forwardStreamBytes)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .endStream)
        #expect(m.state == .endingStream)
    }

    @Test func streamRequestedButUpstreamErrorIsBuffered() {
        var m = machine()
        _ = m.start(upstream: "u", stream: true)
        #expect(m.upstreamHead(status: 400, retryAfter: nil) == .none)
        #expect(!m.streaming)
        #expect(m.upstreamData(count: 10) == .bufferBytes)
        let a = m.upstreamDone(error: nil, timedOut: false)
        #expect(a == .translateUpstreamError(status: 400))
        #expect(a.failure == .status(400))
        #expect(a.failure?.kind == "status_400")
    }

    @Test func tooLargeAnswerFailsOnce() {
        var m = machine(maxResponseBytes: 100)
        _ = m.start(upstream: "u", stream: false)
        _ = m.upstreamHead(status: 200, retryAfter: nil)
        #expect(m.upstreamData(count: 100) == .bufferBytes)
        let a = m.upstreamData(count: 1)
        #expect(a == .failResponse(status: 502, message: "the upstream response is larger than 100 bytes", failure: .tooLarge))
        #expect(a.failure?.kind == "too_large")
        #expect(m.upstreamData(count: 1) == .none)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .none)
    }

    @Test func retries429WithBackoffThenGivesUp() {
        var m = machine(retries: 2)
        _ = m.start(upstream: "u", stream: false)
        for (attempt, delay) in [(1, 0.5), (2, 1.0)] {
            #expect(m.attempts == attempt)
            _ = m.upstreamHead(status: 429, retryAfter: nil)
            let a = m.upstreamDone(error: nil, timedOut: false)
            #expect(a == .scheduleRetry(seconds: delay))
            #expect(a.failure?.kind == "status_429")
            #expect(m.state == .waitingToRetry)
            #expect(m.retryTimerFired() == .sendUpstream)
        }
        _ = m.upstreamHead(status: 429, retryAfter: nil)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .translateUpstreamError(status: 429))
        #expect(m.attempts == 3)
    }

    @Test func retryAfterBeyondTheLimitIsNotWaitedFor() {
        var m = machine(maxDelayMs: 1_000)
        _ = m.start(upstream: "u", stream: false)
        _ = m.upstreamHead(status: 429, retryAfter: 5)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .translateUpstreamError(status: 429))
    }

    @Test func only429IsRetried() {
        var m = machine()
        _ = m.start(upstream: "u", stream: false)
        _ = m.upstreamHead(status: 503, retryAfter: 1)
        let a = m.upstreamDone(error: nil, timedOut: false)
        #expect(a == .translateUpstreamError(status: 503))
        #expect(a.failure?.kind == "status_5xx")
    }

    @Test func clientLeavingDuringRetryWaitCancelsTheRetry() {
        var m = machine()
        _ = m.start(upstream: "u", stream: false)
        _ = m.upstreamHead(status: 429, retryAfter: nil)
        _ = m.upstreamDone(error: nil, timedOut: false)
        #expect(m.clientGone() == .abort)
        #expect(m.retryTimerFired() == .none)
        #expect(m.attempts == 1)
    }

    @Test func transferFailureBeforeAndAfterTheStreamHead() {
        var m = machine()
        _ = m.start(upstream: "up", stream: true)
        #expect(m.upstreamDone(error: "connection refused", timedOut: false)
                == .failResponse(status: 502, message: "upstream up failed: connection refused", failure: .unreachable))

        var s = machine()
        _ = s.start(upstream: "up", stream: true)
        _ = s.upstreamHead(status: 200, retryAfter: nil)
        #expect(s.upstreamDone(error: "reset", timedOut: true)
                == .failStream(status: 504, message: "upstream up timed out: reset", failure: .timeout))
        #expect(s.isFinished)
    }

    @Test func idleTimeoutOnlyWhileATransferRuns() {
        var m = machine()
        #expect(m.idleTimedOut() == .none)
        _ = m.start(upstream: "up", stream: false)
        #expect(m.transferRunning)
        #expect(m.idleTimedOut() == .failResponse(status: 504, message: "upstream up timed out: no data for 600 s", failure: .timeout))
        #expect(m.upstreamDone(error: nil, timedOut: false) == .none)
    }

    @Test func translationFailuresByState() {
        var s = machine()
        _ = s.start(upstream: "u", stream: true)
        _ = s.upstreamHead(status: 200, retryAfter: nil)
        let a = s.translationFailed("bad event")
        #expect(a == .failStream(status: 502, message: "the upstream stream could not be translated: bad event", failure: .badStream))
        #expect(s.upstreamData(count: 5) == .none)

        var r = machine()
        _ = r.start(upstream: "u", stream: false)
        _ = r.upstreamHead(status: 200, retryAfter: nil)
        _ = r.upstreamDone(error: nil, timedOut: false)
        #expect(r.translationFailed("bad body").failure?.kind == "bad_response")
    }

    @Test func refusalBeforeStartCountsNoUpstreamError() {
        var m = machine()
        let a = m.refuse(status: 404, message: "no route")
        #expect(a == .failResponse(status: 404, message: "no route", failure: nil))
        #expect(a.failure == nil)
        #expect(m.start(upstream: "u", stream: false) == .none)
        #expect(m.attempts == 0)
    }

    @Test func doneWithoutHeadIsAnUpstreamError() {
        var m = machine(retries: 0)
        _ = m.start(upstream: "u", stream: false)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .translateUpstreamError(status: 0))
    }
}

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesAndIsCapped() {
        let p = RetryPolicy(retries: 20, maxDelayMs: 3_000)
        #expect(p.delay(afterAttempts: 1, status: 429, retryAfter: nil) == 0.5)
        #expect(p.delay(afterAttempts: 3, status: 429, retryAfter: nil) == 2.0)
        #expect(p.delay(afterAttempts: 15, status: 429, retryAfter: nil) == 3.0)
        #expect(p.delay(afterAttempts: 21, status: 429, retryAfter: nil) == nil)
        #expect(p.delay(afterAttempts: 1, status: 500, retryAfter: 0) == nil)
        #expect(p.delay(afterAttempts: 1, status: 429, retryAfter: 0) == 0)
    }
}
