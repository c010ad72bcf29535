/// OpenAI Responses SSE → neutral events (docs/wire-formats.md §3.4).
///
/// Each output item becomes one neutral block: a message item a text block (its output_text and
/// refusal parts concatenated), a reasoning item a thinking block whose signature carries the
/// item (`ThinkingSignature.forResponses`, sent at the item's end when its encrypted content is
/// known), a function_call item a tool-call block (`call_id` is the id). Text, summaries and
/// arguments that arrive only in a `*.done` event (no deltas) are emitted from there. OpenAI
/// streams items one after another; should an upstream interleave them, the later item's events
/// are held and emitted, whole, after the live one. Built-in tool items are dropped with a
/// warning. The stream ends at `response.completed`/`incomplete` (stop reason and usage),
/// `response.failed` or `error`.
struct ResponsesStreamDecoder: StreamDecoder {
    private enum State { case waiting, streaming, ended }
    private enum Kind { case message, reasoning, functionCall, skipped }

    private struct Item {
        var outputIndex: Int
        var kind: Kind
        var id: String
        /// Neutral events held while another item is live (the first is its blockStart).
        var held: [StreamEvent] = []
        var opened = false   // its blockStart has been produced
        var done = false     // output_item.done seen
        /// What has been emitted, to fill in from `*.done` events when no delta came.
        var textParts = Set<Int>()
        var summaryParts = Set<Int>()
        var thinkingBytes = 0
        var argumentBytes = 0
        var callId = ""
        var name = ""
    }

    private let settings: TranslationContext
    private var state = State.waiting
    private var items: [Item] = []
    /// `output_index` → position in `items` (events find their item without a scan).
    private var position: [Int: Int] = [:]
    /// Positions of the items with held events, ascending (replayed in this order).
    private var heldOrder: [Int] = []
    /// More output items than this in one stream is an error (APX_ERR_LIMIT), as Chat tool calls.
    static let maxItems = 4096
    /// Index into `items` of the item whose block is open in the neutral stream.
    private var live: Int? = nil
    private var sawToolCall = false
    private var outputBytes = 0
    private var warnings: [String] = []
    private var warnedAnnotations = false
    /// The start of the last event taken by `consumeHot` (ResponsesStreamHotDelta).
    private var hotMemo = JSONScanMemo<ResponsesStreamHotDelta.Resume>()

    init(settings: TranslationContext) { self.settings = settings }

    mutating func takeWarnings() -> [String] {
        defer { warnings.removeAll() }
        return warnings
    }

    mutating func consume(_ event: SSEEvent, json: JSONValue, into out: inout [StreamEvent]) throws(TranslateError) {
        if state == .ended { return }
        guard json.isObject else {
            throw TranslateError(.stream, "upstream event at byte \(event.offset) is \(json.kindDescription), expected an object", offset: event.offset)
        }
        let type = json["type"]?.string ?? event.nameString
        if type == "error" {
            var e = OpenAIErrors.decode(status: 0, root: json)
            if e.status == 0 { e.status = 500 }
            out.append(.error(e))
            state = .ended
            return
        }
        if state == .waiting {
            let r = json["response"]
            var created: Int? = nil
            if let c = r?["created_at"]?.double, c.isFinite, c >= 0, c < 1e15 { created = Int(c) }
            out.append(.messageStart(id: r?["id"]?.string ?? "", model: r?["model"]?.string ?? "", created: created, usage: nil))
            state = .streaming
        }
        switch type {
        case "response.created", "response.in_progress", "response.queued":
            break
        case "response.output_item.added":
            try itemAdded(json, event, into: &out)
        case "response.content_part.added", "response.reasoning_summary_part.added":
            _ = try item(json, event) // parts open lazily, on their first text
        case "response.output_text.delta", "response.refusal.delta":
            guard let k = try item(json, event), let d = nonEmpty(json["delta"]) else { return }
            items[k].textParts.insert(json["content_index"]?.int ?? 0)
            text(k, d, into: &out)
        case "response.output_text.done", "response.refusal.done":
            guard let k = try item(json, event) else { return }
            let c = json["content_index"]?.int ?? 0
            if !items[k].textParts.contains(c), let t = nonEmpty(json[type == "response.refusal.done" ? "refusal" : "text"]) {
                items[k].textParts.insert(c)
                text(k, t, into: &out)
            }
        case "response.reasoning_summary_text.delta", "response.reasoning_text.delta":
            guard let k = try item(json, event), let d = nonEmpty(json["delta"]) else { return }
            thinking(k, d, part: thinkingPart(json, type), into: &out)
        case "response.reasoning_summary_text.done", "response.reasoning_text.done":
            guard let k = try item(json, event) else { return }
            let part = thinkingPart(json, type)
            if !items[k].summaryParts.contains(part), let t = nonEmpty(json["text"]) { thinking(k, t, part: part, into: &out) }
        case "response.function_call_arguments.delta":
            guard let k = try item(json, event), let d = nonEmpty(json["delta"]) else { return }
            arguments(k, d, into: &out)
        case "response.function_call_arguments.done":
            guard let k = try item(json, event) else { return }
            if items[k].argumentBytes == 0, let a = nonEmpty(json["arguments"]) { arguments(k, a, into: &out) }
        case "response.output_item.done":
            try itemDone(json, event, into: &out)
        case "response.completed", "response.incomplete":
            let r = json["response"]
            let reason = r?["incomplete_details"]?["reason"]?.string
            let stop = ResponsesStatus.decode(status: type == "response.completed" ? "completed" : "incomplete",
                                              incompleteReason: reason, hasToolCalls: sawToolCall) ?? .endTurn
            var usage: NUsage? = nil
            if let u = r?["usage"], u.isObject { usage = try ResponsesUsage.decode(u, path: "response.usage") }
            end(stop, usage: usage, into: &out)
        case "response.failed", "response.cancelled":
            let r = json["response"]
            out.append(.error(ResponsesStatus.failure(status: r?["status"]?.string ?? "failed", error: r?["error"])))
            state = .ended
        case "response.output_text.annotation.added":
            if !warnedAnnotations {
                warnedAnnotations = true
                warnings.append("output_text annotations (citations) are not translated; dropped")
            }
        default:
            break // built-in tool progress, audio, new event types: nothing to carry
        }
    }

    /// A `*.delta` event of ResponsesStreamHotDelta's shape while streaming, for an item already
    /// added: what `consume` would do, without parsing it.
    mutating func consumeHot(_ event: SSEEvent, modelKnown: Bool, into out: inout [StreamEvent]) throws(TranslateError) -> Bool {
        guard state == .streaming, let d = ResponsesStreamHotDelta.scan(event.payload.span, memo: &hotMemo),
              let k = position[d.outputIndex] else { return false }
        if items[k].kind == .skipped || items[k].done || d.delta.isEmpty { return true }
        let t = JSONText(body: event.payload(d.delta))
        switch d.kind {
        case .text:
            items[k].textParts.insert(d.contentIndex ?? 0)
            text(k, t, into: &out)
        case .reasoningSummary:
            thinking(k, t, part: Swift.min(d.summaryIndex ?? 0, Int(Int32.max)), into: &out)
        case .reasoningText:
            thinking(k, t, part: (1 << 32) + Swift.min(d.contentIndex ?? 0, Int(Int32.max)), into: &out)
        case .arguments:
            arguments(k, t, into: &out)
        }
        return true
    }

    mutating func done(into out: inout [StreamEvent]) throws(TranslateError) { try finish(into: &out) }

    mutating func finish(into out: inout [StreamEvent]) throws(TranslateError) {
        switch state {
        case .ended: return
        case .waiting:
            warnings.append("the upstream stream ended before sending any event")
            out.append(.error(NError(kind: .api, status: 502, message: "the upstream stream ended before sending any data")))
            state = .ended
        case .streaming:
            let stop: NStopReason = sawToolCall ? .toolUse : .endTurn
            warnings.append("the upstream stream ended without response.completed: closed as \(stop.rawValue)")
            end(stop, usage: nil, into: &out)
        }
    }

    // MARK: - items

    private mutating func itemAdded(_ json: JSONValue, _ event: SSEEvent, into out: inout [StreamEvent]) throws(TranslateError) {
        guard let it = json["item"], it.isObject, let type = it["type"]?.string else {
            throw malformed("output_item.added without an item", event)
        }
        let index = json["output_index"]?.int ?? items.count
        if position[index] != nil { throw malformed("a second output_item.added for output_index \(index)", event) }
        guard items.count < Self.maxItems else {
            throw TranslateError(.limit, "upstream stream has more than \(Self.maxItems) output items (at byte \(event.offset))", offset: event.offset)
        }
        var item = Item(outputIndex: index, kind: .skipped, id: it["id"]?.string ?? "")
        switch type {
        case "message": item.kind = .message
        case "reasoning": item.kind = .reasoning
        case "function_call":
            item.kind = .functionCall
            item.callId = it["call_id"]?.string ?? ""
            item.name = settings.toolNames.original(it["name"]?.string ?? "")
            if item.callId.isEmpty { throw malformed("a function_call item without call_id", event) }
            sawToolCall = true
        default:
            warnings.append("output[\(index)]: the built-in `\(type)` item has no counterpart; dropped")
        }
        items.append(item)
        let k = items.count - 1
        position[index] = k
        switch item.kind {
        case .reasoning: break // opens on its first text, or at its end when it has encrypted content
        case .functionCall:
            open(k, .toolCall(id: item.callId, name: item.name), into: &out)
            if let a = nonEmpty(it["arguments"]) { arguments(k, a, into: &out) }
        case .message, .skipped: break
        }
    }

    private mutating func itemDone(_ json: JSONValue, _ event: SSEEvent, into out: inout [StreamEvent]) throws(TranslateError) {
        guard let k = try item(json, event) else { return }
        let it = json["item"]
        switch items[k].kind {
        case .reasoning:
            if items[k].thinkingBytes == 0, let it, it.isObject,
               let parsed = try? ResponsesReasoning.decodeItem(it, path: "item") {
                let text = ResponsesReasoning.joinedSummary(parsed)
                if !text.isEmpty { thinking(k, JSONText(escaping: text), part: 0, into: &out) }
            }
            let enc = it?["encrypted_content"]?.string
            if !items[k].opened {
                // no text and no encrypted content (the client asked for no reasoning): nothing
                // a client could show or replay
                if enc == nil { items[k].done = true; return }
                open(k, .thinking, into: &out)
            }
            let id = it?["id"]?.string ?? items[k].id
            emit(k, .signatureDelta(JSONText(escaping: ThinkingSignature.forResponses(id: id, encryptedContent: enc))), into: &out)
        case .functionCall:
            if items[k].argumentBytes == 0, let a = nonEmpty(it?["arguments"]) { arguments(k, a, into: &out) }
        case .message:
            // Parts that never streamed (a server that sends whole items): take them from here.
            for (c, p) in (it?["content"]?.elements ?? JSONValue.emptyElements(json)).enumerated() where !items[k].textParts.contains(c) {
                if let t = nonEmpty(p["text"]) ?? nonEmpty(p["refusal"]) {
                    items[k].textParts.insert(c)
                    text(k, t, into: &out)
                }
            }
        case .skipped: break
        }
        items[k].done = true
        if live == k { closeLive(into: &out) }
    }

    /// The item an event names by `output_index` (nil for a dropped item).
    private func item(_ json: JSONValue, _ event: SSEEvent) throws(TranslateError) -> Int? {
        guard let index = json["output_index"]?.int else { throw malformed("an item event without output_index", event) }
        guard let k = position[index] else {
            throw malformed("an event for output_index \(index) before its output_item.added", event)
        }
        if items[k].kind == .skipped { return nil }
        if items[k].done { return nil } // late events for a finished item: the item is final
        return k
    }

    // MARK: - content

    private mutating func text(_ k: Int, _ t: JSONText, into out: inout [StreamEvent]) {
        if !items[k].opened && items[k].held.isEmpty { open(k, .text, into: &out) }
        outputBytes &+= t.body.count
        emit(k, .textDelta(t), into: &out)
    }

    /// Summary part s is part s; raw reasoning content part c is part 2^32 + c. Indexes come from
    /// the upstream: pinned to 0...Int32.max, so the two ranges never meet and nothing wraps.
    private func thinkingPart(_ json: JSONValue, _ type: String) -> Int {
        func index(_ key: String) -> Int { Swift.min(Swift.max(json[key]?.int ?? 0, 0), Int(Int32.max)) }
        return type.hasPrefix("response.reasoning_text") ? (1 << 32) + index("content_index") : index("summary_index")
    }

    /// Thinking text of one part; parts are separated by a blank line, as in one-shot responses.
    private mutating func thinking(_ k: Int, _ t: JSONText, part: Int, into out: inout [StreamEvent]) {
        if !items[k].opened { open(k, .thinking, into: &out) }
        if !items[k].summaryParts.contains(part) {
            if items[k].thinkingBytes > 0 { emit(k, .thinkingDelta(JSONText(escaping: "\n\n")), into: &out) }
            items[k].summaryParts.insert(part)
        }
        items[k].thinkingBytes &+= t.body.count
        outputBytes &+= t.body.count
        emit(k, .thinkingDelta(t), into: &out)
    }

    private mutating func arguments(_ k: Int, _ t: JSONText, into out: inout [StreamEvent]) {
        items[k].argumentBytes &+= t.body.count
        outputBytes &+= t.body.count
        emit(k, .argumentsDelta(t), into: &out)
    }

    /// Starts item k's block: live when no other item is, else held until the live one ends.
    private mutating func open(_ k: Int, _ kind: StreamBlockKind, into out: inout [StreamEvent]) {
        if live == nil {
            live = k
            items[k].opened = true
            out.append(.blockStart(kind))
        } else {
            hold(k, .blockStart(kind))
            items[k].opened = true
        }
    }

    private mutating func emit(_ k: Int, _ e: StreamEvent, into out: inout [StreamEvent]) {
        if live == k { out.append(e) } else { hold(k, e) }
    }

    private mutating func hold(_ k: Int, _ e: StreamEvent) {
        if items[k].held.isEmpty {
            // binary search: usually appends (items open in order)
            var lo = 0, hi = heldOrder.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if heldOrder[mid] < k { lo = mid + 1 } else { hi = mid }
            }
            heldOrder.insert(k, at: lo)
        }
        items[k].held.append(e)
    }

    /// Closes the live block, then replays held items in order (closing those already done).
    private mutating func closeLive(into out: inout [StreamEvent]) {
        if live != nil { out.append(.blockStop) }
        live = nil
        while let k = heldOrder.first {
            heldOrder.removeFirst()
            out.append(contentsOf: items[k].held)
            items[k].held = []
            if items[k].done {
                out.append(.blockStop)
            } else {
                live = k
                return
            }
        }
    }

    private mutating func end(_ stop: NStopReason, usage: NUsage?, into out: inout [StreamEvent]) {
        while live != nil || !heldOrder.isEmpty {
            if let k = live, items[k].kind == .reasoning, !items[k].done {
                // never finished: sign what is known so a replay still finds the item
                out.append(.signatureDelta(JSONText(escaping: ThinkingSignature.forResponses(id: items[k].id, encryptedContent: nil))))
            }
            if let k = live { items[k].done = true }
            closeLive(into: &out)
        }
        let final = settings.finalUsage(usage, outputBytes: outputBytes, warnings: &warnings)
        out.append(.messageDelta(stop: stop, stopSequence: nil, usage: final))
        out.append(.messageStop)
        state = .ended
    }

    private func nonEmpty(_ v: JSONValue?) -> JSONText? {
        guard let v, let t = JSONText(v), !t.isEmpty else { return nil }
        return t
    }

    private func malformed(_ what: String, _ event: SSEEvent) -> TranslateError {
        TranslateError(.stream, "malformed Responses stream at byte \(event.offset): \(what)", offset: event.offset)
    }
}
