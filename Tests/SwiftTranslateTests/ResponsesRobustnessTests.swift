import Testing
@testable import SwiftTranslate

/// Every value of every Responses fixture input replaced by each wrong-typed value in turn (see
/// AnthropicToChatRobustness): each translation succeeds with valid JSON or throws a
/// TranslateError with a message; a trap would kill the test process.
@Suite struct ResponsesRobustness {
    typealias R = AnthropicToChatRobustness

    static func inputs(_ group: String, _ prefix: String) -> [[UInt8]] {
        FixtureFiles.list(GoldenFixtures.root).filter { $0.contains("/\(group)/\(prefix)") }.compactMap { dir in
            guard let bytes = FixtureFiles.read(dir + "/case.json"), let doc = try? JSONDocument.parse(bytes),
                  let input = doc.root["input"] else { return nil }
            return Array(input.raw)
        }
    }

    static func run(_ group: String, _ prefix: String, _ translate: ([UInt8]) throws(TranslateError) -> [UInt8]) {
        var ok = 0, failed = 0
        for input in inputs(group, prefix) {
            for body in R.mutations(input) {
                do {
                    _ = try JSONDocument.parse(try translate(body))
                    ok += 1
                } catch {
                    #expect(!error.message.isEmpty)
                    failed += 1
                }
            }
        }
        #expect(ok > 0 && failed > 0, "\(group)/\(prefix): \(ok) ok, \(failed) failed")
    }

    @Test func requestsNeverTrap() throws {
        let t = try Translator(configJSON: Array(#"{"upstream":{"max_tokens_cap":100}}"#.utf8))
        Self.run("anthropic-openai-responses", "req-") { b throws(TranslateError) in try t.translateRequest(from: .anthropic, to: .openaiResponses, body: b).0.body }
        Self.run("openai-chat-openai-responses", "req-") { b throws(TranslateError) in try t.translateRequest(from: .openaiChat, to: .openaiResponses, body: b).0.body }
        Self.run("openai-responses-anthropic", "req-") { b throws(TranslateError) in try t.translateRequest(from: .openaiResponses, to: .anthropic, body: b).0.body }
        Self.run("openai-responses-openai-chat", "req-") { b throws(TranslateError) in try t.translateRequest(from: .openaiResponses, to: .openaiChat, body: b).0.body }
    }

    @Test func responsesNeverTrap() throws {
        let t = try Translator(configJSON: [])
        Self.run("openai-responses-anthropic", "resp-") { b throws(TranslateError) in try t.translateResponse(exchange: nil, from: .openaiResponses, to: .anthropic, body: b).body }
        Self.run("openai-responses-openai-chat", "resp-") { b throws(TranslateError) in try t.translateResponse(exchange: nil, from: .openaiResponses, to: .openaiChat, body: b).body }
        Self.run("anthropic-openai-responses", "resp-") { b throws(TranslateError) in try t.translateResponse(exchange: nil, from: .anthropic, to: .openaiResponses, body: b).body }
        Self.run("openai-chat-openai-responses", "resp-") { b throws(TranslateError) in try t.translateResponse(exchange: nil, from: .openaiChat, to: .openaiResponses, body: b).body }
    }
}
