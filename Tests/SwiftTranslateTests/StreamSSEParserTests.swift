import Testing
@testable import SwiftTranslate

/// The WHATWG event-stream rules the parser must follow, each split at every byte as well.
@Suite struct StreamSSEParserTests {
    struct Seen: Equatable, CustomStringConvertible {
        var kind: SSEEvent.Kind
        var name: String
        var data: String
        var description: String { "\(kind) \(name.isEmpty ? "" : "[\(name)] ")\(data.debugDescription)" }
    }

    /// Parses `input` fed in the given pieces, then finishes.
    static func parse(_ pieces: [[UInt8]]) throws -> [Seen] {
        var p = SSEParser()
        var out: [Seen] = []
        for piece in pieces {
            var pos = 0
            while let e = try p.next(in: piece[...], at: &pos) {
                out.append(Seen(kind: e.kind, name: e.nameString, data: String(decoding: e.data, as: UTF8.self)))
            }
            #expect(pos == piece.count)
        }
        for e in try p.finish() { out.append(Seen(kind: e.kind, name: e.nameString, data: String(decoding: e.data, as: UTF8.self))) }
        return out
    }

    /// Same events whole, byte by byte, and in two pieces at every cut.
    static func check(_ input: [UInt8], _ expected: [Seen], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try parse([input]) == expected, "whole", sourceLocation: sourceLocation)
        #expect(try parse(input.map { [$0] }) == expected, "byte by byte", sourceLocation: sourceLocation)
        for cut in 0...input.count {
            #expect(try parse([Array(input[..<cut]), Array(input[cut...])]) == expected, "cut at \(cut)", sourceLocation: sourceLocation)
        }
    }

    static func msg(_ data: String, _ name: String = "") -> Seen { Seen(kind: .message, name: name, data: data) }

    @Test func lineEndsLFCRLFCR() throws {
        try Self.check(Array("data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\r\n\n".utf8),
                       [Self.msg("a"), Self.msg("b"), Self.msg("c"), Self.msg("d")])
    }

    @Test func crAtChunkEndThenLFIsOneLineEnd() throws {
        // Were CR and LF two line ends, the empty line between would dispatch "a" alone.
        #expect(try Self.parse([Array("data: a\r".utf8), Array("\ndata: b\n\n".utf8)]) == [Self.msg("a\nb")])
    }

    @Test func multiLineDataJoinedWithLF() throws {
        try Self.check(Array("data: {\"a\":\ndata: 1}\n\n".utf8), [Self.msg("{\"a\":\n1}")])
    }

    @Test func commentsEventIdRetryAndUnknownFields() throws {
        try Self.check(Array(": keep-alive\nretry: 10\nid: 5\nfoo: bar\nevent: message_start\ndata: x\n\n".utf8),
                       [Seen(kind: .comment, name: "", data: "keep-alive"), Self.msg("x", "message_start")])
    }

    @Test func fieldWithoutColonAndSpaces() throws {
        // "data" alone is a data line with an empty value; only one space after the colon is dropped.
        try Self.check(Array("data\ndata:x\ndata:  y\n\n".utf8), [Self.msg("\nx\n y")])
    }

    @Test func eventWithoutDataIsNotDispatchedAndItsNameDoesNotLeak() throws {
        try Self.check(Array("event: ping\n\ndata: z\n\n".utf8), [Self.msg("z")])
    }

    @Test func bomAtStartOnlyOnce() throws {
        try Self.check([0xEF, 0xBB, 0xBF] + Array("data: a\n\n".utf8), [Self.msg("a")])
        // A second BOM is content: here part of the field name, so the line is ignored.
        try Self.check([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array("data: a\n\ndata: b\n\n".utf8), [Self.msg("b")])
        // Bytes that merely start like a BOM are kept.
        try Self.check([0xEF, 0x41] + Array("\ndata: c\n\n".utf8), [Self.msg("c")])
    }

    @Test func utf8SplitAnywhere() throws {
        try Self.check(Array("data: ✓ 😀 ü\n\n".utf8), [Self.msg("✓ 😀 ü")])
    }

    @Test func lastEventWithoutBlankLineIsDeliveredAtEnd() throws {
        try Self.check(Array("data: a\n\ndata: [DONE]".utf8), [Self.msg("a"), Self.msg("[DONE]")])
    }

    @Test func onlyTheIncompleteEventIsBuffered() throws {
        var p = SSEParser()
        let input = Array("data: one\n\ndata: tw".utf8)
        var pos = 0
        let first = try p.next(in: input[...], at: &pos)
        #expect(first.map { String(decoding: $0.data, as: UTF8.self) } == "one")
        #expect(try p.next(in: input[...], at: &pos) == nil)
        #expect(pos == input.count)
        #expect(p.streamOffset == input.count)
    }

    @Test func dataOffsetIsTheStreamPosition() throws {
        var p = SSEParser()
        let input = Array(": c\n\ndata: {}\n\n".utf8)
        var pos = 0
        var offsets: [Int] = []
        while let e = try p.next(in: input[...], at: &pos) { offsets.append(e.offset) }
        #expect(offsets == [1, 11])
    }

    @Test func invalidJSONIsAStreamErrorWithTheByteOffset() throws {
        var t = try StreamTranslator(config: TranslatorConfig(), exchange: nil, from: .openaiChat, to: .anthropic)
        var out: [UInt8] = []
        let input = Array("data: {\"id\":\"x\",\"choices\":[]}\n\ndata: {\"id\": nope}\n\n".utf8)
        do {
            try t.feed(input[..<40], into: &out)
            try t.feed(input[40...], into: &out)
            Issue.record("no error")
        } catch {
            #expect(error.status == .stream)
            // The JSON error is at the `n` of `nope`.
            let n = input.indices.first { input[$0...].starts(with: "nope".utf8) }
            #expect(error.offset == n, "\(error)")
            #expect(error.message.contains("not JSON"))
        }
    }

    @Test func endlessLineIsALimitNotUnboundedMemory() throws {
        var p = SSEParser()
        let piece = [UInt8](repeating: 0x61, count: 1 << 20)
        var failed = false
        for _ in 0..<70 {
            var pos = 0
            do { _ = try p.next(in: piece[...], at: &pos) } catch { #expect(error.status == .limit); failed = true; break }
        }
        #expect(failed)
    }
}
