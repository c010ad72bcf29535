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

    private var name: [UInt8] = []
    private var data: [UInt8] = []
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
                event = try line(input[pos..<i], offset: streamOffset)
            } else {
                carry.append(contentsOf: input[pos..<i])
                let l = carry
                carry.removeAll(keepingCapacity: true)
                event = try line(l[...], offset: carryOffset)
            }
            streamOffset += next - pos
            pos = next
            if let event { return event }
        }
        return nil
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
    private mutating func line(_ l: ArraySlice<UInt8>, offset: Int) throws(TranslateError) -> SSEEvent? {
        guard let first = l.first else { return dispatch() }
        if first == SSEParser.colon {
            var v = l.dropFirst()
            if v.first == SSEParser.space { v = v.dropFirst() }
            return SSEEvent(kind: .comment, name: [], data: Array(v), id: nil, offset: offset + 1)
        }
        let colon = l.firstIndex(of: SSEParser.colon) ?? l.endIndex
        let field = l[l.startIndex..<colon]
        var value = colon < l.endIndex ? l[(colon + 1)...] : l[l.endIndex...]
        if value.first == SSEParser.space { value = value.dropFirst() }
        switch field.count {
        case 4 where field.elementsEqual("data".utf8):
            let valueOffset = offset + (value.startIndex - l.startIndex)
            // data.count <= maxEventBytes and value.count <= maxLine: no overflow
            if data.count + (hasData ? 1 : 0) + value.count > maxEventBytes {
                let start = hasData ? dataOffset : valueOffset
                throw TranslateError(.limit, "SSE event data larger than \(maxEventBytes) bytes (limits.max_body_bytes): the event whose data starts at byte \(start) passes it with the line at byte \(valueOffset)", offset: valueOffset)
            }
            if hasData {
                data.append(SSEParser.LF)
            } else {
                hasData = true
                dataOffset = valueOffset
            }
            data.append(contentsOf: value)
        case 5 where field.elementsEqual("event".utf8):
            name = Array(value)
        case 2 where field.elementsEqual("id".utf8):
            if !value.contains(0) { id = Array(value) }
        default:
            break // "retry" only matters to reconnecting clients; unknown fields are ignored
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer { name = []; id = nil }
        guard hasData else { return nil }
        hasData = false
        let e = SSEEvent(kind: .message, name: name, data: data, id: id, offset: dataOffset)
        data = []
        return e
    }
}
