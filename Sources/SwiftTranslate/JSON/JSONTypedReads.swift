/// Typed reads of request values shared by the decoders: a wrong type becomes
/// `TranslateError.invalid` naming the value's JSON path. Conforming decoders call these
/// unqualified (`try string(v, path)`). Paths are autoclosures: formatted only for an error.
protocol JSONTypedReads {}

extension JSONTypedReads {
    static func string(_ v: JSONValue, _ path: @autoclosure () -> String) throws(TranslateError) -> String {
        guard let s = v.string else { throw TranslateError.invalid(path(), "expected a string, got \(v.kindDescription)") }
        return s
    }

    /// A string kept escaped, as it arrived (see `JSONText`).
    static func text(_ v: JSONValue, _ path: @autoclosure () -> String) throws(TranslateError) -> JSONText {
        guard let t = JSONText(v) else { throw TranslateError.invalid(path(), "expected a string, got \(v.kindDescription)") }
        return t
    }

    static func bool(_ v: JSONValue, _ path: @autoclosure () -> String) throws(TranslateError) -> Bool {
        guard let b = v.bool else { throw TranslateError.invalid(path(), "expected true or false, got \(v.kindDescription)") }
        return b
    }

    /// A non-negative integer (max_tokens, budgets), saturated at Int.max (see Counts).
    static func count(_ v: JSONValue, _ path: @autoclosure () -> String) throws(TranslateError) -> Int {
        guard let i = v.count(upTo: .max) else { throw TranslateError.notACount(path(), v) }
        return i
    }

    /// A number, kept as its exact input text.
    static func number(_ v: JSONValue, _ path: @autoclosure () -> String) throws(TranslateError) -> String {
        guard let t = v.numberText else { throw TranslateError.invalid(path(), "expected a number, got \(v.kindDescription)") }
        return t
    }

    static func object(_ v: JSONValue, _ path: @autoclosure () -> String) throws(TranslateError) {
        guard v.isObject else { throw TranslateError.invalid(path(), "expected an object, got \(v.kindDescription)") }
    }

    static func array(_ v: JSONValue, _ path: @autoclosure () -> String) throws(TranslateError) {
        guard v.isArray else { throw TranslateError.invalid(path(), "expected an array, got \(v.kindDescription)") }
    }
}
