import Testing
@testable import SwiftTranslate

/// Golden fixtures: every `Tests/Fixtures/<from>-<to>/<case>/case.json` is one translation.
///
/// case.json keys: "kind" (request | response | error), "from", "to", optional "config" (a
/// translator configuration), optional "request" (for response/error kinds: the client's request in
/// the `to` format, translated to `from` first to build the exchange), optional "status" (error
/// kind), "input" (the document), "expected" (the translated document, compared as JSON values with
/// key order ignored), optional "expected_status", optional "warnings" (substrings that must each
/// appear in some warning). Stream cases are in StreamFixtureTests. An expected value "<any>"
/// matches any value (for "created" timestamps). A request or response case may give "expected_error"
/// {"status": "invalid"|"unsupported"|…, "path"?, "message"? (a substring)} instead of "expected".
@Suite struct GoldenFixtures {
    static let root = FixtureFiles.root + "/Fixtures"

    static func cases() -> [String] {
        FixtureFiles.list(root).filter { !$0.contains("/stream-") && FixtureFiles.exists($0 + "/case.json") }
    }

    @Test(arguments: cases())
    func fixture(_ dir: String) throws {
        let bytes = try #require(FixtureFiles.read(dir + "/case.json"), "cannot read \(dir)/case.json")
        let doc = try JSONDocument.parse(bytes)
        let c = doc.root
        let kind = c["kind"]?.string ?? "request"
        let from = try #require(c["from"]?.string.flatMap(Format.init(name:)))
        let to = try #require(c["to"]?.string.flatMap(Format.init(name:)))
        let configBytes = c["config"].map { Array($0.raw) } ?? []
        let translator = try Translator(configJSON: configBytes)
        let input = try #require(c["input"])
        let inputBytes = input.isString ? (input.stringBytes ?? []) : Array(input.raw)

        var exchange: Exchange? = nil
        if let req = c["request"] {
            exchange = try translator.translateRequest(from: to, to: from, body: Array(req.raw)).1
        }
        if let e = c["expected_error"] {
            do {
                if kind == "response" {
                    _ = try translator.translateResponse(exchange: exchange, from: from, to: to, body: inputBytes)
                } else {
                    _ = try translator.translateRequest(from: from, to: to, body: inputBytes)
                }
                Issue.record("\(dir): expected an error, the translation succeeded")
            } catch {
                #expect("\(error.status)" == e["status"]?.string, "\(dir): status of \(error.message)")
                if let p = e["path"]?.string { #expect(error.path == p, "\(dir): path of \(error.message)") }
                if let m = e["message"]?.string { #expect(error.message.contains(m), "\(dir): message \(error.message)") }
            }
            return
        }
        let output: Translator.Output
        switch kind {
        case "request": output = try translator.translateRequest(from: from, to: to, body: inputBytes).0
        case "response": output = try translator.translateResponse(exchange: exchange, from: from, to: to, body: inputBytes)
        case "error":
            output = translator.translateError(exchange: exchange, from: from, to: to, status: c["status"]?.int ?? 500, body: inputBytes)
        default:
            Issue.record("unknown kind \(kind) in \(dir)")
            return
        }
        let expected = try #require(c["expected"])
        let actual = try JSONDocument.parse(output.body)
        let diff = JSONCompare.difference(expected, actual.root, path: "")
        #expect(diff == nil, "\(dir): \(diff ?? "")\nactual: \(String(decoding: output.body, as: UTF8.self))")
        if let status = c["expected_status"]?.int { #expect(output.status == status, "\(dir): status") }
        for w in c["warnings"]?.elements.compactMap({ $0.string }) ?? [] {
            #expect(output.warnings.contains { $0.contains(w) }, "\(dir): no warning containing \"\(w)\" in \(output.warnings)")
        }
    }
}

/// Structural JSON equality (object key order ignored, numbers compared by value).
enum JSONCompare {
    static func difference(_ a: JSONValue, _ b: JSONValue, path: String) -> String? {
        let here = path.isEmpty ? "$" : path
        if a.stringEquals("<any>") { return nil }
        switch (a.kind, b.kind) {
        case (.object, .object):
            var seen = Set<String>()
            for (k, v) in a.members {
                seen.insert(k)
                guard let w = b[k] else { return "\(here).\(k): missing" }
                if let d = difference(v, w, path: "\(path).\(k)") { return d }
            }
            for (k, _) in b.members where !seen.contains(k) { return "\(here).\(k): unexpected" }
            return nil
        case (.array, .array):
            let x = Array(a.elements), y = Array(b.elements)
            if x.count != y.count { return "\(here): \(x.count) elements expected, got \(y.count)" }
            for i in 0..<x.count {
                if let d = difference(x[i], y[i], path: "\(path)[\(i)]") { return d }
            }
            return nil
        case (.string, .string):
            return a.string == b.string ? nil : "\(here): expected \(String(decoding: a.raw, as: UTF8.self)), got \(String(decoding: b.raw, as: UTF8.self))"
        case (.number, .number):
            return a.double == b.double ? nil : "\(here): expected \(a.numberText ?? ""), got \(b.numberText ?? "")"
        default:
            if a.kind == b.kind { return nil }
            return "\(here): expected \(String(decoding: a.raw, as: UTF8.self)), got \(String(decoding: b.raw, as: UTF8.self))"
        }
    }
}
