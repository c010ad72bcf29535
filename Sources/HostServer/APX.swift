import CTranslate

/// Thin Swift owners of the C ABI handles in include/apxlate.h (the host sees nothing else).

/// A failure reported by libapxlate: status code, message, and where (JSON path / byte offset).
struct APXError: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    var path: String
    var offset: Int64

    init(_ e: apx_error) {
        var e = e
        code = e.code
        offset = e.offset
        message = withUnsafeBytes(of: &e.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        path = withUnsafeBytes(of: &e.path) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    init(code: Int32, message: String) {
        self.code = code; self.message = message; path = ""; offset = -1
    }

    /// "invalid document: at messages[3].content[1]: expected ..." style text for users.
    var description: String {
        var s = String(cString: apx_status_str(code)) + ": " + message
        if !path.isEmpty { s += " (at \(path))" }
        if offset >= 0 { s += " (offset \(offset))" }
        return s
    }

    /// Whether the failure is the client's fault (bad request) rather than the proxy's.
    var isClientError: Bool {
        code == APX_ERR_JSON || code == APX_ERR_INVALID || code == APX_ERR_UNSUPPORTED || code == APX_ERR_LIMIT
    }
}

/// The three wire formats, by their C value.
enum WireFormat: Int32, CaseIterable, Sendable {
    case anthropic = 1
    case openaiChat = 2
    case openaiResponses = 3

    var name: String { String(cString: apx_format_name(rawValue)) }

    init?(name: String) {
        var n = name
        let f = n.withUTF8 { apx_format_from_name($0.baseAddress, $0.count) }
        self.init(rawValue: f)
    }
}

/// Copies an apx_output into Swift values and frees it.
struct APXResult {
    var body: [UInt8]
    var warnings: String?
    var status: Int

    static func take(_ o: inout apx_output) -> APXResult {
        let body = o.data.map { Array(UnsafeBufferPointer(start: $0, count: o.len)) } ?? []
        let warnings = o.warnings.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: o.warnings_len), as: UTF8.self) }
        let status = Int(o.http_status)
        apx_output_free(&o)
        return APXResult(body: body, warnings: warnings, status: status)
    }
}

/// Token counts (nil where the upstream did not say) and model an upstream reported (apx_usage).
struct APXUsage: Equatable {
    var input: Int64?
    var output: Int64?
    var cacheRead: Int64?
    var cacheWrite: Int64?
    var reasoning: Int64?
    var model: String

    init(_ u: apx_usage) {
        var u = u
        func known(_ n: Int64) -> Int64? { n < 0 ? nil : n }
        input = known(u.input_tokens); output = known(u.output_tokens)
        cacheRead = known(u.cache_read_tokens); cacheWrite = known(u.cache_write_tokens)
        reasoning = known(u.reasoning_tokens)
        model = withUnsafeBytes(of: &u.model) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

/// An immutable translator (shareable across threads).
final class APXTranslator: @unchecked Sendable {
    let handle: OpaquePointer

    init(config: [UInt8]) throws(APXError) {
        var out: OpaquePointer?
        var err = apx_error()
        let st = config.withUnsafeBufferPointer { apx_translator_new($0.baseAddress, $0.count, &out, &err) }
        guard st == APX_OK, let out else { throw APXError(err) }
        handle = out
    }

    deinit { apx_translator_free(handle) }

    func translateRequest(from: WireFormat, to: WireFormat, body: [UInt8]) throws(APXError) -> (APXResult, APXExchange) {
        var out = apx_output()
        var ex: OpaquePointer?
        var err = apx_error()
        let st = body.withUnsafeBufferPointer {
            apx_request_translate(handle, from.rawValue, to.rawValue, $0.baseAddress, $0.count, &out, &ex, &err)
        }
        guard st == APX_OK, let ex else { throw APXError(err) }
        return (APXResult.take(&out), APXExchange(ex))
    }

    /// As translateRequest, for a body in the caller's memory; the translated body stays in the
    /// library's buffer (no copy) and the warnings are returned apart.
    func translateRequest(from: WireFormat, to: WireFormat, body: UnsafeRawBufferPointer) throws(APXError) -> (UpstreamBody, String?, APXExchange) {
        var out = apx_output()
        var ex: OpaquePointer?
        var err = apx_error()
        let st = apx_request_translate(handle, from.rawValue, to.rawValue, body.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                       body.count, &out, &ex, &err)
        guard st == APX_OK, let ex else { throw APXError(err) }
        let warnings = out.warnings.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: out.warnings_len), as: UTF8.self) }
        return (UpstreamBody(taking: out), warnings, APXExchange(ex))
    }

    /// Formats are taken from the exchange when one is given.
    func translateResponse(exchange: APXExchange?, from: WireFormat? = nil, to: WireFormat? = nil,
                           body: [UInt8]) throws(APXError) -> APXResult {
        var out = apx_output()
        var err = apx_error()
        let st = body.withUnsafeBufferPointer {
            apx_response_translate(handle, exchange?.handle, from?.rawValue ?? 0, to?.rawValue ?? 0,
                                   $0.baseAddress, $0.count, &out, &err)
        }
        guard st == APX_OK else { throw APXError(err) }
        return APXResult.take(&out)
    }

    func translateError(exchange: APXExchange?, from: WireFormat? = nil, to: WireFormat? = nil,
                        status: Int, body: [UInt8]) throws(APXError) -> APXResult {
        var out = apx_output()
        var err = apx_error()
        let st = body.withUnsafeBufferPointer {
            apx_error_translate(handle, exchange?.handle, from?.rawValue ?? 0, to?.rawValue ?? 0,
                                Int32(clamping: status), $0.baseAddress, $0.count, &out, &err)
        }
        guard st == APX_OK else { throw APXError(err) }
        return APXResult.take(&out)
    }

    func countTokens(format: WireFormat, body: [UInt8]) throws(APXError) -> Int64 {
        var n: Int64 = 0
        var err = apx_error()
        let st = body.withUnsafeBufferPointer { apx_count_tokens(handle, format.rawValue, $0.baseAddress, $0.count, &n, &err) }
        guard st == APX_OK else { throw APXError(err) }
        return n
    }

    /// The `model` of a request body (apx_request_model): the route is chosen before translating.
    func requestModel(format: WireFormat, body: UnsafeRawBufferPointer) throws(APXError) -> String {
        var out = apx_output()
        var err = apx_error()
        let st = apx_request_model(handle, format.rawValue, body.baseAddress?.assumingMemoryBound(to: UInt8.self), body.count, &out, &err)
        guard st == APX_OK else { throw APXError(err) }
        return String(decoding: APXResult.take(&out).body, as: UTF8.self)
    }

    /// The usage and model an upstream response body in `format` reports (apx_response_usage).
    func responseUsage(format: WireFormat, body: [UInt8]) throws(APXError) -> APXUsage {
        var u = apx_usage()
        var err = apx_error()
        let st = body.withUnsafeBufferPointer { apx_response_usage(handle, format.rawValue, $0.baseAddress, $0.count, &u, &err) }
        guard st == APX_OK else { throw APXError(err) }
        return APXUsage(u)
    }

    /// An error body of the proxy's own (400/401/413/502/504...) in `format`.
    static func buildError(format: WireFormat, status: Int, message: String) -> APXResult {
        var out = apx_output()
        var err = apx_error()
        var m = message
        let st = m.withUTF8 { apx_error_build(format.rawValue, Int32(clamping: status), $0.baseAddress, $0.count, &out, &err) }
        if st != APX_OK {
            let escaped = message.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"")
            return APXResult(body: Array("{\"error\":{\"message\":\"\(escaped)\"}}".utf8), warnings: nil, status: status)
        }
        return APXResult.take(&out)
    }
}

/// What a request's response, stream and errors need (immutable, shareable).
final class APXExchange: @unchecked Sendable {
    let handle: OpaquePointer
    init(_ h: OpaquePointer) { handle = h }
    deinit { apx_exchange_free(handle) }

    var stream: Bool { apx_exchange_stream(handle) != 0 }
    var clientModel: String { String(cString: apx_exchange_client_model(handle)) }
    var upstreamModel: String { String(cString: apx_exchange_upstream_model(handle)) }
    var inputTokens: Int64 { apx_exchange_input_tokens(handle) }
}

/// An SSE stream translator (one thread at a time).
final class APXStream {
    let handle: OpaquePointer

    init(translator: APXTranslator, exchange: APXExchange?, from: WireFormat? = nil, to: WireFormat? = nil) throws(APXError) {
        var out: OpaquePointer?
        var err = apx_error()
        let st = apx_stream_new(translator.handle, exchange?.handle, from?.rawValue ?? 0, to?.rawValue ?? 0, &out, &err)
        guard st == APX_OK, let out else { throw APXError(err) }
        handle = out
    }

    deinit { apx_stream_free(handle) }

    /// Translates `input` (END when `end`) and hands every produced byte to `emit`, in pieces of at
    /// most `scratch.count` bytes, using the caller's fixed buffer.
    func translate(_ input: UnsafeRawBufferPointer, end: Bool, scratch: UnsafeMutableRawBufferPointer,
                   emit: (UnsafeRawBufferPointer) -> Void) throws(APXError) {
        guard let dst = scratch.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var inp = apx_in(src: input.baseAddress?.assumingMemoryBound(to: UInt8.self), size: input.count, pos: 0)
        var err = apx_error()
        var pending = 0
        var first = true
        repeat {
            var out = apx_out(dst: dst, size: scratch.count, pos: 0)
            let st: apx_status
            if first {
                st = apx_stream_translate(handle, &out, &inp, end ? APX_STREAM_END : APX_STREAM_CONTINUE, &pending, &err)
                first = false
            } else {
                st = apx_stream_translate(handle, &out, nil, end ? APX_STREAM_END : APX_STREAM_CONTINUE, &pending, &err)
            }
            guard st == APX_OK else { throw APXError(err) }
            if out.pos > 0 { emit(UnsafeRawBufferPointer(start: dst, count: out.pos)) }
        } while pending > 0
    }

    /// Ends the client stream with a failure in its format (apx_stream_fail); the ending is
    /// pending output: drain it with translate(_:end:false...) and no input.
    func fail(status: Int, message: String) {
        var m = message
        var err = apx_error()
        _ = m.withUTF8 { apx_stream_fail(handle, Int32(clamping: status), $0.baseAddress, $0.count, &err) }
    }

    /// The usage and model the upstream reported on this stream so far (apx_stream_usage).
    var usage: APXUsage? {
        var u = apx_usage()
        var err = apx_error()
        guard apx_stream_usage(handle, &u, &err) == APX_OK else { return nil }
        return APXUsage(u)
    }

    /// Warnings produced since the last call (the stream API reports them through apx_stream_feed).
    func takeWarnings() -> String? {
        var out = apx_output()
        var err = apx_error()
        guard apx_stream_feed(handle, nil, 0, 0, &out, &err) == APX_OK else { return nil }
        return APXResult.take(&out).warnings
    }
}

extension String {
    /// Replaces every occurrence of `target` (stdlib only, no Foundation needed).
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let r = rest.firstRange(of: target) {
            result += rest[..<r.lowerBound]
            result += replacement
            rest = rest[r.upperBound...]
        }
        return result + rest
    }
}
