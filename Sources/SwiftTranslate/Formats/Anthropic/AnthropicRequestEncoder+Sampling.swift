/// max_tokens, thinking, effort and sampling numbers for Anthropic, decided together because
/// they constrain each other (budget < max_tokens; thinking excludes temperature, top_k and
/// forced tool use; a tool loop needs the signed thinking block it started with; temperature
/// and top_p not both).
extension AnthropicRequestEncoder {
    enum Thinking: Equatable {
        case disabled
        case adaptive
        case enabled(budget: Int)
    }

    struct Sampling {
        var maxTokens: Int
        var thinking: Thinking? = nil
        var effort: String? = nil
        var temperature: String? = nil
        var topP: String? = nil
        var topK: String? = nil
        /// Thinking is on: forced tool choices are not allowed.
        var thinkingOn: Bool {
            switch thinking {
            case .adaptive?, .enabled?: return true
            default: return false
            }
        }
    }

    static let efforts: Set<String> = ["low", "medium", "high", "xhigh", "max"]
    static let minimumBudget = 1024

    static func sampling(_ r: NRequest, _ turns: [Turn], _ ctx: inout TranslationContext) -> Sampling {
        let cap = ctx.config.maxTokensCap ?? Int.max
        // RequestPolicy has set max_tokens (Anthropic requires it) and applied the cap.
        var s = Sampling(maxTokens: r.maxTokens ?? ctx.config.defaultMaxTokens)
        if let rc = r.reasoning {
            switch rc.mode {
            case .disabled: s.thinking = .disabled
            case .adaptive: s.thinking = .adaptive; s.effort = rc.effort
            case .enabled:
                if let asked = rc.budgetTokens {
                    s.thinking = budgeted(asked, &s.maxTokens, cap: cap, &ctx)
                } else {
                    s.thinking = .adaptive
                    s.effort = rc.effort
                }
            }
        }
        if let e = s.effort, !efforts.contains(e) {
            ctx.diagnostics.dropped("reasoning", "effort \"\(e)\" has no Anthropic counterpart; dropped")
            s.effort = nil
        }
        if s.thinkingOn, !toolLoopKeepsThinking(turns) {
            ctx.diagnostics.dropped("reasoning", "the assistant turn of the current tool loop has no Anthropic thinking block (Anthropic then rejects thinking): thinking is off for this request")
            s.thinking = nil
        }
        s.temperature = r.temperature
        s.topP = r.topP
        s.topK = r.topK
        if let t = s.temperature, let v = Double(t), v > 1 {
            ctx.diagnostics.dropped("temperature", "\(t) clamped to 1 (Anthropic's range is 0 to 1)")
            s.temperature = "1"
        }
        if s.thinkingOn {
            if let t = s.temperature, Double(t) != 1 {
                ctx.diagnostics.dropped("temperature", "not allowed with thinking; dropped")
                s.temperature = nil
            }
            if s.topK != nil {
                ctx.diagnostics.dropped("top_k", "not allowed with thinking; dropped")
                s.topK = nil
            }
            if let p = s.topP, let v = Double(p), v < 0.95 {
                ctx.diagnostics.dropped("top_p", "must be 0.95 or more with thinking; dropped")
                s.topP = nil
            }
        }
        if s.temperature != nil, let p = s.topP {
            // Current Claude models reject both at once ("use only one"); temperature wins.
            ctx.diagnostics.dropped("top_p", "\(p) dropped: Anthropic takes temperature or top_p, not both")
            s.topP = nil
        }
        return s
    }

    /// `{type:"enabled", budget_tokens}`: the budget is at least 1,024 and below max_tokens
    /// (max_tokens is raised by the budget when it must be, within the cap; else no thinking).
    static func budgeted(_ asked: Int, _ maxTokens: inout Int, cap: Int, _ ctx: inout TranslationContext) -> Thinking? {
        var budget = asked
        if budget < minimumBudget {
            ctx.diagnostics.dropped("reasoning", "thinking budget \(asked) raised to Anthropic's minimum \(minimumBudget)")
            budget = minimumBudget
        }
        if budget < maxTokens { return .enabled(budget: budget) }
        let (sum, overflow) = budget.addingReportingOverflow(maxTokens)
        if !overflow, sum <= cap {
            ctx.diagnostics.dropped("max_tokens", "raised from \(maxTokens) to \(sum) to hold the thinking budget \(budget)")
            maxTokens = sum
            return .enabled(budget: budget)
        }
        if budget < cap {
            ctx.diagnostics.dropped("max_tokens", "raised from \(maxTokens) to the cap \(cap) to hold the thinking budget \(budget)")
            maxTokens = cap
            return .enabled(budget: budget)
        }
        ctx.diagnostics.dropped("reasoning", "thinking budget \(budget) does not fit under max_tokens \(maxTokens); thinking dropped")
        return nil
    }

    /// With thinking on, Anthropic requires the assistant turn that the final tool results answer
    /// to start with its (signed) thinking block.
    static func toolLoopKeepsThinking(_ turns: [Turn]) -> Bool {
        guard turns.count >= 2, let last = turns.last, last.role == .user,
              last.items.contains(where: { if case .toolResult = $0.part { return true } else { return false } }) else { return true }
        switch turns[turns.count - 2].items.first?.part {
        case .thinking?, .redactedThinking?: return true
        default: return false
        }
    }
}
