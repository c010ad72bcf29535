import Testing
@testable import SwiftTranslate

/// A custom tool's input streamed out of `{"input": …}` arguments (CustomToolInputStream):
/// whatever the upstream's fragments, every piece is a valid JSON string body and the pieces
/// together are the input.
@Suite struct CustomToolInputStreamTests {
    /// Feeds `fragments` (arguments text, as the upstream's strings held it); returns the
    /// pieces passed on (the last one from `finish`) and `exact`.
    static func run(_ fragments: [String]) throws -> (pieces: [[UInt8]], exact: Bool) {
        var s = CustomToolInputStream()
        var pieces: [[UInt8]] = []
        for f in fragments {
            let p = s.feed(JSONText(escaping: f))
            if !p.isEmpty { pieces.append(p) }
        }
        let (rest, exact) = s.finish()
        if !rest.isEmpty { pieces.append(rest) }
        return (pieces, exact)
    }

    /// The decoded text of one piece, which must parse on its own as a JSON string without a
    /// lone surrogate.
    static func decode(_ piece: [UInt8]) throws -> String {
        let doc = try JSONDocument.parse([UInt8(ascii: "\"")] + piece + [UInt8(ascii: "\"")])
        return try #require(doc.root.string)
    }

    static let arguments = #"{ "input" : "a\nb \"q\" \u00e9 é \ud83d\ude00 \\ \/ end", "extra": 1}"#
    static let input = "a\nb \"q\" é é 😀 \\ / end"

    /// Every way of cutting the arguments in two or three (on character boundaries, as upstream
    /// strings are): the input streams (more than one piece when cut inside it) and is exact.
    @Test func anySplitGivesTheInput() throws {
        let chars = Array(Self.arguments)
        for i in 0...chars.count {
            for j in i...chars.count where j == i || (j - i) % 3 == 0 {
                let parts = [String(chars[..<i]), String(chars[i..<j]), String(chars[j...])]
                let (pieces, exact) = try Self.run(parts)
                #expect(exact, "cut at \(i), \(j)")
                let text = try pieces.map(Self.decode).joined()
                #expect(text == Self.input, "cut at \(i), \(j): pieces \(pieces.map { String(decoding: $0, as: UTF8.self) })")
            }
        }
        // streamed, not held to the end: a cut in the middle of the input gives two pieces
        #expect(try Self.run([String(chars[..<20]), String(chars[20...])]).pieces.count == 2)
    }

    /// Arguments of another shape are read whole at the end: the `input` member wherever it is,
    /// else the arguments text itself (not exact).
    @Test func otherShapesAreReadWhole() throws {
        var r = try Self.run([#"{"other":1,"#, #""input":"x\ty"}"#])
        #expect(r.pieces.count == 1 && r.exact)
        #expect(try Self.decode(r.pieces[0]) == "x\ty")
        r = try Self.run([#"{"text": "no input"}"#])
        #expect(!r.exact)
        #expect(try Self.decode(r.pieces[0]) == #"{"text": "no input"}"#)
        r = try Self.run([])
        #expect(!r.exact && r.pieces.isEmpty)
        r = try Self.run(["{", " }"])
        #expect(!r.exact && r.pieces.isEmpty)
        r = try Self.run(["not json \u{1}"])
        #expect(!r.exact)
        #expect(try Self.decode(r.pieces[0]) == "not json \u{1}")
    }

    /// What is not valid JSON inside the string still gives valid pieces: lone surrogates become
    /// U+FFFD, raw control characters are escaped, an unknown escape keeps its backslash, and a
    /// string cut off at the end keeps what streamed (not exact).
    @Test func brokenStringsStillGiveValidPieces() throws {
        var r = try Self.run([#"{"input":"a\ud83d"#, #"x\ude00b\q"#, "\t\u{2}", #"\ud83d"#])
        #expect(!r.exact)
        #expect(try r.pieces.map(Self.decode).joined() == "a\u{FFFD}x\u{FFFD}b\\q\t\u{2}\u{FFFD}")
        r = try Self.run([#"{"input":"\u12"#, #"zz"}"#])
        #expect(try r.pieces.map(Self.decode).joined() == "\\u12zz")
    }
}
