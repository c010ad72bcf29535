import Testing
@testable import SwiftTranslate

/// Raw passthrough gives the same bytes and the same verdict however the upstream bytes are
/// split (the fuzz findings of Tests/fuzz/regressions/fuzz_stream/passthrough-*).
@Suite struct PassthroughSplitTests {
    static func translator(_ f: Format) -> StreamTranslator? {
        try? StreamTranslator(config: TranslatorConfig(), exchange: nil, from: f, to: f, clock: { 5 })
    }

    static let stop = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"

    /// Runs `input` cut at each of `cuts`; the output, or the error's message.
    static func run(_ f: Format, _ input: [UInt8], cuts: [Int]) -> Result<[UInt8], TranslateError> {
        guard var t = translator(f) else { return .failure(TranslateError(.internal, "no translator")) }
        var out: [UInt8] = []
        var start = 0
        do {
            for cut in cuts + [input.count] where cut >= start {
                try t.feed(input[start..<cut], into: &out)
                start = cut
            }
            try t.finish(into: &out)
            return .success(out)
        } catch {
            return .failure(error)
        }
    }

    static func text(_ r: Result<[UInt8], TranslateError>) -> String {
        switch r {
        case .success(let b): return String(decoding: b, as: UTF8.self)
        case .failure(let e): return "error: \(e.message)"
        }
    }

    /// Root cause 1: a line end at the start of a piece, right after a sent event end, is a blank
    /// line too (an event end): judged with the bytes sent before it, not held back (and then
    /// dropped at the end with the tail that is not an event).
    @Test(arguments: ["\n", "\r\n", "\r", "\n\r\n\n"])
    func aBlankLineAfterASentEventEndIsForwardedWhereverTheSplitIs(_ blank: String) throws {
        let input = Array((Self.stop + blank + ": tail without its blank line").utf8)
        let whole = Self.text(Self.run(.anthropic, input, cuts: []))
        #expect(whole == Self.stop + blank)
        for cut in 0...input.count {
            #expect(Self.text(Self.run(.anthropic, input, cuts: [cut])) == whole, "cut at \(cut)")
            for cut2 in cut...input.count {
                #expect(Self.text(Self.run(.anthropic, input, cuts: [cut, cut2])) == whole, "cuts at \(cut), \(cut2)")
            }
        }
    }

    /// Root cause 2: the last event that says whether the stream ended is the last one with data,
    /// found the same way in every piece: a keep-alive comment (or an event without data) after
    /// `message_stop`, sent in a later piece that starts with a blank line, is not taken for it.
    @Test(arguments: ["\n: ping\n\n", "\r\n: ping\r\n\r\n", "\nevent: ping\n\n", ": a\n\n\n: b\n\n"])
    func aKeepAliveAfterTheLastEventDoesNotHideTheEnd(_ after: String) throws {
        let input = Array((Self.stop + after).utf8)
        for cut in 0...input.count {
            #expect(Self.text(Self.run(.anthropic, input, cuts: [cut])) == Self.stop + after, "cut at \(cut)")
        }
    }

    /// Root cause 2, the first event: a comment ahead of `response.created` (sent in the same
    /// piece) is not taken for the opening event, so a failure continues the upstream's response
    /// instead of opening a second one.
    @Test func aCommentBeforeResponseCreatedIsNotTheOpeningEvent() throws {
        var t = try #require(Self.translator(.openaiResponses))
        var out: [UInt8] = []
        let created = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_X\",\"created_at\":7,\"model\":\"m\",\"status\":\"in_progress\",\"output\":[]}}\n\n"
        try t.feed(Array(("\n: processing\n\n" + created).utf8)[...], into: &out)
        t.fail(NError(status: 502, message: "cut"), into: &out)
        let s = String(decoding: out, as: UTF8.self)
        let opening = Array("event: response.created".utf8)
        let openings = (0...max(out.count - opening.count, 0)).filter { out[$0...].starts(with: opening) }.count
        #expect(openings == 1, "one response.created event")
        #expect(s.contains("\"sequence_number\":1"))
        #expect(s.contains("\"response\":{\"id\":\"resp_X\""))
    }
}
