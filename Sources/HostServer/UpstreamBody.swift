import CTranslate

/// A translated request body, kept in the library's own buffer (no copy): curl sends it straight
/// from there (CURLOPT_POSTFIELDS) and the buffer is freed when the last transfer using it is gone.
final class UpstreamBody: @unchecked Sendable {
    private var output: apx_output

    /// Takes ownership of `output` (which must not be freed by the caller).
    init(taking output: apx_output) { self.output = output }

    var pointer: UnsafeRawPointer? { UnsafeRawPointer(output.data) }
    var count: Int { output.len }

    deinit { apx_output_free(&output) }
}
