import CTranslate

// What a host needs to know about a request or its answer without reading JSON itself:
// apx_request_model, apx_response_usage, apx_stream_usage.

extension CBuffers {
    /// Fills a caller-owned apx_usage: -1 for every count when there is no usage; the model
    /// truncated to the array (at a character boundary), "" when none.
    static func setUsage(_ out: UnsafeMutablePointer<apx_usage>, _ report: UsageReport) {
        let u = report.usage
        out.pointee.input_tokens = u.map { Int64($0.input) } ?? -1
        out.pointee.output_tokens = u.map { Int64($0.output) } ?? -1
        out.pointee.cache_read_tokens = u.map { Int64($0.cacheRead) } ?? -1
        out.pointee.cache_write_tokens = u.map { Int64($0.cacheWrite) } ?? -1
        out.pointee.reasoning_tokens = u?.reasoning.map { Int64($0) } ?? -1
        copyCString(report.model ?? "", into: &out.pointee.model)
    }
}

@_cdecl("apx_request_model")
public func apx_request_model(_ t: OpaquePointer?, _ format: Int32, _ body: UnsafePointer<UInt8>?, _ len: Int,
                              _ output: UnsafeMutablePointer<apx_output>?,
                              _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let box = Handle.get(t, as: TranslatorBox.self) else { return CBuffers.argument(error, "translator is NULL") }
    guard let output else { return CBuffers.argument(error, "output is NULL") }
    guard let f = Format(rawValue: format) else { return CBuffers.argument(error, "unknown format") }
    do {
        try box.translator.checkBodySize(len) // before the copy
    } catch let e {
        return CBuffers.fail(error, e)
    }
    guard let bytes = CBuffers.bytes(body, len) else { return CBuffers.argument(error, CBuffers.unreadable("body", len)) }
    do {
        let model = try box.translator.requestModel(format: f, body: consume bytes)
        guard CBuffers.setOutput(output, body: Array(model.utf8), warnings: [], status: 0) else {
            return CBuffers.fail(error, TranslateError(.nomem, "out of memory"))
        }
        return 0
    } catch let e {
        return CBuffers.fail(error, e)
    }
}

@_cdecl("apx_response_usage")
public func apx_response_usage(_ t: OpaquePointer?, _ format: Int32, _ body: UnsafePointer<UInt8>?, _ len: Int,
                               _ usage: UnsafeMutablePointer<apx_usage>?,
                               _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let box = Handle.get(t, as: TranslatorBox.self) else { return CBuffers.argument(error, "translator is NULL") }
    guard let usage else { return CBuffers.argument(error, "usage is NULL") }
    guard let f = Format(rawValue: format) else { return CBuffers.argument(error, "unknown format") }
    do {
        try box.translator.checkBodySize(len) // before the copy
    } catch let e {
        return CBuffers.fail(error, e)
    }
    guard let bytes = CBuffers.bytes(body, len) else { return CBuffers.argument(error, CBuffers.unreadable("body", len)) }
    do {
        CBuffers.setUsage(usage, try box.translator.responseUsage(format: f, body: consume bytes))
        return 0
    } catch let e {
        return CBuffers.fail(error, e)
    }
}

@_cdecl("apx_stream_usage")
public func apx_stream_usage(_ s: OpaquePointer?, _ usage: UnsafeMutablePointer<apx_usage>?,
                             _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let box = Handle.get(s, as: StreamBox.self) else { return CBuffers.argument(error, "stream is NULL") }
    guard let usage else { return CBuffers.argument(error, "usage is NULL") }
    CBuffers.setUsage(usage, box.translator.usage)
    return 0
}
