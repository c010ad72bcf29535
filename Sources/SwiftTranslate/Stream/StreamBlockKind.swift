/// What a stream content block is.
enum StreamBlockKind: Equatable {
    case text
    case thinking
    case redactedThinking(data: String)
    /// `id` and `name` as the client must see them (names already restored).
    case toolCall(id: String, name: String)
}
