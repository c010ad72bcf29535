import Testing
@testable import SwiftTranslate

/// String decoding and error positions of the JSON engine, at the edges the fast paths skip over.
@Suite struct JSONEngineTests {
    static func decoded(_ jsonString: String) throws -> String? {
        try JSONDocument.parse(jsonString).root.string
    }

    @Test(arguments: [
        (#""plain""#, "plain"),
        (#""\n""#, "\n"),
        (#""\nstart""#, "\nstart"),
        (#""end\t""#, "end\t"),
        (#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (#""\b\f\r""#, "\u{08}\u{0C}\r"),
        (#""caf\u00e9 \u00E9""#, "café é"),
        (#""\ud83d\ude00!""#, "😀!"),
        (#""x\ud800y""#, "x\u{FFFD}y"),
        (#""\udc00""#, "\u{FFFD}"),
        (#""\ud800\u0041""#, "\u{FFFD}A"),
        (#""\u0000""#, "\u{0}"),
        ("\"héllo ☃ 😀 \\\"q\\\"\"", "héllo ☃ 😀 \"q\""),
    ])
    func unescapes(_ input: String, _ expected: String) throws {
        #expect(try Self.decoded(input) == expected)
        // stringBytes agrees with string, and re-serializing round-trips
        let doc = try JSONDocument.parse(input)
        #expect(doc.root.stringBytes == Array(expected.utf8))
        var w = JSONWriter()
        w.string(expected)
        #expect(try JSONDocument.parse(w.bytes).root.string == expected)
    }

    /// Stream text bodies are unescaped without a parse: a truncated escape at the end decodes to
    /// what it spells (never past the input), at every alignment of the 8-byte fast path.
    @Test(arguments: [
        ("abc\\", Array("abc\\".utf8)),
        ("\\u12", [0x12]),
        ("\\u123", [0xC4, 0xA3]),
        ("\\ud83d", Array("\u{FFFD}".utf8)),
        ("\\ud83d\\ude0", Array("\u{FFFD}\u{DE0}".utf8)),
        ("\\ud83d\\ude00\\n", Array("😀\n".utf8)),
    ] as [(String, [UInt8])])
    func unescapesTruncatedBodies(_ body: String, _ expected: [UInt8]) {
        for k in 0..<17 {
            let pad = String(repeating: "x", count: k)
            #expect(JSONUnescape.bytes(Array((pad + body).utf8)[...]) == Array(pad.utf8) + expected, "k=\(k)")
        }
    }

    /// Lookup by key: the first of repeated keys, escaped keys compared decoded, non-ASCII keys,
    /// keys that share a prefix or a length.
    @Test func memberLookup() throws {
        let doc = try JSONDocument.parse(#"{"typ":1,"tyqe":2,"t\u0079pe":3,"type":4,"clé":5,"":6,"typeX":7}"#)
        #expect(doc.root["type"]?.int == 3)
        #expect(doc.root["clé"]?.int == 5)
        #expect(doc.root[""]?.int == 6)
        #expect(doc.root["typeX"]?.int == 7)
        #expect(doc.root["typ"]?.int == 1)
        #expect(doc.root["ty"] == nil)
        #expect(doc.root["type"]?["x"] == nil)
        let long = String(repeating: "k", count: 40)
        #expect(try JSONDocument.parse("{\"\(long)\":true}").root[long]?.bool == true)
    }

    @Test func longRunsAroundEscapes() throws {
        let chunk = String(repeating: "abcdefgh", count: 512)
        let text = chunk + "\n" + chunk + "\"" + chunk + "é" + chunk
        var w = JSONWriter()
        w.string(text)
        let doc = try JSONDocument.parse(w.bytes)
        #expect(doc.root.string == text)
        #expect(doc.root.stringEquals(text))
    }

    @Test(arguments: [
        ("\"ab\u{01}\"", 3),          // control character
        (#""ab\x""#, 3),              // bad escape
        (#""ab\u12G4""#, 3),          // bad \u
        ("\"abc", 4),                 // unterminated
        (#"["a", "b"#, 8),            // unterminated, second string: the end of input
    ])
    func stringErrorsCarryOffsets(_ input: String, _ offset: Int) {
        do {
            _ = try JSONDocument.parse(input)
            Issue.record("accepted \(input)")
        } catch {
            #expect(error.status == .json)
            #expect(error.offset == offset, "\(error.message)")
        }
    }

    @Test func invalidUTF8IsRejectedAtItsOffset() {
        let cases: [([UInt8], Int)] = [
            ([0x22, 0x61, 0xFF, 0x22], 2),
            ([0x22, 0x61, 0x62, 0xC3, 0x22], 3),         // truncated 2-byte sequence
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),         // encoded surrogate
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),   // above U+10FFFF
            ([0x22, 0xC0, 0xAF, 0x22], 1),               // overlong
        ]
        for (bytes, offset) in cases {
            do {
                _ = try JSONDocument.parse(bytes)
                Issue.record("accepted \(bytes)")
            } catch {
                #expect(error.status == .json && error.offset == offset, "\(bytes): \(error.message)")
            }
        }
    }

    /// The string loops look at 16 bytes at a time (8, then 1 near the end): put each kind of
    /// special byte at every position of the first blocks and of the tail, and check what the
    /// byte-by-byte reading would give.
    @Test func specialBytesAtEveryPosition() throws {
        for k in 0..<40 {
            let pad = String(repeating: "a", count: k)
            let tail = String(repeating: "b", count: 39 - k)
            // escapes decode, and the writer escapes them back
            for (escape, char) in [("\\n", "\n"), ("\\\"", "\""), ("\\\\", "\\"), ("\\u00e9", "é"), ("\\t", "\t")] {
                let doc = try JSONDocument.parse("\"" + pad + escape + tail + "\"")
                #expect(doc.root.string == pad + char + tail, "k=\(k) \(escape)")
            }
            for (char, escaped) in [("\n", "\\n"), ("\"", "\\\""), ("\\", "\\\\"), ("\u{01}", "\\u0001"), ("é", "é")] {
                var w = JSONWriter()
                w.string(pad + char + tail)
                #expect(String(decoding: w.bytes, as: UTF8.self) == "\"" + pad + escaped + tail + "\"", "k=\(k)")
                var wb = JSONWriter()
                wb.string(bytes: Array((pad + char + tail).utf8))
                #expect(wb.bytes == w.bytes)
            }
            // a control byte or an invalid UTF-8 byte is rejected exactly where it is
            for bad: UInt8 in [0x01, 0x1F, 0xFF, 0x80] {
                let input = [0x22] + Array(pad.utf8) + [bad] + Array(tail.utf8) + [0x22]
                do {
                    _ = try JSONDocument.parse(input)
                    Issue.record("accepted byte \(bad) at \(k)")
                } catch {
                    #expect(error.offset == k + 1, "byte \(bad) at \(k): \(error.message)")
                }
            }
            // the closing quote ends the string exactly there
            let doc = try JSONDocument.parse("[\"" + pad + "\"," + "\"" + tail + "\"]")
            #expect(doc.root.elements.map { $0.string } == [pad, tail])
        }
    }

    /// What `JSONWriter` must write for `s`: each scalar escaped on its own.
    static func referenceEscaped(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{00}"..."\u{1F}":
                let hex = String(c.value, radix: 16)
                out += "\\u00" + (hex.count < 2 ? "0" : "") + hex
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// The writer copies text into room with a margin for escapes and starts new room when
    /// escapes use it up: dense escapes (up to every byte, 6 bytes each for control characters)
    /// must come out whole across those rounds, at every length around the 16- and 32-byte edges.
    @Test func denseEscapesAcrossRounds() throws {
        let special = ["\u{01}", "\"", "\\", "\n", "\u{1F}", "\t", "\u{08}", "\r"]
        let plain = ["a", "é", "日", "b", "😀"]
        for length in [1, 15, 16, 17, 31, 32, 33, 100, 1000, 5000] {
            for density in [1, 2, 3, 10] { // one special piece in `density`
                var s = ""
                for i in 0..<length {
                    s += i % density == 0 ? special[(i / density) % special.count] : plain[i % plain.count]
                }
                var w = JSONWriter()
                w.string(s)
                #expect(String(decoding: w.bytes, as: UTF8.self) == Self.referenceEscaped(s), "length \(length) density \(density)")
                var wb = JSONWriter()
                wb.string(bytes: Array(s.utf8))
                #expect(wb.bytes == w.bytes)
                #expect(try JSONDocument.parse(w.bytes).root.string == s)
            }
        }
    }

    /// Multi-byte UTF-8 is validated sequence after sequence until ASCII resumes: runs of 2-, 3-
    /// and 4-byte characters of every length decode, and a bad sequence inside a run is reported
    /// at its first byte.
    @Test func multiByteRuns() throws {
        for char in ["é", "日", "😀", "é日😀"] {
            for k in 0..<24 {
                let run = String(repeating: char, count: k)
                #expect(try Self.decoded("\"" + run + "x\"") == run + "x")
                #expect(try Self.decoded("\"" + run + "\"") == run)
                let start = 1 + run.utf8.count
                for bad: [UInt8] in [[0xC3, 0x28], [0xE6, 0x97, 0x22], [0xED, 0xA0, 0x80], [0xE0, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3]] {
                    let input = [0x22] + Array(run.utf8) + bad + Array("é\"".utf8)
                    do {
                        _ = try JSONDocument.parse(input)
                        Issue.record("accepted \(bad) after \(k) x \(char)")
                    } catch {
                        #expect(error.offset == start, "\(bad) after \(k) x \(char): \(error.message)")
                    }
                }
            }
        }
    }
}
