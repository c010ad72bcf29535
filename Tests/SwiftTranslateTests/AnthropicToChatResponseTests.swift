import Testing
@testable import SwiftTranslate

@Suite struct AnthropicToChatResponseDecodeErrors {
    @Test(arguments: [
        (#"{"id":"x","object":"chat.completion"}"#, ""),
        (#"{"id":"x","choices":{}}"#, "choices"),
        (#"{"id":"x","choices":[]}"#, "choices"),
        (#"{"id":"x","choices":[{"index":0,"finish_reason":"stop"}]}"#, "choices[0]"),
        (#"{"id":"x","choices":[{"message":"hi"}]}"#, "choices[0].message"),
        (#"{"id":"x","choices":[{"message":{"content":5}}]}"#, "choices[0].message.content"),
        (#"{"id":"x","choices":[{"message":{"content":null,"tool_calls":{}}}]}"#, "choices[0].message.tool_calls"),
        (#"{"id":"x","choices":[{"message":{"tool_calls":[{"id":"c","type":"function"}]}}]}"#, "choices[0].message.tool_calls[0]"),
        (#"{"id":"x","choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":"f","arguments":7}}]}}]}"#, "choices[0].message.tool_calls[0].function.arguments"),
        (#"{"id":"x","choices":[{"message":{"content":"a"}}],"usage":[]}"#, "usage"),
        (#"{"id":7,"choices":[{"message":{"content":"a"}}]}"#, "id"),
        (#"[1,2]"#, ""),
    ])
    func wrongShapesGiveInvalidWithPath(_ body: String, _ path: String) {
        let e = A2C.responseError(body)
        #expect(e?.status == .invalid, "\(body)")
        #expect(e?.path == path, "\(body): \(e?.message ?? "no error")")
    }
}

@Suite struct AnthropicToChatResponseEncoding {
    static func content(_ doc: JSONDocument, _ i: Int) -> JSONValue? { A2C.at(doc.root["content"], i) }

    @Test func argumentsThatAreNotAnObjectAreKeptAsTextWithAWarning() throws {
        let (doc, warnings) = try A2C.response(#"{"id":"c","choices":[{"message":{"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"not json"}}]},"finish_reason":"tool_calls"}]}"#)
        let block = Self.content(doc, 0)
        #expect(block?["input"]?["_raw_arguments"]?.string == "not json")
        #expect(warnings.contains { $0.contains("call_1") && $0.contains("_raw_arguments") })
    }

    @Test func objectArgumentsArePassedThroughExactly() throws {
        // The arguments string holds JSON text with its own spacing and number forms.
        let (doc, warnings) = try A2C.response(#"{"id":"c","choices":[{"message":{"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"  {\"z\": 1.50, \"a\": [1e2]}\n"}}]},"finish_reason":"tool_calls"}]}"#)
        #expect(A2C.raw(Self.content(doc, 0)?["input"]) == #"{"z": 1.50, "a": [1e2]}"#)
        #expect(warnings.isEmpty)
    }

    @Test func doubleEncodedArgumentsAreUnwrappedWithAWarning() throws {
        let (doc, warnings) = try A2C.response(#"{"id":"c","choices":[{"message":{"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"\"{\\\"a\\\": 1}\""}}]},"finish_reason":"tool_calls"}]}"#)
        #expect(A2C.raw(Self.content(doc, 0)?["input"]) == #"{"a": 1}"#)
        #expect(warnings.contains { $0.contains("encoded twice") })
    }

    @Test func emptyArgumentsBecomeAnEmptyObjectWithoutWarning() throws {
        let (doc, warnings) = try A2C.response(#"{"id":"c","choices":[{"message":{"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]},"finish_reason":"tool_calls"}]}"#)
        #expect(A2C.raw(Self.content(doc, 0)?["input"]) == "{}")
        #expect(warnings.isEmpty)
    }

    @Test func thinkingSignatureIsNeverEmpty() throws {
        var ctx = TranslationContext(config: TranslatorConfig())
        var r = NResponse()
        r.content = [.thinking(NThinking(text: "a", signature: "")), .thinking(NThinking(text: "b", signature: nil)),
                     .thinking(NThinking(text: "c", signature: "sig-real"))]
        let doc = try JSONDocument.parse(try AnthropicResponseEncoder.encode(r, &ctx))
        #expect(Self.content(doc, 0)?["signature"]?.string == ThinkingSignature.chat)
        #expect(Self.content(doc, 1)?["signature"]?.string == ThinkingSignature.chat)
        #expect(Self.content(doc, 2)?["signature"]?.string == "sig-real")
    }

    @Test func emptyTextIsSkippedAndNothingGivesAnEmptyList() throws {
        let (doc, _) = try A2C.response(#"{"id":"c","choices":[{"message":{"content":""},"finish_reason":"stop"}]}"#)
        #expect(doc.root["content"]?.isArray == true)
        #expect(doc.root["content"]?.count == 0)
        #expect(doc.root["stop_reason"]?.string == "end_turn")
        #expect(doc.root["stop_sequence"]?.isNull == true)
    }

    @Test(arguments: [("chatcmpl-abc", "msg_chatcmpl-abc"), ("msg_keep", "msg_keep"), ("", "msg_apx")])
    func messageIDs(_ upstream: String, _ expected: String) {
        #expect(AnthropicResponseEncoder.messageID(upstream) == expected)
    }

    @Test func unsafeUpstreamIDIsMadeSafe() {
        let id = AnthropicResponseEncoder.messageID("gen/123:abc")
        #expect(id.hasPrefix("msg_"))
        #expect(id.utf8.allSatisfy(ToolNameMap.isSafeByte))
    }

    @Test func toolCallIDsAreSanitizedTheSameWayAsInRequests() throws {
        let (doc, _) = try A2C.response(#"{"id":"c","choices":[{"message":{"tool_calls":[{"id":"call_x|fc_y","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}"#)
        #expect(Self.content(doc, 0)?["id"]?.string == ToolCallID.anthropicSafe("call_x|fc_y"))
    }

    @Test func clientModelReplacesTheUpstreamModel() throws {
        let (doc, _) = try A2C.response(#"{"id":"c","model":"deepseek-chat","choices":[{"message":{"content":"hi"},"finish_reason":"stop"}]}"#,
                                        request: #"{"model":"claude-opus-5-5","max_tokens":1,"messages":[{"role":"user","content":"x"}]}"#,
                                        config: #"{"models":{"big":"deepseek-chat"}}"#)
        #expect(doc.root["model"]?.string == "claude-opus-5-5")
    }

    @Test func reasoningContentWinsOverReasoningAndComesFirst() throws {
        let (doc, _) = try A2C.response(#"{"id":"c","choices":[{"message":{"content":"answer","reasoning_content":"rc","reasoning":"r"},"finish_reason":"stop"}]}"#)
        #expect(Self.content(doc, 0)?["type"]?.string == "thinking")
        #expect(Self.content(doc, 0)?["thinking"]?.string == "rc")
        #expect(Self.content(doc, 1)?["text"]?.string == "answer")
        #expect(doc.root["content"]?.count == 2)
    }

    /// Anthropic input_tokens = prompt − cached − cache_write, never negative.
    @Test(arguments: [(1000, 600, 100, 300), (1000, 0, 0, 1000), (100, 150, 0, 0), (100, 60, 60, 0)])
    func cacheArithmetic(_ prompt: Int, _ cached: Int, _ written: Int, _ uncached: Int) throws {
        let (doc, _) = try A2C.response(#"{"id":"c","choices":[{"message":{"content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":\#(prompt),"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":\#(cached),"cache_write_tokens":\#(written)}}}"#)
        let u = doc.root["usage"]
        #expect(u?["input_tokens"]?.int == uncached)
        #expect(u?["cache_read_input_tokens"]?.int == cached)
        #expect(u?["cache_creation_input_tokens"]?.int == written)
        #expect(u?["output_tokens"]?.int == 3)
    }

    /// Ollama and older vLLM say "stop" next to tool calls; Claude Code runs tools on tool_use.
    @Test(arguments: [("stop", true, "tool_use"), ("tool_calls", false, "end_turn"), ("length", true, "max_tokens"), ("tool_calls", true, "tool_use")])
    func stopReasonAgreesWithTheContent(_ finish: String, _ withCall: Bool, _ expected: String) throws {
        let calls = withCall ? #","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]"# : ""
        let (doc, _) = try A2C.response(#"{"id":"c","choices":[{"message":{"content":"x"\#(calls)},"finish_reason":"\#(finish)"}]}"#)
        #expect(doc.root["stop_reason"]?.string == expected)
    }

    @Test func callsWithoutIDsGetUniqueOnes() throws {
        let (doc, _) = try A2C.response(#"{"id":"gen-9","choices":[{"message":{"tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}},{"id":"","type":"function","function":{"name":"g","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}"#)
        #expect(Self.content(doc, 0)?["id"]?.string == "call_gen-9_0")
        #expect(Self.content(doc, 1)?["id"]?.string == "call_gen-9_1")
    }

    @Test func missingUsageGivesZeros() throws {
        let (doc, _) = try A2C.response(#"{"id":"c","choices":[{"message":{"content":"x"},"finish_reason":"stop"}]}"#)
        #expect(doc.root["usage"]?["input_tokens"]?.int == 0)
        #expect(doc.root["usage"]?["output_tokens"]?.int == 0)
    }

    @Test func urlCitationsAreReportedAsDropped() throws {
        let (_, warnings) = try A2C.response(#"{"id":"c","choices":[{"message":{"content":"x","annotations":[{"type":"url_citation","url_citation":{"url":"https://a"}}]},"finish_reason":"stop"}]}"#)
        #expect(warnings.contains { $0.contains("annotations") })
    }
}

@Suite struct AnthropicToChatRoundTrip {
    /// A thinking block minted from a Chat upstream goes back to that upstream as reasoning_content.
    @Test func chatReasoningSurvivesATurnThroughClaudeCode() throws {
        let (resp, _) = try A2C.response(#"{"id":"c","choices":[{"message":{"content":null,"reasoning_content":"need ls","tool_calls":[{"id":"call_1","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"ls\"}"}}]},"finish_reason":"tool_calls"}]}"#)
        let assistant = String(decoding: resp.root["content"]?.raw ?? [], as: UTF8.self)
        let next = try A2C.request(#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":\#(assistant)},{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"a.txt"}]}]}"#)
        let m = A2C.at(next.root["messages"], 1)
        #expect(m?["reasoning_content"]?.string == "need ls")
        #expect(A2C.at(m?["tool_calls"], 0)?["function"]?["arguments"]?.string == #"{"command":"ls"}"#)
        #expect(A2C.at(next.root["messages"], 2)?["tool_call_id"]?.string == "call_1")
    }
}
