import CTranslate
import NIOCore

extension APXStream {
    /// Translates `input` straight into `out` (no intermediate copy), growing it as needed.
    func translate(_ input: UnsafeRawBufferPointer, end: Bool, into out: inout ByteBuffer) throws(APXError) {
        var inp = apx_in(src: input.baseAddress?.assumingMemoryBound(to: UInt8.self), size: input.count, pos: 0)
        var err = apx_error()
        var pending = 0
        var status: apx_status = APX_OK
        var first = true
        repeat {
            let want = max(4096, pending, first ? input.count + input.count / 2 : 0)
            out.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { raw in
                var o = apx_out(dst: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), size: raw.count, pos: 0)
                if first {
                    status = apx_stream_translate(handle, &o, &inp, end ? APX_STREAM_END : APX_STREAM_CONTINUE, &pending, &err)
                } else {
                    status = apx_stream_translate(handle, &o, nil, end ? APX_STREAM_END : APX_STREAM_CONTINUE, &pending, &err)
                }
                return status == APX_OK ? o.pos : 0
            }
            first = false
            guard status == APX_OK else { throw APXError(err) }
        } while pending > 0
    }
}
