/// The neutral non-streaming response.
public struct NResponse: Sendable {
    public var id: String = ""
    public var model: String = ""
    /// Unix seconds, when the upstream said.
    public var created: Int? = nil
    /// text, thinking, redactedThinking, reasoningItem, toolCall, refusal (and opaque) parts.
    public var content: [NPart] = []
    public var stopReason: NStopReason = .endTurn
    public var stopSequence: String? = nil
    public var usage: NUsage = NUsage()
    /// Set when the upstream answered HTTP 200 with a failed generation (Responses
    /// `status:"failed"`/`"cancelled"` with `error`): the client gets an error instead.
    public var error: NError? = nil
    public init() {}
}

public enum NStopReason: String, Sendable {
    case endTurn = "end_turn"
    case maxTokens = "max_tokens"
    case stopSequence = "stop_sequence"
    case toolUse = "tool_use"
    case pauseTurn = "pause_turn"
    case refusal = "refusal"
    case contextWindowExceeded = "model_context_window_exceeded"
}

/// Token usage in neutral terms: `input` is the TOTAL prompt (cached tokens included), as in
/// OpenAI; Anthropic's uncached `input_tokens` is `input - cacheRead - cacheWrite`.
public struct NUsage: Sendable, Equatable {
    public var input: Int = 0
    public var cacheRead: Int = 0
    public var cacheWrite: Int = 0
    /// Output tokens, reasoning included.
    public var output: Int = 0
    /// The reasoning part of `output`, when the upstream said.
    public var reasoning: Int? = nil
    public init(input: Int = 0, cacheRead: Int = 0, cacheWrite: Int = 0, output: Int = 0, reasoning: Int? = nil) {
        self.input = input; self.cacheRead = cacheRead; self.cacheWrite = cacheWrite; self.output = output; self.reasoning = reasoning
    }
    /// Anthropic's `input_tokens`: the uncached part, never negative.
    public var uncachedInput: Int { max(0, input.saturatingSubtract(cacheRead).saturatingSubtract(cacheWrite)) }
}
