/// Warnings that should appear once per kind in a request, however often the construct occurs.
struct OnceWarnings {
    private var seen: Set<String> = []

    /// Records `why` at `path` unless a warning of this `kind` was already recorded.
    mutating func drop(_ kind: String, _ path: @autoclosure () -> String, _ why: @autoclosure () -> String, _ diagnostics: inout Diagnostics) {
        guard seen.insert(kind).inserted else { return }
        diagnostics.dropped(path(), why())
    }
}
