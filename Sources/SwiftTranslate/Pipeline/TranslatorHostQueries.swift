/// What a host asks of a document without translating it (apx_request_model,
/// apx_response_usage): the library reads the wire format so that no host scans JSON.
extension Translator {
    /// The `model` of a request body in `format`, to choose a route before translating. Errors:
    /// APX_ERR_JSON (offset), APX_ERR_INVALID (`model` missing or not a string, or not an
    /// object), APX_ERR_LIMIT (body size, nesting).
    public func requestModel(format: Format, body: consuming [UInt8]) throws(TranslateError) -> String {
        try checkBodySize(body.count)
        // The whole body is validated (a request that would not translate gets the same
        // APX_ERR_JSON, at the same offset, as from apx_request_translate), but only the top
        // level is put on the tape. `model`, its kind and a repeated key resolve as in a full parse.
        let doc = try JSONDocument.parseTopLevel(consume body)
        let root = doc.root
        guard root.isObject else { throw TranslateError.invalid("", "a request must be a JSON object, got \(root.kindDescription)") }
        guard let model = root["model"] else { throw TranslateError.invalid("model", "missing: a request names its model") }
        guard let name = model.string else { throw TranslateError.invalid("model", "expected a string, got \(model.kindDescription)") }
        return name
    }

    /// The usage and model of a one-shot response body in `format` (what the upstream reported;
    /// no usage object gives a nil usage). A count that is not a count is APX_ERR_INVALID at its
    /// path, as in a translation.
    public func responseUsage(format: Format, body: consuming [UInt8]) throws(TranslateError) -> UsageReport {
        try checkBodySize(body.count)
        let doc = try JSONDocument.parse(consume body)
        guard doc.root.isObject else { throw TranslateError.invalid("", "a response must be a JSON object, got \(doc.root.kindDescription)") }
        return try UsageReader.response(format: format, root: doc.root)
    }
}
