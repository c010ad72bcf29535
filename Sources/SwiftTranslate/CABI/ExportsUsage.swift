import CTranslate

// What a host needs to know about a request or its answer without reading JSON itself:
// apx_request_model, apx_response_usage, apx_stream_usage.

extension CBuffers {
    /// Fills a caller-owned apx_usage: -1 for every count when there is no usage; the model
    /// truncated to the array (at a character boundary), "" when none.
    static func setUsage(_ out: UnsafeMutablePointer<apx_usage>, _ report: UsageReport) {
        let u = report.usage
        // Each count read is at most 2^48, but the whole prompt (input + cache read + cache write)
        // and summed stream figures can pass it: the header promises 2^48 at most, so pin here.
        func pinned(_ n: Int) -> Int64 { Int64(Swift.max(0, Swift.min(n, Counts.maxTokens))) }
        out.pointee.input_tokens = u.map { pinned($0.input) } ?? -1
        out.pointee.output_tokens = u.map { pinned($0.output) } ?? -1
        out.pointee.cache_read_tokens = u.map { pinned($0.cacheRead) } ?? -1
        out.pointee.cache_write_tokens = u.map { pinned($0.cacheWrite) } ?? -1
        out.pointee.reasoning_tokens = u?.reasoning.map { pinned($0) } ?? -1
        copyCString(report.model ?? "", into: &out.pointee.model)
    }
}

/// The checks every "translator, format, body" export starts with, in the usual order (NULL
/// translator, the out-parameter (`nullOut` names it when it is NULL), an unknown format, the size limit before the copy, an
/// unreadable body); then `run` with the copied body. Returns the status.
private func withBody(_ t: OpaquePointer?, _ format: Int32, _ body: UnsafePointer<UInt8>?, _ len: Int,
                      nullOut: String?, _ error: UnsafeMutablePointer<apx_error>?,
                      _ run: (Translator, Format, [UInt8]) throws(TranslateError) -> Void) -> Int32 {
    guard let box = Handle.get(t, as: TranslatorBox.self) else { return CBuffers.argument(error, "translator is NULL") }
    if let nullOut { return CBuffers.argument(error, nullOut + " is NULL") }
    guard let f = Format(rawValue: format) else { return CBuffers.argument(error, "unknown format") }
    do {
        try box.translator.checkBodySize(len) // before the copy
        guard let bytes = CBuffers.bytes(body, len) else { return CBuffers.argument(error, CBuffers.unreadable("body", len)) }
        try run(box.translator, f, bytes)
        return 0
    } catch let e {
        return CBuffers.fail(error, e)
    }
}

@_cdecl("apx_request_model")
public func apx_request_model(_ t: OpaquePointer?, _ format: Int32, _ body: UnsafePointer<UInt8>?, _ len: Int,
                              _ output: UnsafeMutablePointer<apx_output>?,
                              _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    withBody(t, format, body, len, nullOut: output == nil ? "output" : nil, error) { (translator, f, bytes) throws(TranslateError) in
        let model = try translator.requestModel(format: f, body: bytes)
        guard let output, CBuffers.setOutput(output, body: Array(model.utf8), warnings: [], status: 0) else {
            throw TranslateError(.nomem, "out of memory")
        }
    }
}

@_cdecl("apx_response_usage")
public func apx_response_usage(_ t: OpaquePointer?, _ format: Int32, _ body: UnsafePointer<UInt8>?, _ len: Int,
                               _ usage: UnsafeMutablePointer<apx_usage>?,
                               _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    withBody(t, format, body, len, nullOut: usage == nil ? "usage" : nil, error) { (translator, f, bytes) throws(TranslateError) in
        let report = try translator.responseUsage(format: f, body: bytes)
        if let usage { CBuffers.setUsage(usage, report) }
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
