/// An incremental SSE parser per the WHATWG HTML "event stream interpretation": LF, CRLF and CR
/// line ends (a CR ending one chunk and the LF starting the next are one line end), multi-line
/// `data` joined with LF, `:` comments, `event`/`id`/`retry`, a field name without colon, a BOM
/// at the start. Input may be split at any byte; only the incomplete line and the incomplete
/// event are buffered.
///
/// One deliberate leniency: at the end of the stream (`finish`) a last line without line end, and
/// an event not followed by its blank line, are still delivered (WHATWG discards them), so an
/// upstream that omits the final blank line after `data: [DONE]` loses nothing.
///
/// Memory is bounded: the data of one event larger than `maxEventBytes` (however many `data:`
/// lines carry it), and a line longer than that plus a field name, are APX_ERR_LIMIT errors with
/// the byte offset; `event:`/`id:` lines replace their value, other fields are dropped.
struct SSEParser {
    /// The most data one event may carry (`limits.max_body_bytes`).
    let maxEventBytes: Int
    /// A line longer than this (an upstream that never sends a line end) is an error, not
    /// unbounded memory: room for a `data:` line carrying `maxEventBytes`.
    var maxLine: Int { maxEventBytes > Int.max - 64 ? Int.max : maxEventBytes + 64 }

    /// Stream offset of the next byte to read.
    private(set) var streamOffset = 0
    /// The beginning of a line that continues in the next input.
    private var carry: [UInt8] = []
    private var carryOffset = 0
    /// The previous input ended with CR: an LF at the start of the next one belongs to it.
    private var skipLF = false
    /// Bytes of the UTF-8 BOM matched at the very start (3 = done looking).
    private var bomMatched = 0

    /// The event being read. `name` and `data` are reused from event to event (their storage
    /// is handed out with each event, and refilled once the event is dropped: no allocation per
    /// event); `hasName`/`hasData` say whether they belong to the event being read.
    private var name: [UInt8] = []
    private var hasName = false
    private var data: [UInt8] = []
    /// The event's data while it is one `data:` line of the current input (not copied; see
    /// `keepPayload`); nil when it is in `data`.
    private var payload: ArraySlice<UInt8>? = nil
    private var hasData = false
    private var dataOffset = 0
    private var id: [UInt8]? = nil

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let LF: UInt8 = 0x0A
    private static let CR: UInt8 = 0x0D
    private static let colon = UInt8(ascii: ":")
    private static let space = UInt8(ascii: " ")

    init(maxEventBytes: Int = TranslatorConfig.defaultMaxBodyBytes) { self.maxEventBytes = maxEventBytes }

    /// The next complete event (or comment) from `input[pos...]`, advancing `pos`; nil when the
    /// input is used up (its incomplete tail is buffered).
    mutating func next(in input: ArraySlice<UInt8>, at pos: inout Int) throws(TranslateError) -> SSEEvent? {
        if let e = wholeEvent(input, at: &pos) { return e }
        if let e = try nextInInput(input, at: &pos) { return e }
        keepPayload()
        return nil
    }

    private mutating func nextInInput(_ input: ArraySlice<UInt8>, at pos: inout Int) throws(TranslateError) -> SSEEvent? {
        let end = input.endIndex
        if bomMatched < 3 {
            while bomMatched < 3 && pos < end {
                if input[pos] == SSEParser.bom[bomMatched] {
                    bomMatched += 1; pos += 1; streamOffset += 1
                } else {
                    // Not a BOM: the bytes taken so far are content.
                    if bomMatched > 0 { carryOffset = 0; carry.append(contentsOf: SSEParser.bom[0..<bomMatched]) }
                    bomMatched = 3
                }
            }
            if bomMatched < 3 { return nil }
        }
        while pos < end {
            if skipLF {
                skipLF = false
                if input[pos] == SSEParser.LF { pos += 1; streamOffset += 1; continue }
            }
            let i = SSEParser.lineEnd(input, from: pos)
            if i == end {
                if carry.isEmpty { carryOffset = streamOffset }
                carry.append(contentsOf: input[pos..<end])
                streamOffset += end - pos
                pos = end
                if carry.count > maxLine {
                    throw TranslateError(.limit, "SSE line longer than \(maxLine) bytes at byte \(carryOffset)", offset: carryOffset)
                }
                return nil
            }
            var next = i + 1
            if input[i] == SSEParser.CR {
                if next < end {
                    if input[next] == SSEParser.LF { next += 1 }
                } else {
                    skipLF = true
                }
            }
            let event: SSEEvent?
            if carry.isEmpty {
                event = try line(input[pos..<i], offset: streamOffset, inInput: true)
            } else {
                carry.append(contentsOf: input[pos..<i])
                event = try line(carry[...], offset: carryOffset)
                carry.removeAll(keepingCapacity: true)
            }
            streamOffset += next - pos
            pos = next
            if let event { return event }
        }
        return nil
    }

    /// The usual shape read at once (what the line-by-line reader would make of it): an event
    /// starting at `pos` with nothing of it buffered, an optional `event: <name>` line and one
    /// `data: <value>` line, each ended by LF, then a blank line (LF), all in `input`. nil, with
    /// nothing consumed, for anything else.
    @inline(__always)
    private mutating func wholeEvent(_ input: ArraySlice<UInt8>, at pos: inout Int) -> SSEEvent? {
        guard bomMatched == 3, !skipLF, carry.isEmpty, !hasData, !hasName, id == nil else { return nil }
        let end = input.endIndex
        var p = pos
        var named = false
        if SSEParser.starts(input, p, 0x20_3A74_6E65_7665, 7) { // "event: "
            let e = SSEParser.lineEnd(input, from: p + 7)
            guard e < end, input[e] == SSEParser.LF else { return nil }
            if name.capacity > SSEParser.keptCapacity { name = [] } else { name.removeAll(keepingCapacity: true) }
            name.append(contentsOf: input[(p + 7)..<e])
            named = true
            p = e + 1
        }
        guard SSEParser.starts(input, p, 0x20_3A61_7461_64, 6) else { return nil } // "data: "
        let e = SSEParser.lineEnd(input, from: p + 6)
        guard end - e >= 2, input[e] == SSEParser.LF, input[e + 1] == SSEParser.LF, e - (p + 6) <= maxEventBytes else { return nil }
        let event = SSEEvent(kind: .message, name: named ? name : [], payload: input[(p + 6)..<e], id: nil,
                             offset: streamOffset + (p + 6 - pos))
        streamOffset += e + 2 - pos
        pos = e + 2
        return event
    }

    /// Whether `input[p...]` starts with the `n` bytes of `word` (lowest first).
    @inline(__always)
    private static func starts(_ input: ArraySlice<UInt8>, _ p: Int, _ word: UInt64, _ n: Int) -> Bool {
        guard p >= input.startIndex, input.endIndex - p >= n else { return false }
        var k = 0
        while k < n {
            if input[p + k] != UInt8(truncatingIfNeeded: word >> UInt64(k * 8)) { return false }
            k += 1
        }
        return true
    }

    /// The index of the first LF or CR in `input[from...]`, or its end. Tests 8 bytes per step
    /// (an event line is mostly one long `data:` JSON).
    @inline(__always)
    private static func lineEnd(_ input: ArraySlice<UInt8>, from: Int) -> Int {
        let span = input.span
        let base = input.startIndex
        let n = span.count
        var i = from - base
        let raw = span.bytes
        while n - i >= 8 {
            let w = UInt64(littleEndian: raw.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self))
            let found = JSONBytes.equal(w, LF) | JSONBytes.equal(w, CR)
            if found != 0 { return base + i + JSONBytes.firstByte(found) }
            i += 8
        }
        while i < n {
            let b = span[i]
            if b == LF || b == CR { return base + i }
            i += 1
        }
        return base + n
    }

    /// End of stream: the last line without line end, and a pending event without its blank
    /// line, are delivered (see the type's note).
    mutating func finish() throws(TranslateError) -> [SSEEvent] {
        var out: [SSEEvent] = []
        if bomMatched < 3 && bomMatched > 0 { carry.insert(contentsOf: SSEParser.bom[0..<bomMatched], at: 0) }
        bomMatched = 3
        if !carry.isEmpty {
            let l = carry
            carry = []
            if let e = try line(l[...], offset: carryOffset) { out.append(e) }
        }
        if let e = try line([], offset: streamOffset) { out.append(e) }
        return out
    }

    /// Interprets one line; returns an event when the line dispatches one (or is a comment).
    /// `inInput`: `l` is a slice of the caller's input (a data line may stay one, see `payload`).
    private mutating func line(_ l: ArraySlice<UInt8>, offset: Int, inInput: Bool = false) throws(TranslateError) -> SSEEvent? {
        guard let first = l.first else { return dispatch() }
        if first == SSEParser.colon {
            var v = l.dropFirst()
            if v.first == SSEParser.space { v = v.dropFirst() }
            return SSEEvent(kind: .comment, name: [], payload: v, id: nil, offset: offset + 1)
        }
        let colon = SSEParser.fieldEnd(l)
        let field = l[l.startIndex..<colon]
        var value = colon < l.endIndex ? l[(colon + 1)...] : l[l.endIndex...]
        if value.first == SSEParser.space { value = value.dropFirst() }
        switch field.count {
        case 4 where SSEParser.isData(field):
            let valueOffset = offset + (value.startIndex - l.startIndex)
            // data.count <= maxEventBytes and value.count <= maxLine: no overflow
            if (hasData ? dataCount + 1 : 0) + value.count > maxEventBytes {
                let start = hasData ? dataOffset : valueOffset
                throw TranslateError(.limit, "SSE event data larger than \(maxEventBytes) bytes (limits.max_body_bytes): the event whose data starts at byte \(start) passes it with the line at byte \(valueOffset)", offset: valueOffset)
            }
            if !hasData {
                hasData = true
                dataOffset = valueOffset
                if inInput {
                    payload = value
                    return nil
                }
                startData()
            } else {
                if let first = payload {
                    startData()
                    data.append(contentsOf: first)
                    payload = nil
                }
                data.append(SSEParser.LF)
            }
            data.append(contentsOf: value)
        case 5 where field.elementsEqual("event".utf8):
            if name.capacity > SSEParser.keptCapacity { name = [] } else { name.removeAll(keepingCapacity: true) }
            name.append(contentsOf: value)
            hasName = true
        case 2 where field.elementsEqual("id".utf8):
            if !value.contains(0) { id = Array(value) }
        default:
            break // "retry" only matters to reconnecting clients; unknown fields are ignored
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer { hasName = false; id = nil }
        guard hasData else { return nil }
        hasData = false
        let body = payload ?? data[...]
        payload = nil
        return SSEEvent(kind: .message, name: hasName ? name : [], payload: body, id: id, offset: dataOffset)
    }

    /// Bytes of data of the event being read.
    private var dataCount: Int { payload?.count ?? data.count }

    /// Empties `data` for a new event. The last event's data is dropped by now, so its storage
    /// is unique again and kept, unless it grew large (then it is let go, not kept for the
    /// stream's life).
    private mutating func startData() {
        if data.capacity > SSEParser.keptCapacity { data = [] } else { data.removeAll(keepingCapacity: true) }
    }

    /// An event whose data is still the slice of an input (`payload`) when that input is used
    /// up: its data is copied into `data`, so no input outlives the call that brought it.
    private mutating func keepPayload() {
        guard let first = payload else { return }
        startData()
        data.append(contentsOf: first)
        payload = nil
    }

    /// Buffers above this size are not kept from one event to the next.
    private static let keptCapacity = 1 << 16

    /// The end of a line's field name: its first colon, or the line's end.
    @inline(__always)
    private static func fieldEnd(_ l: ArraySlice<UInt8>) -> Int {
        // `data:` first: nearly every line is one
        if l.count >= 5 && l[l.startIndex + 4] == colon && isData(l[l.startIndex..<(l.startIndex + 4)]) { return l.startIndex + 4 }
        return l.firstIndex(of: colon) ?? l.endIndex
    }

    @inline(__always)
    private static func isData(_ f: ArraySlice<UInt8>) -> Bool {
        f.count == 4 && f[f.startIndex] == UInt8(ascii: "d") && f[f.startIndex + 1] == UInt8(ascii: "a")
            && f[f.startIndex + 2] == UInt8(ascii: "t") && f[f.startIndex + 3] == UInt8(ascii: "a")
    }
}
