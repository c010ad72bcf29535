/// Anthropic `stop_reason` strings are NStopReason's raw values.
enum AnthropicStop {
    static func decode(_ s: String?) -> NStopReason { s.flatMap(NStopReason.init(rawValue:)) ?? .endTurn }
}
