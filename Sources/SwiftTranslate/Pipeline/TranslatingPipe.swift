/// SSE parser → decoder → neutral events → encoder → client bytes.
struct TranslatingPipe<Decoder: StreamDecoder, Encoder: StreamEncoder, Meter: StreamMeter>: StreamPipe {
    private var parser: SSEParser
    private var decoder: Decoder
    private var encoder: Encoder
    /// Reused between events.
    private var events: [StreamEvent] = []
    private var meter: Meter

    init(decoder: Decoder, encoder: Encoder, meter: Meter, maxEventBytes: Int) {
        parser = SSEParser(maxEventBytes: maxEventBytes)
        self.meter = meter
        self.decoder = decoder
        self.encoder = encoder
        events.reserveCapacity(8)
    }

    // The pipe is reached through `any StreamPipe`, whose witnesses are the generic code: the
    // specializations make the per-event path direct calls (no witness or value-witness calls).
    @_specialize(where Decoder == ChatStreamDecoder, Encoder == AnthropicStreamEncoder, Meter == StreamUsageMeter)
    @_specialize(where Decoder == AnthropicStreamDecoder, Encoder == ChatStreamEncoder, Meter == StreamUsageMeter)
    @_specialize(where Decoder == ResponsesStreamDecoder, Encoder == AnthropicStreamEncoder, Meter == StreamUsageMeter)
    @_specialize(where Decoder == ResponsesStreamDecoder, Encoder == ChatStreamEncoder, Meter == StreamUsageMeter)
    @_specialize(where Decoder == AnthropicStreamDecoder, Encoder == ResponsesStreamEncoder, Meter == StreamUsageMeter)
    @_specialize(where Decoder == ChatStreamDecoder, Encoder == ResponsesStreamEncoder, Meter == StreamUsageMeter)
    mutating func feed(_ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) throws(TranslateError) {
        var pos = bytes.startIndex
        while let event = try parser.next(in: bytes, at: &pos) {
            try handle(event, into: &out)
        }
    }

    mutating func finish(into out: inout [UInt8]) throws(TranslateError) {
        for event in try parser.finish() { try handle(event, into: &out) }
        try decoder.finish(into: &events)
        flush(into: &out)
        encoder.finish(into: &out)
    }

    /// The encoder has written exactly what the client has (events a failing decoder left
    /// behind were never encoded), so its error event continues the stream where it stands.
    mutating func fail(_ error: NError, into out: inout [UInt8]) {
        events.removeAll(keepingCapacity: false)
        parser = SSEParser()
        encoder.encode(.error(error), into: &out)
    }

    private mutating func handle(_ event: SSEEvent, into out: inout [UInt8]) throws(TranslateError) {
        if event.kind == .comment {
            encoder.encode(.keepAlive, into: &out)
            return
        }
        if event.payload.isEmpty { return }
        if event.isDone {
            try decoder.done(into: &events)
        } else if try consumeHot(event) {
            // a delta, read without a parse
        } else {
            let doc: JSONDocument
            do {
                doc = try JSONDocument.parse(event.data)
            } catch {
                let at = error.offset >= 0 ? event.offset + error.offset : event.offset // offsets of bytes received: far below Int.max
                if error.status == .limit {
                    // too deep: a limit, not a malformed stream (the offset is the stream's)
                    throw TranslateError(.limit, "upstream event data at byte \(event.offset): \(error.message) of the event (stream byte \(at))", offset: at)
                }
                throw TranslateError(.stream, "upstream event data at byte \(event.offset) is not JSON: \(error.message)", offset: at)
            }
            meter.observe(event, json: doc.root)
            do {
                try decoder.consume(event, json: doc.root, into: &events)
            } catch where error.status == .invalid {
                // A value of the event that is not what it must be (a negative token count):
                // a malformed stream, located by the event's byte offset and the value's path.
                throw TranslateError(.stream, "upstream event at byte \(event.offset): \(error.message)", path: error.path, offset: event.offset)
            }
        }
        flush(into: &out)
    }

    private mutating func consumeHot(_ event: SSEEvent) throws(TranslateError) -> Bool {
        do {
            return try decoder.consumeHot(event, modelKnown: meter.hasModel, into: &events)
        } catch where error.status == .invalid {
            throw TranslateError(.stream, "upstream event at byte \(event.offset): \(error.message)", path: error.path, offset: event.offset)
        }
    }

    private mutating func flush(into out: inout [UInt8]) {
        if events.isEmpty { return }
        // by index: an iterator would hold a second reference to the array, and the removal
        // below would then allocate a new one
        var i = 0
        while i < events.count {
            encoder.encode(events[i], into: &out)
            i += 1
        }
        events.removeAll(keepingCapacity: true)
    }

    var usage: UsageReport { meter.report }

    mutating func takeWarnings() -> [String] {
        var w = decoder.takeWarnings()
        w += encoder.takeWarnings()
        return w
    }
}
