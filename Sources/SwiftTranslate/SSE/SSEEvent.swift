/// One dispatched server-sent event, or a comment line (`: …`, used as keep-alive).
struct SSEEvent {
    enum Kind: Equatable { case message, comment }
    var kind: Kind
    /// The `event:` field's value; empty when absent (the WHATWG default type "message").
    var name: [UInt8]
    /// The `data:` lines joined with LF (no trailing LF). For a comment: the text after `:`.
    /// A slice of the parser's input when one line carried it (no copy), else of its buffer.
    var payload: ArraySlice<UInt8>
    /// `payload` as an array.
    var data: [UInt8] { Array(payload) }
    /// The last `id:` field seen on this event (nil when none).
    var id: [UInt8]?
    /// Stream byte offset where the first `data:` value (or the comment) begins.
    var offset: Int

    static func message(_ name: String, _ data: String, offset: Int = 0) -> SSEEvent {
        SSEEvent(kind: .message, name: Array(name.utf8), payload: Array(data.utf8)[...], id: nil, offset: offset)
    }

    /// The bytes `r` of the payload, counted from its start (as in `payload.span`).
    func payload(_ r: Range<Int>) -> ArraySlice<UInt8> {
        payload[(payload.startIndex + r.lowerBound)..<(payload.startIndex + r.upperBound)]
    }

    var nameString: String { String(decoding: name, as: UTF8.self) }
    var isDone: Bool { payload.count == 6 && payload.elementsEqual("[DONE]".utf8) }
}
