import Testing
@testable import SwiftTranslate

/// The decoders and encoders as state machines, fed events directly (no SSE bytes).
@Suite struct StreamStateMachineTests {
    static func settings(includeUsage: Bool = false, inputTokens: Int = 42, reasoning: TranslatorConfig.ReasoningField = .reasoningContent) -> TranslationContext {
        var config = TranslatorConfig()
        config.clientReasoningField = reasoning
        var s = TranslationContext(config: config, exchange: nil, clock: { 1 })
        s.clientModel = "client-model"
        s.includeUsage = includeUsage
        s.inputTokens = inputTokens
        return s
    }

    /// Feeds JSON payloads (or "[DONE]") to a decoder, then finishes it.
    static func decode<D: StreamDecoder>(_ d: inout D, _ payloads: [String], finish: Bool = true) throws -> [StreamEvent] {
        var out: [StreamEvent] = []
        for p in payloads {
            if p == "[DONE]" { try d.done(into: &out); continue }
            let doc = try JSONDocument.parse(p)
            try d.consume(.message("", p), json: doc.root, into: &out)
        }
        if finish { try d.finish(into: &out) }
        return out
    }

    static func t(_ s: String) -> JSONText { JSONText(escaping: s) }

    static func chunk(_ delta: String, finish: String? = nil) -> String {
        "{\"id\":\"c1\",\"model\":\"up\",\"created\":7,\"choices\":[{\"index\":0,\"delta\":\(delta),\"finish_reason\":\(finish.map { "\"\($0)\"" } ?? "null")}]}"
    }

    // MARK: Chat decoder

    @Test func chatInterleavedToolCallsNeverInterleaveNorLoseBytes() throws {
        var d = ChatStreamDecoder(settings: Self.settings())
        let events = try Self.decode(&d, [
            Self.chunk(#"{"tool_calls":[{"index":0,"id":"a","function":{"name":"na","arguments":"{"}}]}"#),
            Self.chunk(#"{"tool_calls":[{"index":2,"id":"c","function":{"name":"nc","arguments":"3"}}]}"#),
            Self.chunk(#"{"tool_calls":[{"index":1,"id":"b","function":{"name":"nb","arguments":"[1"}}]}"#),
            Self.chunk(#"{"tool_calls":[{"index":1,"function":{"arguments":",2]"}},{"index":0,"function":{"arguments":"}"}}]}"#),
            Self.chunk("{}", finish: "tool_calls"),
            "[DONE]",
        ])
        // The first call streams live; the others are buffered and emitted whole, in index order.
        #expect(events == [
            .messageStart(id: "c1", model: "up", created: 7, usage: nil),
            .blockStart(.toolCall(id: "a", name: "na")), .argumentsDelta(Self.t("{")), .argumentsDelta(Self.t("}")), .blockStop,
            .blockStart(.toolCall(id: "b", name: "nb")), .argumentsDelta(Self.t("[1,2]")), .blockStop,
            .blockStart(.toolCall(id: "c", name: "nc")), .argumentsDelta(Self.t("3")), .blockStop,
            .messageDelta(stop: .toolUse, stopSequence: nil, usage: NUsage(input: 42, output: 2)),
            .messageStop,
        ])
    }

    @Test func chatToolCallIsHeldUntilItsNameArrives() throws {
        var d = ChatStreamDecoder(settings: Self.settings())
        let events = try Self.decode(&d, [
            Self.chunk(#"{"tool_calls":[{"index":0,"id":"a"}]}"#),
            Self.chunk(#"{"tool_calls":[{"index":0,"function":{"name":"na"}}]}"#),
            Self.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}"#),
        ])
        #expect(Array(events[1...3]) == [.blockStart(.toolCall(id: "a", name: "na")), .argumentsDelta(Self.t("{}")), .blockStop])
    }

    @Test func chatReasoningAliasIsNotDuplicated() throws {
        var d = ChatStreamDecoder(settings: Self.settings())
        let events = try Self.decode(&d, [Self.chunk(#"{"reasoning":"x","reasoning_content":"x"}"#)])
        #expect(events.filter { if case .thinkingDelta = $0 { return true } else { return false } } == [.thinkingDelta(Self.t("x"))])
        #expect(events.contains(.signatureDelta(Self.t(ThinkingSignature.chat))))
    }

    @Test func chatMessageDeltaWaitsForTheUsageChunk() throws {
        var d = ChatStreamDecoder(settings: Self.settings())
        var out = try Self.decode(&d, [Self.chunk(#"{"content":"hi"}"#, finish: "stop")], finish: false)
        #expect(!out.contains(.messageStop))
        out = try Self.decode(&d, [#"{"id":"c1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":4}}}"#], finish: false)
        #expect(out == [.messageDelta(stop: .endTurn, stopSequence: nil, usage: NUsage(input: 9, cacheRead: 4, output: 2)), .messageStop])
        #expect(try Self.decode(&d, ["[DONE]"]).isEmpty)
    }

    @Test func chatErrorChunkEndsTheStream() throws {
        var d = ChatStreamDecoder(settings: Self.settings())
        let events = try Self.decode(&d, [Self.chunk(#"{"content":"a"}"#), #"{"error":{"message":"boom","type":"server_error","code":null}}"#])
        guard case .error(let e)? = events.last else { Issue.record("no error: \(events)"); return }
        #expect(e.message == "boom")
        #expect(e.kind == .api)
        #expect(!events.contains(.messageStop))
    }

    @Test func chatToolNamesAreRestored() throws {
        var s = Self.settings()
        let short = s.toolNames.openAISafe("server.tool/name")
        var d = ChatStreamDecoder(settings: s)
        let events = try Self.decode(&d, [Self.chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"x\",\"function\":{\"name\":\"\(short)\",\"arguments\":\"{}\"}}]}")])
        #expect(events.contains(.blockStart(.toolCall(id: "x", name: "server.tool/name"))))
    }

    @Test func chatArgumentsSentAsAnObjectAreKept() throws {
        var d = ChatStreamDecoder(settings: Self.settings())
        let events = try Self.decode(&d, [Self.chunk(#"{"tool_calls":[{"index":0,"id":"x","function":{"name":"f","arguments":{"a":[1,"b"]}}}]}"#)])
        let args = events.compactMap { if case .argumentsDelta(let t) = $0 { return t.decoded } else { return nil } }
        #expect(args == [#"{"a":[1,"b"]}"#])
    }

    @Test func chatDeprecatedFunctionCallBecomesAToolCall() throws {
        var d = ChatStreamDecoder(settings: Self.settings())
        let events = try Self.decode(&d, [
            Self.chunk(#"{"function_call":{"name":"f","arguments":""}}"#),
            Self.chunk(#"{"function_call":{"arguments":"{\"a\":1}"}}"#),
            Self.chunk("{}", finish: "function_call"),
        ])
        #expect(Array(events[1...3]) == [.blockStart(.toolCall(id: "call_c1_fn", name: "f")), .argumentsDelta(Self.t(#"{"a":1}"#)), .blockStop])
        #expect(events.contains { if case .messageDelta(.toolUse, _, _) = $0 { return true } else { return false } })
    }

    @Test func chatOtherChoicesAreDroppedWithAWarning() throws {
        var d = ChatStreamDecoder(settings: Self.settings())
        let events = try Self.decode(&d, [#"{"id":"c","choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}"#])
        #expect(events.contains(.textDelta(Self.t("a"))) && !events.contains(.textDelta(Self.t("b"))))
        #expect(d.takeWarnings().contains { $0.contains("choices[1]") })
    }

    @Test func chatChunkThatIsNotAnObjectIsAStreamError() throws {
        var d = ChatStreamDecoder(settings: Self.settings())
        #expect(throws: TranslateError.self) { _ = try Self.decode(&d, ["[1,2]"]) }
    }

    // MARK: Anthropic decoder

    static let start = #"{"type":"message_start","message":{"id":"m","model":"up","usage":{"input_tokens":10,"cache_read_input_tokens":5,"cache_creation_input_tokens":1,"output_tokens":1}}}"#

    @Test func anthropicUsageIsCumulativeAndHeldUntilMessageStop() throws {
        var d = AnthropicStreamDecoder(settings: Self.settings())
        let events = try Self.decode(&d, [
            Self.start,
            #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}"#,
            #"{"type":"content_block_stop","index":0}"#,
            #"{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":3}}"#,
            #"{"type":"message_delta","delta":{},"usage":{"output_tokens":7}}"#,
            #"{"type":"message_stop"}"#,
        ])
        #expect(events == [
            .messageStart(id: "m", model: "up", created: nil, usage: NUsage(input: 16, cacheRead: 5, cacheWrite: 1, output: 1)),
            .blockStart(.text), .textDelta(Self.t("a")), .blockStop,
            .messageDelta(stop: .maxTokens, stopSequence: nil, usage: NUsage(input: 16, cacheRead: 5, cacheWrite: 1, output: 7)),
            .messageStop,
        ])
    }

    @Test func anthropicServerToolResultsAreDroppedWithAWarning() throws {
        var d = AnthropicStreamDecoder(settings: Self.settings())
        let events = try Self.decode(&d, [
            Self.start,
            #"{"type":"content_block_start","index":0,"content_block":{"type":"web_search_tool_result","tool_use_id":"s","content":[]}}"#,
            #"{"type":"content_block_stop","index":0}"#,
            #"{"type":"message_stop"}"#,
        ])
        #expect(!events.contains(.blockStop))
        #expect(d.takeWarnings().contains { $0.contains("web_search_tool_result") })
    }

    @Test func anthropicServerToolCallsAreDroppedWithAWarning() throws {
        var d = AnthropicStreamDecoder(settings: Self.settings())
        let events = try Self.decode(&d, [
            Self.start,
            #"{"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{}"}}"#,
            #"{"type":"content_block_stop","index":0}"#,
            #"{"type":"content_block_start","index":1,"content_block":{"type":"text","text":"ok"}}"#,
            #"{"type":"content_block_stop","index":1}"#,
            #"{"type":"message_stop"}"#,
        ])
        #expect(Array(events[1...3]) == [.blockStart(.text), .textDelta(Self.t("ok")), .blockStop])
        #expect(d.takeWarnings().contains { $0.contains("web_search") })
    }

    /// The event kind comes from the payload's `type` (escapes decoded), else from the `event:`
    /// name; unknown types are skipped.
    @Test func anthropicEventTypeFromPayloadOrEventName() throws {
        var d = AnthropicStreamDecoder(settings: Self.settings())
        var out: [StreamEvent] = []
        let events: [(String, String)] = [
            ("message_start", Self.start),
            ("content_block_start", #"{"index":0,"content_block":{"type":"text","text":""}}"#),
            ("", #"{"type":"content_block_\u0064elta","index":0,"delta":{"type":"text_\u0064elta","text":"a"}}"#),
            ("content_block_delta", #"{"type":7,"index":0,"delta":{"type":"text_delta","text":"b"}}"#),
            ("content_block_delta", #"{"type":"future_event","index":0,"delta":{"type":"text_delta","text":"c"}}"#),
            ("", #"{"type":"content_block_delta","index":0,"delta":{"type":"future_delta","text":"d"}}"#),
            ("content_block_stop", #"{"index":0}"#),
            ("message_stop", "{}"),
        ]
        for (name, payload) in events {
            try d.consume(.message(name, payload), json: JSONDocument.parse(payload).root, into: &out)
        }
        #expect(Array(out.dropFirst()) == [
            .blockStart(.text), .textDelta(Self.t("a")), .textDelta(Self.t("b")), .blockStop,
            .messageDelta(stop: .endTurn, stopSequence: nil, usage: NUsage(input: 16, cacheRead: 5, cacheWrite: 1, output: 1)),
            .messageStop,
        ])
    }

    @Test func anthropicMalformedSequencesAreStreamErrors() throws {
        var d = AnthropicStreamDecoder(settings: Self.settings())
        #expect(throws: TranslateError.self) {
            _ = try Self.decode(&d, [#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}"#])
        }
        var d2 = AnthropicStreamDecoder(settings: Self.settings())
        #expect(throws: TranslateError.self) {
            _ = try Self.decode(&d2, [Self.start, #"{"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"a"}}"#])
        }
    }

    // MARK: encoders

    static func encode<E: StreamEncoder>(_ e: inout E, _ events: [StreamEvent]) -> [JSONValue] {
        var out: [UInt8] = []
        for ev in events { e.encode(ev, into: &out) }
        e.finish(into: &out)
        var p = SSEParser()
        var pos = 0
        var values: [JSONValue] = []
        while let ev = try? p.next(in: out[...], at: &pos) {
            if ev.kind == .message, !ev.isDone, let doc = try? JSONDocument.parse(ev.data) { values.append(doc.root) }
        }
        return values
    }

    @Test func anthropicEncoderIndexesBlocksAndReportsTheClientModel() {
        var e = AnthropicStreamEncoder(settings: Self.settings())
        let v = Self.encode(&e, [
            .messageStart(id: "chatcmpl-9", model: "up", created: nil, usage: nil),
            .blockStart(.text), .textDelta(Self.t("x")), .blockStop,
            .blockStart(.toolCall(id: "call|1", name: "f")), .argumentsDelta(Self.t("{}")), .blockStop,
            .messageDelta(stop: .toolUse, stopSequence: nil, usage: NUsage(input: 5, output: 2)), .messageStop,
        ])
        #expect(v.first?["message"]?["model"]?.string == "client-model")
        #expect(v.first?["message"]?["id"]?.string == "msg_9")
        #expect(v.first?["message"]?["usage"]?["input_tokens"]?.int == 42)
        #expect(v.compactMap { $0["index"]?.int } == [0, 0, 0, 1, 1, 1])
        #expect(v[4]["content_block"]?["id"]?.string == ToolCallID.anthropicSafe("call|1"))
        #expect(v.filter { $0["type"]?.string == "message_delta" }.count == 1)
        #expect(v.last?["type"]?.string == "message_stop")
    }

    @Test func anthropicEncoderClosesAnUnfinishedStream() {
        var e = AnthropicStreamEncoder(settings: Self.settings())
        let v = Self.encode(&e, [.messageStart(id: "m", model: "up", created: nil, usage: nil), .blockStart(.text), .textDelta(Self.t("x"))])
        #expect(v.compactMap { $0["type"]?.string }.suffix(3) == ["content_block_stop", "message_delta", "message_stop"])
        #expect(e.takeWarnings().count == 1)
    }

    @Test func chatEncoderCountsToolCallsAndSendsUsageOnlyWhenAsked() {
        for includeUsage in [false, true] {
            var e = ChatStreamEncoder(settings: Self.settings(includeUsage: includeUsage))
            let v = Self.encode(&e, [
                .messageStart(id: "m", model: "up", created: nil, usage: NUsage(input: 3)),
                .blockStart(.thinking), .thinkingDelta(Self.t("r")), .signatureDelta(Self.t("sig")), .blockStop,
                .blockStart(.toolCall(id: "t1", name: "a")), .argumentsDelta(Self.t("{}")), .blockStop,
                .blockStart(.toolCall(id: "t2", name: "b")), .argumentsDelta(Self.t("[]")), .blockStop,
                .messageDelta(stop: .toolUse, stopSequence: nil, usage: NUsage(input: 3, output: 4)), .messageStop,
            ])
            #expect(v.allSatisfy { $0["id"]?.string == "chatcmpl-m" && $0["model"]?.string == "client-model" && $0["created"]?.int == 1 })
            let indexes = v.compactMap { $0["choices"]?.elements.first { _ in true }?["delta"]?["tool_calls"]?.elements.first { _ in true }?["index"]?.int }
            #expect(indexes == [0, 0, 1, 1])
            #expect(v.contains { $0["choices"]?.elements.first { _ in true }?["delta"]?["reasoning_content"]?.string == "r" })
            #expect(v.contains { $0["choices"]?.elements.first { _ in true }?["finish_reason"]?.string == "tool_calls" })
            #expect(v.contains { $0["usage"]?["completion_tokens"]?.int == 4 } == includeUsage)
            #expect(!v.contains { $0["choices"]?.elements.first { _ in true }?["delta"]?["signature"] != nil })
        }
    }
}
