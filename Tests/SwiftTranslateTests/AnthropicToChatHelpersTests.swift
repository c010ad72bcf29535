@testable import SwiftTranslate

/// Helpers shared by the AnthropicToChat* suites: translate a literal and read the result.
enum A2C {
    struct Result {
        let doc: JSONDocument
        let warnings: [String]
        let exchange: Exchange
        var root: JSONValue { doc.root }
        var text: String { String(decoding: doc.bytes, as: UTF8.self) }
        func warned(_ s: String) -> Bool { warnings.contains { $0.contains(s) } }
        func count(_ s: String) -> Int { warnings.filter { $0.contains(s) }.count }
    }

    static func translator(_ config: String = "") throws(TranslateError) -> Translator {
        try Translator(configJSON: Array(config.utf8))
    }

    /// Anthropic request → Chat request.
    static func request(_ json: String, config: String = "") throws -> Result {
        let (out, exchange) = try translator(config).translateRequest(from: .anthropic, to: .openaiChat, body: Array(json.utf8))
        return Result(doc: try JSONDocument.parse(out.body), warnings: out.warnings, exchange: exchange)
    }

    /// The error of a request that must fail.
    static func requestError(_ json: String, config: String = "") -> TranslateError? {
        do throws(TranslateError) {
            _ = try translator(config).translateRequest(from: .anthropic, to: .openaiChat, body: Array(json.utf8))
            return nil
        } catch {
            return error
        }
    }

    /// Chat response → Anthropic response, optionally after the Anthropic `request` built the exchange.
    static func response(_ json: String, request: String? = nil, config: String = "") throws -> (JSONDocument, [String]) {
        let t = try translator(config)
        var exchange: Exchange? = nil
        if let request { exchange = try t.translateRequest(from: .anthropic, to: .openaiChat, body: Array(request.utf8)).1 }
        let out = try t.translateResponse(exchange: exchange, from: .openaiChat, to: .anthropic, body: Array(json.utf8))
        return (try JSONDocument.parse(out.body), out.warnings)
    }

    static func responseError(_ json: String) -> TranslateError? {
        do throws(TranslateError) {
            _ = try translator().translateResponse(exchange: nil, from: .openaiChat, to: .anthropic, body: Array(json.utf8))
            return nil
        } catch {
            return error
        }
    }

    /// The `i`-th element of an array value.
    static func at(_ v: JSONValue?, _ i: Int) -> JSONValue? {
        guard let v, v.isArray else { return nil }
        var k = 0
        for e in v.elements {
            if k == i { return e }
            k += 1
        }
        return nil
    }

    static func raw(_ v: JSONValue?) -> String? { v.map { String(decoding: $0.raw, as: UTF8.self) } }
}
