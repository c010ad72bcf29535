/// What the decoder remembers across blocks: tool_use ids seen so far and which once-per-kind
/// warnings were given.
struct AnthropicDecodeState {
    var toolUseIds = SeenIDs()
    var once = OnceWarnings()
}
