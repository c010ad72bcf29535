import Testing
@testable import SwiftTranslate

/// Every golden input of this direction with one value swapped for a value of another kind:
/// the translation may fail, but only with a TranslateError (a trap would kill the test run),
/// and a success must be valid JSON.
@Suite struct ChatToAnthropicMutations {
    static let replacements = ["null", "true", "0", "-1", "1e400", "\"\"", "\"x\"", "[]", "{}", "[{}]", "{\"type\":\"text\"}", "99999999999999999999"]

    /// Byte ranges of every value in the document (depth-first, bounded by the fixture's depth).
    static func ranges(_ v: JSONValue, _ out: inout [Range<Int>], depth: Int = 0) {
        guard depth < 64 else { return }
        out.append(v.offset..<(v.offset + v.raw.count))
        for e in v.elements { ranges(e, &out, depth: depth + 1) }
        for (_, m) in v.members { ranges(m, &out, depth: depth + 1) }
    }

    static func inputs(_ group: String) -> [[UInt8]] {
        FixtureFiles.list(GoldenFixtures.root).filter { $0.contains("/\(group)/") }.compactMap { dir in
            guard let bytes = FixtureFiles.read(dir + "/case.json"), let doc = try? JSONDocument.parse(bytes),
                  let input = doc.root["input"] else { return nil }
            return input.isString ? input.stringBytes : Array(input.raw)
        }
    }

    static func mutate(_ input: [UInt8], _ translate: ([UInt8]) throws(TranslateError) -> [UInt8]) -> Int {
        guard let doc = try? JSONDocument.parse(input) else { return 0 }
        var spans: [Range<Int>] = []
        ranges(doc.root, &spans)
        var runs = 0
        for span in spans.dropFirst() {
            for r in replacements {
                let mutated = Array(input[..<span.lowerBound]) + Array(r.utf8) + Array(input[span.upperBound...])
                do {
                    let out = try translate(mutated)
                    #expect((try? JSONDocument.parse(out)) != nil, "invalid JSON for \(String(decoding: mutated, as: UTF8.self))")
                } catch {
                    #expect(!error.message.isEmpty)
                }
                runs += 1
            }
        }
        return runs
    }

    @Test func requestsNeverTrap() throws {
        let t = Translator(config: TranslatorConfig())
        var runs = 0
        for input in Self.inputs("openai-chat-anthropic") {
            runs += Self.mutate(input) { (b) throws(TranslateError) in try t.translateRequest(from: .openaiChat, to: .anthropic, body: b).0.body }
        }
        #expect(runs > 5000)
    }

    @Test func responsesNeverTrap() throws {
        let t = Translator(config: TranslatorConfig())
        var runs = 0
        for input in Self.inputs("anthropic-openai-chat") {
            runs += Self.mutate(input) { (b) throws(TranslateError) in try t.translateResponse(exchange: nil, from: .anthropic, to: .openaiChat, body: b).body }
        }
        #expect(runs > 2000)
    }
}
