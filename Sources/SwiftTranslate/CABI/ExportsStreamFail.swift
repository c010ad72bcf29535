import CTranslate

extension StreamRun {
    /// Queues the client format's failure ending (StreamPipe.fail) as pending output, whatever
    /// state the stream is in: fresh, mid-stream, or failed with a translation error (the bytes
    /// translated before that error stay queued ahead of the ending). After it the stream is
    /// ended: later calls only drain. A stream that already ended is left as it is.
    mutating func fail(status: Int, message: String) {
        if ended { return }
        if pendingPos > 0 && pendingPos == pending.count { pending.removeAll(keepingCapacity: true); pendingPos = 0 }
        translator.fail(NError(status: status, message: message), into: &pending)
        failed = false
        ended = true
    }
}

@_cdecl("apx_stream_fail")
public func apx_stream_fail(_ s: OpaquePointer?, _ status: Int32, _ message: UnsafePointer<UInt8>?, _ len: Int,
                            _ error: UnsafeMutablePointer<apx_error>?) -> Int32 {
    guard let box = Handle.get(s, as: StreamBox.self) else { return CBuffers.argument(error, "stream is NULL") }
    guard len >= 0 else { return CBuffers.argument(error, "message_len is too large") }
    guard let bytes = CBuffers.bytes(message, len) else { return CBuffers.argument(error, "message is NULL") }
    box.run.fail(status: Int(status), message: String(decoding: bytes, as: UTF8.self))
    return 0
}
