import Testing
@testable import SwiftTranslate

/// NRequest → Anthropic request.
@Suite struct ChatToAnthropicEncoding {
    @Test func budgetBelowMaxTokensIsKept() throws {
        var r = C2A.request([C2A.user([.text(NText("q"))])])
        r.maxTokens = 8000
        r.reasoning = NReasoningConfig(mode: .enabled, budgetTokens: 2000)
        let (doc, w) = try C2A.encode(r)
        #expect(C2A.text(doc.root["thinking"]) == #"{"type":"enabled","budget_tokens":2000}"#)
        #expect(doc.root["max_tokens"]?.int == 8000 && w.isEmpty)
    }

    @Test func budgetAboveMaxTokensRaisesMaxTokens() throws {
        var r = C2A.request([C2A.user([.text(NText("q"))])])
        r.maxTokens = 1000
        r.reasoning = NReasoningConfig(mode: .enabled, budgetTokens: 500)
        let (doc, w) = try C2A.encode(r)
        #expect(C2A.text(doc.root["thinking"]) == #"{"type":"enabled","budget_tokens":1024}"#)
        #expect(doc.root["max_tokens"]?.int == 2024)
        #expect(w.count == 2)
    }

    @Test func budgetThatCannotFitUnderTheCapDropsThinking() throws {
        var config = TranslatorConfig()
        config.maxTokensCap = 4000
        var r = C2A.request([C2A.user([.text(NText("q"))])])
        r.maxTokens = 3000
        r.reasoning = NReasoningConfig(mode: .enabled, budgetTokens: 4000)
        let (doc, w) = try C2A.encode(r, config: config)
        #expect(doc.root["thinking"] == nil && doc.root["max_tokens"]?.int == 3000)
        #expect(w.contains { $0.contains("thinking dropped") })
        r.reasoning = NReasoningConfig(mode: .enabled, budgetTokens: 3500)
        let (doc2, _) = try C2A.encode(r, config: config)
        #expect(doc2.root["max_tokens"]?.int == 4000)
        #expect(C2A.text(doc2.root["thinking"]) == #"{"type":"enabled","budget_tokens":3500}"#)
    }

    @Test func thinkingWithForeignOrMissingSignaturesIsDropped() throws {
        let r = C2A.request([C2A.user([.text(NText("q"))]), C2A.assistant([
            .thinking(NThinking(text: "chat", signature: ThinkingSignature.chat)),
            .thinking(NThinking(text: "empty", signature: "")),
            .thinking(NThinking(text: "real", signature: "EqQB")),
            .text(NText("a")),
        ]), C2A.user([.text(NText("q2"))])])
        let (doc, w) = try C2A.encode(r)
        let content = Array(try #require(doc.root["messages"]).elements)[1]["content"]
        #expect(C2A.text(content) == #"[{"type":"thinking","thinking":"real","signature":"EqQB"},{"type":"text","text":"a"}]"#)
        #expect(w.filter { $0.contains("Anthropic signature") }.count == 2)
    }

    @Test func foreignItemsAreDroppedAndAnthropicOpaqueBlocksPassThrough() throws {
        let raw = Array(#"{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"q"}}"#.utf8)
        let r = C2A.request([C2A.user([.text(NText("q"))]), C2A.assistant([
            .reasoningItem(NReasoningItem(id: "rs_1", summary: ["s"], encryptedContent: "e")),
            .opaque(format: .openaiResponses, type: "web_search_call", raw: Array("{}".utf8)),
            .opaque(format: .anthropic, type: "server_tool_use", raw: raw),
        ])])
        let (doc, w) = try C2A.encode(r)
        let content = Array(try #require(doc.root["messages"]).elements)[1]["content"]
        #expect(C2A.text(content) == "[" + String(decoding: raw, as: UTF8.self) + "]")
        #expect(w.count == 2)
    }

    @Test func toolResultWithErrorImagesAndCache() throws {
        let img = NPart.image(NImage(source: .base64(mediaType: "image/webp", data: "UklG")))
        let r = C2A.request([C2A.user([.text(NText("q"))]), C2A.assistant([C2A.call("c1")]), C2A.user([
            .toolResult(NToolResult(toolCallId: "c1", content: [.text(NText("bad")), img], isError: true, cacheControl: Array(#"{"type":"ephemeral"}"#.utf8))),
        ])])
        let (doc, _) = try C2A.encode(r)
        let content = Array(try #require(doc.root["messages"]).elements)[2]["content"]
        #expect(C2A.text(content) == #"[{"type":"tool_result","tool_use_id":"c1","content":[{"type":"text","text":"bad"},{"type":"image","source":{"type":"base64","media_type":"image/webp","data":"UklG"}}],"is_error":true,"cache_control":{"type":"ephemeral"}}]"#)
    }

    @Test func documentsOfEachSource() throws {
        let r = C2A.request([C2A.user([
            .document(NDocument(source: .base64(mediaType: "text/plain", data: "aMOpbGxv"), filename: "a.txt")),
            .document(NDocument(source: .url("https://x.test/a.pdf"), title: "A")),
            .document(NDocument(source: .text("plain"))),
        ])])
        let (doc, _) = try C2A.encode(r)
        let content = Array(try #require(doc.root["messages"]).elements)[0]["content"]
        #expect(C2A.text(content) == #"[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"héllo"},"title":"a.txt"},{"type":"document","source":{"type":"url","url":"https://x.test/a.pdf"},"title":"A"},{"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain"}}]"#)
        let bad = C2A.failure { _ = try C2A.encode(C2A.request([C2A.user([.document(NDocument(source: .base64(mediaType: "application/zip", data: "UEs=")))])])) }
        #expect(bad?.status == .unsupported && bad?.path == "messages[0].content[0]")
    }

    @Test func jpgIsSentAsJpeg() throws {
        let r = C2A.request([C2A.user([.image(NImage(source: .base64(mediaType: "image/jpg", data: "/9j/")))])])
        let (doc, _) = try C2A.encode(r)
        let source = Array(try #require(doc.root["messages"]).elements)[0]["content"]?.elements.map { $0 }.first?["source"]
        #expect(source?["media_type"]?.string == "image/jpeg")
    }

    @Test func toolArgumentsMustBeAnObject() {
        for args in ["[1,2]", "\"text\"", "{\"a\":"] {
            let r = C2A.request([C2A.user([.text(NText("q"))]), C2A.assistant([C2A.call("c1", "f", args)]), C2A.user([C2A.result("c1")])])
            let e = C2A.failure { _ = try C2A.encode(r) }
            #expect(e?.status == .invalid && e?.path == "messages[1].content[0]", "\(args)")
        }
    }

    @Test func pairingErrorsNameTheOffendingPart() {
        let orphan = C2A.request([C2A.user([.text(NText("q"))]), C2A.assistant([.text(NText("a"))]), C2A.user([C2A.result("zz")])])
        let e1 = C2A.failure { _ = try C2A.encode(orphan) }
        #expect(e1?.path == "messages[2].content[0]" && e1?.message.contains("zz") == true)
        let open = C2A.request([C2A.user([.text(NText("q"))]), C2A.assistant([C2A.call("c1"), C2A.call("c2")]), C2A.user([C2A.result("c1")]), C2A.assistant([.text(NText("a"))])])
        let e2 = C2A.failure { _ = try C2A.encode(open) }
        #expect(e2?.path == "messages[1].content[1]" && e2?.message.contains("c2") == true)
        let trailing = C2A.request([C2A.user([.text(NText("q"))]), C2A.assistant([C2A.call("c1")])])
        #expect(C2A.failure { _ = try C2A.encode(trailing) }?.path == "messages[1].content[0]")
    }

    @Test func resultsSplitOverTwoUserMessagesAreMergedFirst() throws {
        let r = C2A.request([C2A.user([.text(NText("q"))]), C2A.assistant([C2A.call("c1"), C2A.call("c2")]),
                             C2A.user([C2A.result("c1"), .text(NText("note"))]), C2A.user([C2A.result("c2")])])
        let (doc, _) = try C2A.encode(r)
        let msgs = Array(try #require(doc.root["messages"]).elements)
        #expect(msgs.count == 3)
        let types = msgs[2]["content"]?.elements.map { $0["type"]?.string ?? "" }
        #expect(types == ["tool_result", "tool_result", "text"])
    }

    @Test func builtinsAndSchemas() throws {
        var r = C2A.request([C2A.user([.text(NText("q"))])])
        var web = NTool(name: "web_search", description: nil, schema: nil)
        web.builtin = NBuiltinTool(format: .anthropic, type: "web_search_20250305", raw: Array(#"{"type":"web_search_20250305","name":"web_search"}"#.utf8))
        var file = NTool(name: "file_search", description: nil, schema: nil)
        file.builtin = NBuiltinTool(format: .openaiResponses, type: "file_search", raw: Array("{}".utf8))
        r.tools = [web, file, NTool(name: "f", description: "", schema: Array(#"{ "properties": {"a":{}} }"#.utf8))]
        let (doc, w) = try C2A.encode(r)
        #expect(C2A.text(doc.root["tools"]) == #"[{"type":"web_search_20250305","name":"web_search"},{"name":"f","input_schema":{"type":"object","properties": {"a":{}} }}]"#)
        #expect(w.count == 1)
        r.tools = [NTool(name: "g", description: nil, schema: Array(#"{"type":"string"}"#.utf8))]
        #expect(C2A.failure { _ = try C2A.encode(r) }?.path == "tools[0]")
    }

    @Test func forcedChoiceWithoutToolsIsAnError() {
        var r = C2A.request([C2A.user([.text(NText("q"))])])
        r.toolChoice = .any
        #expect(C2A.failure { _ = try C2A.encode(r) }?.path == "tool_choice")
    }

    @Test func samplingPassesAndServiceTierMaps() throws {
        var r = C2A.request([C2A.user([.text(NText("q"))])])
        r.topK = "40"
        r.temperature = "0"
        r.serviceTier = "flex"
        r.responseFormat = .jsonSchema(name: "n", description: "d", schema: Array(#"{"type":"object"}"#.utf8), strict: true)
        let (doc, w) = try C2A.encode(r)
        #expect(doc.root["top_k"]?.int == 40 && doc.root["temperature"]?.numberText == "0")
        #expect(doc.root["service_tier"] == nil)
        #expect(C2A.text(doc.root["output_config"]) == #"{"format":{"type":"json_schema","schema":{"type":"object"}}}"#)
        #expect(w.contains { $0.hasPrefix("service_tier") } && w.contains { $0.contains("description") })
    }

    @Test func thinkingDropsTopKAndLowTopP() throws {
        var r = C2A.request([C2A.user([.text(NText("q"))])])
        r.reasoning = NReasoningConfig(mode: .adaptive, effort: "high")
        r.topK = "5"
        r.topP = "0.5"
        r.temperature = "1"
        let (doc, w) = try C2A.encode(r)
        #expect(doc.root["top_k"] == nil && doc.root["top_p"] == nil && doc.root["temperature"]?.numberText == "1")
        #expect(w.count == 2)
    }

    @Test func whitespaceOnlyTextAndEmptyTurnsVanish() throws {
        let r = C2A.request([C2A.user([.text(NText(" \n"))]), C2A.user([.text(NText("q"))]), C2A.assistant([.text(NText(""))]), C2A.user([.text(NText("again"))])])
        let (doc, _) = try C2A.encode(r)
        #expect(C2A.text(doc.root["messages"]) == #"[{"role":"user","content":[{"type":"text","text":"q"},{"type":"text","text":"again"}]}]"#)
        let nothing = C2A.failure { _ = try C2A.encode(C2A.request([C2A.user([.text(NText(""))])])) }
        #expect(nothing?.path == "messages")
    }

    @Test func prefillLosesTrailingWhitespaceOnly() throws {
        let r = C2A.request([C2A.user([.text(NText("q"))]), C2A.assistant([.text(NText("  The answer is \r\n\t "))])])
        let (doc, w) = try C2A.encode(r)
        let last = Array(try #require(doc.root["messages"]).elements)[1]["content"]
        #expect(C2A.text(last) == #"[{"type":"text","text":"  The answer is"}]"#)
        #expect(w.count == 1 && w[0].hasPrefix("messages[1].content[0]"))
    }

    @Test func toolMessageImagesReachTheToolResult() throws {
        let (doc, _) = try C2A.translate(#"{"model":"m","max_tokens":9,"messages":[{"role":"user","content":"shot"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"screenshot","arguments":"{}"}}]},{"role":"tool","tool_call_id":"a","content":[{"type":"text","text":"here"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}}]}]}"#)
        let last = Array(try #require(doc.root["messages"]).elements)[2]["content"]
        #expect(C2A.text(last) == #"[{"type":"tool_result","tool_use_id":"a","content":[{"type":"text","text":"here"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}}]}]"#)
    }

    @Test func endToEndFromChatKeepsClientPathsForPairingErrors() {
        let e = C2A.failure { _ = try C2A.translate(#"{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]}]}"#) }
        #expect(e?.path == "messages[2].tool_calls[0]")
    }
}
