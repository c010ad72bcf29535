import Testing
@testable import SwiftTranslate

/// Hostile upstreams: mutated and truncated fixture streams must give output or a clear error,
/// never a trap; and every translated stream that ends cleanly is well-formed for its client.
@Suite struct StreamRobustnessTests {
    static let directions: [(Format, Format)] = [(.openaiChat, .anthropic), (.anthropic, .openaiChat), (.anthropic, .anthropic), (.openaiChat, .openaiChat)]

    static func inputs(_ from: Format, _ to: Format) -> [[UInt8]] {
        StreamFixtures.cases().filter { $0.contains("/\(from.name)-\(to.name)/") }.compactMap { FixtureFiles.read($0 + "/input.sse") }
    }

    static func exchange(_ from: Format, _ to: Format) -> Exchange {
        var names = ToolNameMap()
        _ = names.openAISafe("a.b/c")
        return Exchange(clientFormat: to, upstreamFormat: from, clientModel: "client", upstreamModel: "up", stream: true,
                        includeUsage: true, toolNames: names, inputTokens: 10)
    }

    /// Runs a stream; returns the output, or nil when the translator reported an error.
    static func run(_ input: [UInt8], _ from: Format, _ to: Format, cut: Int) -> [UInt8]? {
        guard var t = try? StreamTranslator(config: TranslatorConfig(), exchange: exchange(from, to), from: from, to: to, clock: { 5 }) else { return nil }
        var out: [UInt8] = []
        do {
            let c = min(cut, input.count)
            try t.feed(input[..<c], into: &out)
            try t.feed(input[c...], into: &out)
            try t.finish(into: &out)
        } catch {
            #expect(!error.message.isEmpty)
            return nil
        }
        return out
    }

    @Test(arguments: 0..<directions.count)
    func mutatedStreamsNeverTrap(_ d: Int) {
        let (from, to) = Self.directions[d]
        var random = StreamFixtures.Random(state: UInt64(d) &+ 77)
        let alphabet = Array("{}[]\":,\\\n\r 0123456789abcdefghijklmnopqrstuvwxyz-_.:eE+".utf8) + [0xFF, 0xC3, 0x00]
        var checked = 0
        for input in Self.inputs(from, to) {
            for _ in 0..<150 {
                var m = input
                switch random.next(4) {
                case 0: m = Array(m.prefix(random.next(m.count + 1)))
                case 1:
                    for _ in 0..<(1 + random.next(4)) where !m.isEmpty { m[random.next(m.count)] = alphabet[random.next(alphabet.count)] }
                case 2:
                    if !m.isEmpty { let i = random.next(m.count); m.removeSubrange(i..<min(m.count, i + 1 + random.next(40))) }
                default:
                    let i = random.next(m.count + 1)
                    m.insert(contentsOf: input[random.next(input.count)...].prefix(random.next(200)), at: i)
                }
                let out = Self.run(m, from, to, cut: random.next(m.count + 1))
                if let out, from != to { Self.checkWellFormed(out, client: to); checked += 1 }
            }
        }
        // Many mutations are rightly rejected; enough must survive for the shape check to mean something.
        #expect(from == to || checked > 200, "only \(checked) mutated streams translated")
    }

    /// A finished Anthropic stream: message_start first (or only an error), one message_delta,
    /// message_stop last, blocks never interleaved, indexes counting from 0. A finished Chat
    /// stream: every data line is JSON or [DONE], [DONE] last unless an error chunk ended it.
    static func checkWellFormed(_ out: [UInt8], client: Format) {
        var p = SSEParser()
        var pos = 0
        var events: [(String, JSONValue?)] = []
        while let e = try? p.next(in: out[...], at: &pos) {
            if e.kind == .comment { continue }
            events.append((e.nameString, e.isDone ? nil : try? JSONDocument.parse(e.data).root))
        }
        let text = String(decoding: out, as: UTF8.self)
        if client == .anthropic {
            let names = events.map(\.0).filter { $0 != "ping" }
            if names.last == "error" { return }
            #expect(names.first == "message_start", "\(text)")
            #expect(names.last == "message_stop", "\(text)")
            #expect(names.filter { $0 == "message_delta" }.count == 1, "\(text)")
            var open: Int? = nil
            var next = 0
            for (name, v) in events {
                let i = v?["index"]?.int
                switch name {
                case "content_block_start": #expect(open == nil && i == next, "\(text)"); open = i; next += 1
                case "content_block_delta": #expect(open != nil && i == open, "\(text)")
                case "content_block_stop": #expect(open != nil && i == open, "\(text)"); open = nil
                case "message_delta": #expect(open == nil, "\(text)")
                default: break
                }
            }
        } else {
            #expect(events.allSatisfy { $0.0.isEmpty }, "\(text)")
            if let last = events.last, last.1?["error"] != nil { return }
            #expect(events.last.map { $0.1 == nil } ?? true, "\(text)")
        }
    }
}
