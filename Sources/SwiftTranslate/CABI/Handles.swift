import CTranslate

/// The objects behind the opaque C handles. A handle is an unmanaged, retained reference.
final class TranslatorBox {
    let translator: Translator
    init(_ t: Translator) { translator = t }
}

final class ExchangeBox {
    let exchange: Exchange
    /// NUL-terminated copies owned by the box, handed out by apx_exchange_*_model.
    let clientModelPtr: UnsafeMutablePointer<CChar>?
    let upstreamModelPtr: UnsafeMutablePointer<CChar>?
    init(_ e: Exchange) {
        exchange = e
        clientModelPtr = ExchangeBox.cString(e.clientModel)
        upstreamModelPtr = ExchangeBox.cString(e.upstreamModel)
    }
    deinit {
        free(clientModelPtr)
        free(upstreamModelPtr)
    }
    /// A malloc'd C string; an embedded NUL becomes '?'.
    static func cString(_ s: String) -> UnsafeMutablePointer<CChar>? {
        let bytes = Array(s.utf8)
        guard let p = malloc(bytes.count + 1)?.assumingMemoryBound(to: CChar.self) else { return nil }
        for (i, b) in bytes.enumerated() { p[i] = CChar(bitPattern: b == 0 ? 0x3F : b) }
        p[bytes.count] = 0
        return p
    }
}

enum Handle {
    static func retain<T: AnyObject>(_ obj: T) -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(obj).toOpaque())
    }
    static func get<T: AnyObject>(_ p: OpaquePointer?, as: T.Type) -> T? {
        guard let p else { return nil }
        return Unmanaged<T>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }
    static func release<T: AnyObject>(_ p: OpaquePointer?, as: T.Type) {
        guard let p else { return }
        Unmanaged<T>.fromOpaque(UnsafeRawPointer(p)).release()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
