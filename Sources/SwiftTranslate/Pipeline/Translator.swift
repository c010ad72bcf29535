/// The immutable translator behind `apx_translator`: configuration plus the one-shot
/// translations. Shareable across threads.
public final class Translator: Sendable {
    public let config: TranslatorConfig

    public init(config: TranslatorConfig) { self.config = config }

    public convenience init(configJSON: [UInt8]) throws(TranslateError) {
        self.init(config: try TranslatorConfig.parse(configJSON))
    }

    public struct Output: Sendable {
        public var body: [UInt8]
        public var warnings: [String]
        public var status: Int = 0
    }

    /// APX_ERR_LIMIT for a body larger than `limits.max_body_bytes` (the offset is the limit:
    /// the first byte too many).
    public func checkBodySize(_ count: Int) throws(TranslateError) {
        guard count <= config.maxBodyBytes else {
            throw TranslateError(.limit, "body of \(count) bytes is larger than limits.max_body_bytes (\(config.maxBodyBytes))",
                                 offset: config.maxBodyBytes)
        }
    }

    // Memory: `body` is consumed and the document dies at the end of the decoding scope, so the
    // input, the parse tape, the neutral model and the output are never all alive at once.

    public func translateRequest(from: Format, to: Format, body: consuming [UInt8]) throws(TranslateError) -> (Output, Exchange) {
        try checkBodySize(body.count)
        var ctx = TranslationContext(config: config)
        var request: NRequest
        do {
            let doc = try JSONDocument.parse(consume body)
            let root = doc.root
            guard root.isObject else { throw TranslateError.invalid("", "a request must be a JSON object, got \(root.kindDescription)") }
            if from == to {
                return try passthroughRequest(format: from, doc: doc)
            }
            request = try codec(for: from).decodeRequest(root, &ctx)
        }
        let clientModel = request.model
        request.model = config.mapModel(clientModel)
        ctx.clientModel = clientModel
        ctx.includeUsage = request.includeUsage
        ctx.inputTokens = TokenEstimate.request(request)
        RequestPolicy.apply(&request, to: to, &ctx)
        let out = try codec(for: to).encodeRequest(request, &ctx)
        let exchange = Exchange(clientFormat: from, upstreamFormat: to, clientModel: clientModel,
                                upstreamModel: request.model, stream: request.stream,
                                includeUsage: request.includeUsage, toolNames: ctx.toolNames,
                                inputTokens: ctx.inputTokens)
        return (Output(body: out, warnings: ctx.diagnostics.warnings), exchange)
    }

    /// Same format on both sides: every byte is kept except the model name.
    private func passthroughRequest(format: Format, doc: JSONDocument) throws(TranslateError) -> (Output, Exchange) {
        var diagnostics = Diagnostics()
        let filtered = ForeignReasoningFilter.filter(doc, format: format, diagnostics: &diagnostics)
        let doc = try filtered.map { bytes throws(TranslateError) in try JSONDocument.parse(bytes) } ?? doc
        let root = doc.root
        var out = doc.bytes
        var clientModel = ""
        var upstreamModel = ""
        if let model = root["model"] {
            guard let name = model.string else { throw TranslateError.invalid("model", "expected a string, got \(model.kindDescription)") }
            clientModel = name
            upstreamModel = config.mapModel(name)
            if upstreamModel != name {
                out = Self.replacing(model, in: doc, with: upstreamModel)
            }
        }
        let stream = root["stream"]?.bool ?? false
        let includeUsage = root["stream_options"]?["include_usage"]?.bool ?? false
        // A passthrough upstream reports its own usage; decoding the whole body only for an
        // estimate would cost more than the passthrough itself, so bytes/4 it is.
        let estimate = doc.bytes.count / 4
        let exchange = Exchange(clientFormat: format, upstreamFormat: format, clientModel: clientModel,
                                upstreamModel: upstreamModel, stream: stream, includeUsage: includeUsage,
                                toolNames: ToolNameMap(), inputTokens: estimate)
        return (Output(body: out, warnings: diagnostics.warnings), exchange)
    }

    public func translateResponse(exchange: Exchange?, from: Format, to: Format, body: consuming [UInt8]) throws(TranslateError) -> Output {
        try checkBodySize(body.count)
        var ctx = TranslationContext(config: config, exchange: exchange)
        var response: NResponse
        do {
            let doc = try JSONDocument.parse(consume body)
            if from == to {
                return Output(body: passthroughResponseModel(doc: doc, clientModel: exchange?.clientModel), warnings: [])
            }
            response = try codec(for: from).decodeResponse(doc.root, &ctx)
        }
        if let failure = response.error {
            // A 200 carrying a failed generation: the client gets its own error body and status,
            // as a stream's `response.failed` becomes the client's error event.
            let (status, out) = codec(for: to).encodeError(failure)
            return Output(body: out, warnings: ctx.diagnostics.warnings, status: status)
        }
        if let m = ctx.clientModel { response.model = m }
        if !ctx.toolNames.isEmpty {
            for i in response.content.indices {
                if case .toolCall(var call) = response.content[i] {
                    call.name = ctx.toolNames.original(call.name)
                    response.content[i] = .toolCall(call)
                }
            }
        }
        let out = try codec(for: to).encodeResponse(response, &ctx)
        return Output(body: out, warnings: ctx.diagnostics.warnings)
    }

    /// Passthrough responses report the client's model name, nothing else changes.
    private func passthroughResponseModel(doc: JSONDocument, clientModel: String?) -> [UInt8] {
        guard let clientModel, let model = doc.root["model"], model.isString, !model.stringEquals(clientModel) else { return doc.bytes }
        return Self.replacing(model, in: doc, with: clientModel)
    }

    /// The document's bytes with the string `value` replaced by `name` (one copy, no temporaries).
    private static func replacing(_ value: JSONValue, in doc: JSONDocument, with name: String) -> [UInt8] {
        let start = value.offset
        let end = start + value.raw.count
        var w = JSONWriter(capacity: doc.bytes.count - (end - start) + name.utf8.count + 8)
        w.bytes.append(contentsOf: doc.bytes[0..<start])
        w.string(name)
        w.bytes.append(contentsOf: doc.bytes[end...])
        return w.bytes
    }

    /// An error body larger than `limits.max_body_bytes` is not parsed: the client gets the
    /// generic message for the status.
    public func translateError(exchange: Exchange?, from: Format, to: Format, status: Int, body: [UInt8]) -> Output {
        // Same format: the upstream's error body as it is, when it is one (a JSON object with an
        // `error` object); anything else (an HTML page, nothing, garbage, an oversized body) is
        // rebuilt like any error. Any int32 may come through the C ABI: a client gets an HTTP
        // status, or 502.
        if from == to, body.count <= config.maxBodyBytes, let doc = try? JSONDocument.parse(body),
           let e = doc.root["error"], e.isObject {
            return Output(body: body, warnings: [], status: (100...599).contains(status) ? status : 502)
        }
        let error = codec(for: from).decodeError(status: status, body: body.count <= config.maxBodyBytes ? body : [])
        let (outStatus, out) = codec(for: to).encodeError(error)
        return Output(body: out, warnings: [], status: outStatus)
    }

    public static func buildError(format: Format, status: Int, message: String) -> Output {
        let error = NError(status: status, message: message)
        let (outStatus, out) = codec(for: format).encodeError(error)
        return Output(body: out, warnings: [], status: outStatus)
    }

    public func countTokens(format: Format, body: consuming [UInt8]) throws(TranslateError) -> Int {
        try checkBodySize(body.count)
        var ctx = TranslationContext(config: config)
        let request: NRequest
        do {
            let doc = try JSONDocument.parse(consume body)
            guard doc.root.isObject else { throw TranslateError.invalid("", "a request must be a JSON object, got \(doc.root.kindDescription)") }
            request = try codec(for: format).decodeRequest(doc.root, &ctx)
        }
        return TokenEstimate.request(request)
    }
}
