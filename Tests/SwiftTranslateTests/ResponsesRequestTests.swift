import Testing
@testable import SwiftTranslate

@Suite struct ResponsesRequestDecoding {
    @Test func stringInputAndInstructions() throws {
        let (r, w) = try RX.decodeRequest(#"{"model":"gpt-5","instructions":"Be brief.","input":"Hi","max_output_tokens":300,"stream":true,"temperature":0.70}"#)
        #expect(r.model == "gpt-5")
        #expect(r.system.map(\.text) == ["Be brief."])
        #expect(r.messages.count == 1)
        #expect(r.messages.first?.role == .user)
        #expect(r.messages.first?.parts.first?.textValue == "Hi")
        #expect(r.maxTokens == 300)
        #expect(r.stream)
        #expect(r.temperature == "0.70")
        #expect(w.isEmpty)
    }

    /// A Codex-style tool loop: items regroup into Anthropic-shaped turns, both ids are kept.
    @Test func itemsRegroupIntoTurns() throws {
        let json = #"""
        {"model":"m","input":[
          {"role":"developer","content":"Dev rules"},
          {"type":"message","role":"user","content":[{"type":"input_text","text":"weather?"},{"type":"input_image","image_url":"data:image/png;base64,iVBOR","detail":"high"}]},
          {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Need a tool."}],"encrypted_content":"gAAAA"},
          {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking.","annotations":[]}]},
          {"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
          {"type":"function_call","id":"fc_2","call_id":"call_2","name":"get_time","arguments":"{}"},
          {"type":"function_call_output","call_id":"call_1","output":"18C"},
          {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"noon"}]},
          {"role":"user","content":"thanks"}
        ]}
        """#
        let (r, w) = try RX.decodeRequest(json)
        #expect(w.isEmpty)
        #expect(r.system.map(\.text) == ["Dev rules"])
        try #require(r.messages.count == 3)
        let user = r.messages[0]
        #expect(user.role == .user)
        #expect(user.parts.first?.textValue == "weather?")
        if case .image(let img) = user.parts.last, case .base64(let mt, let data) = img.source {
            #expect(mt == "image/png"); #expect(data == "iVBOR"); #expect(img.detail == "high")
        } else { Issue.record("no base64 image: \(user.parts)") }

        let assistant = r.messages[1]
        #expect(assistant.role == .assistant)
        try #require(assistant.parts.count == 4)
        let item = try #require(assistant.parts[0].reasoningValue)
        #expect(item.id == "rs_1"); #expect(item.summary == ["Need a tool."]); #expect(item.encryptedContent == "gAAAA")
        #expect(assistant.parts[1].textValue == "Checking.")
        let call = try #require(assistant.parts[2].toolCallValue)
        #expect(call.id == "call_1"); #expect(call.itemId == "fc_1"); #expect(call.name == "get_weather")
        #expect(String(decoding: call.arguments, as: UTF8.self) == #"{"city":"Paris"}"#)

        let results = r.messages[2]
        #expect(results.role == .user)
        try #require(results.parts.count == 3)
        #expect(results.parts[0].toolResultValue?.toolCallId == "call_1")
        #expect(results.parts[0].toolResultValue?.content.first?.textValue == "18C")
        #expect(results.parts[1].toolResultValue?.toolCallId == "call_2")
        #expect(results.parts[1].toolResultValue?.content.first?.textValue == "noon")
        #expect(results.parts[2].textValue == "thanks")
    }

    @Test func toolsChoiceReasoningAndFormat() throws {
        let json = #"""
        {"model":"m","input":"x",
         "tools":[{"type":"function","name":"f","description":"d","parameters":{"type":"object","properties":{"a":{"type":"string"}}},"strict":true},
                  {"type":"function","name":"g","parameters":null,"strict":null}],
         "tool_choice":{"type":"function","name":"f"},"parallel_tool_calls":false,
         "reasoning":{"effort":"minimal","summary":"detailed"},
         "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true}}}
        """#
        let (r, _) = try RX.decodeRequest(json)
        try #require(r.tools.count == 2)
        #expect(r.tools[0].name == "f"); #expect(r.tools[0].strict == true); #expect(r.tools[0].description == "d")
        #expect(String(decoding: r.tools[0].schema ?? [], as: UTF8.self) == #"{"type":"object","properties":{"a":{"type":"string"}}}"#)
        #expect(r.tools[1].schema == nil); #expect(r.tools[1].strict == nil)
        #expect(r.toolChoice == .tool("f"))
        #expect(r.parallelToolCalls == false)
        #expect(r.reasoning?.mode == .enabled); #expect(r.reasoning?.effort == "low"); #expect(r.reasoning?.summary == "detailed")
        if case .jsonSchema(let name, _, let schema, let strict) = r.responseFormat {
            #expect(name == "out"); #expect(strict == true); #expect(String(decoding: schema, as: UTF8.self) == #"{"type":"object"}"#)
        } else { Issue.record("format: \(String(describing: r.responseFormat))") }

        let (off, _) = try RX.decodeRequest(#"{"model":"m","input":"x","reasoning":{"effort":"none"}}"#)
        #expect(off.reasoning?.mode == .disabled)
    }

    /// Clients that never store responses may replay reasoning items without an id.
    @Test func reasoningItemsWithoutIdAreKept() throws {
        let (r, _) = try RX.decodeRequest(#"{"model":"m","input":[{"type":"reasoning","summary":[],"encrypted_content":"apx1.a.SIG"},{"type":"reasoning","summary":[{"type":"summary_text","text":"s"}],"encrypted_content":"gAAAA"}]}"#)
        let parts = try #require(r.messages.first?.parts)
        #expect(parts.first?.thinkingValue?.signature == "SIG")
        #expect(parts.last?.reasoningValue?.encryptedContent == "gAAAA")
        #expect(parts.last?.reasoningValue?.id == "")
    }

    @Test func allowedToolsFilterTheList() throws {
        let json = #"{"model":"m","input":"x","tools":[{"type":"function","name":"a","parameters":{}},{"type":"function","name":"b","parameters":{}}],"tool_choice":{"type":"allowed_tools","mode":"required","tools":[{"type":"function","name":"b"}]}}"#
        let (r, _) = try RX.decodeRequest(json)
        #expect(r.tools.map(\.name) == ["b"])
        #expect(r.toolChoice == .any)
    }

    @Test func builtinToolsFollowTheConfig() throws {
        let json = #"{"model":"m","input":"x","tools":[{"type":"web_search"},{"type":"function","name":"f","parameters":{}}]}"#
        let (r, w) = try RX.decodeRequest(json)
        #expect(r.tools.map(\.name) == ["f"])
        #expect(w.contains { $0.hasPrefix("tools[0]") && $0.contains("web_search") })

        let strict = try RX.config(#"{"upstream":{"builtin_tools":"error"}}"#)
        #expect(strict.builtinTools == .error)
        #expect(throws: TranslateError.self) { _ = try RX.decodeRequest(json, config: strict) }
        do { _ = try RX.decodeRequest(json, config: strict) } catch {
            #expect(error.status == .unsupported); #expect(error.path == "tools[0]")
        }
        #expect(throws: TranslateError.self) { _ = try RX.config(#"{"upstream":{"builtin_tools":"maybe"}}"#) }
    }

    @Test func serverStateIsRejected() throws {
        for json in [#"{"model":"m","input":"x","previous_response_id":"resp_1"}"#,
                     #"{"model":"m","input":"x","conversation":"conv_1"}"#,
                     #"{"model":"m","input":[{"type":"item_reference","id":"msg_1"}]}"#] {
            do {
                _ = try RX.decodeRequest(json)
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.status == .unsupported)
                #expect(!error.path.isEmpty)
            }
        }
        // null is the same as absent
        _ = try RX.decodeRequest(#"{"model":"m","input":"x","previous_response_id":null,"store":true}"#)
    }

    @Test func badShapesNameTheirPath() throws {
        let cases: [(String, String)] = [
            (#"{"model":"m","input":[{"type":"function_call","call_id":"c","name":"f","arguments":{"a":1}}]}"#, "input[0].arguments"),
            (#"{"model":"m","input":[{"type":"message","role":"user","content":[{"type":"input_text"}]}]}"#, "input[0].content[0].text"),
            (#"{"model":"m","input":[{"type":"function_call_output","output":"x"}]}"#, "input[0].call_id"),
            (#"{"model":"m","input":[1]}"#, "input[0]"),
            (#"{"model":"m","input":"x","tools":[{"type":"function"}]}"#, "tools[0].name"),
            (#"{"model":"m","input":"x","tools":[{"type":"function","name":"f"},{"type":"function","name":"f"}]}"#, "tools[1].name"),
        ]
        for (json, path) in cases {
            do { _ = try RX.decodeRequest(json); Issue.record("accepted \(json)") } catch {
                #expect(error.path == path, "\(error.message)")
            }
        }
    }

    /// A reasoning item that carries an Anthropic signature (minted by ResponsesResponseEncoder)
    /// comes back as the thinking block it was.
    @Test func carriedAnthropicThinkingComesBack() throws {
        let json = #"{"model":"m","input":[{"type":"reasoning","id":"rs_x_0","summary":[{"type":"summary_text","text":"Let me think"}],"encrypted_content":"apx1.a.EqQBsig=="},{"type":"reasoning","id":"rs_x_1","summary":[],"encrypted_content":"apx1.ad.REDACTED"}]}"#
        let (r, _) = try RX.decodeRequest(json)
        let parts = try #require(r.messages.first?.parts)
        #expect(parts.first?.thinkingValue?.text == "Let me think")
        #expect(parts.first?.thinkingValue?.signature == "EqQBsig==")
        if case .redactedThinking(let d) = parts.last { #expect(d == "REDACTED") } else { Issue.record("\(parts)") }
    }
}

@Suite struct ResponsesRequestEncoding {
    static func request() -> NRequest {
        var r = NRequest()
        r.model = "gpt-5"
        r.system = [NText("You are Claude Code."), NText("Be careful.", cacheControl: Array(#"{"type":"ephemeral"}"#.utf8))]
        r.maxTokens = 32000
        r.stream = true
        r.tools = [NTool(name: "mcp__srv.read/file", description: "Read", schema: Array(#"{"type":"object"}"#.utf8)),
                   NTool(name: "Bash", description: nil, schema: nil)]
        r.toolChoice = .auto
        r.reasoning = NReasoningConfig(mode: .adaptive, effort: "medium")
        let sig = ThinkingSignature.forResponses(id: "rs_9", encryptedContent: "gAAAAenc")
        r.messages = [
            NMessage(role: .user, parts: [.text(NText("list files"))]),
            NMessage(role: .assistant, parts: [
                .thinking(NThinking(text: "I should run ls.", signature: sig)),
                .thinking(NThinking(text: "anthropic thought", signature: "EqQBanthropic")),
                .text(NText("Running.")),
                .toolCall(NToolCall(id: "toolu_01", name: "mcp__srv.read/file", arguments: Array(#"{"path":"a"}"#.utf8))),
                .toolCall(NToolCall(id: "call_2", name: "Bash", arguments: Array(#"{"cmd":"ls"}"#.utf8), itemId: "fc_2")),
            ]),
            NMessage(role: .user, parts: [
                .toolResult(NToolResult(toolCallId: "toolu_01", content: [.text(NText("a\nb"))], isError: false)),
                .toolResult(NToolResult(toolCallId: "call_2", content: [.text(NText("denied"))], isError: true)),
                .text(NText("go on")),
            ]),
        ]
        return r
    }

    @Test func conversationBecomesItems() throws {
        let (doc, warnings, names) = try RX.encodeRequest(Self.request())
        let root = doc.root
        #expect(root["store"]?.bool == false)
        #expect(RX.text(root["include"]) == #"["reasoning.encrypted_content"]"#)
        #expect(root["instructions"]?.string == "You are Claude Code.\n\nBe careful.")
        #expect(root["max_output_tokens"]?.int == 32000)
        #expect(root["stream"]?.bool == true)
        #expect(RX.text(root["reasoning"]) == #"{"effort":"medium","summary":"auto"}"#)

        let items = Array(try #require(root["input"]).elements)
        let types = items.map { ($0["type"]?.string ?? "") + ":" + ($0["role"]?.string ?? "") }
        #expect(types == ["message:user", "reasoning:", "message:assistant", "function_call:", "function_call:",
                          "function_call_output:", "function_call_output:", "message:user"])
        // the apx-minted reasoning item goes back whole; the Anthropic-signed thinking does not
        #expect(RX.text(items[1]) == #"{"type":"reasoning","id":"rs_9","summary":[{"type":"summary_text","text":"I should run ls."}],"encrypted_content":"gAAAAenc"}"#)
        #expect(warnings.contains { $0.hasPrefix("messages[1].content[1]") && $0.contains("Anthropic") })

        let safe = ToolNameMap.shorten("mcp__srv.read/file")
        #expect(items[3]["name"]?.string == safe)
        #expect(names.original(safe) == "mcp__srv.read/file")
        #expect(items[3]["call_id"]?.string == "toolu_01")
        #expect(items[3]["id"] == nil)
        #expect(items[3]["arguments"]?.string == #"{"path":"a"}"#)
        #expect(items[4]["id"]?.string == "fc_2")
        #expect(items[5]["output"]?.string == "a\nb")
        #expect(items[6]["output"]?.string == "Error: denied")
        #expect(items[7]["content"]?.elements.map { RX.text($0) } == [#"{"type":"input_text","text":"go on"}"#])

        let tools = Array(try #require(root["tools"]).elements)
        #expect(RX.text(tools[0]) == #"{"type":"function","name":"\#(safe)","description":"Read","parameters":{"type":"object"},"strict":false}"#)
        #expect(RX.text(tools[1]["parameters"]) == #"{"type":"object","properties":{}}"#)
        #expect(root["tool_choice"]?.string == "auto")
    }

    @Test func limitsAndFormats() throws {
        var r = NRequest()
        r.model = "m"
        r.maxTokens = 1
        r.stop = ["END"]
        r.topK = "5"
        r.responseFormat = .jsonSchema(name: nil, description: nil, schema: Array(#"{"type":"object"}"#.utf8), strict: true)
        r.reasoning = NReasoningConfig(mode: .enabled, budgetTokens: 20000)
        r.tools = []
        r.toolChoice = NToolChoice.none
        let (doc, warnings, _) = try RX.encodeRequest(r)
        #expect(doc.root["max_output_tokens"]?.int == 16)
        #expect(RX.text(doc.root["text"]) == #"{"format":{"type":"json_schema","name":"response","schema":{"type":"object"},"strict":true}}"#)
        #expect(RX.text(doc.root["reasoning"]) == #"{"effort":"high","summary":"auto"}"#)
        #expect(doc.root["tools"] == nil)
        #expect(doc.root["tool_choice"] == nil)
        for w in ["max_tokens", "stop", "top_k"] { #expect(warnings.contains { $0.hasPrefix(w) }, "\(w) in \(warnings)") }

        let capped = try RX.config(#"{"upstream":{"max_tokens_cap":8000}}"#)
        r.maxTokens = 128000
        #expect(try RX.encodeRequest(r, config: capped).0.root["max_output_tokens"]?.int == 8000)

        r.reasoning = NReasoningConfig(mode: .disabled)
        let off = try RX.encodeRequest(r).0.root
        #expect(off["reasoning"] == nil)
        // no reasoning asked for and none replayed: no encrypted reasoning comes back either
        #expect(off["include"] == nil)
        #expect(off["store"]?.bool == false)

        // a non-reasoning upstream gets neither reasoning nor include, and the loss is reported
        r.reasoning = NReasoningConfig(mode: .adaptive, effort: "high")
        let (plain, plainWarnings, _) = try RX.encodeRequest(r, config: try RX.config(#"{"upstream":{"responses_reasoning":false}}"#))
        #expect(plain.root["reasoning"] == nil)
        #expect(plain.root["include"] == nil)
        #expect(plain.root["store"]?.bool == false)
        #expect(plainWarnings.contains { $0.hasPrefix("reasoning") })
    }

    @Test func builtinToolsFromAnthropicFollowTheConfig() throws {
        var r = NRequest()
        r.model = "m"
        var ws = NTool(name: "web_search", description: nil, schema: nil)
        ws.builtin = NBuiltinTool(format: .anthropic, type: "web_search_20250305", raw: Array(#"{"type":"web_search_20250305","name":"web_search"}"#.utf8))
        r.tools = [ws, NTool(name: "f", description: nil, schema: nil)]
        let (doc, warnings, _) = try RX.encodeRequest(r)
        #expect(doc.root["tools"]?.elements.map { $0["name"]?.string } == ["f"])
        #expect(warnings.contains { $0.hasPrefix("tools[0]") })
        do {
            _ = try RX.encodeRequest(r, config: try RX.config(#"{"upstream":{"builtin_tools":"error"}}"#))
            Issue.record("accepted a built-in tool with builtin_tools error")
        } catch { #expect(error.path == "tools[0]") }
    }

    @Test func searchResultsBecomeText() throws {
        var r = NRequest()
        r.model = "m"
        let raw = Array(#"{"type":"search_result","source":"https://x","title":"T","content":[{"type":"text","text":"body"}]}"#.utf8)
        r.messages = [NMessage(role: .user, parts: [.toolResult(NToolResult(toolCallId: "c", content: [.opaque(format: .anthropic, type: "search_result", raw: raw)], isError: false))])]
        let (doc, warnings, _) = try RX.encodeRequest(r)
        let item = try #require(doc.root["input"].flatMap { Array($0.elements).first })
        #expect(item["output"]?.string == "T\nSource: https://x\nbody")
        #expect(warnings.contains { $0.contains("search_result") })
    }

    @Test func mediaBecomeInputParts() throws {
        var r = NRequest()
        r.model = "m"
        r.messages = [NMessage(role: .user, parts: [
            .image(NImage(source: .base64(mediaType: "image/jpeg", data: "/9j/"))),
            .image(NImage(source: .url("https://x/y.png"), detail: "low")),
            .document(NDocument(source: .base64(mediaType: "application/pdf", data: "JVBER"), title: "Spec")),
            .document(NDocument(source: .text("plain body"), title: "Notes")),
        ])]
        let (doc, _, _) = try RX.encodeRequest(r)
        let first = try #require(doc.root["input"].flatMap { Array($0.elements).first })
        let parts = Array(try #require(first["content"]).elements)
        #expect(parts.map { RX.text($0) } == [
            #"{"type":"input_image","image_url":"data:image/jpeg;base64,/9j/","detail":"auto"}"#,
            #"{"type":"input_image","image_url":"https://x/y.png","detail":"low"}"#,
            #"{"type":"input_file","filename":"Spec","file_data":"data:application/pdf;base64,JVBER"}"#,
            #"{"type":"input_text","text":"Notes\n\nplain body"}"#,
        ])
    }

    /// Decoding a Responses request and encoding it back keeps the conversation.
    @Test func decodeThenEncodeKeepsItems() throws {
        let json = #"{"model":"m","instructions":"sys","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"q"}]},{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"s"}],"encrypted_content":"enc"},{"type":"function_call","id":"fc_1","call_id":"call_1","name":"f","arguments":"{\"a\":1}"},{"type":"function_call_output","call_id":"call_1","output":"ok"}],"tools":[{"type":"function","name":"f","parameters":{"type":"object"},"strict":true}],"tool_choice":"required","reasoning":{"effort":"high","summary":"auto"},"max_output_tokens":500}"#
        let (r, _) = try RX.decodeRequest(json)
        let (doc, warnings, _) = try RX.encodeRequest(r)
        #expect(warnings.isEmpty)
        #expect(RX.text(doc.root["input"]) == #"[{"type":"message","role":"user","content":[{"type":"input_text","text":"q"}]},{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"s"}],"encrypted_content":"enc"},{"type":"function_call","id":"fc_1","call_id":"call_1","name":"f","arguments":"{\"a\":1}"},{"type":"function_call_output","call_id":"call_1","output":"ok"}]"#)
        #expect(RX.text(doc.root["tools"]) == #"[{"type":"function","name":"f","parameters":{"type":"object"},"strict":true}]"#)
        #expect(doc.root["tool_choice"]?.string == "required")
        #expect(RX.text(doc.root["reasoning"]) == #"{"effort":"high","summary":"auto"}"#)
        #expect(doc.root["max_output_tokens"]?.int == 500)
    }
}
