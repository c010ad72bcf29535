/// Reads usage and model from upstream documents, one format at a time, with each format's own
/// usage decoder (AnthropicUsage, ChatUsage, ResponsesUsage): the same figures a translation
/// reports to the client. Counts saturate at `Counts.maxTokens`.
enum UsageReader {
    /// A one-shot response body's `usage` object (top level in all three formats) and `model`.
    static func response(format: Format, root: JSONValue) throws(TranslateError) -> UsageReport {
        var report = UsageReport()
        report.model = root["model"]?.string
        if let u = root["usage"], u.isObject { report.usage = try usage(format: format, u, path: "usage") }
        return report
    }

    static func usage(format: Format, _ u: JSONValue, path: String) throws(TranslateError) -> NUsage {
        switch format {
        case .anthropic: return try AnthropicUsage.decode(u, path: path)
        case .openaiChat: return try ChatUsage.decode(u, path: path)
        case .openaiResponses: return try ResponsesUsage.decode(u, path: path)
        }
    }
}

/// Follows the usage and model of an upstream stream, event by event (its data already parsed):
///   Anthropic: `message_start` (message.model, message.usage), then `message_delta` usage
///              figures, cumulative (each present one replaces the last);
///   Chat:      the first chunk's `model`; the last `usage` object (the usage chunk);
///   Responses: `response.model` of any response event; `response.usage` of the closing
///              `response.completed` / `incomplete` / `failed`.
/// A value that is not a count is not an error here (the translation reports it): it is left out.
struct StreamUsageMeter: StreamMeter {
    let format: Format
    private(set) var report = UsageReport()

    init(format: Format) { self.format = format }

    var hasModel: Bool { report.model != nil }

    mutating func observe(_ event: SSEEvent, json root: JSONValue) {
        guard root.isObject else { return }
        switch format {
        case .anthropic:
            let type = event.name.isEmpty ? root["type"]?.string : event.nameString
            if type == "message_start", let m = root["message"] {
                if let name = m["model"]?.string { report.model = name }
                if let u = m["usage"], u.isObject, let n = try? AnthropicUsage.decode(u, path: "message.usage") { report.usage = n }
            } else if type == "message_delta", let u = root["usage"], u.isObject {
                var n = report.usage ?? NUsage()
                if (try? AnthropicUsage.merge(u, into: &n)) != nil { report.usage = n }
            }
        case .openaiChat:
            if report.model == nil, let name = root["model"]?.string { report.model = name }
            if let u = root["usage"], u.isObject, let n = try? ChatUsage.decode(u, path: "usage") { report.usage = n }
        case .openaiResponses:
            guard let r = root["response"], r.isObject else { return }
            if let name = r["model"]?.string { report.model = name }
            if let u = r["usage"], u.isObject, let n = try? ResponsesUsage.decode(u, path: "response.usage") { report.usage = n }
        }
    }

    /// Raw passthrough bytes (whole events, not parsed for the client). Only the events that may
    /// carry what is still wanted are parsed, each alone (its bounds found around the hit): one
    /// holding a usage object (`"usage":{`, not the `"usage":null` many chunks carry), or one
    /// naming a model while none is known. The other bytes are only searched, once.
    mutating func observe(raw events: ArraySlice<UInt8>) {
        var from = events.startIndex
        var usageHit = Self.usageObjectCandidate(in: events, from: from)
        while from < events.endIndex {
            if let u = usageHit, u < from { usageHit = Self.usageObjectCandidate(in: events, from: from) }
            var hit = usageHit
            if report.model == nil, let m = ByteSearch.firstIndex(of: Self.modelKey, in: events[from..<(usageHit ?? events.endIndex)]) { hit = m }
            guard let h = hit else { return }
            let start = SSEEventEnds.last(in: events[..<h], notBefore: from, before: .streamStart) ?? from
            var end = SSEEventEnds.first(in: events, from: h, before: .streamStart) ?? events.endIndex
            if end < events.endIndex, events[end - 1] == 0x0D, events[end] == 0x0A { end += 1 }
            observe(parsing: events[start..<end])
            from = end
        }
    }

    /// Parses `bytes` (whole events) and observes those whose data holds a usage object, or a
    /// model while none is known.
    private mutating func observe(parsing bytes: ArraySlice<UInt8>) {
        var parser = SSEParser()
        var pos = bytes.startIndex
        var parsed: [SSEEvent] = []
        while let e = try? parser.next(in: bytes, at: &pos) { parsed.append(e) }
        parsed += (try? parser.finish()) ?? []
        for e in parsed where e.kind == .message && e.payload.first == UInt8(ascii: "{") {
            guard Self.hasUsageObject(e.payload) || (report.model == nil && ByteSearch.contains(e.payload, Self.modelKey)) else { continue }
            if let doc = try? JSONDocument.parse(e.data) { observe(e, json: doc.root) }
        }
    }

    /// Where raw SSE bytes may hold a usage object, from `from`: `"usage"` followed (after blanks
    /// and the colon) by `{`, or by a line end (the object may open on the next `data:` line; the
    /// event's joined data decides).
    static func usageObjectCandidate(in bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
        var from = start
        while let hit = ByteSearch.firstIndex(of: usageKey, in: bytes[from...]) {
            var i = hit + usageKey.count
            var lineEnd = false
            while i < bytes.endIndex, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == UInt8(ascii: ":") {
                if bytes[i] == 0x0A || bytes[i] == 0x0D { lineEnd = true }
                i += 1
            }
            if lineEnd || (i < bytes.endIndex && bytes[i] == UInt8(ascii: "{")) { return hit }
            from = hit + 1
        }
        return nil
    }

    /// Whether `bytes` hold `"usage"` followed (after blanks and the colon) by an object.
    static func hasUsageObject(_ bytes: ArraySlice<UInt8>) -> Bool {
        var from = bytes.startIndex
        while let hit = ByteSearch.firstIndex(of: usageKey, in: bytes[from...]) {
            var i = hit + usageKey.count
            while i < bytes.endIndex, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == UInt8(ascii: ":") { i += 1 }
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: "{") { return true }
            from = hit + 1
        }
        return false
    }

    private static let usageKey = Array("\"usage\"".utf8)
    private static let modelKey = Array("\"model\"".utf8)
}
