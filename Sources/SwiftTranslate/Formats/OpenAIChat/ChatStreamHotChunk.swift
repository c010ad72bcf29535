/// The Chat chunk ChatStreamDecoder reads on its fast path (`consumeHot`): one choice, index 0,
/// whose delta carries text, reasoning, a refusal or one tool-call fragment (`index` and
/// `function.arguments`, no id), and nothing else that the decoder or the usage meter reads: no
/// `finish_reason`, `usage`, `error` or `function_call` other than null, and no `model` while
/// the meter still wants one. `scan` reads it with JSONScan (every byte validated); any other
/// chunk, a repeated member among those read, or malformed JSON gives nil, and the decoder
/// parses the chunk in full. Ranges are the escaped bodies of strings in the event's data.
struct ChatStreamHotChunk {
    var content: Range<Int>? = nil
    var reasoningContent: Range<Int>? = nil
    var reasoning: Range<Int>? = nil
    var refusal: Range<Int>? = nil
    /// `tool_calls[0].index` (nil: no tool call in the chunk).
    var toolIndex: Int? = nil
    var toolArguments: Range<Int>? = nil
    /// `tool_calls[0].function.name` when a non-empty string.
    var toolName: Range<Int>? = nil

    /// Members read, each once (a second one sends the chunk to the full parse).
    fileprivate struct Seen: OptionSet {
        let rawValue: UInt32
        static let choices = Seen(rawValue: 1 << 0)
        static let usage = Seen(rawValue: 1 << 1)
        static let error = Seen(rawValue: 1 << 2)
        static let model = Seen(rawValue: 1 << 3)
        static let index = Seen(rawValue: 1 << 4)
        static let delta = Seen(rawValue: 1 << 5)
        static let finishReason = Seen(rawValue: 1 << 6)
        static let content = Seen(rawValue: 1 << 7)
        static let reasoningContent = Seen(rawValue: 1 << 8)
        static let reasoning = Seen(rawValue: 1 << 9)
        static let refusal = Seen(rawValue: 1 << 10)
        static let toolCalls = Seen(rawValue: 1 << 11)
        static let functionCall = Seen(rawValue: 1 << 12)
        static let toolIndex = Seen(rawValue: 1 << 13)
        static let toolID = Seen(rawValue: 1 << 14)
        static let function = Seen(rawValue: 1 << 15)
        static let arguments = Seen(rawValue: 1 << 16)
        static let name = Seen(rawValue: 1 << 17)

        /// Inserts `m`; false when it was there already.
        @inline(__always)
        mutating func first(_ m: Seen) -> Bool { insert(m).inserted }
    }

    /// The names read, packed (`all` lists them with their text for the tests).
    enum Name {
        static var choices: JSONKey { JSONKey(count: 7, 0x73_6563_696f_6863) } // "choices"
        static var usage: JSONKey { JSONKey(count: 5, 0x65_6761_7375) } // "usage"
        static var error: JSONKey { JSONKey(count: 5, 0x72_6f72_7265) } // "error"
        static var model: JSONKey { JSONKey(count: 5, 0x6c_6564_6f6d) } // "model"
        static var delta: JSONKey { JSONKey(count: 5, 0x61_746c_6564) } // "delta"
        static var index: JSONKey { JSONKey(count: 5, 0x78_6564_6e69) } // "index"
        static var finishReason: JSONKey { JSONKey(count: 13, 0x725f_6873_696e_6966, 0x6e_6f73_6165) } // "finish_reason"
        static var content: JSONKey { JSONKey(count: 7, 0x74_6e65_746e_6f63) } // "content"
        static var toolCalls: JSONKey { JSONKey(count: 10, 0x6c61_635f_6c6f_6f74, 0x736c) } // "tool_calls"
        static var reasoningContent: JSONKey { JSONKey(count: 17, 0x6e69_6e6f_7361_6572, 0x6e65_746e_6f63_5f67, 0x74) } // "reasoning_content"
        static var reasoning: JSONKey { JSONKey(count: 9, 0x6e69_6e6f_7361_6572, 0x67) } // "reasoning"
        static var refusal: JSONKey { JSONKey(count: 7, 0x6c_6173_7566_6572) } // "refusal"
        static var functionCall: JSONKey { JSONKey(count: 13, 0x6e6f_6974_636e_7566, 0x6c_6c61_635f) } // "function_call"
        static var function: JSONKey { JSONKey(count: 8, 0x6e6f_6974_636e_7566) } // "function"
        static var arguments: JSONKey { JSONKey(count: 9, 0x746e_656d_7567_7261, 0x73) } // "arguments"
        static var name: JSONKey { JSONKey(count: 4, 0x656d_616e) } // "name"
        static var id: JSONKey { JSONKey(count: 2, 0x6469) } // "id"
        static let all: [(String, JSONKey)] = [
            ("choices", choices),
            ("usage", usage),
            ("error", error),
            ("model", model),
            ("delta", delta),
            ("index", index),
            ("finish_reason", finishReason),
            ("content", content),
            ("tool_calls", toolCalls),
            ("reasoning_content", reasoningContent),
            ("reasoning", reasoning),
            ("refusal", refusal),
            ("function_call", functionCall),
            ("function", function),
            ("arguments", arguments),
            ("name", name),
            ("id", id),
        ]
    }

    /// What a scan knows at the first member of `choices[0].delta` (where JSONScanMemo resumes):
    /// the members seen (nothing else is read before it).
    struct Resume {
        fileprivate var seen: Seen
        var modelKnown: Bool
    }

    /// `memo`: the start of the last chunk taken, up to its delta's members (see JSONScanMemo).
    static func scan(_ data: Span<UInt8>, modelKnown: Bool, memo: inout JSONScanMemo<Resume>) -> ChatStreamHotChunk? {
        var c = ChatStreamHotChunk()
        var mark: (Int, Seen)? = nil
        if let r = memo.resume(data), r.state.modelKnown == modelKnown {
            // inside the delta, then what closes it, choices[0], the choices and the chunk
            var seen = r.state.seen
            var p = r.at
            guard JSONScan.object(data, &p, from: .firstMember, { s, key, p in deltaMember(s, key, &p, &c, &seen) }),
                  JSONScan.object(data, &p, from: .afterMember, { s, key, p in choiceMember(s, key, &p, &c, &seen, &mark) }),
                  JSONScan.expect(UInt8(ascii: "]"), data, &p),
                  JSONScan.object(data, &p, from: .afterMember, { s, key, p in topMember(s, key, &p, &c, &seen, modelKnown, &mark) }),
                  p == data.count else { return nil }
            return c
        }
        var seen = Seen()
        guard JSONScan.document(data, { s, key, p in topMember(s, key, &p, &c, &seen, modelKnown, &mark) }),
              seen.contains(.choices) else { return nil }
        if let m = mark { memo.remember(data, upTo: m.0, Resume(seen: m.1, modelKnown: modelKnown)) }
        return c
    }

    /// A member of the chunk. `mark`: set at the first member of choices[0].delta.
    private static func topMember(_ s: Span<UInt8>, _ key: JSONKey, _ p: inout Int, _ c: inout ChatStreamHotChunk,
                                  _ seen: inout Seen, _ modelKnown: Bool, _ mark: inout (Int, Seen)?) -> Bool {
        if key == Name.choices {
            guard seen.first(.choices) else { return false }
            var elements = 0
            return JSONScan.array(s, &p) { s, p in
                elements += 1
                return elements == 1 && JSONScan.object(s, &p) { s, key, p in choiceMember(s, key, &p, &c, &seen, &mark) }
            } && elements == 1
        }
        if key == Name.usage { return seen.first(.usage) && JSONScan.null(s, &p) }
        if key == Name.error { return seen.first(.error) && JSONScan.null(s, &p) }
        if key == Name.model { guard modelKnown, seen.first(.model) else { return false } }
        return JSONScan.skip(s, &p)
    }

    /// A member of `choices[0]`.
    private static func choiceMember(_ s: Span<UInt8>, _ key: JSONKey, _ p: inout Int, _ c: inout ChatStreamHotChunk,
                                     _ seen: inout Seen, _ mark: inout (Int, Seen)?) -> Bool {
        if key == Name.delta {
            guard seen.first(.delta), JSONScan.expect(UInt8(ascii: "{"), s, &p) else { return false }
            if JSONScan.peek(s, p) == UInt8(ascii: "}") {
                p += 1
                JSONScan.blanks(s, &p)
                return true
            }
            if mark == nil { mark = (p, seen) }
            return JSONScan.object(s, &p, from: .firstMember) { s, key, p in deltaMember(s, key, &p, &c, &seen) }
        }
        if key == Name.index { return seen.first(.index) && JSONScan.plainInt(s, &p) == 0 }
        if key == Name.finishReason { return seen.first(.finishReason) && JSONScan.null(s, &p) }
        return JSONScan.skip(s, &p)
    }

    /// A member of `choices[0].delta`.
    private static func deltaMember(_ s: Span<UInt8>, _ key: JSONKey, _ p: inout Int, _ c: inout ChatStreamHotChunk, _ seen: inout Seen) -> Bool {
        if key == Name.content { return seen.first(.content) && text(s, &p, &c.content) }
        if key == Name.toolCalls {
            guard seen.first(.toolCalls) else { return false }
            if JSONScan.peek(s, p) == UInt8(ascii: "n") { return JSONScan.null(s, &p) }
            var elements = 0
            return JSONScan.array(s, &p) { s, p in
                elements += 1
                return elements == 1 && toolCall(s, &p, &c, &seen)
            } && elements == 1
        }
        if key == Name.reasoningContent { return seen.first(.reasoningContent) && text(s, &p, &c.reasoningContent) }
        if key == Name.reasoning { return seen.first(.reasoning) && text(s, &p, &c.reasoning) }
        if key == Name.refusal { return seen.first(.refusal) && text(s, &p, &c.refusal) }
        if key == Name.functionCall { return seen.first(.functionCall) && JSONScan.null(s, &p) }
        return JSONScan.skip(s, &p)
    }

    /// `tool_calls[0]`: an index, no id (null or ""), arguments as a string or null.
    private static func toolCall(_ s: Span<UInt8>, _ p: inout Int, _ c: inout ChatStreamHotChunk, _ seen: inout Seen) -> Bool {
        let ok = JSONScan.object(s, &p) { s, key, p in
            if key == Name.index {
                guard seen.first(.toolIndex), let i = JSONScan.plainInt(s, &p) else { return false }
                c.toolIndex = i
                return true
            }
            if key == Name.function {
                guard seen.first(.function) else { return false }
                return JSONScan.object(s, &p) { s, key, p in
                    if key == Name.arguments { return seen.first(.arguments) && text(s, &p, &c.toolArguments) }
                    if key == Name.name {
                        var name: Range<Int>? = nil
                        guard seen.first(.name), text(s, &p, &name) else { return false }
                        if let name, !name.isEmpty { c.toolName = name }
                        return true
                    }
                    return JSONScan.skip(s, &p)
                }
            }
            if key == Name.id {
                var id: Range<Int>? = nil
                return seen.first(.toolID) && text(s, &p, &id) && (id?.isEmpty ?? true)
            }
            return JSONScan.skip(s, &p)
        }
        return ok && c.toolIndex != nil
    }

    /// A string (its body into `r`) or null (`r` untouched).
    @inline(__always)
    private static func text(_ s: Span<UInt8>, _ p: inout Int, _ r: inout Range<Int>?) -> Bool {
        var escaped = false, isNull = false
        guard let body = JSONScan.stringOrNull(s, &p, escaped: &escaped, isNull: &isNull) else { return false }
        if !isNull { r = body }
        return true
    }
}
