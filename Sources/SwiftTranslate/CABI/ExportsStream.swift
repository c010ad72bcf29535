import CTranslate

/// The object behind apx_stream. Its mutable state is one struct (`run`), so a call takes one
/// exclusive access to the object, not one per field.
final class StreamBox {
    let config: TranslatorConfig
    let exchange: Exchange?
    let from: Format
    let to: Format
    var run: StreamRun

    init(config: TranslatorConfig, exchange: Exchange?, from: Format, to: Format) throws(TranslateError) {
        self.config = config; self.exchange = exchange; self.from = from; self.to = to
        run = StreamRun(translator: try StreamTranslator(config: config, exchange: exchange, from: from, to: to))
    }

    func reset() {
        if let t = try? StreamTranslator(config: config, exchange: exchange, from: from, to: to) { run = StreamRun(translator: t) }
    }

    /// The translator (apx_stream_usage reads it; tests replace it).
    var translator: StreamTranslator {
        get { run.translator }
        set { run.translator = newValue }
    }
}

/// The translator state machine plus translated bytes not yet handed to the caller (the
/// zstd-style pending output).
struct StreamRun {
    var translator: StreamTranslator
    var pending: [UInt8] = []
    var pendingPos = 0
    var failed = false
    var ended = false
    var warningsReported = 0
    /// The caller's input of the current call, copied (its storage kept from call to call).
    private var input: [UInt8] = []
    /// Input storage above this size is not kept from one call to the next.
    private static let keptInput = 1 << 20

    init(translator: StreamTranslator) { self.translator = translator }

    var pendingCount: Int { pending.count - pendingPos }

    /// Runs `count` bytes at `src` (and the end, if asked) through the translator into `pending`.
    mutating func process(_ src: UnsafePointer<UInt8>?, _ count: Int, end: Bool) throws(TranslateError) {
        if let src, count > 0 {
            if input.capacity > Self.keptInput { input = [] } else { input.removeAll(keepingCapacity: true) }
            input.append(contentsOf: UnsafeBufferPointer(start: src, count: count))
        } else {
            input.removeAll(keepingCapacity: true)
        }
        try process(input[...], end: end)
    }

    /// Runs input (and the end, if asked) through the translator into `pending`.
    mutating func process(_ input: ArraySlice<UInt8>, end: Bool) throws(TranslateError) {
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

    /// Copies pending bytes into `dst` (room for `room`); returns how many.
    mutating func drain(into dst: UnsafeMutablePointer<UInt8>, room: Int) -> Int {
        let n = min(room, pendingCount)
        guard n > 0 else { return 0 }
        pending.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { dst.update(from: base + pendingPos, count: n) }
        }
        pendingPos += n
        return n
    }

    mutating func newWarnings() -> [String] {
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
    var src: UnsafePointer<UInt8>? = nil
    var count = 0
    if let input {
        let i = input.pointee
        guard CBuffers.isSize(i.size), CBuffers.isSize(i.pos), i.pos <= i.size, i.src != nil || i.size == 0 else {
            return CBuffers.argument(error, "input window is invalid (size or pos 2^63 or more, pos > size, or src NULL)")
        }
        if i.size > i.pos, let s = i.src {
            src = s + i.pos
            count = i.size - i.pos
        }
    }
    return box.run.translate(src, count, op: op, output, input, pending, error)
}

extension StreamRun {
    /// The body of apx_stream_translate once its arguments are checked (one access to the box).
    mutating func translate(_ src: UnsafePointer<UInt8>?, _ count: Int, op: Int32,
                            _ output: UnsafeMutablePointer<apx_out>, _ input: UnsafeMutablePointer<apx_in>?,
                            _ pendingOut: UnsafeMutablePointer<Int>?, _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
        do {
            try process(src, count, end: op == 2)
        } catch let e {
            return CBuffers.fail(error, e)
        }
        if let input { input.pointee.pos = input.pointee.size }
        // Drain pending bytes into the caller's window (0 <= o.pos <= o.size was checked, so
        // o.pos + n <= o.size cannot overflow).
        let o = output.pointee
        if let dst = o.dst {
            let n = drain(into: dst + o.pos, room: o.size - o.pos)
            output.pointee.pos = o.pos + n
        }
        pendingOut?.pointee = pendingCount
        return 0
    }
}

@_cdecl("apx_stream_feed")
public func apx_stream_feed(_ s: OpaquePointer?, _ data: UnsafePointer<UInt8>?, _ len: Int, _ end: Int32,
                            _ output: UnsafeMutablePointer<apx_output>?,
                            _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let box = Handle.get(s, as: StreamBox.self) else { return CBuffers.argument(error, "stream is NULL") }
    guard let output else { return CBuffers.argument(error, "output is NULL") }
    guard let bytes = CBuffers.bytes(data, len) else { return CBuffers.argument(error, CBuffers.unreadable("data", len)) }
    do {
        try box.run.process(bytes[...], end: end != 0)
    } catch let e {
        return CBuffers.fail(error, e)
    }
    let out = Array(box.run.pending[box.run.pendingPos...])
    box.run.pending.removeAll(keepingCapacity: true)
    box.run.pendingPos = 0
    guard CBuffers.setOutput(output, body: out, warnings: box.run.newWarnings(), status: 0) else {
        return CBuffers.fail(error, TranslateError(.nomem, "out of memory"))
    }
    return 0
}
