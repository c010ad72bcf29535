import Testing
@testable import SwiftTranslate

/// The Responses stream decoder and encoder as state machines (no SSE bytes).
@Suite struct ResponsesStreamTests {
    typealias S = StreamStateMachineTests

    static func ev(_ type: String, _ fields: String = "") -> String {
        "{\"type\":\"\(type)\",\"sequence_number\":0" + (fields.isEmpty ? "" : "," + fields) + "}"
    }
    static let created = ev("response.created", #""response":{"id":"resp_1","model":"up","created_at":5,"status":"in_progress","output":[]}"#)
    static func completed(_ usage: String = #"{"input_tokens":9,"output_tokens":4}"#) -> String {
        ev("response.completed", #""response":{"id":"resp_1","status":"completed","output":[],"usage":\#(usage)}"#)
    }

    // MARK: decoder

    /// A function call whose arguments come only in `function_call_arguments.done`, and one whose
    /// arguments come only in `output_item.done`: neither loses its arguments.
    @Test func argumentsThatArriveOnlyAtTheEnd() throws {
        var d = ResponsesStreamDecoder(settings: S.settings())
        let events = try S.decode(&d, [
            Self.created,
            Self.ev("response.output_item.added", #""output_index":0,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"a","arguments":""}"#),
            Self.ev("response.function_call_arguments.done", #""output_index":0,"item_id":"fc_1","arguments":"{\"x\":1}""#),
            Self.ev("response.output_item.done", #""output_index":0,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"a","arguments":"{\"x\":1}"}"#),
            Self.ev("response.output_item.added", #""output_index":1,"item":{"type":"function_call","id":"fc_2","call_id":"call_2","name":"b","arguments":""}"#),
            Self.ev("response.output_item.done", #""output_index":1,"item":{"type":"function_call","id":"fc_2","call_id":"call_2","name":"b","arguments":"{\"y\":2}"}"#),
            Self.completed(),
        ])
        #expect(events == [
            .messageStart(id: "resp_1", model: "up", created: 5, usage: nil),
            .blockStart(.toolCall(id: "call_1", name: "a")), .argumentsDelta(S.t(#"{"x":1}"#)), .blockStop,
            .blockStart(.toolCall(id: "call_2", name: "b")), .argumentsDelta(S.t(#"{"y":2}"#)), .blockStop,
            .messageDelta(stop: .toolUse, stopSequence: nil, usage: NUsage(input: 9, output: 4)), .messageStop,
        ])
    }

    /// Should an upstream interleave two items, the second is held and emitted whole after the
    /// first: blocks never interleave and no byte is lost.
    @Test func interleavedItemsAreSerialized() throws {
        var d = ResponsesStreamDecoder(settings: S.settings())
        let events = try S.decode(&d, [
            Self.created,
            Self.ev("response.output_item.added", #""output_index":0,"item":{"type":"function_call","id":"fc_1","call_id":"c1","name":"a","arguments":""}"#),
            Self.ev("response.output_item.added", #""output_index":1,"item":{"type":"function_call","id":"fc_2","call_id":"c2","name":"b","arguments":""}"#),
            Self.ev("response.function_call_arguments.delta", #""output_index":1,"item_id":"fc_2","delta":"{\"q\"""#),
            Self.ev("response.function_call_arguments.delta", #""output_index":0,"item_id":"fc_1","delta":"{}""#),
            Self.ev("response.function_call_arguments.delta", #""output_index":1,"item_id":"fc_2","delta":":1}""#),
            Self.ev("response.output_item.done", #""output_index":1,"item":{"type":"function_call","call_id":"c2","name":"b","arguments":"{\"q\":1}"}"#),
            Self.ev("response.output_item.done", #""output_index":0,"item":{"type":"function_call","call_id":"c1","name":"a","arguments":"{}"}"#),
            Self.completed(),
        ])
        #expect(Array(events.dropFirst().dropLast(2)) == [
            .blockStart(.toolCall(id: "c1", name: "a")), .argumentsDelta(S.t("{}")), .blockStop,
            .blockStart(.toolCall(id: "c2", name: "b")), .argumentsDelta(S.t(#"{"q""#)), .argumentsDelta(S.t(":1}")), .blockStop,
        ])
    }

    @Test func reasoningBecomesSignedThinking() throws {
        var d = ResponsesStreamDecoder(settings: S.settings())
        let events = try S.decode(&d, [
            Self.created,
            Self.ev("response.output_item.added", #""output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[]}"#),
            Self.ev("response.reasoning_summary_part.added", #""output_index":0,"item_id":"rs_1","summary_index":0"#),
            Self.ev("response.reasoning_summary_text.delta", #""output_index":0,"item_id":"rs_1","summary_index":0,"delta":"A""#),
            Self.ev("response.reasoning_summary_text.done", #""output_index":0,"item_id":"rs_1","summary_index":0,"text":"A""#),
            Self.ev("response.reasoning_summary_text.done", #""output_index":0,"item_id":"rs_1","summary_index":1,"text":"B""#),
            Self.ev("response.output_item.done", #""output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"enc"}"#),
            Self.completed(),
        ])
        let sig = ThinkingSignature.forResponses(id: "rs_1", encryptedContent: "enc")
        #expect(Array(events.dropFirst().dropLast(2)) == [
            .blockStart(.thinking), .thinkingDelta(S.t("A")), .thinkingDelta(S.t("\n\n")), .thinkingDelta(S.t("B")),
            .signatureDelta(S.t(sig)), .blockStop,
        ])
    }

    @Test func failuresAndErrorsEndTheStream() throws {
        var d = ResponsesStreamDecoder(settings: S.settings())
        let events = try S.decode(&d, [
            Self.created,
            Self.ev("error", #""code":"rate_limit_exceeded","message":"slow","param":null"#),
            Self.ev("response.failed", #""response":{"status":"failed","error":{"code":"rate_limit_exceeded","message":"slow"}}"#),
        ])
        #expect(events.count == 2)
        if case .error(let e) = events.last { #expect(e.kind == .rateLimit); #expect(e.status == 429) } else { Issue.record("\(events)") }

        var f = ResponsesStreamDecoder(settings: S.settings())
        let failed = try S.decode(&f, [Self.created, Self.ev("response.failed", #""response":{"status":"failed","error":{"code":"server_error","message":"boom"}}"#)])
        if case .error(let e) = failed.last { #expect(e.message == "boom"); #expect(e.kind == .api) } else { Issue.record("\(failed)") }
    }

    @Test func malformedSequencesAreStreamErrors() throws {
        for payloads in [
            [Self.created, Self.ev("response.output_text.delta", #""output_index":3,"item_id":"m","content_index":0,"delta":"x""#)],
            [Self.created, Self.ev("response.output_item.added", #""output_index":0"#)],
            [Self.created, Self.ev("response.function_call_arguments.delta", #""item_id":"x","delta":"x""#)],
        ] {
            var d = ResponsesStreamDecoder(settings: S.settings())
            do { _ = try S.decode(&d, payloads); Issue.record("accepted \(payloads)") } catch let error as TranslateError {
                #expect(error.status == .stream)
            }
        }
    }

    @Test func anUnfinishedStreamIsClosedWithAWarning() throws {
        var d = ResponsesStreamDecoder(settings: S.settings(inputTokens: 42))
        let events = try S.decode(&d, [
            Self.created,
            Self.ev("response.output_item.added", #""output_index":0,"item":{"type":"message","id":"m","content":[]}"#),
            Self.ev("response.output_text.delta", #""output_index":0,"item_id":"m","content_index":0,"delta":"abcdefgh""#),
        ])
        #expect(Array(events.suffix(4)) == [.textDelta(S.t("abcdefgh")), .blockStop,
                                            .messageDelta(stop: .endTurn, stopSequence: nil, usage: NUsage(input: 42, output: 2)), .messageStop])
        #expect(d.takeWarnings().contains { $0.contains("without response.completed") })
    }

    // MARK: encoder

    @Test func encoderNumbersEventsAndKeepsIdsStable() {
        var e = ResponsesStreamEncoder(settings: S.settings())
        let v = S.encode(&e, [
            .messageStart(id: "msg_1", model: "up", created: nil, usage: nil),
            .blockStart(.text), .textDelta(S.t("a")), .blockStop,
            .blockStart(.text), .textDelta(S.t("b")), .blockStop,
            .blockStart(.toolCall(id: "toolu_1", name: "f")), .blockStop,
            .messageDelta(stop: .toolUse, stopSequence: nil, usage: NUsage(input: 5, output: 2)), .messageStop,
        ])
        #expect(v.map { $0["sequence_number"]?.int ?? -1 } == Array(0..<v.count))
        #expect(v.first?["type"]?.string == "response.created")
        #expect(v.first?["response"]?["model"]?.string == "client-model")
        #expect(v.first?["response"]?["created_at"]?.int == 1)
        let last = v.last
        #expect(last?["type"]?.string == "response.completed")
        // two text blocks share one message item (two content parts); the call has its own item
        let output = Array(last?["response"]?["output"]?.elements ?? JSONValue.emptyElements(v[0]))
        #expect(output.map { $0["type"]?.string ?? "" } == ["message", "function_call"])
        #expect(output.first?["content"]?.count == 2)
        #expect(output.last?["arguments"]?.string == "{}")
        #expect(output.last?["call_id"]?.string == "toolu_1")
        let messageId = output.first?["id"]?.string
        for x in v where x["output_index"]?.int == 0 {
            #expect((x["item_id"]?.string ?? x["item"]?["id"]?.string) == messageId)
        }
    }

    @Test func encoderCarriesAnthropicSignaturesAndReportsErrors() {
        var e = ResponsesStreamEncoder(settings: S.settings())
        let v = S.encode(&e, [
            .messageStart(id: "msg_1", model: "up", created: 7, usage: nil),
            .blockStart(.thinking), .thinkingDelta(S.t("hm")), .signatureDelta(S.t("EqSig")), .blockStop,
            .blockStart(.text), .textDelta(S.t("par")),
            .error(NError(kind: .overloaded, status: 529, message: "Overloaded")),
        ])
        let reasoning = v.first { $0["type"]?.string == "response.output_item.done" }
        #expect(reasoning?["item"]?["encrypted_content"]?.string == "apx1.a.EqSig")
        #expect(reasoning?["item"]?["summary"]?.elements.map { $0["text"]?.string } == ["hm"])
        let types = v.suffix(2).map { $0["type"]?.string ?? "" }
        #expect(types == ["error", "response.failed"])
        #expect(v.last?["response"]?["error"]?["code"]?.string == "server_is_overloaded")
        // the open text is closed and kept in the failed response
        #expect(v.last?["response"]?["output"]?.count == 2)
    }

    /// An upstream error before anything was sent still gives a stream that starts with
    /// response.created (the SDK's helper requires it), then error and response.failed.
    @Test func encoderErrorBeforeStart() {
        var e = ResponsesStreamEncoder(settings: S.settings())
        let v = S.encode(&e, [.error(NError(kind: .overloaded, status: 529, message: "Overloaded"))])
        #expect(v.map { $0["type"]?.string ?? "" } == ["response.created", "response.in_progress", "error", "response.failed"])
        #expect(v.map { $0["sequence_number"]?.int ?? -1 } == [0, 1, 2, 3])
        #expect(v.last?["response"]?["status"]?.string == "failed")
    }

    @Test func emptyReasoningItemsOpenNoBlock() throws {
        var d = ResponsesStreamDecoder(settings: S.settings())
        let events = try S.decode(&d, [
            Self.created,
            Self.ev("response.output_item.added", #""output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[]}"#),
            Self.ev("response.output_item.done", #""output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[]}"#),
            Self.ev("response.output_item.added", #""output_index":1,"item":{"type":"message","id":"m","content":[]}"#),
            Self.ev("response.output_text.delta", #""output_index":1,"item_id":"m","content_index":0,"delta":"hi""#),
            Self.ev("response.output_item.done", #""output_index":1,"item":{"type":"message","id":"m","content":[]}"#),
            Self.completed(),
        ])
        #expect(Array(events.dropFirst().dropLast(2)) == [.blockStart(.text), .textDelta(S.t("hi")), .blockStop])
    }
}
