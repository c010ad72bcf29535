import Testing
@testable import SwiftTranslate

/// The cheap paths of the host queries give exactly what the full paths gave:
/// `requestModel` (a tape of the top level only) against a full parse, and the raw passthrough
/// meter (events parsed only around a hit) against the meter that parsed every piece with a hit.
@Suite struct HostQueryFastPathTests {
    /// `Translator.requestModel` as it was: a full parse.
    static func fullRequestModel(_ t: Translator, _ body: [UInt8]) -> Result<String, TranslateError> {
        do throws(TranslateError) {
            try t.checkBodySize(body.count)
            let root = try JSONDocument.parse(body).root
            guard root.isObject else { throw TranslateError.invalid("", "a request must be a JSON object, got \(root.kindDescription)") }
            guard let model = root["model"] else { throw TranslateError.invalid("model", "missing: a request names its model") }
            guard let name = model.string else { throw TranslateError.invalid("model", "expected a string, got \(model.kindDescription)") }
            return .success(name)
        } catch {
            return .failure(error)
        }
    }

    static func fastRequestModel(_ t: Translator, _ body: [UInt8]) -> Result<String, TranslateError> {
        do throws(TranslateError) { return .success(try t.requestModel(format: .anthropic, body: body)) } catch { return .failure(error) }
    }

    /// Every request body of the fixtures ("input" of request cases, "request" of the others).
    static func fixtureRequests() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        for dir in FixtureFiles.list(FixtureFiles.root + "/Fixtures") where FixtureFiles.exists(dir + "/case.json") {
            let c = try JSONDocument.parse(try #require(FixtureFiles.read(dir + "/case.json"))).root
            var docs: [JSONValue] = []
            if (c["kind"]?.string ?? "request") == "request", !dir.contains("/stream-"), let input = c["input"] { docs.append(input) }
            if let r = c["request"] { docs.append(r) }
            for d in docs { out.append(d.isString ? (d.stringBytes ?? []) : Array(d.raw)) }
        }
        return out
    }

    @Test func requestModelMatchesTheFullParseOnEveryFixtureRequest() throws {
        let t = Translator(config: TranslatorConfig())
        let bodies = try Self.fixtureRequests()
        #expect(bodies.count > 50)
        for body in bodies {
            #expect(Self.fastRequestModel(t, body) == Self.fullRequestModel(t, body), "\(String(decoding: body.prefix(120), as: UTF8.self))")
        }
    }

    static let small = Array(#"""
        {"max_tokens": 10, "messages":[{"role":"user","content":[{"type":"text","text":"h\u00e9 \"x\" é"}],"model":"in"}],
         "model" : "claude-\u0073onnet", "n":-1.5e3, "t":true, "f":false, "z":null, "e":{}, "a":[[],{"model":1}]}
        """#.utf8)

    /// Truncated at every byte, and every byte replaced by bytes that break or reshape JSON.
    @Test func requestModelMatchesTheFullParseOnMalformedBodies() {
        let t = Translator(config: TranslatorConfig())
        var bodies: [[UInt8]] = []
        for n in 0...Self.small.count { bodies.append(Array(Self.small[..<n])) }
        for i in Self.small.indices {
            for b in Array(#"{}[]":,\ 0an"#.utf8) + [0x80, 0xC3, 0x01] {
                var m = Self.small
                m[i] = b
                bodies.append(m)
            }
        }
        bodies += [#"{"model":"a","model":"b"}"#, #"{"mo\u0064el":"a","model":"b"}"#, #"{"model":1}"#, #"[{"model":"a"}]"#,
                   #""model""#, #"{"x":{"model":"a"}}"#, #"{"model":"a"} x"#, #"{"model":"\ud800"}"#,
                   String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
                   #"{"model":"a","x":"# + String(repeating: "[", count: 600)].map { Array($0.utf8) }
        var failures = 0
        for body in bodies {
            let fast = Self.fastRequestModel(t, body), full = Self.fullRequestModel(t, body)
            if case .failure = full { failures += 1 }
            #expect(fast == full, "\(String(decoding: body, as: UTF8.self))")
        }
        #expect(failures > Self.small.count)
        let capped = Translator(config: { var c = TranslatorConfig(); c.maxBodyBytes = 10; return c }())
        #expect(Self.fastRequestModel(capped, Self.small) == Self.fullRequestModel(capped, Self.small))
    }

    // MARK: - raw passthrough metering

    /// `StreamUsageMeter.observe(raw:)` as it was: the whole piece parsed when it holds a hit.
    static func oldObserve(_ meter: inout StreamUsageMeter, raw events: ArraySlice<UInt8>) {
        let modelKey = Array("\"model\"".utf8)
        guard StreamUsageMeter.hasUsageObject(events) || (meter.report.model == nil && ByteSearch.contains(events, modelKey)) else { return }
        var parser = SSEParser()
        var pos = events.startIndex
        var parsed: [SSEEvent] = []
        while let e = try? parser.next(in: events, at: &pos) { parsed.append(e) }
        parsed += (try? parser.finish()) ?? []
        for e in parsed where e.kind == .message && e.data.first == UInt8(ascii: "{") {
            guard StreamUsageMeter.hasUsageObject(e.data[...]) || (meter.report.model == nil && ByteSearch.contains(e.data[...], modelKey)) else { continue }
            if let doc = try? JSONDocument.parse(e.data) { meter.observe(e, json: doc.root) }
        }
    }

    /// The ends of the events of `bytes` (and its end).
    static func eventEnds(_ bytes: [UInt8]) -> [Int] {
        var ends: [Int] = []
        var p = 0
        while let e = SSEEventEnds.first(in: bytes[...], from: p, before: .streamStart) { ends.append(e); p = e }
        if ends.last != bytes.count { ends.append(bytes.count) }
        return ends
    }

    static func meter(_ format: Format, _ bytes: [UInt8], cuts: [Int], old: Bool) -> UsageReport {
        var m = StreamUsageMeter(format: format)
        var start = 0
        for c in cuts + [bytes.count] where c > start {
            if old { oldObserve(&m, raw: bytes[start..<c]) } else { m.observe(raw: bytes[start..<c]) }
            start = c
        }
        return m.report
    }

    /// Every stream fixture's upstream bytes, in one piece, one event per piece, and in pieces of
    /// a few events (fixed seed), plus hand-made streams (CRLF, a usage object on its own line).
    @Test func rawMeterMatchesTheWholePieceParse() throws {
        var streams: [(Format, [UInt8])] = []
        for dir in FixtureFiles.list(FixtureFiles.root + "/Fixtures") where dir.contains("/stream-") {
            guard let input = FixtureFiles.read(dir + "/input.sse"),
                  let c = try? JSONDocument.parse(try #require(FixtureFiles.read(dir + "/case.json"))).root,
                  let from = c["from"]?.string.flatMap(Format.init(name:)) else { continue }
            streams.append((from, input))
        }
        #expect(streams.count > 20)
        let crlf = "data: {\"model\":\"a\",\"usage\":null}\r\n\r\n: c \"usage\":{\r\n\r\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\r\n\r\ndata: [DONE]\r\n\r\n"
        streams.append((.openaiChat, Array(crlf.utf8)))
        streams.append((.openaiChat, Array(crlf.replacing("\r\n", with: "\r").utf8)))
        streams.append((.anthropic, Array(UsageReaderTests.responsesSSE.utf8)))
        streams.append((.openaiResponses, Array(UsageReaderTests.responsesSSE.utf8)))
        var rng = StreamFixtures.Random(state: 7)
        var seen = 0
        for (format, bytes) in streams {
            let ends = Self.eventEnds(bytes)
            var cutSets: [[Int]] = [[], ends]
            for _ in 0..<4 { cutSets.append(ends.filter { _ in rng.next(3) == 0 }) }
            for cuts in cutSets {
                let new = Self.meter(format, bytes, cuts: cuts, old: false)
                #expect(new == Self.meter(format, bytes, cuts: cuts, old: true), "\(format) \(String(decoding: bytes.prefix(80), as: UTF8.self))")
                if new.usage != nil { seen += 1 }
            }
        }
        #expect(seen > 20)
    }

    /// A usage object opening on the next `data:` line is metered whatever the other events of
    /// the piece (the whole-piece meter saw it only when another event of its piece had a hit).
    @Test func usageObjectOnTheNextDataLine() {
        let s = Array("data: {\"choices\":[],\"usage\":\ndata: {\"prompt_tokens\":3,\"completion_tokens\":2}}\n\n".utf8)
        var m = StreamUsageMeter(format: .openaiChat)
        m.observe(raw: s[...])
        #expect(m.report.usage?.input == 3)
    }

    @Test func byteSearchMatchesANaiveSearch() {
        var rng = StreamFixtures.Random(state: 11)
        let alphabet = Array("\"usage\"model:{ ab".utf8) + [0x80, 0xE9]
        for needle in ["\"usage\"", "\"model\"", "ab", "\u{e9}x", "x"].map({ Array($0.utf8) }) {
            for _ in 0..<400 {
                let n = rng.next(80)
                let hay = (0..<n).map { _ in alphabet[rng.next(alphabet.count)] }
                let lo = rng.next(n + 1)
                let slice = hay[lo...]
                var naive: Int? = nil
                if slice.count >= needle.count {
                    for i in slice.startIndex...(slice.endIndex - needle.count) where Array(slice[i..<(i + needle.count)]) == needle { naive = i; break }
                }
                #expect(ByteSearch.firstIndex(of: needle, in: slice) == naive)
            }
        }
    }
}

