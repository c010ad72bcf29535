import Testing
@testable import SwiftTranslate

/// StreamTranslator.fail (apx_stream_fail) and the passthrough's hold-back of incomplete events.
@Suite struct StreamFailTests {
    static func translator(_ from: Format, _ to: Format, clientModel: String? = nil) -> StreamTranslator? {
        let ex = clientModel.map {
            Exchange(clientFormat: to, upstreamFormat: from, clientModel: $0, upstreamModel: "up", stream: true,
                     includeUsage: false, toolNames: ToolNameMap(), inputTokens: 3)
        }
        return try? StreamTranslator(config: TranslatorConfig(), exchange: ex, from: from, to: to, clock: { 5 })
    }

    static func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    @Test(arguments: [nil, "client-model"] as [String?])
    func passthroughNeverSendsHalfAnEventAndFailsCleanly(_ model: String?) throws {
        var t = try #require(Self.translator(.openaiChat, .openaiChat, clientModel: model))
        var out: [UInt8] = []
        try t.feed(Array("data: {\"model\":\"up\",\"a\":1}\n\ndata: {\"b\"".utf8)[...], into: &out)
        #expect(!Self.text(out).contains("{\"b\""))
        t.fail(NError(status: 502, message: "cut"), into: &out)
        let s = Self.text(out)
        #expect(s.hasSuffix("data: {\"error\":{\"message\":\"cut\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"))
        #expect(!s.contains("{\"b\""))
        #expect(!s.contains("[DONE]"))
    }

    @Test func rawPassthroughIsByteFaithfulWhereverTheInputIsSplit() throws {
        let input = Array("event: a\r\ndata: {\"x\":1}\r\n\r\n: ping\n\ndata: {\"y\":2}\r\rdata: [DONE]\n\n".utf8)
        for cut in 0...input.count {
            var t = try #require(Self.translator(.openaiChat, .openaiChat))
            var out: [UInt8] = []
            try t.feed(input[..<cut], into: &out)
            try t.feed(input[cut...], into: &out)
            try t.finish(into: &out)
            #expect(out == input, "cut at \(cut)")
        }
    }

    /// A CRLF split across chunks at the very end of the stream keeps its LF (found by fuzz_stream_events).
    @Test func rawPassthroughKeepsACRLFSplitAtTheEnd() throws {
        let input = Array("data: {\"y\":2}\r\n\r\ndata: [DONE]\r\n\r\n".utf8)
        for cut in 0...input.count {
            var t = try #require(Self.translator(.openaiChat, .openaiChat))
            var out: [UInt8] = []
            try t.feed(input[..<cut], into: &out)
            try t.feed(input[cut...], into: &out)
            try t.finish(into: &out)
            #expect(out == input, "cut at \(cut)")
        }
    }

    @Test func rawPassthroughEndIsCheckedForAHalfEvent() throws {
        var t = try #require(Self.translator(.openaiChat, .openaiChat))
        var out: [UInt8] = []
        try t.feed(Array("data: {\"a\":1}\n\ndata: [DONE]".utf8)[...], into: &out)
        try t.finish(into: &out)
        #expect(Self.text(out) == "data: {\"a\":1}\n\ndata: [DONE]\n\n")
        var u = try #require(Self.translator(.openaiChat, .openaiChat))
        out = []
        try u.feed(Array("data: {\"a\":1}\n\ndata: {\"a\"".utf8)[...], into: &out)
        #expect(throws: TranslateError.self) { try u.finish(into: &out) }
    }

    @Test func responsesPassthroughContinuesTheSequenceAndTheResponse() throws {
        var t = try #require(Self.translator(.openaiResponses, .openaiResponses))
        var out: [UInt8] = []
        let created = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_X\",\"created_at\":7,\"model\":\"m\",\"status\":\"in_progress\",\"output\":[]}}\n\n"
        let delta = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":4,\"delta\":\"hi\"}\n\n: keep-alive\n\nevent: response.output_text.delta\ndata: {\"type\":\"response"
        try t.feed(Array((created + delta).utf8)[...], into: &out)
        t.fail(NError(status: 504, message: "slow"), into: &out)
        let s = Self.text(out)
        #expect(s.contains("event: error\ndata: {\"type\":\"error\",\"sequence_number\":5,\"code\":\"timeout\",\"message\":\"slow\",\"param\":null}\n\n"))
        #expect(s.contains("event: response.failed\ndata: {\"type\":\"response.failed\",\"sequence_number\":6,\"response\":{\"id\":\"resp_X\",\"object\":\"response\",\"created_at\":7,\"status\":\"failed\""))
        #expect(!s.contains("{\"type\":\"response\"\n"))
    }

    @Test(arguments: [Format.anthropic, .openaiChat, .openaiResponses])
    func failingAfterTheUpstreamEndedAddsNothing(_ f: Format) throws {
        let end: String
        switch f {
        case .anthropic: end = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
        case .openaiChat: end = "data: [DONE]\n\n"
        case .openaiResponses: end = "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":3,\"response\":{}}\n\n"
        }
        var t = try #require(Self.translator(f, f))
        var out: [UInt8] = []
        try t.feed(Array(end.utf8)[...], into: &out)
        let before = out
        t.fail(NError(status: 502, message: "late"), into: &out)
        #expect(out == before)
    }

    @Test func translatedStreamFailsAfterADecoderError() throws {
        var t = try #require(Self.translator(.openaiChat, .anthropic, clientModel: "c"))
        var out: [UInt8] = []
        let good = "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"
        #expect(throws: TranslateError.self) { try t.feed(Array((good + "data: {bad\n\n").utf8)[...], into: &out) }
        t.fail(NError(status: 502, message: "bad upstream"), into: &out)
        let s = Self.text(out)
        #expect(s.hasPrefix("event: message_start"))
        #expect(s.hasSuffix("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"bad upstream\"}}\n\n"))
    }
}
