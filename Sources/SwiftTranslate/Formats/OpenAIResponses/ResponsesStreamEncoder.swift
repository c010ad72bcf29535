/// Neutral events → OpenAI Responses SSE (docs/wire-formats.md §3.4): `response.created` and
/// `response.in_progress` first, then per block an output item (text blocks share one message
/// item until another kind of block starts, one content part each; thinking a reasoning item
/// with one summary part; a tool call a function_call item with `call_id` = the neutral id and
/// an `fc_` id of its own; a call of a Responses client's namespaced tool carries its `name` and
/// `namespace`, one of its custom tools is a custom_tool_call item whose input streams out of
/// the `{"input": …}` arguments, CustomToolInputStream), and `response.completed` or
/// `response.incomplete` with the whole
/// response. Errors become an `error` event and `response.failed`. Every event has `event:`,
/// `type` and a `sequence_number` counting from 0. A message item still open when the answer is
/// cut (`response.incomplete`) says `status: incomplete`, as in the one-shot response. A
/// keep-alive before `response.created` is dropped (nothing precedes the opening event).
///
/// Anthropic thinking signatures ride in the reasoning item's `encrypted_content` behind
/// `apx1.a.` (see ResponsesReasoning), so a Responses client replays them intact.
struct ResponsesStreamEncoder: StreamEncoder {
    private enum State { case idle, started, ended }
    /// The output item now open.
    private enum Open { case none, message, reasoning, functionCall, customCall }

    private let settings: TranslationContext
    private var state = State.idle
    private var open = Open.none
    private var sequence = 0
    private var ids = ResponsesIDs("")
    private var model = ""
    private var created = 0
    private var outputIndex = -1
    private var itemId = ""
    /// Message item: its content index and the escaped text of the open part.
    private var contentIndex = -1
    private var inTextPart = false
    /// The escaped body of the open part's text, reasoning summary or arguments.
    private var buffer: [UInt8] = []
    /// Message item: the finished parts as JSON, for output_item.done.
    private var parts: [UInt8] = []
    private var summaryOpen = false
    private var signature: [UInt8] = []
    private var redacted: String? = nil
    private var callId = ""
    private var callName = ""
    private var callNamespace: String? = nil
    private var customInput = CustomToolInputStream()
    /// Every finished item's JSON, comma-separated: the final response's `output`.
    private var output: [UInt8] = []
    private var stop = NStopReason.endTurn
    /// The status of items closed from now on: "incomplete" once the answer is known to be cut.
    private var itemStatus = "completed"
    private var usage: NUsage? = nil
    private var warnings: [String] = []

    init(settings: TranslationContext) { self.settings = settings }

    mutating func takeWarnings() -> [String] {
        defer { warnings.removeAll() }
        return warnings
    }

    mutating func encode(_ event: StreamEvent, into out: inout [UInt8]) {
        if state == .ended { return }
        if state == .idle {
            switch event {
            case .messageStart, .error: break
            case .keepAlive: return // nothing before response.created
            default:
                warnings.append("stream event before message_start ignored")
                return
            }
        }
        switch event {
        case let .messageStart(id, upstreamModel, createdAt, _):
            state = .started
            ids = ResponsesIDs(id)
            model = settings.clientModel.flatMap { $0.isEmpty ? nil : $0 } ?? upstreamModel
            created = createdAt ?? settings.clock()
            responseEvent("response.created", status: "in_progress", into: &out)
            responseEvent("response.in_progress", status: "in_progress", into: &out)
        case .blockStart(let kind):
            startBlock(kind, into: &out)
        case .textDelta(let t):
            guard open == .message, inTextPart else { return }
            buffer.append(contentsOf: t.body)
            delta(DeltaKind.text, t, into: &out)
        case .thinkingDelta(let t):
            guard open == .reasoning else { return }
            if !summaryOpen {
                summaryOpen = true
                setDeltaFields(part: "summary_index", index: 0)
                itemEvent("response.reasoning_summary_part.added", next(), into: &out) { w in
                    w.field("summary_index", 0)
                    w.key("part"); w.beginObject(); w.field("type", "summary_text"); w.field("text", ""); w.endObject()
                }
            }
            buffer.append(contentsOf: t.body)
            delta(DeltaKind.summary, t, into: &out)
        case .signatureDelta(let t):
            if open == .reasoning { signature.append(contentsOf: JSONUnescape.bytes(t.body)) }
        case .argumentsDelta(let t):
            if open == .customCall {
                let piece = customInput.feed(t)
                if !piece.isEmpty {
                    buffer.append(contentsOf: piece)
                    delta(DeltaKind.customInput, JSONText(body: piece[...]), into: &out)
                }
                return
            }
            guard open == .functionCall else { return }
            buffer.append(contentsOf: t.body)
            delta(DeltaKind.arguments, t, into: &out)
        case .blockStop:
            stopBlock(into: &out)
        case let .messageDelta(s, _, u):
            stop = s
            usage = u
            if ResponsesStatus.encode(s).status == "incomplete" { itemStatus = "incomplete" }
            if s == .pauseTurn {
                warnings.append("pause_turn (a paused server-tool turn) has no Responses form: reported as completed")
            }
        case .messageStop:
            closeItem(into: &out)
            let (status, reason) = ResponsesStatus.encode(stop)
            responseEvent(status == "completed" ? "response.completed" : "response.incomplete",
                          status: status, reason: reason, into: &out)
            state = .ended
        case .error(let e):
            if state == .idle {
                // nothing announced yet: clients expect response.created before anything else
                ids = ResponsesIDs("")
                model = settings.clientModel ?? ""
                created = settings.clock()
                ResponsesStreamFailure.responsesOpening(identity, sequence: &sequence, into: &out)
            }
            closeItem(into: &out)
            ResponsesStreamFailure.responses(e, identity, output: output, sequence: &sequence, into: &out)
            state = .ended
        case .keepAlive:
            SSEWriter.comment(Array("keep-alive".utf8)[...], into: &out)
        }
    }

    /// What response.failed repeats of this stream's response.
    private var identity: ResponsesStreamFailure.ResponseIdentity {
        ResponsesStreamFailure.ResponseIdentity(id: ids.response, created: created, model: model)
    }

    mutating func finish(into out: inout [UInt8]) {
        guard state == .started else { return }
        warnings.append("the stream ended without a message stop: closed with response.completed")
        closeItem(into: &out)
        responseEvent("response.completed", status: "completed", into: &out)
        state = .ended
    }

    // MARK: - blocks and items

    private mutating func startBlock(_ kind: StreamBlockKind, into out: inout [UInt8]) {
        switch kind {
        case .text:
            if open != .message {
                closeItem(into: &out)
                openItem(.message, id: ids.message(outputIndex + 1), into: &out) { w in
                    w.field("status", "in_progress")
                    w.field("role", "assistant")
                    w.key("content"); w.beginArray(); w.endArray()
                }
            }
            contentIndex += 1
            inTextPart = true
            buffer.removeAll(keepingCapacity: true)
            setDeltaFields(part: "content_index", index: contentIndex)
            itemEvent("response.content_part.added", next(), into: &out) { w in
                w.field("content_index", contentIndex)
                w.key("part"); writeTextPart(&w, text: [])
            }
        case .thinking, .redactedThinking:
            closeItem(into: &out)
            if case .redactedThinking(let data) = kind { redacted = data }
            openItem(.reasoning, id: ids.reasoning(outputIndex + 1), into: &out) { w in
                w.key("summary"); w.beginArray(); w.endArray()
            }
        case let .toolCall(id, name):
            closeItem(into: &out)
            let tool = settings.toolNames.clientTool(name)
            let clientName = tool?.name ?? name, namespace = tool?.namespace
            callId = id
            callName = clientName
            callNamespace = namespace
            let custom = tool?.custom == true
            if custom { customInput = CustomToolInputStream() }
            openItem(custom ? .customCall : .functionCall, id: custom ? ids.customToolCall(id) : ids.functionCall(id), into: &out) { w in
                w.field("call_id", id)
                w.field("name", clientName)
                if let namespace { w.field("namespace", namespace) }
                w.field(custom ? "input" : "arguments", "")
                w.field("status", "in_progress")
            }
            setDeltaFields(part: nil, index: 0)
        }
    }

    private mutating func stopBlock(into out: inout [UInt8]) {
        switch open {
        case .message:
            guard inTextPart else { return }
            inTextPart = false
            itemEvent("response.output_text.done", next(), into: &out) { w in
                w.field("content_index", contentIndex)
                w.key("text"); w.string(JSONText(body: buffer[...]))
                w.key("logprobs"); w.beginArray(); w.endArray()
            }
            itemEvent("response.content_part.done", next(), into: &out) { w in
                w.field("content_index", contentIndex)
                w.key("part"); writeTextPart(&w, text: buffer)
            }
            var pw = JSONWriter(capacity: buffer.count + 64)
            pw.bytes = parts
            if !parts.isEmpty { pw.bytes.append(UInt8(ascii: ",")) }
            writeTextPart(&pw, text: buffer)
            parts = pw.bytes
            // the message item stays open: a following text block joins it
        case .reasoning, .functionCall, .customCall:
            closeItem(into: &out)
        case .none:
            break
        }
    }

    private func writeTextPart(_ w: inout JSONWriter, text: [UInt8]) {
        w.beginObject()
        w.field("type", "output_text")
        w.key("text"); w.string(JSONText(body: text[...]))
        w.key("annotations"); w.beginArray(); w.endArray()
        w.endObject()
    }

    private mutating func openItem(_ kind: Open, id: String, into out: inout [UInt8], _ fields: (inout JSONWriter) -> Void) {
        open = kind
        outputIndex += 1
        itemId = id
        contentIndex = -1
        buffer.removeAll(keepingCapacity: true)
        parts.removeAll(keepingCapacity: true)
        summaryOpen = false
        signature.removeAll(keepingCapacity: true)
        emit("response.output_item.added", next(), into: &out) { w in
            w.field("output_index", outputIndex)
            w.key("item")
            w.beginObject()
            w.field("id", id)
            w.field("type", kind == .message ? "message" : kind == .reasoning ? "reasoning"
                : kind == .customCall ? "custom_tool_call" : "function_call")
            fields(&w)
            w.endObject()
        }
    }

    /// Ends the open item: its closing events, `output_item.done`, and its JSON kept for the
    /// final response.
    private mutating func closeItem(into out: inout [UInt8]) {
        if open == .none { return }
        if open == .message && inTextPart { stopBlock(into: &out) }
        var item = JSONWriter(capacity: 128 + buffer.count + parts.count)
        item.beginObject()
        item.field("id", itemId)
        switch open {
        case .message:
            item.field("type", "message")
            item.field("status", itemStatus)
            item.field("role", "assistant")
            item.key("content"); item.bytes.append(UInt8(ascii: "[")); item.bytes.append(contentsOf: parts); item.endArray()
        case .reasoning:
            if summaryOpen {
                itemEvent("response.reasoning_summary_text.done", next(), into: &out) { w in
                    w.field("summary_index", 0)
                    w.key("text"); w.string(JSONText(body: buffer[...]))
                }
                itemEvent("response.reasoning_summary_part.done", next(), into: &out) { w in
                    w.field("summary_index", 0)
                    w.key("part"); w.beginObject(); w.field("type", "summary_text")
                    w.key("text"); w.string(JSONText(body: buffer[...])); w.endObject()
                }
            }
            item.field("type", "reasoning")
            item.key("summary"); item.beginArray()
            if summaryOpen {
                item.beginObject(); item.field("type", "summary_text")
                item.key("text"); item.string(JSONText(body: buffer[...])); item.endObject()
            }
            item.endArray()
            if let enc = encryptedContent() { item.field("encrypted_content", enc) } else { item.fieldNull("encrypted_content") }
            item.field("status", "completed")
        case .functionCall:
            if buffer.isEmpty {
                // a call without input (Anthropic `input: {}` streams no delta): still valid JSON
                buffer = Array("{}".utf8)
                delta(DeltaKind.arguments, JSONText(escaping: "{}"), into: &out)
            }
            itemEvent("response.function_call_arguments.done", next(), into: &out) { w in
                w.key("arguments"); w.string(JSONText(body: buffer[...]))
            }
            item.field("type", "function_call")
            item.field("call_id", callId)
            item.field("name", callName)
            if let ns = callNamespace { item.field("namespace", ns) }
            item.key("arguments"); item.string(JSONText(body: buffer[...]))
            item.field("status", "completed")
        case .customCall:
            let (rest, exact) = customInput.finish()
            if !rest.isEmpty {
                buffer.append(contentsOf: rest)
                delta(DeltaKind.customInput, JSONText(body: rest[...]), into: &out)
            }
            if !exact { warnings.append(ResponsesCustomTools.inexactWarning) }
            itemEvent("response.custom_tool_call_input.done", next(), into: &out) { w in
                w.key("input"); w.string(JSONText(body: buffer[...]))
            }
            item.field("type", "custom_tool_call")
            item.field("call_id", callId)
            item.field("name", callName)
            if let ns = callNamespace { item.field("namespace", ns) }
            item.key("input"); item.string(JSONText(body: buffer[...]))
            item.field("status", "completed")
        case .none:
            break
        }
        item.endObject()
        emit("response.output_item.done", next(), into: &out) { w in
            w.field("output_index", outputIndex)
            w.key("item"); w.raw(item.bytes)
        }
        if !output.isEmpty { output.append(UInt8(ascii: ",")) }
        output.append(contentsOf: item.bytes)
        open = .none
        redacted = nil
    }

    /// What the reasoning item's `encrypted_content` carries: a redacted block's data or an
    /// Anthropic signature behind apxlate's prefixes, or a Responses item's own content.
    private func encryptedContent() -> String? {
        if let r = redacted { return ResponsesReasoning.anthropicRedacted + r }
        if signature.isEmpty { return nil }
        let sig = String(decoding: signature, as: UTF8.self)
        switch ThinkingSignature.origin(sig) {
        case .anthropic: return ResponsesReasoning.anthropicThinking + sig
        case .responses(_, let enc): return enc
        case .chat, .unknownApx: return nil
        }
    }

    // MARK: - events

    /// The delta events, written from cached bytes (the hot path: one event per upstream
    /// fragment). `head` runs up to the sequence number; the item's fields follow it.
    private struct DeltaKind {
        let head: [UInt8]
        let tail: [UInt8]
        init(_ type: String, tail: String) {
            head = Array("event: \(type)\ndata: {\"type\":\"\(type)\",\"sequence_number\":".utf8)
            self.tail = Array(tail.utf8)
        }
        static let text = DeltaKind("response.output_text.delta", tail: "\",\"logprobs\":[]}\n\n")
        static let summary = DeltaKind("response.reasoning_summary_text.delta", tail: "\"}\n\n")
        static let arguments = DeltaKind("response.function_call_arguments.delta", tail: "\"}\n\n")
        static let customInput = DeltaKind("response.custom_tool_call_input.delta", tail: "\"}\n\n")
    }

    /// `,"item_id":…,"output_index":…` plus the part index and `"delta":"` of the open item.
    private var deltaFields: [UInt8] = []

    private mutating func setDeltaFields(part: String?, index: Int) {
        var w = JSONWriter(capacity: 64)
        w.bytes.append(UInt8(ascii: ","))
        w.field("item_id", itemId)
        w.field("output_index", outputIndex)
        if let part { w.field(part, index) }
        w.key("delta")
        w.bytes.append(UInt8(ascii: "\""))
        deltaFields = w.bytes
    }

    private mutating func delta(_ kind: DeltaKind, _ t: JSONText, into out: inout [UInt8]) {
        let n = next()
        out.append(contentsOf: kind.head)
        appendDecimal(n, to: &out)
        out.append(contentsOf: deltaFields)
        out.append(contentsOf: t.body)
        out.append(contentsOf: kind.tail)
    }

    /// A non-negative integer's decimal digits, without building a String.
    private func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value >= 0 else { out.append(contentsOf: String(value).utf8); return }
        var p = 1
        while p <= value / 10 { p *= 10 }
        var v = value
        while p > 0 {
            out.append(UInt8(truncatingIfNeeded: v / p) &+ 48)
            v %= p
            p /= 10
        }
    }

    /// The next `sequence_number`.
    private mutating func next() -> Int {
        defer { sequence += 1 }
        return sequence
    }

    /// Event number `n` with `type`, `sequence_number` and the members `body` writes.
    private func emit(_ type: String, _ n: Int, into out: inout [UInt8], _ body: (inout JSONWriter) -> Void) {
        SSEWriter.event(Array(type.utf8), into: &out) { w in
            w.beginObject()
            w.field("type", type)
            w.field("sequence_number", n)
            body(&w)
            w.endObject()
        }
    }

    /// An event about the open item: `item_id` and `output_index` first.
    private func itemEvent(_ type: String, _ n: Int, into out: inout [UInt8], _ body: (inout JSONWriter) -> Void) {
        emit(type, n, into: &out) { w in
            w.field("item_id", itemId)
            w.field("output_index", outputIndex)
            body(&w)
        }
    }

    /// response.created / in_progress / completed / incomplete (failed: ResponsesStreamFailure).
    private mutating func responseEvent(_ type: String, status: String, reason: String? = nil, into out: inout [UInt8]) {
        let final = status != "in_progress"
        let id = ids.response, created = created, model = model, usage = final ? (usage ?? NUsage()) : nil
        let output = final ? output : []
        emit(type, next(), into: &out) { w in
            w.key("response")
            ResponsesEnvelope.write(&w, id: id, created: created, status: status, incompleteReason: reason, error: nil,
                                    model: model, usage: usage) { w in
                w.bytes.append(UInt8(ascii: "["))
                w.bytes.append(contentsOf: output)
                w.endArray()
            }
        }
    }
}
