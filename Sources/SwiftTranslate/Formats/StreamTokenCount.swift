extension JSONValue {
    /// A token count from an upstream's usage object: an integer clamped to 0...2^48, so that
    /// sums and differences of a few counts can never overflow (an upstream is untrusted input).
    var tokenCount: Int? {
        guard let v = int else { return nil }
        return Swift.min(Swift.max(v, 0), 1 << 48)
    }
}
