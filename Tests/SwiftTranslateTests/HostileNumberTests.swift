import Testing
@testable import SwiftTranslate

/// Numbers chosen to break arithmetic: every integer the library reads from a request, a
/// response, a stream or a config either saturates (a count) or is rejected with its JSON path
/// (a negative or fractional count); nothing traps. A trap kills this test process, so a test
/// that reaches one fails loudly.
@Suite struct HostileNumberTests {
    static let formats: [Format] = [.anthropic, .openaiChat, .openaiResponses]
    static let directions: [(Format, Format)] = formats.flatMap { f in formats.filter { $0 != f }.map { (f, $0) } }

    /// Values a count saturates on (read as 2^48 for usage, Int.max for max_tokens and budgets).
    static let huge = ["9223372036854775807", "99999999999999999999999", "1e400", "1E+30", "9223372036854775808"]
    /// Values that are not counts: rejected with the JSON path.
    static let notCounts = ["-9223372036854775808", "-1", "-1e400", "1.5", "\"12\"", "true", "{}"]

    /// The usage members of each format, as paths below `usage`.
    static func usageFields(_ f: Format) -> [[String]] {
        switch f {
        case .anthropic:
            return [["input_tokens"], ["output_tokens"], ["cache_read_input_tokens"], ["cache_creation_input_tokens"],
                    ["output_tokens_details", "thinking_tokens"]]
        case .openaiChat:
            return [["prompt_tokens"], ["completion_tokens"], ["prompt_tokens_details", "cached_tokens"],
                    ["prompt_tokens_details", "cache_write_tokens"], ["completion_tokens_details", "reasoning_tokens"],
                    ["prompt_cache_hit_tokens"]]
        case .openaiResponses:
            return [["input_tokens"], ["output_tokens"], ["input_tokens_details", "cached_tokens"],
                    ["input_tokens_details", "cache_write_tokens"], ["output_tokens_details", "reasoning_tokens"]]
        }
    }

    /// A usage object with every field of `f` set to 10, except `field`, set to `value`.
    static func usage(_ f: Format, _ field: [String], _ value: String) -> String {
        var top: [(String, String)] = []
        var nested: [String: [(String, String)]] = [:]
        var order: [String] = []
        for path in usageFields(f) {
            let v = path == field ? value : "10"
            if path.count == 1 { top.append((path[0], v)) } else {
                if nested[path[0]] == nil { order.append(path[0]) }
                nested[path[0], default: []].append((path[1], v))
            }
        }
        var members = top.map { "\"\($0.0)\":\($0.1)" }
        for k in order { members.append("\"\(k)\":{" + nested[k, default: []].map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}") }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func responseBody(_ f: Format, usage u: String) -> String {
        switch f {
        case .anthropic:
            return #"{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":"# + u + "}"
        case .openaiChat:
            return #"{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":"# + u + "}"
        case .openaiResponses:
            return #"{"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"m","output":[{"type":"message","id":"m1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"hi","annotations":[]}]}],"usage":"# + u + "}"
        }
    }

    static func streamBody(_ f: Format, usage u: String) -> String {
        switch f {
        case .anthropic:
            return """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":\(u)}

            event: message_stop
            data: {"type":"message_stop"}


            """
        case .openaiChat:
            return """
            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}]}

            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":\(u)}

            data: [DONE]


            """
        case .openaiResponses:
            return """
            event: response.created
            data: {"type":"response.created","sequence_number":0,"response":{"id":"r","object":"response","created_at":1,"status":"in_progress","model":"m","output":[]}}

            event: response.output_item.added
            data: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"m1","type":"message","status":"in_progress","role":"assistant","content":[]}}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":2,"item_id":"m1","output_index":0,"content_index":0,"delta":"hi"}

            event: response.output_item.done
            data: {"type":"response.output_item.done","sequence_number":3,"output_index":0,"item":{"id":"m1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"hi","annotations":[]}]}}

            event: response.completed
            data: {"type":"response.completed","sequence_number":4,"response":{"id":"r","object":"response","created_at":1,"status":"completed","model":"m","output":[],"usage":\(u)}}


            """
        }
    }

    static func exchange(_ from: Format, _ to: Format) -> Exchange {
        Exchange(clientFormat: to, upstreamFormat: from, clientModel: "client", upstreamModel: "up", stream: true,
                 includeUsage: true, toolNames: ToolNameMap(), inputTokens: 10)
    }

    /// Every integer member named `*tokens*` in `v` (any depth) is a plausible count: not
    /// negative and no more than the sum of a few saturated counts.
    static func checkTokenCounts(_ v: JSONValue, _ context: String) {
        for (k, m) in v.members {
            if m.isObject { checkTokenCounts(m, context); continue }
            guard k.contains("tokens"), m.kind == .number else { continue }
            let n = m.int
            #expect(n != nil && n! >= 0 && n! <= 4 * Counts.maxTokens, "\(context): \(k) = \(m.numberText ?? "?")")
        }
        for e in v.elements where e.isObject || e.isArray { checkTokenCounts(e, context) }
    }

    static func runStream(_ body: String, _ from: Format, _ to: Format) throws(TranslateError) -> [UInt8] {
        var t = try StreamTranslator(config: TranslatorConfig(), exchange: exchange(from, to), from: from, to: to, clock: { 5 })
        var out: [UInt8] = []
        try t.feed(Array(body.utf8)[...], into: &out)
        try t.finish(into: &out)
        return out
    }

    static func dataPayloads(_ out: [UInt8]) -> [JSONDocument] {
        String(decoding: out, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard line.hasPrefix("data: "), line != "data: [DONE]" else { return nil }
            return try? JSONDocument.parse(String(line.dropFirst(6)))
        }
    }

    // MARK: - usage, one-shot

    @Test(arguments: 0..<directions.count)
    func hugeUsageSaturatesInResponses(_ d: Int) throws {
        let (from, to) = Self.directions[d]
        let translator = Translator(config: TranslatorConfig())
        for field in Self.usageFields(from) {
            for value in Self.huge {
                let body = Self.responseBody(from, usage: Self.usage(from, field, value))
                let context = "\(from.name)→\(to.name) usage.\(field.joined(separator: ".")) = \(value)"
                let out = try translator.translateResponse(exchange: nil, from: from, to: to, body: Array(body.utf8))
                let doc = try JSONDocument.parse(out.body)
                let usage = try #require(doc.root["usage"], "\(context): no usage")
                Self.checkTokenCounts(usage, context)
            }
        }
    }

    @Test(arguments: 0..<directions.count)
    func meaninglessUsageIsRejectedWithItsPath(_ d: Int) {
        let (from, to) = Self.directions[d]
        let translator = Translator(config: TranslatorConfig())
        for field in Self.usageFields(from) {
            for value in Self.notCounts {
                let body = Self.responseBody(from, usage: Self.usage(from, field, value))
                let path = "usage." + field.joined(separator: ".")
                do {
                    _ = try translator.translateResponse(exchange: nil, from: from, to: to, body: Array(body.utf8))
                    Issue.record("\(from.name)→\(to.name) \(path) = \(value) was accepted")
                } catch {
                    #expect(error.status == .invalid && error.path == path, "\(path) = \(value): \(error)")
                    #expect(error.message.contains("non-negative integer"))
                }
            }
        }
    }

    @Test func nullUsageFieldsCountAsAbsent() throws {
        let body = Self.responseBody(.openaiChat, usage: #"{"prompt_tokens":5,"completion_tokens":null,"completion_tokens_details":{"reasoning_tokens":null}}"#)
        let out = try Translator(config: TranslatorConfig()).translateResponse(exchange: nil, from: .openaiChat, to: .anthropic, body: Array(body.utf8))
        let usage = try #require(try JSONDocument.parse(out.body).root["usage"])
        #expect(usage["input_tokens"]?.int == 5 && usage["output_tokens"]?.int == 0)
    }

    /// The issue's repro: Responses usage at Int64.max/min toward Chat and Anthropic.
    @Test(arguments: ["9223372036854775807", "-9223372036854775808"])
    func responsesUsageAtInt64Limits(_ value: String) {
        let translator = Translator(config: TranslatorConfig())
        for to in [Format.anthropic, .openaiChat] {
            for field in [["input_tokens"], ["output_tokens"]] {
                let body = Self.responseBody(.openaiResponses, usage: Self.usage(.openaiResponses, field, value))
                do {
                    let out = try translator.translateResponse(exchange: nil, from: .openaiResponses, to: to, body: Array(body.utf8))
                    #expect(!value.hasPrefix("-"), "a negative count was accepted")
                    if let doc = try? JSONDocument.parse(out.body), let u = doc.root["usage"] { Self.checkTokenCounts(u, "→\(to.name)") }
                } catch {
                    #expect(value.hasPrefix("-") && error.path == "usage.\(field[0])", "\(error)")
                }
            }
        }
    }

    // MARK: - usage, streams

    @Test(arguments: 0..<directions.count)
    func hugeUsageSaturatesInStreams(_ d: Int) throws {
        let (from, to) = Self.directions[d]
        for field in Self.usageFields(from) {
            for value in Self.huge {
                let context = "\(from.name)→\(to.name) stream usage.\(field.joined(separator: ".")) = \(value)"
                let out = try Self.runStream(Self.streamBody(from, usage: Self.usage(from, field, value)), from, to)
                let payloads = Self.dataPayloads(out)
                #expect(!payloads.isEmpty, "\(context): no events")
                for p in payloads { Self.checkTokenCounts(p.root, context) }
            }
        }
    }

    /// Every upstream stream rejects a meaningless count with the event's offset and the value's
    /// path (Responses usage sits in the final event's `response`).
    @Test(arguments: 0..<directions.count)
    func meaninglessUsageInStreams(_ d: Int) {
        let (from, to) = Self.directions[d]
        for field in Self.usageFields(from) {
            for value in Self.notCounts {
                let path = (from == .openaiResponses ? "response.usage." : "usage.") + field.joined(separator: ".")
                do {
                    _ = try Self.runStream(Self.streamBody(from, usage: Self.usage(from, field, value)), from, to)
                    Issue.record("\(from.name)→\(to.name) stream \(path) = \(value) was accepted")
                } catch {
                    #expect(error.status == .stream && error.path == path && error.offset > 0, "\(path) = \(value): \(error)")
                }
            }
        }
    }

    @Test func anthropicMessageStartUsageIsCheckedToo() {
        let body = Self.streamBody(.anthropic, usage: #"{"output_tokens":1}"#)
            .replacingOccurrences(#""usage":{"input_tokens":3,"output_tokens":1}"#, #""usage":{"input_tokens":-3,"output_tokens":1}"#)
        #expect(throws: TranslateError.self) { _ = try Self.runStream(body, .anthropic, .openaiChat) }
        do { _ = try Self.runStream(body, .anthropic, .openaiChat) } catch { #expect(error.path == "message.usage.input_tokens") }
        let huge = Self.streamBody(.anthropic, usage: #"{"output_tokens":1,"input_tokens":9223372036854775807,"cache_read_input_tokens":9223372036854775807,"cache_creation_input_tokens":9223372036854775807}"#)
        #expect(throws: Never.self) { _ = try Self.runStream(huge, .anthropic, .openaiResponses) }
    }

    // MARK: - neutral usage arithmetic (public NUsage: any Int)

    @Test func usageWritersSaturate() throws {
        let extremes = [Int.max, Int.min, 0, -1, Counts.maxTokens]
        for a in extremes {
            for b in extremes {
                let u = NUsage(input: a, cacheRead: b, cacheWrite: a, output: b, reasoning: a)
                _ = u.uncachedInput
                #expect(u.uncachedInput >= 0)
                var w = JSONWriter()
                ChatUsage.write(&w, u)
                ResponsesUsage.write(&w, u)
                AnthropicUsage.write(&w, u)
            }
        }
        var w = JSONWriter()
        ChatUsage.write(&w, NUsage(input: .max, output: .max))
        #expect(try JSONDocument.parse(w.bytes).root["total_tokens"]?.int == .max)
    }

    // MARK: - stream indexes

    static func chatToolStream(index: String, secondWithoutIndex: Bool = false) -> String {
        var s = #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":"# + index + #","id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}]}"# + "\n\n"
        if secondWithoutIndex {
            s += #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_2","type":"function","function":{"name":"g","arguments":"{}"}}]},"finish_reason":null}]}"# + "\n\n"
        }
        s += #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"# + "\n\ndata: [DONE]\n\n"
        return s
    }

    @Test(arguments: ["9223372036854775807", "-9223372036854775808", "-1", "2147483648", "1e400", "-1e400", "0.5"])
    func chatToolCallIndexOutOfRangeIsAStreamError(_ index: String) {
        for to in [Format.anthropic, .openaiResponses] {
            for second in [false, true] {
                do {
                    _ = try Self.runStream(Self.chatToolStream(index: index, secondWithoutIndex: second), .openaiChat, to)
                    Issue.record("tool_calls[0].index \(index) was accepted")
                } catch {
                    #expect(error.status == .stream && error.path == "choices[0].delta.tool_calls[0].index", "\(error)")
                }
            }
        }
    }

    @Test func chatToolCallIndexAtTheLimitStillWorks() throws {
        for index in ["0", "7", "2147483647", "1e1"] {
            let out = try Self.runStream(Self.chatToolStream(index: index, secondWithoutIndex: true), .openaiChat, .anthropic)
            let text = String(decoding: out, as: UTF8.self)
            #expect(text.contains("call_1") && text.contains("call_2"), "index \(index)")
        }
    }

    @Test func anthropicBlockIndexesAtTheLimits() throws {
        for index in ["9223372036854775807", "-9223372036854775808", "1e400"] {
            let body = Self.streamBody(.anthropic, usage: #"{"output_tokens":1}"#).replacingOccurrences(#""index":0"#, #""index":"# + index)
            for to in [Format.openaiChat, .openaiResponses] {
                let out = try Self.runStream(body, .anthropic, to)
                #expect(String(decoding: out, as: UTF8.self).contains("hi"))
            }
        }
    }

    @Test func responsesSequenceAndIndexNumbersAtTheLimits() {
        for n in ["9223372036854775807", "-9223372036854775808", "1e400", "-1"] {
            let body = Self.streamBody(.openaiResponses, usage: #"{"input_tokens":1,"output_tokens":1}"#)
                .replacingOccurrences(#""sequence_number":2"#, #""sequence_number":"# + n)
                .replacingOccurrences(#""output_index":0"#, #""output_index":"# + n)
                .replacingOccurrences(#""content_index":0"#, #""content_index":"# + n)
            for to in [Format.anthropic, .openaiChat] {
                // Output or a clear error; never a trap.
                do { _ = try Self.runStream(body, .openaiResponses, to) } catch { #expect(!error.message.isEmpty) }
            }
        }
    }

    // MARK: - requests: max_tokens, budgets

    static func request(_ f: Format, maxTokens: String, budget: String? = nil) -> String {
        switch f {
        case .anthropic:
            let thinking = budget.map { #","thinking":{"type":"enabled","budget_tokens":"# + $0 + "}" } ?? ""
            return #"{"model":"claude-x","max_tokens":"# + maxTokens + thinking + #","messages":[{"role":"user","content":"hi"}]}"#
        case .openaiChat:
            let thinking = budget.map { #","thinking":{"type":"enabled","budget_tokens":"# + $0 + "}" } ?? ""
            return #"{"model":"gpt-x","max_tokens":"# + maxTokens + thinking + #","messages":[{"role":"user","content":"hi"}]}"#
        case .openaiResponses:
            return #"{"model":"gpt-x","max_output_tokens":"# + maxTokens + #","input":"hi"}"#
        }
    }

    static func maxTokensPath(_ f: Format) -> String { f == .openaiResponses ? "max_output_tokens" : "max_tokens" }

    @Test(arguments: 0..<directions.count)
    func hugeMaxTokensSaturate(_ d: Int) throws {
        let (from, to) = Self.directions[d]
        for cap in [nil, "1000", "1e400"] {
            let config = try TranslatorConfig.parse(Array((cap.map { #"{"upstream":{"max_tokens_cap":"# + $0 + "}}" } ?? "{}").utf8))
            let translator = Translator(config: config)
            for value in Self.huge {
                for budget in [nil, "9223372036854775807", "1e400"] where budget == nil || from != .openaiResponses {
                    let body = Self.request(from, maxTokens: value, budget: budget)
                    let (out, _) = try translator.translateRequest(from: from, to: to, body: Array(body.utf8))
                    let doc = try JSONDocument.parse(out.body)
                    for key in ["max_tokens", "max_completion_tokens", "max_output_tokens"] {
                        if let v = doc.root[key] {
                            let n = try #require(v.int, "\(key) = \(v.numberText ?? "?")")
                            #expect(n > 0 && (cap != "1000" || n <= 1000))
                        }
                    }
                    if let b = doc.root["thinking"]?["budget_tokens"], let m = doc.root["max_tokens"] {
                        #expect(b.int! < m.int!, "budget below max_tokens")
                    }
                }
            }
        }
    }

    @Test(arguments: 0..<directions.count)
    func negativeMaxTokensAndBudgetsAreRejected(_ d: Int) {
        let (from, to) = Self.directions[d]
        let translator = Translator(config: TranslatorConfig())
        for value in Self.notCounts {
            do {
                _ = try translator.translateRequest(from: from, to: to, body: Array(Self.request(from, maxTokens: value).utf8))
                Issue.record("\(Self.maxTokensPath(from)) = \(value) accepted")
            } catch {
                #expect(error.path == Self.maxTokensPath(from), "\(error)")
            }
            guard from != .openaiResponses else { continue }
            do {
                _ = try translator.translateRequest(from: from, to: to, body: Array(Self.request(from, maxTokens: "100", budget: value).utf8))
                Issue.record("budget_tokens = \(value) accepted")
            } catch {
                #expect(error.path == "thinking.budget_tokens", "\(error)")
            }
        }
    }

    @Test func chatChoiceCountMustBeACount() {
        let translator = Translator(config: TranslatorConfig())
        for (n, path) in [("-1", "n"), ("1e400", "n"), ("9223372036854775807", "n")] {
            let body = #"{"model":"m","n":"# + n + #","messages":[{"role":"user","content":"hi"}]}"#
            #expect(throws: TranslateError.self) { _ = try translator.translateRequest(from: .openaiChat, to: .anthropic, body: Array(body.utf8)) }
            do { _ = try translator.translateRequest(from: .openaiChat, to: .anthropic, body: Array(body.utf8)) } catch { #expect(error.path == path) }
        }
    }

    // MARK: - config numbers

    @Test func configNumbersSaturateOrAreRejected() throws {
        for v in Self.huge {
            let c = try TranslatorConfig.parse(Array(#"{"upstream":{"max_tokens_cap":\#(v),"default_max_tokens":\#(v)}}"#.utf8))
            #expect(c.maxTokensCap ?? 0 > 0 && c.defaultMaxTokens > 0)
            let t = Translator(config: c)
            let body = #"{"model":"gpt","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"high"}"#
            let (out, _) = try t.translateRequest(from: .openaiChat, to: .anthropic, body: Array(body.utf8))
            #expect(try JSONDocument.parse(out.body).root["max_tokens"]?.int ?? 0 > 0)
        }
        for v in ["0", "-1", "-1e400", "1.5", "\"5\""] {
            do {
                _ = try TranslatorConfig.parse(Array(#"{"upstream":{"max_tokens_cap":\#(v)}}"#.utf8))
                Issue.record("max_tokens_cap \(v) accepted")
            } catch {
                #expect(error.status == .config && error.path == "upstream.max_tokens_cap")
            }
        }
    }

    // MARK: - HTTP statuses (any int32 from the C ABI)

    @Test func anyStatusGivesAnErrorStatus() {
        let translator = Translator(config: TranslatorConfig())
        let statuses = [Int(Int32.min), -1, 0, 1, 99, 200, 302, 429, 599, 600, 99999, Int(Int32.max)]
        for status in statuses {
            for from in Self.formats {
                for to in Self.formats {
                    let out = translator.translateError(exchange: nil, from: from, to: to, status: status, body: Array(#"{"error":{"message":"x"}}"#.utf8))
                    #expect((100...599).contains(out.status), "\(from.name)→\(to.name) status \(status) gave \(out.status)")
                }
                let built = Translator.buildError(format: from, status: status, message: "m")
                #expect((400...599).contains(built.status), "build \(status) gave \(built.status)")
            }
        }
    }

    // MARK: - the helpers

    @Test func countReads() throws {
        let cases: [(String, Int?)] = [
            ("0", 0), ("-0", 0), ("12", 12), ("1e3", 1000), ("12.0", 12), ("1e-400", 0),
            ("9223372036854775807", 1 << 48), ("9223372036854775808", 1 << 48), ("1e400", 1 << 48),
            ("-1", nil), ("-9223372036854775808", nil), ("-1e400", nil), ("1.5", nil), ("\"1\"", nil), ("null", nil),
        ]
        for (text, want) in cases {
            let v = try JSONDocument.parse(text).root
            #expect(v.count(upTo: Counts.maxTokens) == want, "\(text)")
        }
        #expect(try JSONDocument.parse("1e400").root.count(upTo: .max) == .max)
        #expect(try JSONDocument.parse("9223372036854775806").root.count(upTo: .max) == .max - 1)
    }

    @Test func saturatingArithmetic() {
        #expect(Int.max.saturatingAdd(1) == .max && Int.min.saturatingAdd(-1) == .min && 2.saturatingAdd(3) == 5)
        #expect(Int.min.saturatingSubtract(1) == .min && Int.max.saturatingSubtract(-1) == .max && 2.saturatingSubtract(3) == -1)
        #expect(Int.max.saturatingMultiply(2) == .max && Int.min.saturatingMultiply(2) == .min)
        #expect(Int.min.saturatingMultiply(-1) == .max && Int.max.saturatingMultiply(-2) == .min && 6.saturatingMultiply(7) == 42)
    }

    @Test func hugeNumberTextIsShortInMessages() {
        let digits = String(repeating: "9", count: 100_000)
        let body = #"{"model":"m","max_tokens":-"# + digits + #","messages":[{"role":"user","content":"hi"}]}"#
        do {
            _ = try Translator(config: TranslatorConfig()).translateRequest(from: .anthropic, to: .openaiChat, body: Array(body.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.message.utf8.count < 200 && error.path == "max_tokens")
        }
    }
}

private extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: a) {
            out += rest[..<r.lowerBound]
            out += b
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
