import Testing
@testable import SwiftTranslate

/// The library's limits (include/apxlate.h, README "Configuration"): JSON depth, body size,
/// SSE event data size, Responses stream items; and the memory they bound.
@Suite struct LimitsTests {
    static func config(_ json: String) throws(TranslateError) -> TranslatorConfig { try TranslatorConfig.parse(Array(json.utf8)) }

    static func nested(_ depth: Int) -> [UInt8] {
        Array(repeating: UInt8(ascii: "["), count: depth) + [UInt8(ascii: "1")] + Array(repeating: UInt8(ascii: "]"), count: depth)
    }

    /// Stream bytes through a translator; the error, if any.
    static func stream(_ sse: String, from: Format, to: Format, config: TranslatorConfig = TranslatorConfig(),
                       pieces: Int = 1) -> (out: String, error: TranslateError?) {
        var out: [UInt8] = []
        do {
            var t = try StreamTranslator(config: config, exchange: nil, from: from, to: to)
            let bytes = Array(sse.utf8)
            let step = max(1, bytes.count / pieces)
            var i = 0
            while i < bytes.count {
                try t.feed(bytes[i..<min(i + step, bytes.count)], into: &out)
                i += step
            }
            try t.finish(into: &out)
            return (String(decoding: out, as: UTF8.self), nil)
        } catch {
            return (String(decoding: out, as: UTF8.self), error)
        }
    }

    // MARK: JSON depth and the tape

    @Test func depthLimitIsExactAndNamesTheByte() throws {
        let doc = try JSONDocument.parse(Self.nested(512))
        #expect(doc.root.count == 1)
        #expect(doc.root.raw.count == 1025)
        #expect(throws: TranslateError(.limit, "JSON nesting deeper than 512 at byte 512", offset: 512)) {
            try JSONDocument.parse(Self.nested(513))
        }
        // Deep input far past the limit stops at the limit (no recursion to run out of stack).
        #expect(throws: TranslateError(.limit, "JSON nesting deeper than 512 at byte 512", offset: 512)) {
            try JSONDocument.parse(Self.nested(1_000_000))
        }
    }

    /// The iterative parser keeps the tape: key order, counts, subtree ends, raw text, offsets.
    @Test func iterativeParserKeepsTheTape() throws {
        let text = #" {"b": [1, {"x": []}, "s\n"], "a": {}, "c": [[], [[2.50e1]]], "d": -0} "#
        let doc = try JSONDocument.parse(text)
        let root = doc.root
        #expect(root.members.map(\.key) == ["b", "a", "c", "d"])
        #expect(root.count == 4)
        #expect(root["b"]?.count == 3)
        #expect(root["b"]?.elements.map { String(decoding: $0.raw, as: UTF8.self) } == ["1", #"{"x": []}"#, #""s\n""#])
        #expect(root["c"]?.elements.map(\.count) == [0, 1])
        #expect(root["c"].map { Array($0.elements) }?.last?.elements.first(where: { _ in true })?.elements.first(where: { _ in true })?.numberText == "2.50e1")
        #expect(root["d"]?.offset == text.utf8.count - 4)
        #expect(String(decoding: root.raw, as: UTF8.self) == text.trimmingWhitespace())
        #expect(throws: TranslateError(.json, "invalid JSON: expected ',' or ']' but found '}' at byte 6", offset: 6)) {
            try JSONDocument.parse("[[1, 2}")
        }
        #expect(throws: TranslateError(.json, "invalid JSON: unterminated object opened at byte 1 at byte 7", offset: 7)) {
            try JSONDocument.parse(#"[{"a":1"#)
        }
        #expect(throws: TranslateError(.json, "invalid JSON: expected a string key but found ']' at byte 7", offset: 7)) {
            try JSONDocument.parse(#"{"a":1,]"#)
        }
    }

    @Test func tapeNodesAreCompact() {
        // 40 bytes a node before: the tape was 5x the size of a body of small values.
        #expect(MemoryLayout<JSONNode>.stride <= 16)
    }

    // MARK: body size

    @Test func maxBodyBytesIsAValidatedConfigKey() throws {
        #expect(TranslatorConfig().maxBodyBytes == 64 << 20)
        #expect(try Self.config(#"{"limits":{"max_body_bytes":1000}}"#).maxBodyBytes == 1000)
        #expect(throws: TranslateError(.config, "limits.max_body_bytes: expected a positive integer, got 0", path: "limits.max_body_bytes")) {
            try Self.config(#"{"limits":{"max_body_bytes":0}}"#)
        }
        #expect(throws: TranslateError(.config, "limits.max_body_bytes: at most 2147483648 (2 GiB)", path: "limits.max_body_bytes")) {
            try Self.config(#"{"limits":{"max_body_bytes":4294967296}}"#)
        }
        #expect(throws: TranslateError(.config, "limits.max_depth: unknown configuration key", path: "limits.max_depth")) {
            try Self.config(#"{"limits":{"max_depth":3}}"#)
        }
        #expect(throws: TranslateError(.config, "limits: expected an object, got a number", path: "limits")) {
            try Self.config(#"{"limits":1}"#)
        }
    }

    @Test func bodiesOverTheLimitAreLimitErrors() throws {
        let t = Translator(config: try Self.config(#"{"limits":{"max_body_bytes":100}}"#))
        let small = Array(#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#.utf8)
        let large = Array(#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"\#(String(repeating: "x", count: 100))"}]}"#.utf8)
        _ = try t.translateRequest(from: .anthropic, to: .openaiChat, body: small)
        let limit = TranslateError(.limit, "body of \(large.count) bytes is larger than limits.max_body_bytes (100)", offset: 100)
        #expect(throws: limit) { try t.translateRequest(from: .anthropic, to: .openaiChat, body: large) }
        #expect(throws: limit) { try t.translateRequest(from: .anthropic, to: .anthropic, body: large) }
        #expect(throws: limit) { try t.translateResponse(exchange: nil, from: .openaiChat, to: .anthropic, body: large) }
        #expect(throws: limit) { try t.countTokens(format: .anthropic, body: large) }
        // An upstream error body over the limit is not parsed: the status's generic message.
        let body = Array(#"{"error":{"message":"\#(String(repeating: "y", count: 120))","type":"x"}}"#.utf8)
        let out = t.translateError(exchange: nil, from: .openaiChat, to: .anthropic, status: 500, body: body)
        #expect(out.status == 500)
        #expect(String(decoding: out.body, as: UTF8.self).contains("upstream returned HTTP 500"))
    }

    /// Passthrough with a model to rename and a large string decode to the same bytes as before.
    @Test func largeEscapedStringsDecodeExactly() throws {
        let piece = #"a\"b\\c\n\u00e9\ud83d\ude00 "#
        let raw = String(repeating: piece, count: (JSONUnescape.directThreshold / piece.utf8.count) + 2)
        let doc = try JSONDocument.parse("\"" + raw + "\"")
        let expected = String(repeating: "a\"b\\c\né😀 ", count: (JSONUnescape.directThreshold / piece.utf8.count) + 2)
        #expect(doc.root.string == expected)
        #expect(doc.root.stringBytes == Array(expected.utf8))
        let t = Translator(config: try Self.config(#"{"models":{"default":"up"}}"#))
        let (out, _) = try t.translateRequest(from: .openaiChat, to: .openaiChat,
                                              body: Array(#"{"model":"m","messages":[{"role":"user","content":"\#(raw)"}]}"#.utf8))
        #expect(String(decoding: out.body, as: UTF8.self) == #"{"model":"up","messages":[{"role":"user","content":"\#(raw)"}]}"#)
    }

    // MARK: SSE events

    /// Many `data:` lines of one event add up: over the limit is an error naming the line.
    @Test func sseEventDataIsCapped() throws {
        let config = try Self.config(#"{"limits":{"max_body_bytes":1000}}"#)
        let line = "data: " + String(repeating: "z", count: 99) + "\n"
        let sse = String(repeating: line, count: 20) + "\n"
        let (_, error) = Self.stream(sse, from: .openaiChat, to: .anthropic, config: config, pieces: 7)
        // 10 lines = 990 data bytes + 9 LF = 999; the 11th line (at byte 1060) passes 1000.
        #expect(error == TranslateError(.limit, "SSE event data larger than 1000 bytes (limits.max_body_bytes): the event whose data starts at byte 6 passes it with the line at byte 1066", offset: 1066))
        // Passthrough parses events too when it restores the model name.
        let ex = Exchange(clientFormat: .openaiChat, upstreamFormat: .openaiChat, clientModel: "c", upstreamModel: "u",
                          stream: true, includeUsage: false, toolNames: ToolNameMap(), inputTokens: 0)
        var p = try StreamTranslator(config: config, exchange: ex, from: .openaiChat, to: .openaiChat)
        var out: [UInt8] = []
        #expect(throws: TranslateError.self) { try p.feed(Array(sse.utf8)[...], into: &out) }
        // A line without end is capped too (limit + room for the field name).
        var q = SSEParser(maxEventBytes: 1000)
        var pos = 0
        let long = Array(("data: " + String(repeating: "q", count: 1100)).utf8)
        #expect(throws: TranslateError(.limit, "SSE line longer than 1064 bytes at byte 0", offset: 0)) { try q.next(in: long[...], at: &pos) }
    }

    @Test func sseEventAtTheLimitPasses() throws {
        let config = try Self.config(#"{"limits":{"max_body_bytes":300}}"#)
        let chunk = #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}"#
        let (out, error) = Self.stream("data: \(chunk)\n\ndata: [DONE]\n\n", from: .openaiChat, to: .anthropic, config: config)
        #expect(error == nil)
        #expect(out.contains("\"text\":\"hi\"") || out.contains("hi"))
    }

    /// Too deep event data is a limit (with the stream offset), not a malformed stream.
    @Test func deepEventDataIsALimit() {
        let data = "{\"x\":" + String(decoding: Self.nested(600), as: UTF8.self) + "}"
        let (_, error) = Self.stream("data: \(data)\n\n", from: .openaiChat, to: .anthropic)
        #expect(error?.status == .limit)
        #expect(error?.offset == 6 + 5 + 511)
    }

    // MARK: Responses stream items

    static func responsesItems(_ n: Int) -> String {
        var s = "data: {\"type\":\"response.created\",\"response\":{\"id\":\"r\",\"model\":\"m\"}}\n\n"
        for i in 0..<n {
            s += "data: {\"type\":\"response.output_item.added\",\"output_index\":\(i),\"item\":{\"type\":\"message\",\"id\":\"m\(i)\",\"role\":\"assistant\",\"content\":[]}}\n\n"
            s += "data: {\"type\":\"response.output_text.delta\",\"output_index\":\(i),\"content_index\":0,\"delta\":\"t\(i)\"}\n\n"
            s += "data: {\"type\":\"response.output_item.done\",\"output_index\":\(i),\"item\":{\"type\":\"message\",\"id\":\"m\(i)\"}}\n\n"
        }
        return s + "data: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"status\":\"completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n"
    }

    @Test func responsesStreamItemsAreCapped() {
        let n = ResponsesStreamDecoder.maxItems
        let (out, error) = Self.stream(Self.responsesItems(n), from: .openaiResponses, to: .anthropic)
        #expect(error == nil)
        #expect(out.ranges(of: "event: content_block_start").count == n)
        #expect(out.contains("\"t\(n - 1)\""))
        let (_, over) = Self.stream(Self.responsesItems(n + 1), from: .openaiResponses, to: .openaiChat)
        #expect(over?.status == .limit)
        #expect(over?.message.hasPrefix("upstream stream has more than 4096 output items (at byte ") == true)
        #expect((over?.offset ?? -1) > 0)
    }

    /// Interleaved items are still replayed in output order (the index keeps the order), also
    /// when a later item was held first.
    @Test func heldItemsReplayInOrder() {
        let ev = { (s: String) in "data: \(s)\n\n" }
        var sse = ev(#"{"type":"response.created","response":{"id":"r","model":"m"}}"#)
        for i in 0..<4 {
            sse += ev(#"{"type":"response.output_item.added","output_index":\#(i),"item":{"type":"message","id":"m\#(i)"}}"#)
        }
        // item 3 goes live; item 1 is held, then item 0
        sse += ev(#"{"type":"response.output_text.delta","output_index":3,"content_index":0,"delta":"D"}"#)
        sse += ev(#"{"type":"response.output_text.delta","output_index":1,"content_index":0,"delta":"B"}"#)
        sse += ev(#"{"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"A"}"#)
        sse += ev(#"{"type":"response.completed","response":{"id":"r","status":"completed"}}"#)
        let (out, error) = Self.stream(sse, from: .openaiResponses, to: .openaiChat)
        #expect(error == nil)
        let a = out.firstRange(of: #""content":"A""#), b = out.firstRange(of: #""content":"B""#), d = out.firstRange(of: #""content":"D""#)
        #expect(a != nil && b != nil && d != nil)
        if let a, let b, let d { #expect(d.lowerBound < a.lowerBound && a.lowerBound < b.lowerBound) }
    }
}
