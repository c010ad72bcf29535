/// Typed field reads for the decoders of every format: every wrong type becomes
/// `TranslateError.invalid` with the field's JSON path (built only when
/// there is an error: paths are autoclosures, so the hot path formats no text).
enum FieldReads: JSONTypedReads {
    /// `path.key`, or `key` at the top level.
    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A required string member.
    static func string(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> String {
        guard let v = obj[key] else { throw TranslateError.invalid(path(), "missing \"\(key)\"") }
        guard let s = v.string else { throw TranslateError.invalid(join(path(), key), "expected a string, got \(v.kindDescription)") }
        return s
    }

    /// A required string member kept escaped, as it arrived (see `JSONText`).
    static func text(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> JSONText {
        guard let v = obj[key] else { throw TranslateError.invalid(path(), "missing \"\(key)\"") }
        guard let t = JSONText(v) else { throw TranslateError.invalid(join(path(), key), "expected a string, got \(v.kindDescription)") }
        return t
    }

    /// An optional string member kept escaped (absent or null gives nil).
    static func optionalText(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> JSONText? {
        guard let v = obj[key], !v.isNull else { return nil }
        guard let t = JSONText(v) else { throw TranslateError.invalid(join(path(), key), "expected a string, got \(v.kindDescription)") }
        return t
    }

    /// An optional string member (absent or null gives nil).
    static func optionalString(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> String? {
        guard let v = obj[key], !v.isNull else { return nil }
        guard let s = v.string else { throw TranslateError.invalid(join(path(), key), "expected a string, got \(v.kindDescription)") }
        return s
    }

    static func optionalBool(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> Bool? {
        guard let v = obj[key], !v.isNull else { return nil }
        guard let b = v.bool else { throw TranslateError.invalid(join(path(), key), "expected true or false, got \(v.kindDescription)") }
        return b
    }

    /// An optional non-negative integer (budgets), saturated at Int.max (see Counts).
    static func optionalCount(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> Int? {
        guard let v = obj[key], !v.isNull else { return nil }
        return try count(v, join(path(), key))
    }

    /// A number kept as its exact text.
    static func optionalNumberText(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> String? {
        guard let v = obj[key], !v.isNull else { return nil }
        guard let t = v.numberText else { throw TranslateError.invalid(join(path(), key), "expected a number, got \(v.kindDescription)") }
        return t
    }

    /// The raw bytes of an optional member that must be an object (`cache_control`, schemas).
    static func optionalRawObject(_ obj: JSONValue, _ key: String, _ path: @autoclosure () -> String) throws(TranslateError) -> [UInt8]? {
        guard let v = obj[key], !v.isNull else { return nil }
        guard v.isObject else { throw TranslateError.invalid(join(path(), key), "expected an object, got \(v.kindDescription)") }
        return Array(v.raw)
    }
}
