import Testing
@testable import ProxyCore

private typealias M = ProxyCallStateMachine

private func machine(retries: Int = 2) -> M {
    M(maxResponseBytes: 100, idleTimeoutMs: 600_000, retry: RetryPolicy(retries: retries, maxDelayMs: 30_000))
}

/// Keys and fallbacks: failures before the client has a byte are offered to the shell when
/// `start` was told of alternatives, and only then.
@Suite struct ProxyCallAlternativesTests {
    @Test func withoutAlternativesNothingChanges() {
        var m = machine()
        _ = m.start(upstream: "u", stream: false)
        _ = m.upstreamHead(status: 503, retryAfter: nil)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .translateUpstreamError(status: 503))
        var n = machine()
        _ = n.start(upstream: "u", stream: false)
        #expect(n.upstreamDone(error: "refused", timedOut: false)
                == .failResponse(status: 502, message: "upstream u failed: refused", failure: .unreachable))
    }

    @Test func fiveHundredIsOfferedThenSwitches() {
        var m = machine()
        _ = m.start(upstream: "a", stream: false, alternatives: true)
        _ = m.upstreamHead(status: 503, retryAfter: nil)
        _ = m.upstreamData(count: 10)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .tryAlternative(failure: .status(503), retryAfter: nil, willRetry: false))
        #expect(m.state == .choosingAlternative)
        #expect(m.switchUpstream(to: "b", fallback: true) == .sendUpstream)
        #expect(m.attempts == 2)
        #expect(m.upstreamHead(status: 200, retryAfter: nil) == .none)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .translateResponse)
    }

    @Test func noAlternativeGivesTheOriginalOutcome() {
        var m = machine()
        _ = m.start(upstream: "a", stream: false, alternatives: true)
        _ = m.upstreamHead(status: 401, retryAfter: nil)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .tryAlternative(failure: .status(401), retryAfter: nil, willRetry: false))
        #expect(m.noAlternative() == .translateUpstreamError(status: 401))
        #expect(m.state == .answering)
        var n = machine()
        _ = n.start(upstream: "a", stream: false, alternatives: true)
        #expect(n.upstreamDone(error: "refused", timedOut: false) == .tryAlternative(failure: .unreachable, retryAfter: nil, willRetry: false))
        #expect(n.noAlternative() == .failResponse(status: 502, message: "upstream a failed: refused", failure: .unreachable))
        #expect(n.isFinished)
    }

    @Test func fourTwentyNineWithinRetriesSaysWillRetry() {
        var m = machine(retries: 1)
        _ = m.start(upstream: "a", stream: false, alternatives: true)
        _ = m.upstreamHead(status: 429, retryAfter: 0)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .tryAlternative(failure: .status(429), retryAfter: 0, willRetry: true))
        #expect(m.noAlternative() == .scheduleRetry(seconds: 0))
        #expect(m.retryTimerFired() == .sendUpstream)
        _ = m.upstreamHead(status: 429, retryAfter: 0)
        // retries used up: offered again, no retry left
        #expect(m.upstreamDone(error: nil, timedOut: false) == .tryAlternative(failure: .status(429), retryAfter: 0, willRetry: false))
        // a fallback starts its own retry count
        #expect(m.switchUpstream(to: "b", fallback: true) == .sendUpstream)
        _ = m.upstreamHead(status: 429, retryAfter: 0)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .tryAlternative(failure: .status(429), retryAfter: 0, willRetry: true))
    }

    @Test func fourHundredIsNotOffered() {
        var m = machine()
        _ = m.start(upstream: "a", stream: false, alternatives: true)
        _ = m.upstreamHead(status: 400, retryAfter: nil)
        #expect(m.upstreamDone(error: nil, timedOut: false) == .translateUpstreamError(status: 400))
    }

    @Test func timeoutBeforeFirstByteIsOffered() {
        var m = machine()
        _ = m.start(upstream: "a", stream: true, alternatives: true)
        #expect(m.idleTimedOut() == .tryAlternative(failure: .timeout, retryAfter: nil, willRetry: false))
    }

    @Test func nothingIsOfferedOnceTheClientHasBytes() {
        var m = machine()
        _ = m.start(upstream: "a", stream: true, alternatives: true)
        #expect(m.upstreamHead(status: 200, retryAfter: nil) == .startClientStream)
        #expect(m.upstreamDone(error: "reset", timedOut: false)
                == .failStream(status: 502, message: "upstream a failed: reset", failure: .unreachable))
        var n = machine()
        _ = n.start(upstream: "a", stream: true, alternatives: true)
        _ = n.upstreamHead(status: 200, retryAfter: nil)
        if case .tryAlternative = n.idleTimedOut() { Issue.record("offered mid-stream") }
    }

    @Test func switchOrNoAlternativeOnlyWhenChoosing() {
        var m = machine()
        _ = m.start(upstream: "a", stream: false, alternatives: true)
        #expect(m.switchUpstream(to: "b", fallback: true) == .none)
        #expect(m.noAlternative() == .none)
        #expect(m.state == .awaitingHead)
    }
}
