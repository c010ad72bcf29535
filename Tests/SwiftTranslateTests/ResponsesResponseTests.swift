import Testing
@testable import SwiftTranslate

@Suite struct ResponsesResponseDecoding {
    static let toolTurn = #"""
    {"id":"resp_1","object":"response","created_at":1760000000,"status":"completed","model":"gpt-5",
     "output":[
       {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Plan A."},{"type":"summary_text","text":"Plan B."}],"encrypted_content":"gAAAAsecret"},
       {"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Let me check.","annotations":[]}]},
       {"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"}
     ],
     "usage":{"input_tokens":1200,"input_tokens_details":{"cached_tokens":1000},"output_tokens":300,"output_tokens_details":{"reasoning_tokens":250},"total_tokens":1500}}
    """#

    @Test func toolTurnWithReasoning() throws {
        let (r, warnings) = try RX.decodeResponse(Self.toolTurn)
        #expect(warnings.isEmpty)
        #expect(r.id == "resp_1"); #expect(r.model == "gpt-5"); #expect(r.created == 1760000000)
        #expect(r.stopReason == .toolUse)
        #expect(r.usage == NUsage(input: 1200, cacheRead: 1000, cacheWrite: 0, output: 300, reasoning: 250))
        #expect(r.usage.uncachedInput == 200)
        try #require(r.content.count == 3)
        // the reasoning item becomes thinking whose signature carries it (as in streams)
        let thinking = try #require(r.content[0].thinkingValue)
        #expect(thinking.text == "Plan A.\n\nPlan B.")
        #expect(ThinkingSignature.origin(thinking.signature) == .responses(id: "rs_1", encryptedContent: "gAAAAsecret"))
        #expect(r.content[1].textValue == "Let me check.")
        let call = try #require(r.content[2].toolCallValue)
        #expect(call.id == "call_1"); #expect(call.itemId == "fc_1")
        #expect(String(decoding: call.arguments, as: UTF8.self) == #"{"city":"Paris"}"#)
    }

    @Test func statusesBecomeStopReasons() throws {
        func stop(_ tail: String) throws(TranslateError) -> NStopReason {
            try RX.decodeResponse(#"{"id":"r","model":"m","output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"x","annotations":[]}]}],"# + tail).0.stopReason
        }
        #expect(try stop(#""status":"completed"}"#) == .endTurn)
        #expect(try stop(#""status":"incomplete","incomplete_details":{"reason":"max_output_tokens"}}"#) == .maxTokens)
        #expect(try stop(#""status":"incomplete","incomplete_details":{"reason":"content_filter"}}"#) == .refusal)
        do { _ = try stop(#""status":"queued"}"#); Issue.record("accepted a queued response") } catch {
            #expect(error.path == "status")
        }
    }

    @Test func failedResponseCarriesTheError() throws {
        let (r, _) = try RX.decodeResponse(#"{"id":"r","status":"failed","error":{"code":"rate_limit_exceeded","message":"Slow down"},"output":[]}"#)
        let e = try #require(r.error)
        #expect(e.kind == .rateLimit); #expect(e.status == 429); #expect(e.message == "Slow down")
        let (bad, _) = try RX.decodeResponse(#"{"id":"r","status":"failed","error":{"code":"invalid_prompt","message":"Flagged"},"output":[]}"#)
        #expect(bad.error?.kind == .invalidRequest); #expect(bad.error?.status == 400)
        let (cancelled, _) = try RX.decodeResponse(#"{"id":"r","status":"cancelled","error":null,"output":[]}"#)
        #expect(cancelled.error?.kind == .api)
    }

    /// A failed generation reaches an Anthropic or Chat client as its own error body and status.
    @Test func translatorAnswersFailedWithAnError() throws {
        let t = Translator(config: TranslatorConfig())
        let body = Array(#"{"id":"r","status":"failed","error":{"code":"server_error","message":"boom"},"output":[]}"#.utf8)
        let a = try t.translateResponse(exchange: nil, from: .openaiResponses, to: .anthropic, body: body)
        #expect(a.status == 500)
        #expect(String(decoding: a.body, as: UTF8.self) == #"{"type":"error","error":{"type":"api_error","message":"boom"}}"#)
        let c = try t.translateResponse(exchange: nil, from: .openaiResponses, to: .openaiChat, body: body)
        #expect(c.status == 500)
        #expect(try JSONDocument.parse(c.body).root["error"]?["message"]?.string == "boom")
    }

    /// A reasoning item with neither text nor encrypted content (the client asked for no
    /// reasoning) is not shown: an Anthropic client without thinking gets no thinking block.
    @Test func emptyReasoningItemsAreNotShown() throws {
        let (r, warnings) = try RX.decodeResponse(#"{"id":"r","status":"completed","output":[{"type":"reasoning","id":"rs_1","summary":[]},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"hi","annotations":[]}]}]}"#)
        #expect(r.content.count == 1)
        #expect(r.content.first?.textValue == "hi")
        #expect(warnings.isEmpty)
    }

    @Test func builtinItemsAreDroppedWithAWarning() throws {
        let (r, warnings) = try RX.decodeResponse(#"{"id":"r","status":"completed","output":[{"type":"web_search_call","id":"ws_1","status":"completed"},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"found","annotations":[{"type":"url_citation","url":"u"}]}]}]}"#)
        #expect(r.content.count == 1)
        #expect(warnings.contains { $0.hasPrefix("output[0]") })
        #expect(warnings.contains { $0.hasPrefix("output[1].content[0].annotations") })
    }
}

@Suite struct ResponsesResponseEncoding {
    @Test func anthropicContentBecomesItems() throws {
        var r = NResponse()
        r.id = "msg_01ABC"
        r.model = "claude-x"
        r.content = [.thinking(NThinking(text: "Thinking hard.", signature: "EqQBsigAnthropic")),
                     .text(NText("Answer:")), .text(NText("42")),
                     .toolCall(NToolCall(id: "toolu_01X", name: "calc", arguments: Array(#"{"x":1}"#.utf8))),
                     .redactedThinking("opaque")]
        r.stopReason = .toolUse
        r.usage = NUsage(input: 500, cacheRead: 100, cacheWrite: 50, output: 40)
        let (doc, _) = try RX.encodeResponse(r)
        let root = doc.root
        #expect(root["id"]?.string == "resp_01ABC")
        #expect(root["object"]?.string == "response")
        #expect(root["status"]?.string == "completed")
        #expect(root["incomplete_details"]?.isNull == true)
        let out = Array(try #require(root["output"]).elements)
        #expect(out.map { $0["type"]?.string ?? "" } == ["reasoning", "message", "function_call", "reasoning"])
        #expect(RX.text(out[0]) == #"{"type":"reasoning","id":"rs_01ABC_0","summary":[{"type":"summary_text","text":"Thinking hard."}],"encrypted_content":"apx1.a.EqQBsigAnthropic","status":"completed"}"#)
        #expect(RX.text(out[1]["content"]) == #"[{"type":"output_text","text":"Answer:","annotations":[]},{"type":"output_text","text":"42","annotations":[]}]"#)
        #expect(out[1]["id"]?.string == "msg_01ABC_1")
        #expect(RX.text(out[2]) == #"{"type":"function_call","id":"fc_01X","call_id":"toolu_01X","name":"calc","arguments":"{\"x\":1}","status":"completed"}"#)
        #expect(out[3]["encrypted_content"]?.string == "apx1.ad.opaque")
        #expect(RX.text(root["usage"]) == #"{"input_tokens":500,"input_tokens_details":{"cached_tokens":100,"cache_write_tokens":50},"output_tokens":40,"total_tokens":540}"#, "no reasoning figure from Anthropic: no made-up 0")
    }

    @Test func stopReasonsBecomeStatuses() throws {
        for (stop, status, reason) in [(NStopReason.maxTokens, "incomplete", "max_output_tokens"),
                                       (.refusal, "incomplete", "content_filter"),
                                       (.endTurn, "completed", nil), (.stopSequence, "completed", nil)] {
            var r = NResponse()
            r.stopReason = stop
            r.content = [.text(NText("x"))]
            let root = try RX.encodeResponse(r).0.root
            #expect(root["status"]?.string == status)
            #expect(root["incomplete_details"]?["reason"]?.string == reason)
            #expect(Array(root["output"]?.elements ?? JSONValue.emptyElements(root)).first?["status"]?.string == status)
        }
    }

    /// The reasoning round trip for a Responses client on Claude: the thinking block leaves as a
    /// reasoning item, comes back in the next request's input, and reaches Anthropic unchanged.
    @Test func anthropicThinkingSurvivesAResponsesClient() throws {
        var r = NResponse()
        r.id = "msg_9"
        r.content = [.thinking(NThinking(text: "step 1\n\nstep 2", signature: "SIG/+=")), .toolCall(NToolCall(id: "toolu_1", name: "f", arguments: Array("{}".utf8)))]
        let out = try RX.encodeResponse(r).0.root["output"]
        let items = String(RX.text(out).dropFirst().dropLast()) // the output items, without brackets
        let next = #"{"model":"m","input":[{"role":"user","content":"go"},"# + items + #",{"type":"function_call_output","call_id":"toolu_1","output":"done"}]}"#
        let (req, _) = try RX.decodeRequest(next)
        let turn = try #require(req.messages.count == 3 ? req.messages[1] : nil)
        #expect(turn.parts.first?.thinkingValue?.text == "step 1\n\nstep 2")
        #expect(turn.parts.first?.thinkingValue?.signature == "SIG/+=")
        #expect(turn.parts.last?.toolCallValue?.id == "toolu_1")
    }

    /// The reasoning round trip for Claude Code on a Responses model: the reasoning item rides in
    /// the thinking signature and goes back as the same item.
    @Test func responsesReasoningSurvivesAnAnthropicClient() throws {
        let (resp, _) = try RX.decodeResponse(ResponsesResponseDecoding.toolTurn)
        // what an Anthropic client receives and sends back unchanged
        let thinking = try #require(resp.content.first?.thinkingValue)
        var req = NRequest()
        req.model = "gpt-5"
        req.messages = [NMessage(role: .user, parts: [.text(NText("weather?"))]),
                        NMessage(role: .assistant, parts: [.thinking(thinking)] + resp.content.dropFirst()),
                        NMessage(role: .user, parts: [.toolResult(NToolResult(toolCallId: "call_1", content: [.text(NText("18C"))], isError: false))])]
        let (doc, warnings, _) = try RX.encodeRequest(req)
        #expect(warnings.isEmpty)
        let items = Array(try #require(doc.root["input"]).elements)
        #expect(RX.text(items[1]) == #"{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Plan A.\n\nPlan B."}],"encrypted_content":"gAAAAsecret"}"#)
        #expect(items[3]["id"]?.string == "fc_1")
        #expect(items[3]["call_id"]?.string == "call_1")
    }
}
