/// OpenAI Chat chunks → neutral events.
///
/// Chat streams interleave freely: tool-call fragments for several `index`es, content next to
/// tool calls, `finish_reason` before the usage chunk. The neutral stream may not interleave, so:
/// - the first tool call whose name is known streams live; fragments of any other tool call are
///   buffered and each such call is emitted as one whole block, in index order, when the message
///   ends (nothing is dropped);
/// - once a tool call has started, text and reasoning are held and emitted after the tool calls;
/// - `finish_reason` closes the blocks, but `messageDelta` waits for the usage chunk (or the end).
/// Reasoning arrives as `reasoning_content` (DeepSeek, old vLLM) or `reasoning` (vLLM ≥0.11,
/// OpenRouter, Ollama); both are accepted, and when a server sends both (an alias) one is used.
struct ChatStreamDecoder: StreamDecoder {
    private enum State {
        case waiting          // no chunk yet
        case streaming
        case finishing(NStopReason) // finish_reason seen; waiting for usage
        case ended
    }
    /// The neutral block now open.
    private enum Open: Equatable { case none, text, thinking, tool(Int) }

    private struct Call {
        var index: Int
        var id: String?
        var name: String?
        /// Escaped argument text not yet emitted.
        var pending: [UInt8] = []
        var emitted = false
    }

    /// Member names, as literals (no array to load and retain per comparison).
    private enum Key {
        static var choices: String { "choices" }
        static var usage: String { "usage" }
        static var id: String { "id" }
        static var model: String { "model" }
        static var created: String { "created" }
        static var error: String { "error" }
        static var delta: String { "delta" }
        static var index: String { "index" }
        static var finishReason: String { "finish_reason" }
        static var content: String { "content" }
        static var toolCalls: String { "tool_calls" }
        static var refusal: String { "refusal" }
        static var reasoningContent: String { "reasoning_content" }
        static var reasoning: String { "reasoning" }
        static var functionCall: String { "function_call" }
        static var function: String { "function" }
        static var arguments: String { "arguments" }
        static var name: String { "name" }
    }

    private let settings: TranslationContext
    private var state = State.waiting
    private var open = Open.none
    private var calls: [Call] = []
    /// Chat tool-call index → position in `calls`.
    private var position: [Int: Int] = [:]
    static let maxToolCalls = 4096
    private var lastCall: Int? = nil
    /// A tool-call block has been opened: later text and reasoning wait until the end.
    private var toolStarted = false
    private var heldThinking: [UInt8] = []
    private var heldText: [UInt8] = []
    private var usage: NUsage? = nil
    /// Bytes of streamed text and arguments (for estimated usage). Counted with &+=: bytes that
    /// actually arrived, so it cannot reach Int.max.
    private var outputBytes = 0
    private var chunkID = ""
    private var warnings: [String] = []
    private var warnedChoices = false
    private var warnedAfterEnd = false
    /// The start of the last chunk taken by `consumeHot` (ChatStreamHotChunk).
    private var hotMemo = JSONScanMemo<ChatStreamHotChunk.Resume>()

    init(settings: TranslationContext) { self.settings = settings }

    mutating func takeWarnings() -> [String] {
        defer { warnings.removeAll() }
        return warnings
    }

    mutating func consume(_ event: SSEEvent, json: JSONValue, into out: inout [StreamEvent]) throws(TranslateError) {
        if case .ended = state {
            // A repeated usage chunk (servers with continuous usage stats) is expected; content is not.
            let content = json["choices"].map { $0.count > 0 } ?? false
            if content && !warnedAfterEnd { warnedAfterEnd = true; warnings.append("upstream content after the end of the stream ignored") }
            return
        }
        guard json.isObject else {
            throw TranslateError(.stream, "upstream chunk at byte \(event.offset) is \(json.kindDescription), expected an object", offset: event.offset)
        }
        var error: JSONValue? = nil, usageValue: JSONValue? = nil, choices: JSONValue? = nil
        var id: JSONValue? = nil, model: JSONValue? = nil, created: JSONValue? = nil
        try json.forEachMember { key, value throws(TranslateError) in
            if bytesEqual(key, Key.choices) { choices = value }
            else if bytesEqual(key, Key.usage) { usageValue = value }
            else if bytesEqual(key, Key.id) { id = value }
            else if bytesEqual(key, Key.model) { model = value }
            else if bytesEqual(key, Key.created) { created = value }
            else if bytesEqual(key, Key.error) { error = value }
        }
        if let error, !error.isNull {
            var e = OpenAIErrors.decode(status: 0, root: json)
            if e.status == 0 { e.status = 500 }
            out.append(.error(e))
            state = .ended
            return
        }
        var usageHere = false
        if let u = usageValue, u.isObject {
            usage = try ChatUsage.decode(u, path: "usage")
            usageHere = true
        }
        if case .waiting = state {
            chunkID = id?.string ?? ""
            out.append(.messageStart(id: chunkID, model: model?.string ?? "", created: created?.int,
                                     usage: usageHere ? usage : nil))
            state = .streaming
        }
        var finish: String? = nil
        if let choices {
            var position = 0
            for c in choices.elements {
                var index: Int? = nil, delta: JSONValue? = nil, reason: JSONValue? = nil
                try c.forEachMember { key, value throws(TranslateError) in
                    if bytesEqual(key, Key.delta) { delta = value }
                    else if bytesEqual(key, Key.index) { index = value.int }
                    else if bytesEqual(key, Key.finishReason) { reason = value }
                }
                let i = index ?? position
                position += 1
                if i != 0 {
                    if !warnedChoices { warnedChoices = true; warnings.append("choices[\(i)]: dropped (only the first choice is translated)") }
                    continue
                }
                if let delta, delta.isObject { try self.delta(delta, into: &out) }
                if let f = reason?.string { finish = f }
            }
        }
        if let finish {
            closeAll(into: &out)
            var stop = ChatFinish.decode(finish)
            if stop == .endTurn && !calls.isEmpty { stop = .toolUse }
            if stop == .toolUse && calls.isEmpty { stop = .endTurn }
            state = .finishing(stop)
        }
        if case .finishing(let stop) = state, usageHere { end(stop, into: &out) }
    }

    /// A chunk of ChatStreamHotChunk's shape while streaming, for a tool call already known (and
    /// named, unless the chunk names it): what `consume` would do, without parsing it.
    mutating func consumeHot(_ event: SSEEvent, modelKnown: Bool, into out: inout [StreamEvent]) throws(TranslateError) -> Bool {
        guard case .streaming = state, let c = ChatStreamHotChunk.scan(event.payload.span, modelKnown: modelKnown, memo: &hotMemo) else { return false }
        var tool: Int? = nil
        if let i = c.toolIndex {
            guard i <= Self.maxToolIndex, let k = position[i], c.toolName == nil || calls[k].name != nil else { return false }
            tool = i
        }
        func body(_ r: Range<Int>?) -> JSONText? {
            guard let r, !r.isEmpty else { return nil }
            return JSONText(body: event.payload(r))
        }
        if c.reasoningContent == nil && c.reasoning == nil && c.refusal == nil {
            if let t = body(c.content) { text(t, into: &out) } // the usual chunk: text only
        } else {
            texts(reasoningContent: body(c.reasoningContent), reasoning: body(c.reasoning),
                  content: body(c.content), refusal: body(c.refusal), into: &out)
        }
        if let tool {
            lastCall = tool
            try toolFragment(index: tool, id: nil, name: nil, args: body(c.toolArguments), into: &out)
        }
        return true
    }

    mutating func done(into out: inout [StreamEvent]) throws(TranslateError) { try finish(into: &out) }

    mutating func finish(into out: inout [StreamEvent]) throws(TranslateError) {
        switch state {
        case .ended: return
        case .waiting:
            warnings.append("the upstream stream ended before sending any chunk")
            out.append(.error(NError(kind: .api, status: 502, message: "the upstream stream ended before sending any data")))
            state = .ended
        case .streaming:
            warnings.append("the upstream stream ended without a finish_reason: closed as \(calls.isEmpty ? "end_turn" : "tool_use")")
            end(calls.isEmpty ? .endTurn : .toolUse, into: &out)
        case .finishing(let stop):
            end(stop, into: &out)
        }
    }

    // MARK: - deltas

    private mutating func delta(_ d: JSONValue, into out: inout [StreamEvent]) throws(TranslateError) {
        var reasoningContent: JSONValue? = nil, reasoning: JSONValue? = nil, content: JSONValue? = nil
        var refusal: JSONValue? = nil, toolCalls: JSONValue? = nil, functionCall: JSONValue? = nil
        try d.forEachMember { key, value throws(TranslateError) in
            if bytesEqual(key, Key.content) { content = value }
            else if bytesEqual(key, Key.toolCalls) { toolCalls = value }
            else if bytesEqual(key, Key.reasoningContent) { reasoningContent = value }
            else if bytesEqual(key, Key.reasoning) { reasoning = value }
            else if bytesEqual(key, Key.refusal) { refusal = value }
            else if bytesEqual(key, Key.functionCall) { functionCall = value }
        }
        texts(reasoningContent: nonEmptyText(reasoningContent), reasoning: nonEmptyText(reasoning),
              content: nonEmptyText(content), refusal: nonEmptyText(refusal), into: &out)
        if let toolCalls, toolCalls.isArray {
            for (k, tc) in toolCalls.elements.enumerated() where tc.isObject { try toolFragment(tc, k, into: &out) }
        }
        if let functionCall, functionCall.isObject { try legacyFunctionCall(functionCall, into: &out) }
    }

    /// A delta's text members (non-empty ones; nil otherwise), in the order they are emitted.
    private mutating func texts(reasoningContent: JSONText?, reasoning: JSONText?, content: JSONText?, refusal: JSONText?,
                                into out: inout [StreamEvent]) {
        // A server sending both reasoning fields sends the same text twice (an alias): use one.
        if let r = reasoningContent ?? reasoning {
            if toolStarted {
                heldThinking.append(contentsOf: r.body)
            } else {
                ensureOpen(.thinking, into: &out)
                out.append(.thinkingDelta(r))
            }
            outputBytes &+= r.body.count
        }
        if let t = content { text(t, into: &out) }
        if let t = refusal { text(t, into: &out) }
    }

    private mutating func text(_ t: JSONText, into out: inout [StreamEvent]) {
        if toolStarted {
            heldText.append(contentsOf: t.body)
        } else {
            ensureOpen(.text, into: &out)
            out.append(.textDelta(t))
        }
        outputBytes &+= t.body.count
    }

    /// Argument text: a string fragment, or (some servers) the arguments as a JSON object.
    private func arguments(_ v: JSONValue?) -> JSONText? {
        guard let v else { return nil }
        if v.isObject || v.isArray {
            var w = JSONWriter(capacity: v.raw.count + 16)
            w.string(bytes: Array(v.raw))
            return JSONText(body: w.bytes.dropFirst().dropLast())
        }
        return nonEmptyText(v)
    }

    private func nonEmptyText(_ v: JSONValue?) -> JSONText? {
        guard let v, let t = JSONText(v), !t.isEmpty else { return nil }
        return t
    }

    /// The largest Chat tool-call index taken (servers count from 0; at most `maxToolCalls`
    /// calls exist), so that the index arithmetic below stays far from overflow.
    static let maxToolIndex = Int(Int32.max)

    /// `tc` is `choices[0].delta.tool_calls[k]`.
    private mutating func toolFragment(_ tc: JSONValue, _ k: Int, into out: inout [StreamEvent]) throws(TranslateError) {
        var indexValue: JSONValue? = nil, idValue: JSONValue? = nil, fn: JSONValue? = nil
        try tc.forEachMember { key, value throws(TranslateError) in
            if bytesEqual(key, Key.index) { indexValue = value }
            else if bytesEqual(key, Key.function) { fn = value }
            else if bytesEqual(key, Key.id) { idValue = value }
        }
        var nameValue: JSONValue? = nil, argsValue: JSONValue? = nil
        try fn?.forEachMember { key, value throws(TranslateError) in
            if bytesEqual(key, Key.arguments) { argsValue = value }
            else if bytesEqual(key, Key.name) { nameValue = value }
        }
        let id = idValue.flatMap { $0.rawStringLength > 0 ? $0.string : nil }
        let index: Int
        if let v = indexValue, v.kind == .number {
            guard let i = v.count(upTo: .max), i <= Self.maxToolIndex else {
                throw TranslateError.invalid("choices[0].delta.tool_calls[\(k)].index",
                                             "expected a tool-call index from 0 to \(Self.maxToolIndex), got \(v.numberForMessage)")
            }
            index = i
        } else if id != nil, !calls.contains(where: { $0.id == id }) {
            // Indexes are at most maxToolIndex + maxToolCalls: + 1 cannot overflow.
            index = (calls.map(\.index).max() ?? -1) + 1
        } else {
            index = lastCall ?? 0
        }
        lastCall = index
        // The name only matters until the call has one.
        let name = position[index].map { calls[$0].name == nil } ?? true ? nameValue?.string : nil
        try toolFragment(index: index, id: id, name: name, args: arguments(argsValue), into: &out)
    }

    /// The deprecated `delta.function_call` ({name, arguments}): one call, without an id.
    private mutating func legacyFunctionCall(_ fc: JSONValue, into out: inout [StreamEvent]) throws(TranslateError) {
        try toolFragment(index: Self.legacyIndex, id: nil, name: fc["name"]?.string, args: arguments(fc["arguments"]), into: &out)
    }

    /// The Chat index used for the deprecated `function_call` (below every real index).
    private static let legacyIndex = -1

    private mutating func toolFragment(index: Int, id: String?, name: String?, args: JSONText?,
                                       into out: inout [StreamEvent]) throws(TranslateError) {
        let k: Int
        if let found = position[index] {
            k = found
        } else {
            guard calls.count < Self.maxToolCalls else {
                throw TranslateError(.limit, "upstream stream has more than \(Self.maxToolCalls) tool calls")
            }
            calls.append(Call(index: index))
            k = calls.count - 1
            position[index] = k
        }
        if let id, calls[k].id == nil { calls[k].id = id }
        if let name, !name.isEmpty, calls[k].name == nil { calls[k].name = name }
        if let args { outputBytes &+= args.body.count }
        if open == .tool(index) {
            if let args { out.append(.argumentsDelta(args)) }
            return
        }
        if calls[k].emitted {
            if args != nil { warnings.append("tool call \(index): arguments after its block was closed dropped") }
            return
        }
        if let args { calls[k].pending.append(contentsOf: args.body) }
        // Stream this call live when it is the first tool call and its name is known (and its
        // id, unless arguments already arrive without one).
        guard !toolStarted, calls[k].name != nil, calls[k].id != nil || !calls[k].pending.isEmpty,
              !calls.contains(where: { !$0.emitted && $0.index < index }) else { return }
        closeOpen(into: &out)
        startCall(k, into: &out)
        open = .tool(index)
    }

    private mutating func startCall(_ k: Int, into out: inout [StreamEvent]) {
        let c = calls[k]
        if c.name == nil { warnings.append("tool call \(c.index): the upstream sent no function name") }
        let id = c.id ?? "call_\(chunkID.isEmpty ? "apx" : chunkID)_\(c.index == Self.legacyIndex ? "fn" : String(c.index))"
        out.append(.blockStart(.toolCall(id: id, name: settings.toolNames.original(c.name ?? ""))))
        if !c.pending.isEmpty { out.append(.argumentsDelta(JSONText(body: c.pending[...]))) }
        calls[k].pending = []
        calls[k].emitted = true
        toolStarted = true
    }

    // MARK: - blocks

    private mutating func ensureOpen(_ kind: Open, into out: inout [StreamEvent]) {
        if open == kind { return }
        closeOpen(into: &out)
        out.append(.blockStart(kind == .thinking ? .thinking : .text))
        open = kind
    }

    private mutating func closeOpen(into out: inout [StreamEvent]) {
        switch open {
        case .none: return
        case .thinking:
            out.append(.signatureDelta(JSONText(escaping: ThinkingSignature.chat)))
        case .text, .tool: break
        }
        out.append(.blockStop)
        open = .none
    }

    /// Closes the open block, then emits the buffered tool calls (index order) and held text.
    private mutating func closeAll(into out: inout [StreamEvent]) {
        closeOpen(into: &out)
        let waiting = calls.indices.filter { !calls[$0].emitted }.sorted { calls[$0].index < calls[$1].index }
        for k in waiting {
            startCall(k, into: &out)
            out.append(.blockStop)
        }
        if !heldThinking.isEmpty {
            out.append(.blockStart(.thinking))
            out.append(.thinkingDelta(JSONText(body: heldThinking[...])))
            out.append(.signatureDelta(JSONText(escaping: ThinkingSignature.chat)))
            out.append(.blockStop)
            heldThinking = []
        }
        if !heldText.isEmpty {
            out.append(.blockStart(.text))
            out.append(.textDelta(JSONText(body: heldText[...])))
            out.append(.blockStop)
            heldText = []
        }
    }

    private mutating func end(_ stop: NStopReason, into out: inout [StreamEvent]) {
        closeAll(into: &out)
        let final = settings.finalUsage(usage, outputBytes: outputBytes, warnings: &warnings)
        out.append(.messageDelta(stop: stop, stopSequence: nil, usage: final))
        out.append(.messageStop)
        state = .ended
    }
}
