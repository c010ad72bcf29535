import Testing
@testable import SwiftTranslate

/// Chat request → NRequest.
@Suite struct ChatToAnthropicDecoding {
    @Test func systemAndDeveloperAreHoistedInOrder() throws {
        let (r, w) = try C2A.decode(#"{"model":"m","messages":[{"role":"system","content":"a"},{"role":"user","content":"q"},{"role":"developer","content":[{"type":"text","text":"b"}]}]}"#)
        #expect(r.system.map(\.text) == ["a", "b"])
        #expect(r.messages.count == 1)
        #expect(w.count == 1 && w[0].hasPrefix("messages[2]:"))
    }

    @Test func imagePartsKeepDetailAndSplitDataURLs() throws {
        let (r, _) = try C2A.decode(#"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/jpeg;name=x.jpg;base64,/9j/4A==","detail":"low"}},{"type":"image_url","image_url":"https://x.test/a.png"}]}]}"#)
        let parts = try #require(r.messages.first?.parts)
        guard case .image(let a) = parts[0], case .base64(let type, let data) = a.source else { Issue.record("not a base64 image"); return }
        #expect(type == "image/jpeg" && data == "/9j/4A==" && a.detail == "low")
        guard case .image(let b) = parts[1], case .url(let url) = b.source else { Issue.record("not a url image"); return }
        #expect(url == "https://x.test/a.png" && b.detail == nil)
    }

    @Test func badImageURLsAreErrorsWithPaths() {
        let notURL = C2A.failure { _ = try C2A.decode(#"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x"}}]}]}"#) }
        #expect(notURL?.status == .invalid && notURL?.path == "messages[0].content[0].image_url.url")
        let notBase64 = C2A.failure { _ = try C2A.decode(#"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,abc"}}]}]}"#) }
        #expect(notBase64?.status == .unsupported)
    }

    @Test func fileDataWithoutDataURLIsAssumedPDFWithWarning() throws {
        let (r, w) = try C2A.decode(#"{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_data":"JVBERi0=","filename":"a.pdf"}}]}]}"#)
        guard case .document(let d)? = r.messages.first?.parts.first, case .base64(let t, let data) = d.source else { Issue.record("no document"); return }
        #expect(t == "application/pdf" && data == "JVBERi0=" && d.filename == "a.pdf")
        #expect(w.contains { $0.contains("assumed") })
    }

    @Test func reasoningFieldsBecomeUnsignedThinkingFirst() throws {
        for field in ["reasoning_content", "reasoning"] {
            let (r, _) = try C2A.decode(#"{"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a","\#(field)":"why"}]}"#)
            let parts = r.messages[1].parts
            guard case .thinking(let t) = parts[0], case .text(let x) = parts[1] else { Issue.record("order"); return }
            #expect(t.text == "why" && t.signature == nil && x.text == "a")
        }
    }

    @Test func assistantRefusalAndPartsAreKept() throws {
        let (r, _) = try C2A.decode(#"{"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"text","text":"t"},{"type":"refusal","refusal":"no"}],"refusal":"never"}]}"#)
        let kinds = r.messages[1].parts.map { p -> String in
            switch p { case .text(let t): return "text:" + t.text; case .refusal(let s): return "refusal:" + s; default: return "?" }
        }
        #expect(kinds == ["text:t", "refusal:no", "refusal:never"])
    }

    @Test func toolResultsStayFirstInTheirTurn() throws {
        let (r, _) = try C2A.decode(#"""
        {"model":"m","messages":[{"role":"user","content":"q"},
         {"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"b","type":"function","function":{"name":"f","arguments":"{}"}}]},
         {"role":"tool","tool_call_id":"a","content":"1"},{"role":"user","content":"look"},{"role":"tool","tool_call_id":"b","content":"2"}]}
        """#)
        #expect(r.messages.count == 3)
        let ids = r.messages[2].parts.map { p -> String in
            switch p { case .toolResult(let t): return t.toolCallId; case .text(let t): return "text:" + t.text; default: return "?" }
        }
        #expect(ids == ["a", "b", "text:look"])
    }

    @Test func argumentsStringBecomesExactBytes() throws {
        let (r, _) = try C2A.decode(#"{"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{\"x\": \"\\u00e9\\n\"}"}}]},{"role":"tool","tool_call_id":"a","content":"ok"}]}"#)
        guard case .toolCall(let c) = r.messages[1].parts[0] else { Issue.record("no call"); return }
        #expect(String(decoding: c.arguments, as: UTF8.self) == "{\"x\": \"\\u00e9\\n\"}")
    }

    @Test func customToolCallsAndToolsAreUnsupported() {
        let call = C2A.failure { _ = try C2A.decode(#"{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"a","type":"custom","custom":{"name":"g","input":"x"}}]}]}"#) }
        #expect(call?.status == .unsupported && call?.path == "messages[0].tool_calls[0]")
        let choice = C2A.failure { _ = try C2A.decode(#"{"model":"m","messages":[],"tool_choice":{"type":"custom","custom":{"name":"g"}}}"#) }
        #expect(choice?.status == .unsupported && choice?.path == "tool_choice")
    }

    @Test func namesAndUnknownFieldsAreDroppedWithWarnings() throws {
        let (_, w) = try C2A.decode(#"{"model":"m","messages":[{"role":"user","content":"q","name":"ann"}],"frobnicate":1,"store":false,"logprobs":false,"frequency_penalty":0,"presence_penalty":0.0,"logit_bias":{},"metadata":{}}"#)
        #expect(w.contains { $0.hasPrefix("messages[0].name") })
        #expect(w.contains { $0.hasPrefix("frobnicate") })
        #expect(w.count == 2, "false, 0 and {} ask for nothing: \(w)")
    }

    @Test func cacheControlOnPartsAndToolsIsKept() throws {
        let (r, _) = try C2A.decode(#"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"big","cache_control":{"type":"ephemeral"}}]}],"tools":[{"type":"function","function":{"name":"f"},"cache_control":{"type":"ephemeral","ttl":"1h"}}]}"#)
        guard case .text(let t)? = r.messages.first?.parts.first else { Issue.record("no text"); return }
        #expect(t.cacheControl.map { String(decoding: $0, as: UTF8.self) } == #"{"type":"ephemeral"}"#)
        #expect(r.tools.first?.cacheControl.map { String(decoding: $0, as: UTF8.self) } == #"{"type":"ephemeral","ttl":"1h"}"#)
    }

    @Test func topLevelScalarsAreRead() throws {
        let (r, _) = try C2A.decode(#"{"model":"m","messages":[],"max_tokens":10,"max_completion_tokens":20,"temperature":0.50,"top_p":1,"stop":["a","b"],"n":1,"stream":true,"stream_options":{"include_usage":true},"user":"u","service_tier":"flex","parallel_tool_calls":false}"#)
        #expect(r.maxTokens == 20 && r.temperature == "0.50" && r.topP == "1" && r.stop == ["a", "b"])
        #expect(r.stream && r.includeUsage && r.user == "u" && r.serviceTier == "flex" && r.parallelToolCalls == false)
    }

    @Test func responseFormatJSONSchemaKeepsNameStrictAndRawSchema() throws {
        let (r, _) = try C2A.decode(#"{"model":"m","messages":[],"response_format":{"type":"json_schema","json_schema":{"name":"n","strict":true,"description":"d","schema":{"type":"object", "properties":{}}}}}"#)
        guard case .jsonSchema(let name, let desc, let schema, let strict)? = r.responseFormat else { Issue.record("no schema"); return }
        #expect(name == "n" && desc == "d" && strict == true)
        #expect(String(decoding: schema, as: UTF8.self) == #"{"type":"object", "properties":{}}"#)
    }

    @Test func reasoningEffortMapping() throws {
        let cases: [(String, NReasoningConfig.Mode, String?)] = [("none", .disabled, nil), ("minimal", .adaptive, "low"), ("xhigh", .adaptive, "xhigh"), ("max", .adaptive, "max")]
        for (effort, mode, mapped) in cases {
            let (r, _) = try C2A.decode(#"{"model":"m","messages":[],"reasoning_effort":"\#(effort)"}"#)
            #expect(r.reasoning?.mode == mode && r.reasoning?.effort == mapped, "\(effort)")
        }
    }

    @Test func vendorReasoningParametersMap() throws {
        let cases: [(String, NReasoningConfig.Mode?, Int?, String?)] = [
            (#""reasoning":{"max_tokens":3000}"#, .enabled, 3000, nil),
            (#""reasoning":{"effort":"high"}"#, .adaptive, nil, "high"),
            (#""reasoning":{"enabled":false}"#, .disabled, nil, nil),
            (#""reasoning":{}"#, nil, nil, nil),
            (#""thinking":{"type":"enabled","budget_tokens":2048}"#, .enabled, 2048, nil),
            (#""thinking":{"type":"disabled"}"#, .disabled, nil, nil),
            (#""thinking":{"type":"enabled","budget_tokens":2048},"reasoning_effort":"low""#, .adaptive, nil, "low"),
        ]
        for (fields, mode, budget, effort) in cases {
            let (r, _) = try C2A.decode(#"{"model":"m","messages":[],\#(fields)}"#)
            #expect(r.reasoning?.mode == mode && r.reasoning?.budgetTokens == budget && r.reasoning?.effort == effort, "\(fields)")
        }
    }

    @Test(arguments: [
        (#"{"model":1,"messages":[]}"#, "model"),
        (#"{"model":"m","messages":[],"thinking":{"type":"maybe"}}"#, "thinking.type"),
        (#"{"model":"m","messages":[],"reasoning":{"max_tokens":"lots"}}"#, "reasoning.max_tokens"),
        (#"{"model":"m","messages":[],"reasoning":{"effort":"huge"}}"#, "reasoning.effort"),
        (#"{"model":"m"}"#, "messages"),
        (#"{"model":"m","messages":{}}"#, "messages"),
        (#"{"model":"m","messages":[3]}"#, "messages[0]"),
        (#"{"model":"m","messages":[{"content":"x"}]}"#, "messages[0].role"),
        (#"{"model":"m","messages":[{"role":"wizard","content":"x"}]}"#, "messages[0].role"),
        (#"{"model":"m","messages":[{"role":"user"}]}"#, "messages[0].content"),
        (#"{"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]}"#, "messages[0].content[0].text"),
        (#"{"model":"m","messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"https://x"}}]}]}"#, "messages[0].content[0]"),
        (#"{"model":"m","messages":[],"max_tokens":-1}"#, "max_tokens"),
        (#"{"model":"m","messages":[],"max_completion_tokens":1.5}"#, "max_completion_tokens"),
        (#"{"model":"m","messages":[],"temperature":"hot"}"#, "temperature"),
        (#"{"model":"m","messages":[],"stop":["a",1]}"#, "stop[1]"),
        (#"{"model":"m","messages":[],"stream":"yes"}"#, "stream"),
        (#"{"model":"m","messages":[],"tool_choice":"sometimes"}"#, "tool_choice"),
        (#"{"model":"m","messages":[],"tool_choice":{"type":"function","function":{"name":"ghost"}}}"#, "tool_choice.function.name"),
        (#"{"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"auto","tools":[{"type":"function","function":{"name":"g"}}]}}}"#, "tool_choice.allowed_tools.tools[0]"),
        (#"{"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"f","parameters":[]}}]}"#, "tools[0].function.parameters"),
        (#"{"model":"m","messages":[],"response_format":{"type":"json_schema"}}"#, "response_format.json_schema"),
        (#"{"model":"m","messages":[],"functions":[{"name":"f"}],"tools":[{"type":"function","function":{"name":"f"}}]}"#, "tools"),
        (#"{"model":"m","messages":[],"reasoning_effort":"extreme"}"#, "reasoning_effort"),
        (#"{"model":"m","messages":[{"role":"function","name":"f","content":"x"}]}"#, "messages[0]"),
        (#"{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":[1]}}]}]}"#, "messages[0].tool_calls[0].function.arguments"),
    ])
    func wrongShapesNameTheirPath(_ json: String, _ path: String) {
        let e = C2A.failure { _ = try C2A.decode(json) }
        #expect(e?.status == .invalid, "\(json)")
        #expect(e?.path == path, "\(json): \(e?.message ?? "no error")")
    }

    @Test func foreignReasoningDetailsLoseTheirSignature() throws {
        let (r, _) = try C2A.decode(#"{"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a","reasoning_details":[{"type":"reasoning.text","text":"t","signature":"gAAA","format":"openai-responses-v1"},{"type":"reasoning.text","text":"u","signature":"EqQB"}]}]}"#)
        let sigs = r.messages[1].parts.compactMap { p -> String?? in if case .thinking(let t) = p { return .some(t.signature) } else { return nil } }
        #expect(sigs == [nil, "EqQB"])
    }

    @Test func secondResultForTheSameCallIsRejected() {
        let e = C2A.failure { _ = try C2A.decode(#"{"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"a","content":"1"},{"role":"tool","tool_call_id":"a","content":"2"}]}"#) }
        #expect(e?.path == "messages[3].tool_call_id")
    }
}
