/// Same format on both sides. Without a model to restore, the bytes are copied unchanged (no
/// parsing at all). Otherwise each event is parsed and written again with only the model name
/// replaced by the client's (top-level `model` in Chat chunks, `message.model` in Anthropic's
/// `message_start`, `response.model` in Responses events); comments (keep-alives), `event:` and
/// `id:` lines are kept; data that is not JSON is passed on as it is.
struct PassthroughPipe: StreamPipe {
    private let clientModel: String?
    private var parser: SSEParser

    init(settings: StreamSettings, upstreamModel: String?) {
        parser = SSEParser(maxEventBytes: settings.config.maxBodyBytes)
        if let m = settings.clientModel, !m.isEmpty, m != upstreamModel { clientModel = m } else { clientModel = nil }
    }

    mutating func feed(_ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) throws(TranslateError) {
        guard let clientModel else {
            out.append(contentsOf: bytes)
            return
        }
        var pos = bytes.startIndex
        while let event = try parser.next(in: bytes, at: &pos) { write(event, clientModel, into: &out) }
    }

    mutating func finish(into out: inout [UInt8]) throws(TranslateError) {
        guard let clientModel else { return }
        for event in try parser.finish() { write(event, clientModel, into: &out) }
    }

    mutating func takeWarnings() -> [String] { [] }

    private func write(_ event: SSEEvent, _ model: String, into out: inout [UInt8]) {
        if event.kind == .comment {
            SSEWriter.comment(event.data[...], into: &out)
            return
        }
        SSEWriter.event(name: event.name, id: event.id, data: Self.replacingModel(event.data, with: model)[...], into: &out)
    }

    /// `data` with its model name replaced (unchanged when it has none or is not JSON).
    static func replacingModel(_ data: [UInt8], with model: String) -> [UInt8] {
        guard data.first == UInt8(ascii: "{"), let doc = try? JSONDocument.parse(data) else { return data }
        let root = doc.root
        guard let value = root["model"] ?? root["message"]?["model"] ?? root["response"]?["model"], value.isString,
              !value.stringEquals(model) else { return data }
        var w = JSONWriter(capacity: data.count + model.utf8.count)
        w.bytes.append(contentsOf: data[0..<value.offset])
        w.string(model)
        w.bytes.append(contentsOf: data[(value.offset + value.raw.count)...])
        return w.bytes
    }
}
