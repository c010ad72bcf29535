/// Shapes NRequest.messages into the turns Anthropic accepts, before anything is written:
/// parts it cannot take are dropped (with a warning), empty text and empty turns go, same-role
/// turns merge, the first turn is a user turn, and every tool_use is answered by tool_result
/// blocks at the front of the very next user turn (anything else is an error naming the part).
extension AnthropicRequestEncoder {
    /// One part with its neutral path (`messages[i].content[j]`) for error messages. The path is
    /// kept as indices and formatted when needed (a String per part was ~90 bytes a part of peak
    /// memory for requests of many small messages).
    struct Item {
        var part: NPart
        var location: Location

        init(part: NPart, message: Int, index: Int) {
            self.part = part; location = Location(message: message, index: index, other: nil)
        }

        init(part: NPart, path: String) {
            self.part = part; location = Location(message: 0, index: 0, other: path)
        }

        var path: String { location.text }
    }

    /// Where an item came from, formatted only for a message.
    struct Location {
        var message: Int
        var index: Int
        /// Any other path (tool result content: `messages[i].content[j].content[k]`).
        var other: String?

        var text: String { other ?? "messages[\(message)].content[\(index)]" }
    }

    struct Turn {
        var role: NRole
        var items: [Item]
    }

    static func turns(_ request: NRequest, _ ctx: inout TranslationContext) throws(TranslateError) -> [Turn] {
        var turns: [Turn] = []
        turns.reserveCapacity(request.messages.count)
        for (i, m) in request.messages.enumerated() {
            var items: [Item] = []
            items.reserveCapacity(m.parts.count)
            for (j, part) in m.parts.enumerated() {
                if let kept = admit(part, role: m.role, "messages[\(i)].content[\(j)]", &ctx) { items.append(Item(part: kept, message: i, index: j)) }
            }
            if items.isEmpty { continue }
            if let last = turns.indices.last, turns[last].role == m.role {
                turns[last].items += items
            } else {
                turns.append(Turn(role: m.role, items: items))
            }
        }
        guard !turns.isEmpty else { throw TranslateError.invalid("messages", "no message with content to send") }
        if turns[0].role == .assistant {
            ctx.diagnostics.dropped("messages[0]", "the conversation starts with an assistant turn: a user turn \".\" was inserted before it (Anthropic requires a user turn first)")
            turns.insert(Turn(role: .user, items: [Item(part: .text(NText(".")), path: "messages[0]")]), at: 0)
        }
        try pairToolCalls(&turns)
        trimPrefill(&turns, &ctx)
        return turns
    }

    /// A final assistant turn is a prefill, and Anthropic rejects one that ends in whitespace.
    static func trimPrefill(_ turns: inout [Turn], _ ctx: inout TranslationContext) {
        guard let t = turns.indices.last, turns[t].role == .assistant, let k = turns[t].items.indices.last,
              case .text(var text) = turns[t].items[k].part,
              let last = text.text.utf8.last, last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 else { return }
        var s = Substring(text.text)
        while let c = s.last, c == " " || c == "\n" || c == "\r" || c == "\t" || c == "\r\n" { s.removeLast() }
        text.text = String(s)
        turns[t].items[k].part = .text(text)
        ctx.diagnostics.dropped(turns[t].items[k].path, "trailing whitespace of the final assistant message (a prefill) removed: Anthropic rejects it")
    }

    /// The part as Anthropic can take it in a turn of `role`, or nil (dropped, with a warning
    /// unless nothing is lost).
    static func admit(_ part: NPart, role: NRole, _ path: @autoclosure () -> String, _ ctx: inout TranslationContext) -> NPart? {
        switch part {
        case .text(let t):
            return t.json.isBlank ? nil : part
        case .refusal(let s):
            return isBlank(s) ? nil : .text(NText(s))
        case .image, .document:
            if role == .assistant {
                ctx.diagnostics.dropped(path(), "Anthropic takes images and documents in user turns only; dropped")
                return nil
            }
            return part
        case .thinking(let t):
            guard role == .assistant else {
                ctx.diagnostics.dropped(path(), "thinking in a user turn; dropped")
                return nil
            }
            guard let sig = t.signature, !sig.isEmpty, ThinkingSignature.origin(sig) == .anthropic else {
                ctx.diagnostics.dropped(path(), "thinking without an Anthropic signature cannot be sent to Anthropic; dropped")
                return nil
            }
            return part
        case .redactedThinking:
            guard role == .assistant else {
                ctx.diagnostics.dropped(path(), "redacted thinking in a user turn; dropped")
                return nil
            }
            return part
        case .reasoningItem:
            ctx.diagnostics.dropped(path(), "OpenAI reasoning items cannot be sent to Anthropic; dropped")
            return nil
        case .toolCall:
            guard role == .assistant else {
                ctx.diagnostics.dropped(path(), "a tool call in a user turn; dropped")
                return nil
            }
            return part
        case .toolResult:
            guard role == .user else {
                ctx.diagnostics.dropped(path(), "a tool result in an assistant turn; dropped")
                return nil
            }
            return part
        case .opaque(let format, let type, _):
            guard format == .anthropic else {
                ctx.diagnostics.dropped(path(), "\(format.name) item \"\(type)\" has no Anthropic form; dropped")
                return nil
            }
            return part
        }
    }

    /// Anthropic rejects text blocks that are empty or whitespace only.
    @inline(__always) static func isBlank(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }

    /// Every tool call must be answered in the next user turn; tool results go first in it.
    /// A tool call id used again in a later turn (some servers number calls per turn) gets a
    /// suffix, in the call and in its results, since Anthropic wants ids unique.
    static func pairToolCalls(_ turns: inout [Turn]) throws(TranslateError) {
        var pending: [PendingCall] = []
        var used: Set<ExactStringKey> = []
        var calls = 0 // reserved up front: growing the set rehashed every id several times
        for t in turns where t.role == .assistant {
            for item in t.items { if case .toolCall = item.part { calls += 1 } }
        }
        used.reserveCapacity(calls)
        for t in turns.indices {
            if turns[t].role == .assistant {
                for k in turns[t].items.indices {
                    guard case .toolCall(var c) = turns[t].items[k].part else { continue }
                    let safe = ToolCallID.anthropicSafe(c.id)
                    var sent = safe
                    var n = 2
                    while !used.insert(ExactStringKey(sent)).inserted {
                        sent = "\(safe)_\(n)"
                        n += 1
                    }
                    pending.append(PendingCall(id: safe, sent: sent, original: c.id, name: c.name, location: turns[t].items[k].location))
                    if sent != safe {
                        c.id = sent
                        turns[t].items[k].part = .toolCall(c)
                    }
                }
                continue
            }
            var results: [Item] = []
            var others: [Item] = []
            for var item in turns[t].items {
                guard case .toolResult(var r) = item.part else { others.append(item); continue }
                let id = ToolCallID.anthropicSafe(r.toolCallId)
                guard let k = pending.firstIndex(where: { $0.id == id }) else {
                    throw TranslateError.invalid(item.path, "tool result \"\(r.toolCallId)\" answers no tool call of the preceding assistant turn")
                }
                if pending[k].sent != id {
                    r.toolCallId = pending[k].sent
                    item.part = .toolResult(r)
                }
                pending.remove(at: k)
                results.append(item)
            }
            if let open = pending.first { throw unanswered(open) }
            if !results.isEmpty { turns[t].items = results + others }
        }
        if let open = pending.first { throw unanswered(open) }
    }

    struct PendingCall {
        /// The anthropic-safe id the client used, and the id sent (unique in the conversation).
        var id: String
        var sent: String
        var original: String
        var name: String
        var location: Location
    }

    static func unanswered(_ call: PendingCall) -> TranslateError {
        TranslateError.invalid(call.location.text, "tool call \"\(call.original)\" (\(call.name)) has no tool result in the next user turn")
    }
}
