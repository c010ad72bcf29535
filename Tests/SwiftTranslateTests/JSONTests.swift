import Testing
@testable import SwiftTranslate

@Suite struct JSONBasics {
    @Test func roundTripKeepsKeyOrderAndNumbers() throws {
        let text = #"{"b":1.50,"a":[true,null,"x\u00e9\n"],"c":{"z":-0,"y":1e10}}"#
        let doc = try JSONDocument.parse(text)
        var w = JSONWriter()
        w.value(doc.root)
        #expect(String(decoding: w.bytes, as: UTF8.self) == text)
        #expect(doc.root["a"]?.elements.map { $0.kind } == [.true, .null, .string])
        #expect(doc.root["a"]?.elements.map { $0 }.last?.string == "xé\n")
        #expect(doc.root["b"]?.numberText == "1.50")
        #expect(doc.root["c"]?["y"]?.int == 10_000_000_000)
    }

    @Test func errorsCarryOffsets() {
        do {
            _ = try JSONDocument.parse(#"{"a": [1, 2,]}"#)
            Issue.record("accepted a trailing comma")
        } catch {
            #expect(error.status == .json)
            #expect(error.offset == 12)
        }
    }
}
