import Testing
@testable import SwiftTranslate

/// Hosts log the library's error and warning messages, one per line (the C ABI joins warnings
/// with '\n'). Client and upstream strings quoted in them (keys, type names, tool names) must
/// not bring a line break, an escape sequence or a NUL along.
@Suite struct LogInjectionTests {
    static let hostile = "x\ny\r\u{1B}[31mz\u{0}\u{7F}\u{85}\u{2028}end"
    /// The same string as it appears inside a JSON document.
    static let hostileJSON = #"x\ny\r\u001b[31mz\u0000\u007f\u0085\u2028end"#

    static func isOneCleanLine(_ s: String) -> Bool {
        !s.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }
    }

    @Test func escapedWritesVisibleEscapes() {
        let e = LogText.escaped(Self.hostile)
        #expect(e == #"x\ny\r\u001b[31mz\u0000\u007f\u0085\u2028end"#)
        #expect(LogText.escaped("plain: \"ok\" é 日本") == "plain: \"ok\" é 日本")
        #expect(LogText.escaped(e) == e)
    }

    @Test func warningsQuotingClientKeysAreOneLine() throws {
        let body = #"{"model":"m","messages":[{"role":"user","content":"hi"}],""# + Self.hostileJSON + #"":1}"#
        let (out, _) = try Translator(config: TranslatorConfig()).translateRequest(from: .openaiChat, to: .anthropic, body: Array(body.utf8))
        #expect(out.warnings.count == 1)
        for w in out.warnings { #expect(Self.isOneCleanLine(w), "\(w)") }
        #expect(out.warnings.first?.contains(#"x\ny"#) == true)
    }

    @Test func errorsQuotingClientStringsAreOneLine() {
        let bodies = [
            #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":""# + Self.hostileJSON + #""}}"#,
            #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":""# + Self.hostileJSON + #""}]}]}"#,
        ]
        for body in bodies {
            do {
                _ = try Translator(config: TranslatorConfig()).translateRequest(from: .anthropic, to: .openaiChat, body: Array(body.utf8))
                Issue.record("accepted")
            } catch {
                #expect(Self.isOneCleanLine(error.message) && Self.isOneCleanLine(error.path), "\(error.message)")
                #expect(error.message.contains(#"\u001b[31m"#))
            }
        }
    }

    @Test func configErrorsQuotingKeysAreOneLine() {
        do {
            _ = try TranslatorConfig.parse(Array((#"{"upstream":{""# + Self.hostileJSON + #"":1}}"#).utf8))
            Issue.record("accepted")
        } catch {
            #expect(Self.isOneCleanLine(error.message) && Self.isOneCleanLine(error.path), "\(error.message) / \(error.path)")
        }
    }

    @Test func errorsStayCleanWhenChangedLater() {
        var e = TranslateError(.invalid, Self.hostile, path: Self.hostile)
        #expect(Self.isOneCleanLine(e.message) && Self.isOneCleanLine(e.path))
        e.message = "again: " + Self.hostile
        e.path = Self.hostile
        #expect(Self.isOneCleanLine(e.message) && Self.isOneCleanLine(e.path))
        var d = Diagnostics()
        d.dropped(Self.hostile, Self.hostile)
        #expect(d.warnings.allSatisfy(Self.isOneCleanLine))
    }

    @Test func streamWarningsQuotingUpstreamStringsAreOneLine() throws {
        let body = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"s1","name":"\(Self.hostileJSON)","input":{}}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"\(Self.hostileJSON)"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}


        """
        var t = try StreamTranslator(config: TranslatorConfig(), exchange: nil, from: .anthropic, to: .openaiChat)
        var out: [UInt8] = []
        try t.feed(Array(body.utf8)[...], into: &out)
        try t.finish(into: &out)
        #expect(t.warnings.count >= 2)
        for w in t.warnings { #expect(Self.isOneCleanLine(w), "\(w)") }
    }
}
