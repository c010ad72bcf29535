/// Same format on both sides. Without a model to restore, the bytes are copied unchanged (no
/// parsing at all), but only up to the end of the last complete event: the rest waits for the
/// event's end, so that a failure (`fail`) never lands inside a half-sent event. Otherwise each
/// event is parsed and written again with only the model name replaced by the client's
/// (top-level `model` in Chat chunks, `message.model` in Anthropic's `message_start`,
/// `response.model` in Responses events); comments (keep-alives), `event:` and `id:` lines are
/// kept; data that is not JSON is passed on as it is.
///
/// For `fail` the pipe remembers the first and the last data event it sent (raw bytes): the
/// last says whether the stream is already complete and, for Responses, the sequence number to
/// continue from; the first (`response.created`) gives the response's id, creation time and
/// model. A failed Responses passthrough lists no output items (the upstream's items are not
/// tracked).
struct PassthroughPipe: StreamPipe {
    private let format: Format
    private let clientModel: String?
    private var parser: SSEParser
    /// Raw mode: the incomplete event after the last event end sent.
    private var held: [UInt8] = []
    /// Raw mode: the last two bytes sent (what `held` follows).
    private var sentTail = SSEEventEnds.Before.streamStart
    private var firstEvent: [UInt8]? = nil
    private var lastEvent: [UInt8] = []
    private var meter: StreamUsageMeter
    /// Past this an incomplete event is sent as it is (an upstream that never ends its event).
    static let maxHeld = 1 << 20

    init(format: Format, settings: TranslationContext, upstreamModel: String?) {
        self.format = format
        meter = StreamUsageMeter(format: format)
        parser = SSEParser(maxEventBytes: settings.config.maxBodyBytes)
        if let m = settings.clientModel, !m.isEmpty, m != upstreamModel { clientModel = m } else { clientModel = nil }
    }

    mutating func feed(_ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) throws(TranslateError) {
        guard let clientModel else {
            forwardRaw(bytes, into: &out)
            return
        }
        var pos = bytes.startIndex
        while let event = try parser.next(in: bytes, at: &pos) { write(event, clientModel, into: &out) }
    }

    /// An event left without its blank line at the end is sent (completed) when its data is whole
    /// (JSON or `[DONE]`: an upstream that omits the last blank line); data cut short means the
    /// upstream broke off inside the event: an error (APX_ERR_STREAM), then `fail` ends the stream.
    /// Then the stream must have reached its format's end (Anthropic `message_stop`, Responses
    /// `response.completed`/`incomplete`/`failed`, an error event; Chat `[DONE]`, which is added
    /// when the last chunk finished the answer): else the upstream stopped early, an error too.
    mutating func finish(into out: inout [UInt8]) throws(TranslateError) {
        if let clientModel {
            for event in try parser.finish() {
                if event.kind == .message && !event.payload.isEmpty {
                    try Self.checkWhole(Parsed(event: event, json: try? JSONDocument.parse(event.data)))
                }
                write(event, clientModel, into: &out)
            }
        } else if !held.isEmpty {
            var tail = held
            held = []
            // without a data event it is a comment or bytes that are not SSE: dropped
            if let p = Self.parse(tail) {
                try Self.checkWhole(p)
                if !SSEEventEnds.isEnd(tail[...], tail.endIndex, before: sentTail) { // complete the last event
                    switch tail.last {
                    case Self.LF: tail.append(Self.LF)
                    case Self.CR: tail.append(contentsOf: [Self.CR, Self.LF])
                    default: tail.append(contentsOf: [Self.LF, Self.LF])
                    }
                }
                send(tail[...], into: &out)
            }
        }
        try checkEnded(into: &out)
    }

    private mutating func checkEnded(into out: inout [UInt8]) throws(TranslateError) {
        let last = Self.parse(lastEvent)
        let type = last.flatMap(Self.type)
        switch format {
        case .anthropic:
            if type == "message_stop" || type == "error" { return }
        case .openaiResponses:
            if type == "response.completed" || type == "response.incomplete" || type == "response.failed" || type == "error" { return }
        case .openaiChat:
            guard let last, let root = last.json?.root else {
                if last?.isDone == true { return }
                break
            }
            if root["error"] != nil { return }
            var finished = false
            if let choices = root["choices"] {
                for choice in choices.elements {
                    if let r = choice["finish_reason"], !r.isNull { finished = true }
                }
            }
            if finished || root["usage"].map({ !$0.isNull }) == true {
                SSEWriter.done(into: &out)
                lastEvent = Array("data: [DONE]\n\n".utf8)
                return
            }
        }
        throw TranslateError(.stream, lastEvent.isEmpty ? "the upstream stream ended before sending any event"
                                                        : "the upstream stream ended before its last event")
    }

    private static func checkWhole(_ p: Parsed) throws(TranslateError) {
        guard !p.isDone, p.json == nil else { return }
        throw TranslateError(.stream, "the upstream stream ended inside an event (its data is not whole JSON)")
    }

    mutating func takeWarnings() -> [String] { [] }

    var usage: UsageReport { meter.report }

    // MARK: - raw mode

    /// Sends everything up to the last event end of `held + bytes`; keeps the rest.
    private mutating func forwardRaw(_ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) {
        if held.isEmpty {
            guard let end = SSEEventEnds.last(in: bytes, notBefore: bytes.startIndex, before: sentTail) else {
                held.append(contentsOf: bytes)
                return spillIfTooLong(into: &out)
            }
            send(bytes[..<end], into: &out)
            held.append(contentsOf: bytes[end...])
            return
        }
        let searchFrom = max(held.count - 3, 0)
        held.append(contentsOf: bytes)
        guard let end = SSEEventEnds.last(in: held[...], notBefore: searchFrom, before: sentTail) else { return spillIfTooLong(into: &out) }
        send(held[..<end], into: &out)
        held.removeFirst(end)
    }

    private mutating func spillIfTooLong(into out: inout [UInt8]) {
        guard held.count > Self.maxHeld else { return }
        out.append(contentsOf: held)
        sentTail = sentTail.after(held[...])
        held = []
    }

    /// `events` is whole events: sent, and its first and last data events remembered (comments,
    /// blank lines and events without data are skipped, wherever the chunks were split).
    private mutating func send(_ events: ArraySlice<UInt8>, into out: inout [UInt8]) {
        out.append(contentsOf: events)
        meter.observe(raw: events)
        let before = sentTail
        sentTail = before.after(events)
        var start = events.startIndex
        while firstEvent == nil, let end = SSEEventEnds.first(in: events, from: start, before: before) {
            if SSEEventEnds.hasData(events[start..<end]) { firstEvent = Array(events[start..<end]) }
            start = end
        }
        var stop = events.endIndex
        while stop > events.startIndex {
            var t = stop
            while t > events.startIndex, events[t - 1] == Self.LF || events[t - 1] == Self.CR { t -= 1 }
            let start = SSEEventEnds.last(in: events[..<t], notBefore: events.startIndex, before: before) ?? events.startIndex
            if start < t, SSEEventEnds.hasData(events[start..<t]) {
                lastEvent = Array(events[start..<stop])
                return
            }
            stop = start
        }
    }

    private static let LF: UInt8 = 0x0A
    private static let CR: UInt8 = 0x0D

    // MARK: - model-restoring mode

    private mutating func write(_ event: SSEEvent, _ model: String, into out: inout [UInt8]) {
        if event.kind == .comment {
            SSEWriter.comment(event.payload, into: &out)
            return
        }
        let start = out.count
        SSEWriter.event(name: event.name, id: event.id, data: Self.replacingModel(event, with: model, meter: &meter)[...], into: &out)
        if event.payload.isEmpty { return }
        if firstEvent == nil { firstEvent = Array(out[start...]) }
        lastEvent = Array(out[start...])
    }

    /// The event's data with its model name replaced (unchanged when it has none or is not
    /// JSON); the parsed data goes to the usage meter too.
    static func replacingModel(_ event: SSEEvent, with model: String, meter: inout StreamUsageMeter) -> [UInt8] {
        let data = event.data
        guard data.first == UInt8(ascii: "{"), let doc = try? JSONDocument.parse(data) else { return data }
        let root = doc.root
        meter.observe(event, json: root)
        guard let value = root["model"] ?? root["message"]?["model"] ?? root["response"]?["model"], value.isString,
              !value.stringEquals(model) else { return data }
        var w = JSONWriter(capacity: data.count + model.utf8.count)
        w.bytes.append(contentsOf: data[0..<value.offset])
        w.string(model)
        w.bytes.append(contentsOf: data[(value.offset + value.raw.count)...])
        return w.bytes
    }

    // MARK: - failure

    mutating func fail(_ error: NError, into out: inout [UInt8]) {
        held = []
        parser = SSEParser()
        let last = Self.parse(lastEvent)
        let type = last.flatMap(Self.type)
        switch format {
        case .anthropic:
            if type == "message_stop" || type == "error" { return }
            AnthropicStreamFailure.write(error, into: &out)
        case .openaiChat:
            if let last, last.isDone || last.json?.root["error"] != nil { return }
            ChatStreamFailure.write(error, into: &out)
        case .openaiResponses:
            if type == "response.completed" || type == "response.incomplete" || type == "response.failed" { return }
            failResponses(error, last: last, into: &out)
        }
        lastEvent = []
    }

    private mutating func failResponses(_ error: NError, last: Parsed?, into out: inout [UInt8]) {
        let response = Self.parse(firstEvent ?? [])?.json?.root["response"]
        var identity = ResponsesStreamFailure.ResponseIdentity(id: "resp_apx", created: 0, model: "")
        var sequence = 0
        if let response {
            identity.id = response["id"]?.string ?? identity.id
            identity.created = response["created_at"]?.int ?? 0
            identity.model = clientModel ?? response["model"]?.string ?? ""
            if let n = last?.json?.root["sequence_number"]?.int, n >= 0 { sequence = n < Int.max ? n + 1 : n }
        } else {
            identity.model = clientModel ?? ""
            ResponsesStreamFailure.responsesOpening(identity, sequence: &sequence, into: &out)
        }
        ResponsesStreamFailure.responses(error, identity, output: [], sequence: &sequence, into: &out)
    }

    private struct Parsed {
        var event: SSEEvent
        var json: JSONDocument?
        var isDone: Bool { event.isDone }
    }

    /// The first data event of `bytes` (one whole event), with its JSON when it is JSON.
    private static func parse(_ bytes: [UInt8]) -> Parsed? {
        guard !bytes.isEmpty else { return nil }
        var p = SSEParser()
        var pos = 0
        var events: [SSEEvent] = []
        while let e = try? p.next(in: bytes[...], at: &pos) { events.append(e) }
        events += (try? p.finish()) ?? []
        guard let e = events.first(where: { $0.kind == .message && !$0.payload.isEmpty }) else { return nil }
        return Parsed(event: e, json: try? JSONDocument.parse(e.data))
    }

    /// The event's type: its `event:` name, else the data's `type`.
    private static func type(_ p: Parsed) -> String? {
        if !p.event.name.isEmpty { return p.event.nameString }
        return p.json?.root["type"]?.string
    }
}
