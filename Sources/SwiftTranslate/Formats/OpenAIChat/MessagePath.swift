/// A JSON path into the client's request (`messages[3].content[1].content[0]`), built as text
/// only when a warning needs it.
struct MessagePath {
    var index: Int
    /// Block index in the message, then in a tool result's content; -1 when not that deep.
    var part = -1
    var sub = -1

    func child(_ i: Int) -> MessagePath {
        var p = self
        if part < 0 { p.part = i } else { p.sub = i }
        return p
    }

    func text(_ suffix: String = "") -> String {
        var s = "messages[\(index)]"
        if part >= 0 { s += ".content[\(part)]" }
        if sub >= 0 { s += ".content[\(sub)]" }
        return s + suffix
    }
}
