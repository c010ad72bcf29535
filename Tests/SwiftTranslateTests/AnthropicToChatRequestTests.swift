import Testing
@testable import SwiftTranslate

@Suite struct AnthropicToChatRequestDecodeErrors {
    @Test func wrongBlockTypeNamesItsPath() {
        let e = A2C.requestError(#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"user","content":[{"type":"text","text":"x"},"oops"]}]}"#)
        #expect(e?.status == .invalid)
        #expect(e?.path == "messages[2].content[1]")
        #expect(e?.message.contains("expected an object, got a string") == true)
    }

    @Test func unknownBlockTypeIsAnErrorNotAGap() {
        let e = A2C.requestError(#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":"x"},{"type":"hologram","data":"?"}]}]}"#)
        #expect(e?.path == "messages[0].content[1].type")
        #expect(e?.message.contains("hologram") == true)
    }

    @Test func toolResultWithoutEarlierToolUseIsRejected() {
        let e = A2C.requestError(#"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"t","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"},{"type":"tool_result","tool_use_id":"toolu_2","content":"?"}]}]}"#)
        #expect(e?.path == "messages[1].content[1].tool_use_id")
        #expect(e?.message.contains("toolu_2") == true)
    }

    @Test func toolResultBeforeItsToolUseIsRejected() {
        let e = A2C.requestError(#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1"}]},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"t","input":{}}]}]}"#)
        #expect(e?.path == "messages[0].content[0].tool_use_id")
    }

    @Test(arguments: [
        (#"{"model":"m","max_tokens":"10","messages":[]}"#, "max_tokens"),
        (#"{"model":"m","max_tokens":1,"messages":{}}"#, "messages"),
        (#"{"model":"m","max_tokens":1,"temperature":"hot","messages":[]}"#, "temperature"),
        (#"{"model":1,"max_tokens":1,"messages":[]}"#, "model"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"robot","content":"x"}]}"#, "messages[0].role"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user"}]}"#, "messages[0]"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"a","name":"t","input":"{}"}]}]}"#, "messages[0].content[0].input"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","data":"AA"}}]}]}"#, "messages[0].content[0].source"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"s3","url":"x"}}]}]}"#, "messages[0].content[0].source.type"),
        (#"{"model":"m","max_tokens":1,"system":[{"type":"image"}],"messages":[]}"#, "system[0].type"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"system","content":[{"type":"text","text":5}]}]}"#, "messages[0].content[0].text"),
        (#"{"model":"m","max_tokens":1,"tools":[{"name":"t","input_schema":"object"}],"messages":[]}"#, "tools[0].input_schema"),
        (#"{"model":"m","max_tokens":1,"tool_choice":{"type":"maybe"},"messages":[]}"#, "tool_choice.type"),
        (#"{"model":"m","max_tokens":1,"thinking":{"type":"enabled"},"messages":[]}"#, "thinking"),
        (#"{"model":"m","max_tokens":1,"stop_sequences":["a",1],"messages":[]}"#, "stop_sequences[1]"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"x","content":[{"type":"video"}]}]}]}"#, "messages[0].content[0].tool_use_id"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"thinking","thinking":"x","signature":"s"}]}]}"#, "messages[0].content[0]"),
        (#"{"model":"m","max_tokens":1}"#, ""),
    ])
    func wrongTypesGiveInvalidWithPath(_ body: String, _ path: String) {
        let e = A2C.requestError(body)
        #expect(e?.status == .invalid, "\(body)")
        #expect(e?.path == path, "\(body): \(e?.message ?? "no error")")
    }

    @Test func unknownToolResultContentTypeNamesItsPath() {
        let e = A2C.requestError(#"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"x","name":"t","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"x","content":[{"type":"video"}]}]}]}"#)
        #expect(e?.path == "messages[1].content[0].content[0].type")
    }
}

@Suite struct AnthropicToChatRequestWarnings {
    @Test func eachKeyWithoutCounterpartWarnsOnce() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"context_management":{"edits":[]},"container":"c","speed":"fast","inference_geo":"us","diagnostics":{},"mcp_servers":[],"messages":[{"role":"user","content":"x"}]}"#)
        for key in ["context_management", "container", "speed", "inference_geo", "diagnostics", "mcp_servers"] {
            #expect(r.count(key) == 1, "\(key): \(r.warnings)")
        }
    }

    @Test func cacheControlWarnsOnceHoweverOftenItOccurs() throws {
        let r = try A2C.request(#"""
        {"model":"m","max_tokens":1,
         "system":[{"type":"text","text":"a","cache_control":{"type":"ephemeral"}},{"type":"text","text":"b","cache_control":{"type":"ephemeral"}}],
         "tools":[{"name":"t","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}],
         "messages":[{"role":"user","content":[{"type":"text","text":"x","cache_control":{"type":"ephemeral"}}]}]}
        """#)
        #expect(r.count("cache_control dropped") == 1, "\(r.warnings)")
    }

    @Test func warningsNameTheClientsMessageIndexAfterHoisting() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"messages":[{"role":"system","content":"env"},{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"redacted_thinking","data":"E"}]},{"role":"user","content":"y"}]}"#)
        #expect(r.warned("messages[2].content[1]: redacted_thinking"), "\(r.warnings)")
    }

    @Test func deferLoadingAndInputExamplesWarnOncePerKind() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"tools":[{"name":"a","input_schema":{"type":"object"},"defer_loading":true,"input_examples":[{}]},{"name":"b","input_schema":{"type":"object"},"defer_loading":true,"input_examples":[{}]}],"messages":[{"role":"user","content":"x"}]}"#)
        #expect(r.count("defer_loading") == 1)
        #expect(r.count("input_examples") == 1)
    }

    @Test func thinkingIsDroppedWithAWarningWhenTheUpstreamTakesNoEffort() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"thinking":{"type":"enabled","budget_tokens":2048},"messages":[{"role":"user","content":"x"}]}"#)
        #expect(r.root["reasoning_effort"] == nil)
        #expect(r.warned("reasoning_effort is false"))
    }

    @Test func toolChoiceWithoutFunctionToolsIsDroppedWithAWarning() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"tools":[{"type":"web_search_20250305","name":"web_search"}],"tool_choice":{"type":"any","disable_parallel_tool_use":true},"messages":[{"role":"user","content":"x"}]}"#)
        #expect(r.root["tools"] == nil)
        #expect(r.root["tool_choice"] == nil)
        #expect(r.root["parallel_tool_calls"] == nil)
        #expect(r.warned("tool_choice"))
        #expect(r.warned("web_search_20250305"))
    }
}

@Suite struct AnthropicToChatRequestEncoding {
    @Test func toolInputIsPassedAsItsExactText() throws {
        // Key order, whitespace, number text and escapes must survive: the upstream sees what the
        // model produced.
        let input = #"{ "b": 12345678901234567890, "a": 1e400, "s": "\u00e9\n\"q\"", "n": [1.0, -0] }"#
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":"# + input + #"}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}]}"#)
        let call = A2C.at(A2C.at(r.root["messages"], 0)?["tool_calls"], 0)
        #expect(call?["function"]?["arguments"]?.string == input)
    }

    @Test func longAndDottedToolNamesAreShortenedAndRemembered() throws {
        let name = "mcp__server.with.dots__" + String(repeating: "x", count: 60)
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"tools":[{"name":"\#(name)","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"\#(name)"},"messages":[{"role":"user","content":"x"}]}"#)
        let sent = try #require(A2C.at(r.root["tools"], 0)?["function"]?["name"]?.string)
        #expect(sent.utf8.count <= 64)
        #expect(ToolNameMap.isSafe(sent))
        #expect(r.root["tool_choice"]?["function"]?["name"]?.string == sent)
        #expect(r.exchange.toolNames.original(sent) == name)
    }

    @Test(arguments: [(1024, "low"), (4095, "low"), (4096, "medium"), (16383, "medium"), (16384, "high"), (100000, "high")])
    func budgetBuckets(_ budget: Int, _ effort: String) throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":200000,"thinking":{"type":"enabled","budget_tokens":\#(budget)},"messages":[{"role":"user","content":"x"}]}"#,
                                config: #"{"upstream":{"reasoning_effort":true}}"#)
        #expect(r.root["reasoning_effort"]?.string == effort)
    }

    @Test func effortReadBeforeOrAfterThinking() throws {
        let cfg = #"{"upstream":{"reasoning_effort":true}}"#
        let a = try A2C.request(#"{"model":"m","max_tokens":1,"output_config":{"effort":"low"},"thinking":{"type":"adaptive"},"messages":[{"role":"user","content":"x"}]}"#, config: cfg)
        let b = try A2C.request(#"{"model":"m","max_tokens":1,"thinking":{"type":"adaptive"},"output_config":{"effort":"max"},"messages":[{"role":"user","content":"x"}]}"#, config: cfg)
        #expect(a.root["reasoning_effort"]?.string == "low")
        #expect(b.root["reasoning_effort"]?.string == "max")
    }

    @Test func billingHeaderOnlyStrippedAtTheStartOfABlock() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=1;"},{"type":"text","text":"Mention x-anthropic-billing-header: here"}],"messages":[{"role":"user","content":"x"}]}"#)
        #expect(A2C.at(r.root["messages"], 0)?["content"]?.string == "Mention x-anthropic-billing-header: here")
    }

    @Test func topLevelSystemComesFirstWhateverTheKeyOrder() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"messages":[{"role":"system","content":"env"},{"role":"user","content":"x"}],"system":"rules"}"#)
        #expect(A2C.at(r.root["messages"], 0)?["content"]?.string == "rules\n\nenv")
    }

    @Test func onlyABillingHeaderGivesNoSystemMessage() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"system":[{"type":"text","text":"x-anthropic-billing-header: a"}],"messages":[{"role":"user","content":"x"}]}"#)
        #expect(A2C.at(r.root["messages"], 0)?["role"]?.string == "user")
        #expect(r.root["messages"]?.count == 1)
    }

    @Test func maxTokensBelowTheCapIsNotTouched() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"x"}]}"#, config: #"{"upstream":{"max_tokens_cap":8192}}"#)
        #expect(r.root["max_completion_tokens"]?.int == 100)
        #expect(r.warnings.isEmpty, "\(r.warnings)")
    }

    @Test func toolResultWithOnlyAnImageStillAnswersTheCall() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"s1","name":"shot","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"s1","content":[{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}]}]}"#)
        let tool = A2C.at(r.root["messages"], 1)
        #expect(tool?["role"]?.string == "tool")
        #expect(tool?["tool_call_id"]?.string == "s1")
        #expect(tool?["content"]?.string?.isEmpty == false)
        let user = A2C.at(r.root["messages"], 2)
        #expect(user?["role"]?.string == "user")
        #expect(A2C.at(user?["content"], 0)?["text"]?.string?.contains("s1") == true)
        #expect(A2C.at(user?["content"], 1)?["image_url"]?["url"]?.string == "https://x/y.png")
    }

    @Test(arguments: [("Quarterly Report", "Quarterly Report.pdf"), ("a.PDF", "a.PDF"), (nil, "document.pdf")])
    func pdfFilenameEndsInPdf(_ title: String?, _ filename: String) throws {
        let t = title.map { #","title":"\#($0)""# } ?? ""
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"}\#(t)},{"type":"text","text":"?"}]}]}"#)
        #expect(A2C.at(A2C.at(r.root["messages"], 0)?["content"], 0)?["file"]?["filename"]?.string == filename)
    }

    @Test func pdfInAToolResultMovesToTheUserMessage() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"r1","name":"read","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"r1","content":[{"type":"text","text":"see file"},{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"}}]}]}]}"#)
        #expect(A2C.at(r.root["messages"], 1)?["content"]?.string == "see file")
        let part = A2C.at(A2C.at(r.root["messages"], 2)?["content"], 1)
        #expect(part?["file"]?["file_data"]?.string == "data:application/pdf;base64,JVBE")
    }

    @Test func everyToolResultOfATurnIsKeptInOrder() throws {
        var calls: [String] = []
        var results: [String] = []
        for i in 0..<20 {
            calls.append(#"{"type":"tool_use","id":"c\#(i)","name":"t","input":{"i":\#(i)}}"#)
            results.append(#"{"type":"tool_result","tool_use_id":"c\#(i)","content":"r\#(i)"}"#)
        }
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[\#(calls.joined(separator: ","))]},{"role":"user","content":[\#(results.joined(separator: ","))]}]}"#)
        #expect(A2C.at(r.root["messages"], 0)?["tool_calls"]?.count == 20)
        for i in 0..<20 {
            let m = A2C.at(r.root["messages"], i + 1)
            #expect(m?["tool_call_id"]?.string == "c\(i)")
            #expect(m?["content"]?.string == "r\(i)")
        }
    }

    @Test func toolChoiceNamingAServerToolIsDropped() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"tools":[{"type":"web_search_20250305","name":"web_search"},{"name":"t","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"web_search"},"messages":[{"role":"user","content":"x"}]}"#)
        #expect(r.root["tools"]?.count == 1)
        #expect(r.root["tool_choice"] == nil)
        #expect(r.warned("tool_choice.name"))
    }

    @Test func anAssistantTurnWithOnlyServerBlocksIsNotSentEmpty() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}]},{"role":"user","content":"y"}]}"#)
        #expect(r.root["messages"]?.count == 2)
        #expect(r.warned("server_tool_use"))
    }

    @Test func searchResultsInAToolResultAreSentAsText() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"k1","name":"kb","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"k1","content":[{"type":"search_result","source":"https://kb/1","title":"Doc 1","content":[{"type":"text","text":"Fact A."},{"type":"text","text":"Fact B."}],"citations":{"enabled":true}}]}]}]}"#)
        #expect(A2C.at(r.root["messages"], 1)?["content"]?.string == "Doc 1\nSource: https://kb/1\nFact A.\nFact B.")
        #expect(r.warned("search_result"))
    }

    @Test func noStreamFieldsForANonStreamingRequest() throws {
        let r = try A2C.request(#"{"model":"m","max_tokens":1,"stream":false,"messages":[{"role":"user","content":"x"}]}"#)
        #expect(r.root["stream"] == nil)
        #expect(r.root["stream_options"] == nil)
    }

    @Test func countTokensAcceptsARequestWithoutMaxTokens() throws {
        let n = try A2C.translator().countTokens(format: .anthropic, body: Array(#"{"model":"m","messages":[{"role":"user","content":"hello there"}]}"#.utf8))
        #expect(n > 0)
    }
}
