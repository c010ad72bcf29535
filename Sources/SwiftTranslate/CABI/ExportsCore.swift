import CTranslate

// Versions, status strings, formats, outputs, translator and exchange handles.

private let versionString: StaticString = "0.1.0"

@_cdecl("apx_version_string")
public func apx_version_string() -> UnsafePointer<CChar>? {
    cString(versionString)
}

@_cdecl("apx_abi_version")
public func apx_abi_version() -> UInt32 { 1 }

@_cdecl("apx_status_str")
public func apx_status_str(_ code: Int32) -> UnsafePointer<CChar>? {
    cString(Status(rawValue: code)?.staticDescription ?? "unknown status")
}

@_cdecl("apx_format_from_name")
public func apx_format_from_name(_ name: UnsafePointer<UInt8>?, _ len: Int) -> Int32 {
    guard let bytes = CBuffers.bytes(name, len) else { return 0 } // NULL or an invalid length: no format
    return Format(name: String(decoding: bytes, as: UTF8.self))?.rawValue ?? 0
}

@_cdecl("apx_format_name")
public func apx_format_name(_ format: Int32) -> UnsafePointer<CChar>? {
    cString(Format(rawValue: format)?.staticName ?? "")
}

/// A static string's storage as a C string (static strings are NUL-terminated).
private func cString(_ s: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("apx_output_free")
public func apx_output_free(_ out: UnsafeMutablePointer<apx_output>?) {
    guard let out else { return }
    free(out.pointee.data)
    free(out.pointee.warnings)
    out.pointee = apx_output()
}

@_cdecl("apx_translator_new")
public func apx_translator_new(_ config: UnsafePointer<UInt8>?, _ len: Int,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?,
                               _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let out else { return CBuffers.argument(error, "apx_translator_new: out is NULL") }
    guard let bytes = CBuffers.bytes(config, len) else { return CBuffers.argument(error, CBuffers.unreadable("apx_translator_new: config", len)) }
    do {
        let t = try Translator(configJSON: bytes)
        out.pointee = Handle.retain(TranslatorBox(t))
        return 0
    } catch let e {
        return CBuffers.fail(error, e)
    }
}


@_cdecl("apx_translator_free")
public func apx_translator_free(_ t: OpaquePointer?) { Handle.release(t, as: TranslatorBox.self) }

@_cdecl("apx_exchange_free")
public func apx_exchange_free(_ e: OpaquePointer?) { Handle.release(e, as: ExchangeBox.self) }

@_cdecl("apx_exchange_client_format")
public func apx_exchange_client_format(_ e: OpaquePointer?) -> Int32 {
    Handle.get(e, as: ExchangeBox.self)?.exchange.clientFormat.rawValue ?? 0
}

@_cdecl("apx_exchange_upstream_format")
public func apx_exchange_upstream_format(_ e: OpaquePointer?) -> Int32 {
    Handle.get(e, as: ExchangeBox.self)?.exchange.upstreamFormat.rawValue ?? 0
}

@_cdecl("apx_exchange_stream")
public func apx_exchange_stream(_ e: OpaquePointer?) -> Int32 {
    (Handle.get(e, as: ExchangeBox.self)?.exchange.stream ?? false) ? 1 : 0
}

@_cdecl("apx_exchange_client_model")
public func apx_exchange_client_model(_ e: OpaquePointer?) -> UnsafePointer<CChar>? {
    Handle.get(e, as: ExchangeBox.self)?.clientModelPtr.map { UnsafePointer($0) }
}

@_cdecl("apx_exchange_upstream_model")
public func apx_exchange_upstream_model(_ e: OpaquePointer?) -> UnsafePointer<CChar>? {
    Handle.get(e, as: ExchangeBox.self)?.upstreamModelPtr.map { UnsafePointer($0) }
}

@_cdecl("apx_exchange_input_tokens")
public func apx_exchange_input_tokens(_ e: OpaquePointer?) -> Int64 {
    Int64(Handle.get(e, as: ExchangeBox.self)?.exchange.inputTokens ?? 0)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
