import CTranslate
import Testing
@testable import SwiftTranslate
#if canImport(Glibc)
import Glibc
#endif

/// Stream fixtures: every `Tests/Fixtures/<from>-<to>/stream-<case>/` holds
///   case.json     {"from", "to", "config"?, "request"?, "exchange"?, "created"?, "warnings"?}
///   input.sse     the upstream bytes
///   expected.sse  the client bytes
/// "request" is the client's request in the `to` format, translated first to build the exchange;
/// "exchange" gives the exchange directly ({"client_model", "upstream_model", "include_usage",
/// "input_tokens", "tool_names": [original names sent upstream shortened]}). "created" fixes the
/// clock that gives OpenAI chunks their `created` when the upstream has none.
///
/// Each fixture runs through the C ABI (`apx_stream_new` / `apx_stream_translate`) fed whole, byte
/// by byte, and split at random points (fixed seed), with output windows of 1, 7 and 4096 bytes;
/// every run must give exactly expected.sse. `APX_UPDATE_STREAM_FIXTURES=1` writes missing
/// expected.sse files instead (review them before committing).
@Suite struct StreamFixtures {
    static let root = FixtureFiles.root + "/Fixtures"

    static func cases() -> [String] {
        FixtureFiles.list(root).filter { $0.contains("/stream-") && FixtureFiles.exists($0 + "/case.json") }
    }

    struct Setup {
        var translator: Translator
        var exchange: Exchange?
        var from: Format
        var to: Format
        var created: Int?
        var warnings: [String]
    }

    static func setup(_ dir: String) throws -> Setup {
        let bytes = try #require(FixtureFiles.read(dir + "/case.json"), "cannot read \(dir)/case.json")
        let doc = try JSONDocument.parse(bytes)
        let c = doc.root
        let from = try #require(c["from"]?.string.flatMap(Format.init(name:)))
        let to = try #require(c["to"]?.string.flatMap(Format.init(name:)))
        let translator = try Translator(configJSON: c["config"].map { Array($0.raw) } ?? [])
        var exchange: Exchange? = nil
        if let req = c["request"] {
            exchange = try translator.translateRequest(from: to, to: from, body: Array(req.raw)).1
        } else if let e = c["exchange"] {
            var names = ToolNameMap()
            for n in e["tool_names"]?.elements.compactMap({ $0.string }) ?? [] { _ = names.openAISafe(n) }
            exchange = Exchange(clientFormat: to, upstreamFormat: from,
                                clientModel: e["client_model"]?.string ?? "", upstreamModel: e["upstream_model"]?.string ?? "",
                                stream: true, includeUsage: e["include_usage"]?.bool ?? false,
                                toolNames: names, inputTokens: e["input_tokens"]?.int ?? 0)
        }
        return Setup(translator: translator, exchange: exchange, from: from, to: to, created: c["created"]?.int,
                     warnings: c["warnings"]?.elements.compactMap { $0.string } ?? [])
    }

    /// Runs `input` through the C ABI, split at `cuts`, draining into windows of `window` bytes.
    static func runCABI(_ s: Setup, _ input: [UInt8], cuts: [Int], window: Int) throws -> (out: [UInt8], warnings: [String]) {
        let t = Handle.retain(TranslatorBox(s.translator))
        defer { apx_translator_free(t) }
        let e = s.exchange.map { Handle.retain(ExchangeBox($0)) }
        defer { apx_exchange_free(e) }
        var stream: OpaquePointer? = nil
        var err = apx_error()
        let rc = apx_stream_new(t, e, s.from.rawValue, s.to.rawValue, &stream, &err)
        try #require(rc == 0, "apx_stream_new: \(rc)")
        defer { apx_stream_free(stream) }
        let box = try #require(Handle.get(stream, as: StreamBox.self))
        if let created = s.created {
            box.translator = try StreamTranslator(config: s.translator.config, exchange: s.exchange, from: s.from, to: s.to, clock: { created })
        }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: window)
        func call(_ piece: ArraySlice<UInt8>, _ op: Int32) throws {
            var pending = 0
            var first = true
            repeat {
                let rc: Int32 = buf.withUnsafeMutableBufferPointer { o in
                    var ow = apx_out(dst: o.baseAddress, size: window, pos: 0)
                    let r: Int32
                    if first {
                        r = piece.withUnsafeBufferPointer { p in
                            var iw = apx_in(src: p.baseAddress, size: p.count, pos: 0)
                            return apx_stream_translate(stream, &ow, &iw, op, &pending, &err)
                        }
                    } else {
                        r = apx_stream_translate(stream, &ow, nil, op, &pending, &err)
                    }
                    out.append(contentsOf: o[0..<ow.pos])
                    return r
                }
                first = false
                guard rc == 0 else {
                    let message = withUnsafeBytes(of: err.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                    throw TranslateError(Status(rawValue: rc) ?? .internal, message, offset: Int(err.offset))
                }
            } while pending > 0
        }
        var start = 0
        for cut in cuts + [input.count] where cut >= start {
            try call(input[start..<cut], 0)
            start = cut
        }
        try call([], 2)
        return (out, box.translator.warnings)
    }

    /// SplitMix64: a fixed-seed source of cut points.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            z ^= z >> 31
            return Int(z % UInt64(max(bound, 1)))
        }
    }

    static func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    @Test(arguments: cases())
    func fixture(_ dir: String) throws {
        let s = try Self.setup(dir)
        let input = try #require(FixtureFiles.read(dir + "/input.sse"), "cannot read \(dir)/input.sse")
        let whole = try Self.runCABI(s, input, cuts: [], window: 4096)
        guard let expected = FixtureFiles.read(dir + "/expected.sse") else {
            if getenv("APX_UPDATE_STREAM_FIXTURES") != nil, let f = fopen(dir + "/expected.sse", "wb") {
                _ = whole.out.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
                fclose(f)
            }
            Issue.record("\(dir): no expected.sse; output was:\n\(Self.text(whole.out))")
            return
        }
        #expect(Self.text(whole.out) == Self.text(expected), "\(dir): whole input")
        for w in s.warnings {
            #expect(whole.warnings.contains { $0.contains(w) }, "\(dir): no warning containing \"\(w)\" in \(whole.warnings)")
        }
        let bytewise = try Self.runCABI(s, input, cuts: Array(0..<input.count), window: 1)
        #expect(bytewise.out == expected, "\(dir): byte by byte, 1-byte output window")
        var random = Random(state: 0x5EED)
        for round in 0..<4 {
            let cuts = (0..<(1 + random.next(12))).map { _ in random.next(input.count + 1) }.sorted()
            let window = round % 2 == 0 ? 7 : 1 + random.next(64)
            let r = try Self.runCABI(s, input, cuts: cuts, window: window)
            #expect(r.out == expected, "\(dir): cuts \(cuts), window \(window)")
        }
    }
}
