@testable import SwiftTranslate

/// Helpers shared by the ChatToAnthropic* suites.
enum C2A {
    /// Decodes a Chat request body into the neutral request.
    static func decode(_ json: String, config: TranslatorConfig = TranslatorConfig()) throws -> (NRequest, [String]) {
        let doc = try JSONDocument.parse(json)
        var ctx = TranslationContext(config: config)
        let r = try ChatRequestDecoder.decode(doc.root, &ctx)
        return (r, ctx.diagnostics.warnings)
    }

    /// Encodes a neutral request for Anthropic; returns the parsed body and the warnings.
    /// Through the request policy, as the translator does.
    static func encode(_ r: NRequest, config: TranslatorConfig = TranslatorConfig()) throws -> (JSONDocument, [String]) {
        var ctx = TranslationContext(config: config)
        var r = r
        RequestPolicy.apply(&r, to: .anthropic, &ctx)
        let bytes = try AnthropicRequestEncoder.encode(r, &ctx)
        return (try JSONDocument.parse(bytes), ctx.diagnostics.warnings)
    }

    /// Chat request body → Anthropic request body, through the public translator.
    static func translate(_ json: String, config: String = "") throws -> (JSONDocument, [String]) {
        let t = try Translator(configJSON: Array(config.utf8))
        let out = try t.translateRequest(from: .openaiChat, to: .anthropic, body: Array(json.utf8)).0
        return (try JSONDocument.parse(out.body), out.warnings)
    }

    /// Anthropic response body → Chat response body.
    static func response(_ json: String, config: String = "", created: Int? = nil) throws -> (JSONDocument, [String]) {
        let t = try Translator(configJSON: Array(config.utf8))
        let out = try t.translateResponse(exchange: nil, from: .anthropic, to: .openaiChat, body: Array(json.utf8))
        return (try JSONDocument.parse(out.body), out.warnings)
    }

    /// The error a translation throws, or nil when it succeeds.
    static func failure(_ body: () throws -> Void) -> TranslateError? {
        do { try body() } catch let e as TranslateError { return e } catch { return nil }
        return nil
    }

    static func text(_ v: JSONValue?) -> String { v.map { String(decoding: $0.raw, as: UTF8.self) } ?? "<absent>" }

    static func user(_ parts: [NPart]) -> NMessage { NMessage(role: .user, parts: parts) }
    static func assistant(_ parts: [NPart]) -> NMessage { NMessage(role: .assistant, parts: parts) }
    static func request(_ messages: [NMessage]) -> NRequest {
        var r = NRequest()
        r.model = "m"
        r.maxTokens = 100
        r.messages = messages
        return r
    }
    static func call(_ id: String, _ name: String = "f", _ args: String = "{}") -> NPart {
        .toolCall(NToolCall(id: id, name: name, arguments: Array(args.utf8)))
    }
    static func result(_ id: String, _ text: String = "ok", isError: Bool = false) -> NPart {
        .toolResult(NToolResult(toolCallId: id, content: [.text(NText(text))], isError: isError))
    }
}
