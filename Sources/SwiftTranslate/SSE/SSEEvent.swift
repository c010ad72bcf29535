/// One dispatched server-sent event, or a comment line (`: …`, used as keep-alive).
struct SSEEvent {
    enum Kind: Equatable { case message, comment }
    var kind: Kind
    /// The `event:` field's value; empty when absent (the WHATWG default type "message").
    var name: [UInt8]
    /// The `data:` lines joined with LF (no trailing LF). For a comment: the text after `:`.
    var data: [UInt8]
    /// The last `id:` field seen on this event (nil when none).
    var id: [UInt8]?
    /// Stream byte offset where the first `data:` value (or the comment) begins.
    var offset: Int

    static func message(_ name: String, _ data: String, offset: Int = 0) -> SSEEvent {
        SSEEvent(kind: .message, name: Array(name.utf8), data: Array(data.utf8), id: nil, offset: offset)
    }

    var nameString: String { String(decoding: name, as: UTF8.self) }
    var isDone: Bool { data.count == 6 && data.elementsEqual("[DONE]".utf8) }
}
