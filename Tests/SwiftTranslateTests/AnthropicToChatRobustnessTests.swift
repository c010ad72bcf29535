import Testing
@testable import SwiftTranslate

/// Every value of every fixture input replaced by each wrong-typed value in turn: the translation
/// must succeed or throw a TranslateError with a message; a trap would kill the test process.
@Suite struct AnthropicToChatRobustness {
    static let replacements = ["null", "1", "-1e999", "\"\"", "\"x\"", "[]", "{}", "[{}]", "true"]

    static func inputs(_ group: String) -> [[UInt8]] {
        FixtureFiles.list(GoldenFixtures.root).filter { $0.contains("/\(group)/") && !$0.contains("/err-") }.compactMap { dir in
            guard let bytes = FixtureFiles.read(dir + "/case.json"), let doc = try? JSONDocument.parse(bytes),
                  let input = doc.root["input"] else { return nil }
            return Array(input.raw)
        }
    }

    /// Byte ranges of every value in the document (containers and scalars).
    static func valueRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        guard let doc = try? JSONDocument.parse(bytes) else { return [] }
        var out: [Range<Int>] = []
        func walk(_ v: JSONValue) {
            out.append(v.offset..<(v.offset + v.raw.count))
            for (_, m) in v.members { walk(m) }
            for e in v.elements { walk(e) }
        }
        walk(doc.root)
        return out
    }

    static func mutations(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for r in valueRanges(bytes) {
            for rep in replacements {
                out.append(Array(bytes[0..<r.lowerBound]) + Array(rep.utf8) + Array(bytes[r.upperBound...]))
            }
        }
        return out
    }

    @Test func requestsNeverTrap() throws {
        let t = try Translator(configJSON: Array(#"{"upstream":{"reasoning_effort":true,"max_tokens_cap":100}}"#.utf8))
        var ok = 0, failed = 0
        for input in Self.inputs("anthropic-openai-chat") {
            for body in Self.mutations(input) {
                do {
                    let out = try t.translateRequest(from: .anthropic, to: .openaiChat, body: body).0
                    _ = try JSONDocument.parse(out.body) // the output is always valid JSON
                    ok += 1
                } catch {
                    #expect(!error.message.isEmpty)
                    failed += 1
                }
            }
        }
        #expect(ok > 0 && failed > 0)
    }

    @Test func responsesNeverTrap() throws {
        let t = try Translator(configJSON: [])
        var ok = 0, failed = 0
        for input in Self.inputs("openai-chat-anthropic") {
            for body in Self.mutations(input) {
                do {
                    let out = try t.translateResponse(exchange: nil, from: .openaiChat, to: .anthropic, body: body)
                    _ = try JSONDocument.parse(out.body)
                    ok += 1
                } catch {
                    #expect(!error.message.isEmpty)
                    failed += 1
                }
            }
        }
        #expect(ok > 0 && failed > 0)
    }
}
