import Testing
@testable import SwiftTranslate

/// The stream decoders' fast path (`consumeHot`, JSONScan, JSONScanMemo): whatever it takes must
/// be exactly what the full parse and `consume` would make of the event; whatever it refuses is
/// left to them. Checked on hand-picked variants of the hot events and on seeded random mutations.
@Suite struct StreamHotPathTests {
    @Test func packedNamesAreTheirText() {
        for (text, key) in ChatStreamHotChunk.Name.all + AnthropicStreamHotDelta.Name.all + ResponsesStreamHotDelta.Name.all {
            #expect(JSONKey(text) == key, "\(text)")
        }
    }

    /// JSONScan.document (skipping every member) takes an object exactly when JSONParser does.
    @Test func scanValidatesAsTheParser() {
        let texts = [
            #"{}"#, #" { } "#, #"{"a":1}"#, #"{"a":-0.5e+3,"b":[1,2,{"c":null}],"d":true,"e":false}"#,
            #"{"a":"\u00e9\n\t\"\\\/"}"#, "{\"a\":\"caf\u{e9} \u{1F600}\"}", #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#,
            #"{"a":1e}"#, #"{"a":-}"#, #"{"a":tru}"#, #"{"a":nul}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\u12G4"}"#,
            #"{"a":1,}"#, #"{,"a":1}"#, #"{"a" 1}"#, #"{"a":1}}"#, #"{"a":1} x"#, #"[1]"#, #""s""#, #"{"a":[1,]}"#,
            #"{"a":[}"#, #"{"a":{"b":}}"#, #"{"a"}"#, #"{"a":"x"#, #"{"a":1"#, "", " ",
        ]
        var raws = texts.map { Array($0.utf8) }
        // bytes the parser must refuse inside strings: controls, bad UTF-8 (table 3-7)
        for bad: [UInt8] in [[0x01], [0x1F], [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
                             [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xFF]] {
            raws.append(Array(#"{"a":"x"#.utf8) + bad + Array(#"y"}"#.utf8))
        }
        for good: [UInt8] in [[0xC2, 0x80], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]] {
            raws.append(Array(#"{"a":"x"#.utf8) + good + Array(#"y"}"#.utf8))
        }
        for raw in raws {
            let scanned = JSONScan.document(raw.span) { s, _, p in JSONScan.skip(s, &p) }
            let parsed = (try? JSONDocument.parse(raw)).map { $0.root.isObject } ?? false
            #expect(scanned == parsed, "\(String(decoding: raw, as: UTF8.self))")
        }
        // valid, but left to the parser: a member name with escapes, nesting past JSONScan.maxDepth
        let escapedKey = Array(#"{"\u0061":1}"#.utf8)
        #expect(!JSONScan.document(escapedKey.span) { s, _, p in JSONScan.skip(s, &p) })
        let deep = Array(("{\"a\":" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "}").utf8)
        #expect(!JSONScan.document(deep.span) { s, _, p in JSONScan.skip(s, &p) })
        #expect((try? JSONDocument.parse(deep)) != nil)
    }

    // MARK: - the decoders' fast path against the full path

    static func settings() -> TranslationContext { StreamStateMachineTests.settings() }

    /// Runs `event` through a copy of `base` on the fast path and through another copy on the
    /// full path: when the fast path takes it, both must produce the same events and end alike.
    static func agree<D: StreamDecoder>(_ base: D, _ event: [UInt8], name: String = "", modelKnown: Bool = true,
                                        sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let e = SSEEvent(kind: .message, name: Array(name.utf8), payload: event[...], id: nil, offset: 0)
        var hot = base, full = base
        var hotOut: [StreamEvent] = [], fullOut: [StreamEvent] = []
        let took: Bool
        do { took = try hot.consumeHot(e, modelKnown: modelKnown, into: &hotOut) } catch {
            Issue.record("the fast path threw: \(error.message)", sourceLocation: sourceLocation)
            return false
        }
        guard took else { return false }
        do {
            let doc = try JSONDocument.parse(event)
            try full.consume(e, json: doc.root, into: &fullOut)
        } catch {
            Issue.record("taken by the fast path, refused by the full path (\(error.message)): \(String(decoding: event, as: UTF8.self))", sourceLocation: sourceLocation)
            return true
        }
        try? hot.finish(into: &hotOut)
        try? full.finish(into: &fullOut)
        #expect(hotOut == fullOut, "\(String(decoding: event, as: UTF8.self))", sourceLocation: sourceLocation)
        return true
    }

    /// Seeded single-byte mutations (replace, delete, insert) of `event`.
    static func mutations(_ event: String, count: Int = 400) -> [[UInt8]] {
        var rng = HotPathRandom(seed: UInt64(event.utf8.count))
        let pool: [UInt8] = Array(#"{}[]:,"\ 0123456789-+.eEnultrfa"#.utf8) + [0x00, 0x0A, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xE2, 0xFF]
        let base = Array(event.utf8)
        return (0..<count).map { _ in
            var b = base
            let i = Int(rng.next() % UInt64(b.count))
            let x = pool[Int(rng.next() % UInt64(pool.count))]
            switch rng.next() % 3 {
            case 0: b[i] = x
            case 1: b.remove(at: i)
            default: b.insert(x, at: i)
            }
            return b
        }
    }

    static func prime<D: StreamDecoder>(_ d: inout D, _ payloads: [String], hot: String, name: String = "") throws {
        _ = try StreamStateMachineTests.decode(&d, payloads, finish: false)
        var out: [StreamEvent] = []
        let e = SSEEvent(kind: .message, name: Array(name.utf8), payload: Array(hot.utf8)[...], id: nil, offset: 0)
        // the first hot event fills the memo: the ones after it resume
        #expect(try d.consumeHot(e, modelKnown: true, into: &out))
    }

    @Test func chatFastPathAgrees() throws {
        let head = #"{"id":"c1","object":"chat.completion.chunk","created":7,"model":"up","choices":[{"index":0,"delta":"#
        func chunk(_ delta: String, _ tail: String = #","finish_reason":null}]}"#) -> String { head + delta + tail }
        let text = chunk(#"{"content":" the file"}"#)
        let tool = chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"ommand\": \"ls"}}]}"#)
        var texting = ChatStreamDecoder(settings: Self.settings())
        try Self.prime(&texting, [chunk(#"{"role":"assistant","content":""}"#)], hot: text)
        var tooling = ChatStreamDecoder(settings: Self.settings())
        try Self.prime(&tooling, [chunk(#"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"Bash","arguments":""}}]}"#)], hot: tool)
        let variants = [
            text, tool, chunk(#"{"content":"caf\u00e9 \n"}"#), chunk(#"{"content":"é 😀"}"#), chunk(#"{"content":""}"#),
            chunk(#"{"content":null,"refusal":"no"}"#), chunk(#"{"reasoning_content":"hm","reasoning":"hm"}"#), chunk(#"{"reasoning":"hm"}"#),
            chunk(#"{"role":"assistant","content":"x"}"#), chunk(#"{"con\u0074ent":"x"}"#), chunk(#"{"content":"x","content":"y"}"#),
            chunk(#"{"content":5}"#), chunk(#"{ "content" : "x" }"#), chunk(#"{"content":"x"}"#, #","finish_reason":"stop"}]}"#),
            chunk(#"{"content":"x"}"#, #","finish_reason":null}],"usage":{"prompt_tokens":1}}"#),
            chunk(#"{"content":"x"}"#, #","finish_reason":null}],"usage":null}"#),
            chunk(#"{"content":"x"}"#, #","finish_reason":null},{"index":1,"delta":{"content":"y"}}]}"#),
            chunk(#"{"content":"x"}"#, #","finish_reason":null,"index":0}]}"#),
            chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"a","name":"Other"}}]}"#),
            chunk(#"{"tool_calls":[{"index":1,"function":{"arguments":"a"}}]}"#),
            chunk(#"{"tool_calls":[{"index":0,"id":"call_2","function":{"arguments":"a"}}]}"#),
            chunk(#"{"tool_calls":[{"index":0,"id":"","function":{"arguments":"a"}}]}"#),
            chunk(#"{"tool_calls":[{"index":0.0,"function":{"arguments":"a"}}]}"#),
            chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":{"a":1}}}]}"#),
            chunk(#"{"tool_calls":null,"content":"x"}"#), chunk(#"{"function_call":{"arguments":"x"}}"#),
            chunk("{}"), #"{"choices":[]}"#, #"{"error":{"message":"boom"}}"#, "[1]",
            text + " ", " " + text, text + "x",
        ]
        var taken = 0
        for v in variants {
            for base in [texting, tooling] {
                for known in [true, false] where Self.agree(base, Array(v.utf8), modelKnown: known) { taken += 1 }
            }
        }
        for m in Self.mutations(text) + Self.mutations(tool) {
            for base in [texting, tooling] where Self.agree(base, m) { taken += 1 }
        }
        #expect(taken > 40) // the fast path does take the hot shapes
    }

    @Test func anthropicFastPathAgrees() throws {
        func delta(_ d: String, index: String = "0") -> String { #"{"type":"content_block_delta","index":"# + index + #","delta":"# + d + "}" }
        let start = #"{"type":"message_start","message":{"id":"m","model":"x","usage":{"input_tokens":3,"output_tokens":1}}}"#
        let text = delta(#"{"type":"text_delta","text":" the file"}"#)
        var texting = AnthropicStreamDecoder(settings: Self.settings())
        try Self.prime(&texting, [start, #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#], hot: text)
        var thinking = AnthropicStreamDecoder(settings: Self.settings())
        try Self.prime(&thinking, [start, #"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}"#],
                       hot: delta(#"{"type":"thinking_delta","thinking":"a"}"#))
        let variants = [
            text, delta(#"{"type":"input_json_delta","partial_json":"{\"a\""}"#), delta(#"{"type":"signature_delta","signature":"s"}"#),
            delta(#"{"type":"text_delta","text":""}"#), delta(#"{"type":"text_delta"}"#), delta(#"{"text":"x","type":"text_delta"}"#),
            delta(#"{"type":"citations_delta","citation":{}}"#), delta(#"{"type":"text_delta","text":"x"}"#, index: "1"),
            delta(#"{"type":"text_delta","text":"x","text":"y"}"#), delta(#"{"type":"text_delta","text":5}"#),
            delta(#"{"type":"text_delta","thinking":"x","text":"y"}"#), delta("{}"),
            #"{"index":0,"delta":{"type":"text_delta","text":"x"},"type":"content_block_delta"}"#,
            #"{"type":"content_block_stop","index":0}"#, #"{"type":"content_block_delta","index":0}"#,
        ]
        var taken = 0
        for v in variants {
            for base in [texting, thinking] {
                for name in ["", "content_block_delta", "message_delta"] where Self.agree(base, Array(v.utf8), name: name) { taken += 1 }
            }
        }
        for m in Self.mutations(text) {
            for base in [texting, thinking] where Self.agree(base, m) { taken += 1 }
        }
        #expect(taken > 20)
    }

    @Test func responsesFastPathAgrees() throws {
        let created = #"{"type":"response.created","sequence_number":0,"response":{"id":"r","created_at":1,"model":"m","output":[]}}"#
        let added = #"{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}"#
        let text = #"{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":" the file","sequence_number":4}"#
        var texting = ResponsesStreamDecoder(settings: Self.settings())
        try Self.prime(&texting, [created, added], hot: text)
        let variants = [
            text, #"{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"ab","sequence_number":5}"#,
            #"{"type":"response.output_text.delta","output_index":0,"content_index":1,"delta":"x"}"#,
            #"{"type":"response.output_text.delta","output_index":1,"delta":"x"}"#,
            #"{"type":"response.output_text.delta","output_index":0,"delta":""}"#,
            #"{"type":"response.refusal.delta","output_index":0,"delta":"no"}"#,
            #"{"type":"response.reasoning_summary_text.delta","output_index":0,"summary_index":2,"delta":"r"}"#,
            #"{"type":"response.reasoning_text.delta","output_index":0,"content_index":3,"delta":"r"}"#,
            #"{"type":"response.function_call_arguments.delta","output_index":0,"delta":"{"}"#,
            #"{"type":"response.output_text.delta","output_index":0,"delta":"x","response":{"usage":{}}}"#,
            #"{"type":"response.output_text.delta","output_index":0,"delta":5}"#,
            #"{"type":"response.output_text.done","output_index":0,"text":"x"}"#,
            #"{"delta":"x","type":"response.output_text.delta","output_index":0}"#,
        ]
        var taken = 0
        for v in variants where Self.agree(texting, Array(v.utf8)) { taken += 1 }
        for m in Self.mutations(text) where Self.agree(texting, m) { taken += 1 }
        #expect(taken > 10)
    }
}

/// A small seeded generator (SplitMix64), so the mutations are the same on every run.
struct HotPathRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
