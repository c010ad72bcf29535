/// The OpenRouter `reasoning_details` vocabulary apxlate reads and writes.
enum ChatReasoningDetails {
    static let anthropicFormat = "anthropic-claude-v1"
}
