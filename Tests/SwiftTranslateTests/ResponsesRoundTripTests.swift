import Testing
@testable import SwiftTranslate

/// Two-turn tool conversations through the Translator: the reasoning state that one vendor
/// minted comes back to it intact on the next turn, one-shot and streamed.
@Suite struct ResponsesRoundTrips {
    let t = Translator(config: TranslatorConfig())

    static let upstreamResponse = #"{"id":"resp_1","status":"completed","model":"gpt-5","output":[{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Need the weather."}],"encrypted_content":"gAAAAopaque=="},{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"}],"usage":{"input_tokens":50,"output_tokens":20}}"#
    static let expectedReplay = #"{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Need the weather."}],"encrypted_content":"gAAAAopaque=="}"#

    func secondTurn(assistantContent: String) -> String {
        #"{"model":"claude-sonnet-5-5","max_tokens":1000,"tools":[{"name":"get_weather","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"weather in Paris?"},{"role":"assistant","content":\#(assistantContent)},{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"18C"}]}]}"#
    }

    func replayedItems(_ body: [UInt8]) throws -> [String] {
        let input = try #require(try JSONDocument.parse(body).root["input"])
        return input.elements.map { String(decoding: $0.raw, as: UTF8.self) }
    }

    /// Claude Code on a Responses model, one-shot.
    @Test func anthropicClientKeepsResponsesReasoning() throws {
        let first = #"{"model":"claude-sonnet-5-5","max_tokens":1000,"tools":[{"name":"get_weather","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"weather in Paris?"}]}"#
        let (_, exchange) = try t.translateRequest(from: .anthropic, to: .openaiResponses, body: Array(first.utf8))
        let answer = try t.translateResponse(exchange: exchange, from: .openaiResponses, to: .anthropic, body: Array(Self.upstreamResponse.utf8))
        let content = try #require(try JSONDocument.parse(answer.body).root["content"])
        let next = try t.translateRequest(from: .anthropic, to: .openaiResponses, body: Array(secondTurn(assistantContent: String(decoding: content.raw, as: UTF8.self)).utf8)).0
        let items = try replayedItems(next.body)
        #expect(items.count == 4)
        #expect(items[1] == Self.expectedReplay)
        #expect(items[2].contains(#""call_id":"call_1""#))
        #expect(next.warnings.isEmpty, "\(next.warnings)")
    }

    /// The same, with the answer streamed: the signature assembled from the Anthropic SSE events
    /// gives back the same reasoning item.
    @Test func anthropicClientKeepsStreamedResponsesReasoning() throws {
        let sse = """
        event: response.created
        data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","status":"in_progress","model":"gpt-5","output":[]}}

        event: response.output_item.added
        data: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[]}}

        event: response.reasoning_summary_text.delta
        data: {"type":"response.reasoning_summary_text.delta","sequence_number":2,"output_index":0,"item_id":"rs_1","summary_index":0,"delta":"Need the weather."}

        event: response.output_item.done
        data: {"type":"response.output_item.done","sequence_number":3,"output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Need the weather."}],"encrypted_content":"gAAAAopaque=="}}

        event: response.output_item.added
        data: {"type":"response.output_item.added","sequence_number":4,"output_index":1,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":""}}

        event: response.function_call_arguments.delta
        data: {"type":"response.function_call_arguments.delta","sequence_number":5,"output_index":1,"item_id":"fc_1","delta":"{\\"city\\":\\"Paris\\"}"}

        event: response.output_item.done
        data: {"type":"response.output_item.done","sequence_number":6,"output_index":1,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}

        event: response.completed
        data: {"type":"response.completed","sequence_number":7,"response":{"id":"resp_1","status":"completed","output":[],"usage":{"input_tokens":50,"output_tokens":20}}}


        """
        var stream = try StreamTranslator(config: t.config, exchange: nil, from: .openaiResponses, to: .anthropic)
        var out: [UInt8] = []
        try stream.feed(Array(sse.utf8)[...], into: &out)
        try stream.finish(into: &out)
        // assemble the blocks the way an Anthropic client does
        var thinking = "", signature = "", args = ""
        var parser = SSEParser()
        var pos = 0
        while let ev = try parser.next(in: out[...], at: &pos) {
            guard ev.kind == .message, let doc = try? JSONDocument.parse(ev.data) else { continue }
            let d = doc.root["delta"]
            thinking += d?["thinking"]?.string ?? ""
            signature += d?["signature"]?.string ?? ""
            args += d?["partial_json"]?.string ?? ""
        }
        var w = JSONWriter()
        w.beginArray()
        w.beginObject(); w.field("type", "thinking"); w.field("thinking", thinking); w.field("signature", signature); w.endObject()
        w.beginObject(); w.field("type", "tool_use"); w.field("id", "call_1"); w.field("name", "get_weather"); w.key("input"); w.raw(Array(args.utf8)); w.endObject()
        w.endArray()
        let next = try t.translateRequest(from: .anthropic, to: .openaiResponses, body: Array(secondTurn(assistantContent: String(decoding: w.bytes, as: UTF8.self)).utf8)).0
        let items = try replayedItems(next.body)
        #expect(items.count == 4)
        #expect(items[1] == Self.expectedReplay)
    }

    /// A Responses client on Claude: the thinking block and its Anthropic signature survive the
    /// trip through a reasoning item and reach Anthropic unchanged.
    @Test func responsesClientKeepsAnthropicThinking() throws {
        let request = #"{"model":"gpt-client","input":"weather?","tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"},"strict":false}]}"#
        let (_, exchange) = try t.translateRequest(from: .openaiResponses, to: .anthropic, body: Array(request.utf8))
        let claude = #"{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[{"type":"thinking","thinking":"Let me check.","signature":"EqQBsig/+=="},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],"stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":5}}"#
        let answer = try t.translateResponse(exchange: exchange, from: .anthropic, to: .openaiResponses, body: Array(claude.utf8))
        let output = try #require(try JSONDocument.parse(answer.body).root["output"])
        let items = output.elements.map { String(decoding: $0.raw, as: UTF8.self) }.joined(separator: ",")
        let second = #"{"model":"gpt-client","tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"},"strict":false}],"input":[{"role":"user","content":"weather?"},\#(items),{"type":"function_call_output","call_id":"toolu_1","output":"18C"}]}"#
        let next = try t.translateRequest(from: .openaiResponses, to: .anthropic, body: Array(second.utf8)).0
        let messages = try #require(try JSONDocument.parse(next.body).root["messages"])
        let assistant = try #require(Array(messages.elements).dropFirst().first)
        let blocks = Array(try #require(assistant["content"]).elements)
        #expect(blocks.first?["type"]?.string == "thinking")
        #expect(blocks.first?["thinking"]?.string == "Let me check.")
        #expect(blocks.first?["signature"]?.string == "EqQBsig/+==")
        #expect(blocks.last?["id"]?.string == "toolu_1")
        #expect(next.warnings.isEmpty, "\(next.warnings)")
    }
}
