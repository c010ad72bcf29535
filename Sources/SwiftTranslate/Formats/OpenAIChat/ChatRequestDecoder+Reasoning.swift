/// Reasoning parameters of a Chat request: OpenAI `reasoning_effort`, and the vendor forms
/// clients built for OpenRouter (`reasoning{}`) or LiteLLM/DeepSeek (`thinking{}`) send.
extension ChatRequestDecoder {
    /// `reasoning_effort`: none → disabled, minimal → low, the rest kept as the effort.
    static func reasoningEffort(_ v: JSONValue, _ path: @autoclosure () -> String = "reasoning_effort") throws(TranslateError) -> NReasoningConfig {
        let effort = try string(v, path())
        switch effort {
        case "none": return NReasoningConfig(mode: .disabled)
        case "minimal": return NReasoningConfig(mode: .adaptive, effort: "low")
        case "low", "medium", "high", "xhigh", "max": return NReasoningConfig(mode: .adaptive, effort: effort)
        default:
            throw TranslateError.invalid(path(), "expected none, minimal, low, medium, high, xhigh or max, got \"\(effort)\"")
        }
    }

    /// OpenRouter's `reasoning{effort?, max_tokens?, enabled?, exclude?}` (sent by clients built
    /// for OpenRouter): effort as `reasoning_effort`, max_tokens as a thinking budget.
    static func openRouterReasoning(_ v: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NReasoningConfig? {
        func path() -> String { "reasoning" }
        try object(v, path())
        if let e = present(v["effort"]) {
            var config = try reasoningEffort(e, "\(path()).effort")
            if config.mode == .disabled { return config }
            config.budgetTokens = nil
            return config
        }
        if let b = present(v["max_tokens"]) { return NReasoningConfig(mode: .enabled, budgetTokens: try count(b, "\(path()).max_tokens")) }
        if try optBool(v, "exclude", path()) == true {
            ctx.diagnostics.dropped("\(path()).exclude", "reasoning is always returned; exclude ignored")
        }
        switch try optBool(v, "enabled", path()) {
        case false?: return NReasoningConfig(mode: .disabled)
        case true?: return NReasoningConfig(mode: .adaptive)
        case nil: return nil
        }
    }

    /// Anthropic-style `thinking{type: enabled|adaptive|disabled, budget_tokens?}` (LiteLLM and
    /// DeepSeek clients send it in Chat requests).
    static func thinking(_ v: JSONValue) throws(TranslateError) -> NReasoningConfig {
        func path() -> String { "thinking" }
        try object(v, path())
        switch try reqString(v, "type", path()) {
        case "enabled":
            if let b = present(v["budget_tokens"]) { return NReasoningConfig(mode: .enabled, budgetTokens: try count(b, "\(path()).budget_tokens")) }
            return NReasoningConfig(mode: .adaptive)
        case "adaptive": return NReasoningConfig(mode: .adaptive)
        case "disabled": return NReasoningConfig(mode: .disabled)
        case let other: throw TranslateError.invalid("\(path()).type", "expected enabled, adaptive or disabled, got \"\(other)\"")
        }
    }
}
