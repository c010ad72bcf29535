import Testing
@testable import SwiftTranslate

/// The cross-format request rules (RequestPolicy) hold in every direction, with one text each.
struct RequestPolicyTests {
    /// A minimal request of each client format asking for `maxTokens` output tokens.
    static func body(_ format: Format, maxTokens: Int, system: String? = nil) -> [UInt8] {
        let sys = system.map { s -> String in
            switch format {
            case .anthropic: return #""system":[{"type":"text","text":"\#(s)","cache_control":{"type":"ephemeral"}}],"#
            case .openaiChat: return #""messages":[{"role":"system","content":"\#(s)"},{"role":"user","content":"hi"}],"#
            case .openaiResponses: return #""instructions":"\#(s)","#
            }
        }
        switch format {
        case .anthropic:
            return Array(#"{"model":"m",\#(sys ?? "")"max_tokens":\#(maxTokens),"messages":[{"role":"user","content":"hi"}]}"#.utf8)
        case .openaiChat:
            return Array(#"{"model":"m",\#(sys ?? #""messages":[{"role":"user","content":"hi"}],"#)"max_tokens":\#(maxTokens)}"#.utf8)
        case .openaiResponses:
            return Array(#"{"model":"m",\#(sys ?? "")"max_output_tokens":\#(maxTokens),"input":"hi"}"#.utf8)
        }
    }

    static let pairs: [(Format, Format)] = [Format.anthropic, .openaiChat, .openaiResponses].flatMap { a in
        [Format.anthropic, .openaiChat, .openaiResponses].filter { $0 != a }.map { (a, $0) }
    }

    @Test func maxTokensCapWarnsInEveryDirection() throws {
        let t = try Translator(configJSON: Array(#"{"upstream":{"max_tokens_cap":8000}}"#.utf8))
        for (from, to) in Self.pairs {
            let (out, _) = try t.translateRequest(from: from, to: to, body: Self.body(from, maxTokens: 9000))
            let capped = out.warnings.filter { $0 == "max_tokens: 9000 clamped to the upstream cap 8000" }
            #expect(capped.count == 1, "\(from.name) → \(to.name): \(out.warnings)")
            let doc = try JSONDocument.parse(out.body)
            let sent = doc.root["max_tokens"] ?? doc.root["max_completion_tokens"] ?? doc.root["max_output_tokens"]
            #expect(sent?.int == 8000, "\(from.name) → \(to.name)")
        }
    }

    @Test func billingHeaderIsStrippedTowardEveryOpenAIFormat() throws {
        let t = try Translator(configJSON: [])
        for to in [Format.openaiChat, .openaiResponses] {
            let body = Self.body(.anthropic, maxTokens: 100, system: "x-anthropic-billing-header: cc_version=1")
            let (out, _) = try t.translateRequest(from: .anthropic, to: to, body: body)
            #expect(!String(decoding: out.body, as: UTF8.self).contains("billing"), "\(to.name)")
            #expect(out.warnings.filter { $0.hasPrefix("system[0]: billing header line removed") }.count == 1, "\(to.name): \(out.warnings)")
            // the stripped block's cache_control is not reported: nothing else carries one
            #expect(!out.warnings.contains { $0.contains("cache_control") }, "\(to.name): \(out.warnings)")
        }
    }

    @Test func cacheControlWarnsOnceWithOneText() throws {
        let t = try Translator(configJSON: [])
        for to in [Format.openaiChat, .openaiResponses] {
            let body = Self.body(.anthropic, maxTokens: 100, system: "be brief")
            let (out, _) = try t.translateRequest(from: .anthropic, to: to, body: body)
            #expect(out.warnings.filter { $0.contains("cache_control") } == ["system[0].cache_control: cache_control dropped (OpenAI caches prompts automatically)"],
                    "\(to.name): \(out.warnings)")
        }
    }

    @Test func budgetBecomesTheSameEffortForEveryOpenAIFormat() throws {
        #expect([1024, 4095, 4096, 16383, 16384].map(RequestPolicy.effort(forBudget:)) == ["low", "low", "medium", "medium", "high"])
        let t = try Translator(configJSON: Array(#"{"upstream":{"reasoning_effort":true}}"#.utf8))
        let body = Array(#"{"model":"m","max_tokens":20000,"thinking":{"type":"enabled","budget_tokens":5000},"messages":[{"role":"user","content":"hi"}]}"#.utf8)
        let chat = try JSONDocument.parse(try t.translateRequest(from: .anthropic, to: .openaiChat, body: body).0.body)
        let responses = try JSONDocument.parse(try t.translateRequest(from: .anthropic, to: .openaiResponses, body: body).0.body)
        #expect(chat.root["reasoning_effort"]?.string == "medium")
        #expect(responses.root["reasoning"]?["effort"]?.string == "medium")
    }
}
