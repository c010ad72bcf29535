/// Typed reads of Chat request values: each names the JSON path of a wrong type.
extension ChatRequestDecoder: JSONTypedReads {
    /// `obj[key]` as a string; nil when absent or null.
    static func optString(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> String? {
        guard let v = present(obj[key]) else { return nil }
        return try string(v, "\(path()).\(key)")
    }

    /// `obj[key]` as a string kept escaped (see `JSONText`); nil when absent or null.
    static func optText(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> JSONText? {
        guard let v = present(obj[key]) else { return nil }
        return try text(v, "\(path()).\(key)")
    }

    static func optBool(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> Bool? {
        guard let v = present(obj[key]) else { return nil }
        return try bool(v, "\(path()).\(key)")
    }

    /// `obj[key]` as a string; throws when absent.
    static func reqString(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> String {
        guard let v = obj[key] else { throw TranslateError.invalid("\(path()).\(key)", "required") }
        return try string(v, "\(path()).\(key)")
    }

    /// `obj[key]` as a string kept escaped (see `JSONText`); throws when absent.
    static func reqText(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> JSONText {
        guard let v = obj[key] else { throw TranslateError.invalid("\(path()).\(key)", "required") }
        return try text(v, "\(path()).\(key)")
    }

    /// A member that is absent or JSON null reads as nil.
    static func present(_ v: JSONValue?) -> JSONValue? {
        guard let v, !v.isNull else { return nil }
        return v
    }

    static func describe(_ v: JSONValue) -> String { v.numberForMessage }

    /// Text from `string | [{type:"text", text}]` (system, developer and tool contents).
    static func textParts(_ v: JSONValue, _ path: @autoclosure () -> String) throws(TranslateError) -> [NText] {
        if let t = JSONText(v) { return [NText(json: t)] }
        guard v.isArray else { throw TranslateError.invalid(path(), "expected a string or an array of text parts, got \(v.kindDescription)") }
        var out: [NText] = []
        var i = 0
        for part in v.elements {
            let i_p = i
            func p() -> String { "\(path())[\(i_p)]" }
            try object(part, p())
            let type = part["type"]?.string ?? "text"
            guard type == "text" else { throw TranslateError.invalid(p(), "only text parts are allowed here, got \"\(type)\"") }
            guard let t = part["text"] else { throw TranslateError.invalid("\(p()).text", "required") }
            out.append(NText(json: try text(t, "\(p()).text"), cacheControl: cacheControl(part)))
            i += 1
        }
        return out
    }

    /// A `cache_control` some clients (LiteLLM style) put on Chat parts, kept for Anthropic.
    static func cacheControl(_ part: JSONValue) -> [UInt8]? {
        guard let c = present(part["cache_control"]), c.isObject else { return nil }
        return Array(c.raw)
    }
}
