import CTranslate

/// The object behind apx_stream: the translator state machine plus translated bytes not yet
/// handed to the caller (the zstd-style pending output).
final class StreamBox {
    let config: TranslatorConfig
    let exchange: Exchange?
    let from: Format
    let to: Format
    var translator: StreamTranslator
    var pending: [UInt8] = []
    var pendingPos = 0
    var failed = false
    var ended = false
    var warningsReported = 0

    init(config: TranslatorConfig, exchange: Exchange?, from: Format, to: Format) throws(TranslateError) {
        self.config = config; self.exchange = exchange; self.from = from; self.to = to
        translator = try StreamTranslator(config: config, exchange: exchange, from: from, to: to)
    }

    func reset() {
        if let t = try? StreamTranslator(config: config, exchange: exchange, from: from, to: to) { translator = t }
        pending = []; pendingPos = 0; failed = false; ended = false; warningsReported = 0
    }

    var pendingCount: Int { pending.count - pendingPos }

    /// Runs input (and the end, if asked) through the translator into `pending`.
    func process(_ input: ArraySlice<UInt8>, end: Bool) throws(TranslateError) {
        if failed { throw TranslateError(.state, "the stream failed earlier: reset it before reuse") }
        if ended {
            if !input.isEmpty { throw TranslateError(.state, "input after the end of the stream: reset it before reuse") }
            return
        }
        if pendingPos > 0 && pendingPos == pending.count { pending.removeAll(keepingCapacity: true); pendingPos = 0 }
        do {
            if !input.isEmpty { try translator.feed(input, into: &pending) }
            if end {
                try translator.finish(into: &pending)
                ended = true
            }
        } catch {
            failed = true
            throw error
        }
    }

    func newWarnings() -> [String] {
        let all = translator.warnings
        guard all.count > warningsReported else { return [] }
        defer { warningsReported = all.count }
        return Array(all[warningsReported...])
    }
}

@_cdecl("apx_stream_new")
public func apx_stream_new(_ t: OpaquePointer?, _ e: OpaquePointer?, _ from: Int32, _ to: Int32,
                           _ out: UnsafeMutablePointer<OpaquePointer?>?,
                           _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let box = Handle.get(t, as: TranslatorBox.self) else { return CBuffers.argument(error, "translator is NULL") }
    guard let out else { return CBuffers.argument(error, "out is NULL") }
    let exchange = Handle.get(e, as: ExchangeBox.self)?.exchange
    guard let (f, to) = resolveFormats(from, to, exchange) else {
        return CBuffers.argument(error, "formats missing, unknown, or not those of the exchange")
    }
    do {
        out.pointee = Handle.retain(try StreamBox(config: box.translator.config, exchange: exchange, from: f, to: to))
        return 0
    } catch let e {
        return CBuffers.fail(error, e)
    }
}

@_cdecl("apx_stream_free")
public func apx_stream_free(_ s: OpaquePointer?) { Handle.release(s, as: StreamBox.self) }

@_cdecl("apx_stream_reset")
public func apx_stream_reset(_ s: OpaquePointer?) { Handle.get(s, as: StreamBox.self)?.reset() }

@_cdecl("apx_stream_translate")
public func apx_stream_translate(_ s: OpaquePointer?, _ output: UnsafeMutablePointer<apx_out>?,
                                 _ input: UnsafeMutablePointer<apx_in>?, _ op: Int32,
                                 _ pending: UnsafeMutablePointer<Int>?,
                                 _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let box = Handle.get(s, as: StreamBox.self) else { return CBuffers.argument(error, "stream is NULL") }
    guard let output else { return CBuffers.argument(error, "output is NULL") }
    guard op >= 0 && op <= 2 else { return CBuffers.argument(error, "unknown stream operation \(op)") }
    // size_t fields arrive as Int: one of 2^63 or more is negative here. Both must be real sizes
    // before `pos <= size` means anything and before any pointer arithmetic.
    let o = output.pointee
    guard CBuffers.isSize(o.size), CBuffers.isSize(o.pos), o.pos <= o.size, o.dst != nil || o.size == 0 else {
        return CBuffers.argument(error, "output window is invalid (size or pos 2^63 or more, pos > size, or dst NULL)")
    }
    var slice: ArraySlice<UInt8> = []
    if let input {
        let i = input.pointee
        guard CBuffers.isSize(i.size), CBuffers.isSize(i.pos), i.pos <= i.size, i.src != nil || i.size == 0 else {
            return CBuffers.argument(error, "input window is invalid (size or pos 2^63 or more, pos > size, or src NULL)")
        }
        if i.size > i.pos, let src = i.src {
            slice = ArraySlice(UnsafeBufferPointer(start: src + i.pos, count: i.size - i.pos))
        }
    }
    do {
        try box.process(slice, end: op == 2)
    } catch let e {
        return CBuffers.fail(error, e)
    }
    if let input { input.pointee.pos = input.pointee.size }
    // Drain pending bytes into the caller's window (0 <= o.pos <= o.size was checked above, so
    // o.pos + n <= o.size cannot overflow).
    let n = min(o.size - o.pos, box.pendingCount)
    if n > 0, let dst = o.dst {
        box.pending.withUnsafeBufferPointer { src in
            if let base = src.baseAddress {
                (dst + o.pos).update(from: base + box.pendingPos, count: n)
            }
        }
        box.pendingPos += n
        output.pointee.pos = o.pos + n
    }
    pending?.pointee = box.pendingCount
    return 0
}

@_cdecl("apx_stream_feed")
public func apx_stream_feed(_ s: OpaquePointer?, _ data: UnsafePointer<UInt8>?, _ len: Int, _ end: Int32,
                            _ output: UnsafeMutablePointer<apx_output>?,
                            _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let box = Handle.get(s, as: StreamBox.self) else { return CBuffers.argument(error, "stream is NULL") }
    guard let output else { return CBuffers.argument(error, "output is NULL") }
    guard let bytes = CBuffers.bytes(data, len) else { return CBuffers.argument(error, CBuffers.unreadable("data", len)) }
    do {
        try box.process(bytes[...], end: end != 0)
    } catch let e {
        return CBuffers.fail(error, e)
    }
    let out = Array(box.pending[box.pendingPos...])
    box.pending.removeAll(keepingCapacity: true)
    box.pendingPos = 0
    guard CBuffers.setOutput(output, body: out, warnings: box.newWarnings(), status: 0) else {
        return CBuffers.fail(error, TranslateError(.nomem, "out of memory"))
    }
    return 0
}
