import CTranslate

// One-shot translation: requests, responses, errors, token counts.

/// Resolves (from, to) against an optional exchange: NONE takes the exchange's value
/// (from = upstream, to = client for responses); an explicit value must agree with it.
func resolveFormats(_ from: Int32, _ to: Int32, _ exchange: Exchange?) -> (Format, Format)? {
    let f = from == 0 ? exchange?.upstreamFormat : Format(rawValue: from)
    let t = to == 0 ? exchange?.clientFormat : Format(rawValue: to)
    guard let f, let t else { return nil }
    if let e = exchange, e.upstreamFormat != f || e.clientFormat != t { return nil }
    return (f, t)
}

@_cdecl("apx_request_translate")
public func apx_request_translate(_ t: OpaquePointer?, _ from: Int32, _ to: Int32,
                                  _ body: UnsafePointer<UInt8>?, _ len: Int,
                                  _ output: UnsafeMutablePointer<apx_output>?,
                                  _ exchange: UnsafeMutablePointer<OpaquePointer?>?,
                                  _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let box = Handle.get(t, as: TranslatorBox.self) else { return CBuffers.argument(error, "translator is NULL") }
    guard let output else { return CBuffers.argument(error, "output is NULL") }
    guard let f = Format(rawValue: from), let to = Format(rawValue: to) else { return CBuffers.argument(error, "unknown format") }
    do {
        try box.translator.checkBodySize(len) // before the copy
    } catch let e {
        return CBuffers.fail(error, e)
    }
    guard let bytes = CBuffers.bytes(body, len) else { return CBuffers.argument(error, CBuffers.unreadable("body", len)) }
    do {
        let (out, ex) = try box.translator.translateRequest(from: f, to: to, body: consume bytes)
        guard CBuffers.setOutput(output, body: out.body, warnings: out.warnings, status: 0) else {
            return CBuffers.fail(error, TranslateError(.nomem, "out of memory"))
        }
        if let exchange { exchange.pointee = Handle.retain(ExchangeBox(ex)) }
        return 0
    } catch let e {
        return CBuffers.fail(error, e)
    }
}

@_cdecl("apx_response_translate")
public func apx_response_translate(_ t: OpaquePointer?, _ e: OpaquePointer?, _ from: Int32, _ to: Int32,
                                   _ body: UnsafePointer<UInt8>?, _ len: Int,
                                   _ output: UnsafeMutablePointer<apx_output>?,
                                   _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let box = Handle.get(t, as: TranslatorBox.self) else { return CBuffers.argument(error, "translator is NULL") }
    guard let output else { return CBuffers.argument(error, "output is NULL") }
    let exchange = Handle.get(e, as: ExchangeBox.self)?.exchange
    guard let (f, to) = resolveFormats(from, to, exchange) else {
        return CBuffers.argument(error, "formats missing, unknown, or not those of the exchange")
    }
    do {
        try box.translator.checkBodySize(len) // before the copy
    } catch let e {
        return CBuffers.fail(error, e)
    }
    guard let bytes = CBuffers.bytes(body, len) else { return CBuffers.argument(error, CBuffers.unreadable("body", len)) }
    do {
        let out = try box.translator.translateResponse(exchange: exchange, from: f, to: to, body: consume bytes)
        guard CBuffers.setOutput(output, body: out.body, warnings: out.warnings, status: out.status) else {
            return CBuffers.fail(error, TranslateError(.nomem, "out of memory"))
        }
        return 0
    } catch let e {
        return CBuffers.fail(error, e)
    }
}

@_cdecl("apx_error_translate")
public func apx_error_translate(_ t: OpaquePointer?, _ e: OpaquePointer?, _ from: Int32, _ to: Int32, _ status: Int32,
                                _ body: UnsafePointer<UInt8>?, _ len: Int,
                                _ output: UnsafeMutablePointer<apx_output>?,
                                _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let box = Handle.get(t, as: TranslatorBox.self) else { return CBuffers.argument(error, "translator is NULL") }
    guard let output else { return CBuffers.argument(error, "output is NULL") }
    let exchange = Handle.get(e, as: ExchangeBox.self)?.exchange
    guard let (f, to) = resolveFormats(from, to, exchange) else {
        return CBuffers.argument(error, "formats missing, unknown, or not those of the exchange")
    }
    // An error body over the limit is not even copied (translateError would not parse it).
    let tooLarge = len > box.translator.config.maxBodyBytes
    guard let bytes = tooLarge ? [] : CBuffers.bytes(body, len) else { return CBuffers.argument(error, CBuffers.unreadable("body", len)) }
    let out = box.translator.translateError(exchange: exchange, from: f, to: to, status: Int(status), body: bytes)
    guard CBuffers.setOutput(output, body: out.body, warnings: out.warnings, status: out.status) else {
        return CBuffers.fail(error, TranslateError(.nomem, "out of memory"))
    }
    return 0
}

@_cdecl("apx_error_build")
public func apx_error_build(_ format: Int32, _ status: Int32, _ message: UnsafePointer<UInt8>?, _ len: Int,
                            _ output: UnsafeMutablePointer<apx_output>?,
                            _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let output else { return CBuffers.argument(error, "output is NULL") }
    guard let f = Format(rawValue: format) else { return CBuffers.argument(error, "unknown format") }
    guard let bytes = CBuffers.bytes(message, len) else { return CBuffers.argument(error, CBuffers.unreadable("message", len)) }
    let out = Translator.buildError(format: f, status: Int(status), message: String(decoding: bytes, as: UTF8.self))
    guard CBuffers.setOutput(output, body: out.body, warnings: [], status: out.status) else {
        return CBuffers.fail(error, TranslateError(.nomem, "out of memory"))
    }
    return 0
}

@_cdecl("apx_count_tokens")
public func apx_count_tokens(_ t: OpaquePointer?, _ format: Int32, _ body: UnsafePointer<UInt8>?, _ len: Int,
                             _ tokens: UnsafeMutablePointer<Int64>?,
                             _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let box = Handle.get(t, as: TranslatorBox.self) else { return CBuffers.argument(error, "translator is NULL") }
    guard let tokens else { return CBuffers.argument(error, "tokens is NULL") }
    guard let f = Format(rawValue: format) else { return CBuffers.argument(error, "unknown format") }
    do {
        try box.translator.checkBodySize(len) // before the copy
    } catch let e {
        return CBuffers.fail(error, e)
    }
    guard let bytes = CBuffers.bytes(body, len) else { return CBuffers.argument(error, CBuffers.unreadable("body", len)) }
    do {
        tokens.pointee = Int64(try box.translator.countTokens(format: f, body: consume bytes))
        return 0
    } catch let e {
        return CBuffers.fail(error, e)
    }
}
