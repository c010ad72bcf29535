import Testing
@testable import SwiftTranslate

/// Anthropic response → NResponse → Chat response.
@Suite struct ChatToAnthropicResponses {
    static func decode(_ json: String) throws -> NResponse {
        let doc = try JSONDocument.parse(json)
        var ctx = TranslationContext(config: TranslatorConfig())
        return try AnthropicResponseDecoder.decode(doc.root, &ctx)
    }

    @Test func decodesEveryBlockKind() throws {
        let r = try Self.decode(#"""
        {"id":"msg_1","type":"message","role":"assistant","model":"c","stop_reason":"tool_use","stop_sequence":null,
         "content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"redacted_thinking","data":"d"},
                    {"type":"text","text":"x","citations":null},{"type":"text","text":"y","citations":[{"type":"char_location"}]},
                    {"type":"tool_use","id":"toolu_1","name":"f","input":{ "a" : 1 }},{"type":"container_upload","file_id":"f1"}],
         "usage":{"input_tokens":3,"cache_read_input_tokens":4,"cache_creation_input_tokens":5,"output_tokens":6}}
        """#)
        #expect(r.id == "msg_1" && r.model == "c" && r.stopReason == .toolUse && r.stopSequence == nil)
        #expect(r.usage == NUsage(input: 12, cacheRead: 4, cacheWrite: 5, output: 6))
        #expect(r.content.count == 6)
        guard case .thinking(let t) = r.content[0], case .redactedThinking(let d) = r.content[1],
              case .text(let x) = r.content[2], case .text(let y) = r.content[3],
              case .toolCall(let c) = r.content[4], case .opaque(let f, let type, _) = r.content[5] else {
            Issue.record("wrong kinds"); return
        }
        #expect(t.text == "t" && t.signature == "s" && d == "d" && x.citations == nil && y.citations != nil)
        #expect(String(decoding: c.arguments, as: UTF8.self) == #"{ "a" : 1 }"# && c.id == "toolu_1")
        #expect(f == .anthropic && type == "container_upload")
    }

    @Test(arguments: [
        (#"[]"#, ""),
        (#"{"id":"m","content":{}}"#, "content"),
        (#"{"id":"m"}"#, "content"),
        (#"{"id":5,"content":[]}"#, "id"),
        (#"{"content":[],"stop_reason":"bored"}"#, "stop_reason"),
        (#"{"content":[],"usage":[]}"#, "usage"),
        (#"{"content":[1]}"#, "content[0]"),
        (#"{"content":[{"text":"x"}]}"#, "content[0].type"),
        (#"{"content":[{"type":"text","text":7}]}"#, "content[0].text"),
        (#"{"content":[{"type":"tool_use","id":"t","name":"f","input":"{}"}]}"#, "content[0].input"),
        (#"{"content":[{"type":"tool_use","name":"f","input":{}}]}"#, "content[0].id"),
    ])
    func wrongShapesNameTheirPath(_ json: String, _ path: String) {
        let e = C2A.failure { _ = try Self.decode(json) }
        #expect(e?.status == .invalid && e?.path == path, "\(json): \(e?.message ?? "no error")")
    }

    @Test func anErrorBodyIsNotAResponse() {
        let e = C2A.failure { _ = try Self.decode(#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#) }
        #expect(e?.status == .invalid && e?.message.contains("Overloaded") == true)
    }

    @Test func createdIsNowUnlessTheResponseSaysAndIdIsPrefixed() throws {
        var r = NResponse()
        r.id = "msg_9"
        r.content = [.text(NText("hi"))]
        var ctx = TranslationContext(config: TranslatorConfig())
        let now = try JSONDocument.parse(try ChatResponseEncoder.encode(r, &ctx))
        #expect((now.root["created"]?.int ?? 0) > 1_700_000_000)
        #expect(now.root["id"]?.string == "chatcmpl-msg_9")
        r.created = 1234
        let fixed = try JSONDocument.parse(try ChatResponseEncoder.encode(r, &ctx))
        #expect(fixed.root["created"]?.int == 1234)
    }

    @Test func refusalPartsAndThinkingBlocksAreJoined() throws {
        var r = NResponse()
        r.content = [.thinking(NThinking(text: "a", signature: "s1")), .refusal("no"), .thinking(NThinking(text: "b", signature: "s2"))]
        r.stopReason = .refusal
        var ctx = TranslationContext(config: TranslatorConfig())
        let doc = try JSONDocument.parse(try ChatResponseEncoder.encode(r, &ctx))
        let m = try #require(doc.root["choices"]?.elements.map { $0 }.first?["message"])
        #expect(m["content"]?.isNull == true && m["refusal"]?.string == "no")
        #expect(m["reasoning_content"]?.string == "a\n\nb")
        #expect(m["reasoning_details"]?.count == 2)
        #expect(doc.root["choices"]?.elements.map { $0 }.first?["finish_reason"]?.string == "content_filter")
    }

    @Test func argumentsAreTheExactInputText() throws {
        let (doc, _) = try C2A.response(#"{"id":"m","model":"c","content":[{"type":"tool_use","id":"t","name":"f","input":{"s":"é\n\"q\"","n":1.50}}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}}"#)
        let call = try #require(doc.root["choices"]?.elements.map { $0 }.first?["message"]?["tool_calls"]?.elements.map { $0 }.first)
        #expect(call["function"]?["arguments"]?.string == #"{"s":"é\n\"q\"","n":1.50}"#)
    }
}
