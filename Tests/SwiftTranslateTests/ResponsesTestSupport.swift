@testable import SwiftTranslate

/// Small helpers for the Responses suites: decode/encode through the codec with a context.
enum RX {
    static func decodeRequest(_ json: String, config: TranslatorConfig = TranslatorConfig()) throws(TranslateError) -> (NRequest, [String]) {
        let doc = try JSONDocument.parse(json)
        var ctx = TranslationContext(config: config)
        let r = try ResponsesRequestDecoder.decode(doc.root, &ctx)
        return (r, ctx.diagnostics.warnings)
    }

    /// Through the request policy, as the translator does.
    static func encodeRequest(_ r: NRequest, config: TranslatorConfig = TranslatorConfig()) throws(TranslateError) -> (JSONDocument, [String], ToolNameMap) {
        var ctx = TranslationContext(config: config)
        var r = r
        RequestPolicy.apply(&r, to: .openaiResponses, &ctx)
        let bytes = try ResponsesRequestEncoder.encode(r, &ctx)
        return (try JSONDocument.parse(bytes), ctx.diagnostics.warnings, ctx.toolNames)
    }

    static func decodeResponse(_ json: String) throws(TranslateError) -> (NResponse, [String]) {
        let doc = try JSONDocument.parse(json)
        var ctx = TranslationContext(config: TranslatorConfig())
        let r = try ResponsesResponseDecoder.decode(doc.root, &ctx)
        return (r, ctx.diagnostics.warnings)
    }

    static func encodeResponse(_ r: NResponse) throws(TranslateError) -> (JSONDocument, [String]) {
        var ctx = TranslationContext(config: TranslatorConfig())
        let bytes = try ResponsesResponseEncoder.encode(r, &ctx)
        return (try JSONDocument.parse(bytes), ctx.diagnostics.warnings)
    }

    static func config(_ json: String) throws(TranslateError) -> TranslatorConfig { try TranslatorConfig.parse(Array(json.utf8)) }

    static func text(_ v: JSONValue?) -> String { v.map { String(decoding: $0.raw, as: UTF8.self) } ?? "<absent>" }
}

extension NPart {
    var textValue: String? { if case .text(let t) = self { return t.text } else { return nil } }
    var toolCallValue: NToolCall? { if case .toolCall(let c) = self { return c } else { return nil } }
    var toolResultValue: NToolResult? { if case .toolResult(let r) = self { return r } else { return nil } }
    var thinkingValue: NThinking? { if case .thinking(let t) = self { return t } else { return nil } }
    var reasoningValue: NReasoningItem? { if case .reasoningItem(let r) = self { return r } else { return nil } }
}
