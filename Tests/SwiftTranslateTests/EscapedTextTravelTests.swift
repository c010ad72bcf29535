import Testing
@testable import SwiftTranslate

/// Text crosses the model in its escaped form (`JSONText`): escapes arrive in the output as the
/// client wrote them, and a lone UTF-16 surrogate escape, which strict parsers reject, becomes
/// U+FFFD (as decoding it would).
@Suite struct EscapedTextTravel {
    private func translate(_ json: String, from: Format, to: Format) throws -> (text: String, doc: JSONDocument) {
        let t = try Translator(configJSON: [])
        let (out, _) = try t.translateRequest(from: from, to: to, body: Array(json.utf8))
        return (String(decoding: out.body, as: UTF8.self), try JSONDocument.parse(out.body))
    }

    private func first(_ v: JSONValue?) -> JSONValue? {
        guard let v else { return nil }
        for e in v.elements { return e }
        return nil
    }

    private func anthropic(_ text: String) -> String {
        #"{"model":"m","max_tokens":5,"system":"sys \u00e9","tools":[{"name":"t","description":"d\u00e9\n2","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":[{"type":"text","text":""# + text + #""}]}]}"#
    }

    @Test func escapesTravelVerbatimToEveryTarget() throws {
        for to in [Format.openaiChat, .openaiResponses] {
            let (text, doc) = try translate(anthropic(#"caf\u00e9 \"q\" \/ \t"#), from: .anthropic, to: to)
            #expect(text.contains(#"caf\u00e9 \"q\" \/ \t"#), "\(to)")
            #expect(text.contains(#"d\u00e9\n2"#), "tool description, \(to)")
            #expect(text.contains(#"sys \u00e9"#), "system, \(to)")
            let value = to == .openaiChat ? doc.root["messages"]?.elements.first(where: { $0["role"]?.string == "user" })?["content"]
                                          : first(first(doc.root["input"])?["content"])?["text"]
            let decoded = value?.string ?? first(value)?["text"]?.string
            #expect(decoded == "café \"q\" / \t", "\(to)")
        }
    }

    @Test(arguments: [
        (#"a\ud800b"#, "a\u{FFFD}b"),
        (#"a\udc00b"#, "a\u{FFFD}b"),
        (#"\ud800\u0041"#, "\u{FFFD}A"),
        (#"x\ud83d"#, "x\u{FFFD}"),
    ])
    func loneSurrogatesBecomeReplacementCharacters(_ raw: String, _ expected: String) throws {
        let (text, doc) = try translate(anthropic(raw), from: .anthropic, to: .openaiChat)
        #expect(!text.lowercased().contains(#"\ud8"#) && !text.lowercased().contains(#"\udc"#))
        let user = doc.root["messages"]?.elements.first(where: { $0["role"]?.string == "user" })
        #expect(user?["content"]?.string == expected)
    }

    @Test func surrogatePairsAreKept() throws {
        let (text, doc) = try translate(anthropic(#"\ud83d\ude00!"#), from: .anthropic, to: .openaiChat)
        #expect(text.contains(#"\ud83d\ude00!"#))
        let user = doc.root["messages"]?.elements.first(where: { $0["role"]?.string == "user" })
        #expect(user?["content"]?.string == "😀!")
    }

    @Test func chatTextTravelsToAnthropicTheSameWay() throws {
        let verbatim = try translate(#"{"model":"m","messages":[{"role":"user","content":"tab\there \u00e9"}]}"#, from: .openaiChat, to: .anthropic)
        #expect(verbatim.text.contains(#"tab\there \u00e9"#))
        // a string with a lone surrogate is written again from its decoded text, whole
        let lone = try translate(#"{"model":"m","messages":[{"role":"user","content":"tab\there \u00e9 \ud800"}]}"#, from: .openaiChat, to: .anthropic)
        let content = first(lone.doc.root["messages"])?["content"]
        #expect((content?.string ?? first(content)?["text"]?.string) == "tab\there é \u{FFFD}")
        #expect(!lone.text.contains(#"\ud800"#))
    }
}
