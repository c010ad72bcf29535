/// The one place for numbers that come from input (token counts, budgets, indexes, sizes): reads
/// that saturate instead of failing on huge values, and arithmetic that saturates instead of
/// trapping. A count is never negative; a huge one (`1e400`, `99999999999999999999`) is pinned
/// to the largest value kept; a negative or fractional one is not a count and is rejected by the
/// caller with the value's JSON path.
enum Counts {
    /// The largest token count kept from an upstream's usage: 2^48, so that sums and differences
    /// of a few counts stay far from overflow even before the saturating operators below.
    static let maxTokens = 1 << 48
}

extension Int {
    /// `self + other`, pinned to `Int.min...Int.max` instead of trapping.
    @inline(__always)
    func saturatingAdd(_ other: Int) -> Int {
        let (r, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : r
    }

    /// `self - other`, pinned to `Int.min...Int.max` instead of trapping.
    @inline(__always)
    func saturatingSubtract(_ other: Int) -> Int {
        let (r, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : r
    }

    /// `self * other`, pinned to `Int.min...Int.max` instead of trapping.
    @inline(__always)
    func saturatingMultiply(_ other: Int) -> Int {
        let (r, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : r
    }
}

extension JSONValue {
    /// This number as a count in `0...limit`: an integer (also written `1e3` or `12.0`), pinned
    /// to `limit` when larger, however large (`1e400` too). nil when it is not a count: negative,
    /// fractional, or not a number.
    func count(upTo limit: Int) -> Int? {
        guard kind == .number else { return nil }
        if let i = int { return i < 0 ? nil : Swift.min(i, limit) }
        // Beyond Int's range, or a fraction or exponent that `int` does not take exactly.
        guard let d = double, !d.isNaN, d >= 0, d.rounded(.towardZero) == d else { return nil }
        return d >= Double(limit) ? limit : Int(d) // d < limit <= Int.max here: the conversion cannot trap
    }

    /// A token count from an upstream's usage object (see `Counts.maxTokens`); null counts as
    /// absent. Throws `.invalid` at `path` for a negative, fractional or non-numeric value.
    func tokenCount(_ path: String) throws(TranslateError) -> Int? {
        if isNull { return nil }
        guard let n = count(upTo: Counts.maxTokens) else { throw TranslateError.notACount(path, self) }
        return n
    }

    /// The member `key` as a token count (nil when absent or null); the path is `path.key`.
    func tokenCount(_ key: String, _ path: String) throws(TranslateError) -> Int? {
        guard let v = self[key] else { return nil }
        return try v.tokenCount(path.isEmpty ? key : "\(path).\(key)")
    }
}

extension TranslateError {
    /// "`path`: expected a non-negative integer, got -5" (the number's text, or the value's kind).
    static func notACount(_ path: String, _ v: JSONValue) -> TranslateError {
        .invalid(path, "expected a non-negative integer, got \(v.numberForMessage)")
    }
}

extension JSONValue {
    /// A number's text for a message (at most 40 characters: a number may be megabytes of
    /// digits), or the value's kind ("a string").
    var numberForMessage: String {
        guard let t = numberText else { return kindDescription }
        return t.utf8.count > 40 ? String(decoding: t.utf8.prefix(40), as: UTF8.self) + "…" : t // ASCII
    }
}
