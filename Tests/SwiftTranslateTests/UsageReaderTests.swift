import Testing
@testable import SwiftTranslate

/// The usage and model hosts read through apx_response_usage / apx_stream_usage.
@Suite struct UsageReaderTests {
    static let responsesSSE = """
        event: response.created
        data: {"type":"response.created","sequence_number":0,"response":{"id":"r1","object":"response","created_at":1,"model":"gpt-5","status":"in_progress","output":[],"usage":null}}

        event: response.output_item.added
        data: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"m1","type":"message","role":"assistant","status":"in_progress","content":[]}}

        event: response.output_item.done
        data: {"type":"response.output_item.done","sequence_number":2,"output_index":0,"item":{"id":"m1","type":"message","role":"assistant","status":"completed","content":[{"type":"output_text","text":"hi","annotations":[]}]}}

        event: response.completed
        data: {"type":"response.completed","sequence_number":3,"response":{"id":"r1","object":"response","created_at":1,"model":"gpt-5-2025","status":"completed","output":[],"usage":{"input_tokens":30,"input_tokens_details":{"cached_tokens":20},"output_tokens":8,"output_tokens_details":{"reasoning_tokens":5}}}}


        """

    /// Every client format, and the passthrough both raw (no exchange) and restoring the model.
    @Test(arguments: [Format.anthropic, .openaiChat, .openaiResponses])
    func responsesStreamUsage(to: Format) throws {
        let bytes = Array(Self.responsesSSE.utf8)
        var t = try StreamTranslator(config: TranslatorConfig(), exchange: nil, from: .openaiResponses, to: to)
        var out: [UInt8] = []
        #expect(t.usage == UsageReport())
        for b in bytes { try t.feed([b][...], into: &out) }
        try t.finish(into: &out)
        #expect(t.usage == UsageReport(usage: NUsage(input: 30, cacheRead: 20, output: 8, reasoning: 5), model: "gpt-5-2025"))
    }

    @Test func passthroughRestoringTheModelMetersTheUpstreamModel() throws {
        let ex = Exchange(clientFormat: .openaiResponses, upstreamFormat: .openaiResponses, clientModel: "client-name",
                          upstreamModel: "gpt-5", stream: true, includeUsage: false, toolNames: ToolNameMap(), inputTokens: 3)
        var t = try StreamTranslator(config: TranslatorConfig(), exchange: ex, from: .openaiResponses, to: .openaiResponses)
        var out: [UInt8] = []
        try t.feed(Array(Self.responsesSSE.utf8)[...], into: &out)
        try t.finish(into: &out)
        #expect(String(decoding: out, as: UTF8.self).contains("\"model\":\"client-name\""))
        #expect(t.usage.model == "gpt-5-2025")
        #expect(t.usage.usage?.input == 30)
    }

    @Test func aBadCountInTheStreamIsLeftOut() throws {
        var t = try StreamTranslator(config: TranslatorConfig(), exchange: nil, from: .openaiChat, to: .openaiChat)
        var out: [UInt8] = []
        try t.feed(Array("data: {\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":-4}}\n\n".utf8)[...], into: &out)
        #expect(t.usage == UsageReport(usage: nil, model: "m"))
    }

    @Test func requestModel() throws {
        let t = Translator(config: TranslatorConfig())
        #expect(try t.requestModel(format: .anthropic, body: Array(#"{"messages":[{"model":"inner"}],"model":"outer"}"#.utf8)) == "outer")
        #expect(throws: TranslateError.self) { try t.requestModel(format: .anthropic, body: Array(#"{"model":null}"#.utf8)) }
    }
}
