import Yams

/// A mistake in the proxy's config file, said the way a compiler would:
/// `apxlate.yaml:12:7: upstreams.openai.quirks.max_token_cap: unknown key`.
struct ConfigError: Error, CustomStringConvertible {
    /// The config file as given on the command line.
    var file: String
    /// Where in the file (line and column from 1), when known.
    var mark: Mark?
    /// The key path: `routes[2].match`; empty for the file as a whole.
    var path: String
    var message: String

    var description: String {
        var s = file
        if let mark { s += ":\(mark.line):\(mark.column)" }
        s += ": "
        if !path.isEmpty { s += path + ": " }
        return s + message
    }
}
