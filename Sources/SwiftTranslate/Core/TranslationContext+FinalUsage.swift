extension TranslationContext {
    /// The usage of the closing `message_delta`: the upstream's when it sent one, else the
    /// request's input estimate and output estimated from the streamed bytes (with a warning).
    func finalUsage(_ usage: NUsage?, outputBytes: Int, warnings: inout [String]) -> NUsage {
        if let usage { return usage }
        warnings.append("the upstream sent no usage: input tokens are the request estimate, output tokens estimated from the streamed text")
        return NUsage(input: inputTokens, output: outputBytes.saturatingAdd(3) / 4)
    }
}
