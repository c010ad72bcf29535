/// A model-name pattern → an upstream and the translator configured for that route.
final class Route: @unchecked Sendable {
    enum Match: Sendable, CustomStringConvertible {
        case exact(String)
        /// `*` matches any run of characters: "claude-*", "*haiku*", "*".
        case glob(String)
        /// Names containing the word, ignoring ASCII case as the translator's model mapping
        /// does: family "opus" takes "claude-opus-4-1" and "Claude-Opus".
        case family(String)

        func matches(_ model: String) -> Bool {
            switch self {
            case .exact(let name): return model == name
            case .family(let word): return Glob.matches(pattern: Array(("*" + word + "*").utf8), Array(model.utf8), ignoringASCIICase: true)
            case .glob(let pattern): return Glob.matches(pattern: Array(pattern.utf8), Array(model.utf8))
            }
        }

        var description: String {
            switch self {
            case .exact(let n): return n
            case .glob(let g): return g
            case .family(let f): return "family:" + f
            }
        }
    }

    let match: Match
    let upstream: Upstream
    /// The translator config JSON of this route (model mapping + quirks).
    let translatorConfig: [UInt8]
    let translator: APXTranslator
    /// Upstream model names this route may produce (for GET /v1/models).
    let advertisedModels: [String]
    /// `fallbacks:` in order (FallbackChain).
    let fallbacks: [RouteTarget]

    init(match: Match, upstream: Upstream, translatorConfig: [UInt8], advertisedModels: [String],
         fallbacks: [RouteTarget] = []) throws(APXError) {
        self.match = match
        self.upstream = upstream
        self.translatorConfig = translatorConfig
        self.translator = try APXTranslator(config: translatorConfig)
        self.advertisedModels = advertisedModels
        self.fallbacks = fallbacks
    }
}

/// The ordered route table: exact names first, then the other patterns in the order given.
struct RouteTable: Sendable {
    let routes: [Route]

    init(_ routes: [Route]) {
        let exact = routes.filter { if case .exact = $0.match { return true } else { return false } }
        let rest = routes.filter { if case .exact = $0.match { return false } else { return true } }
        self.routes = exact + rest
    }

    func route(for model: String) -> Route? { routes.first { $0.match.matches(model) } }
}

/// `*`-only glob matching on bytes (iterative, no recursion).
enum Glob {
    static func matches(pattern p: [UInt8], _ s: [UInt8], ignoringASCIICase: Bool = false) -> Bool {
        func fold(_ b: UInt8) -> UInt8 { ignoringASCIICase && b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
        var pi = 0, si = 0
        var star = -1, mark = 0
        while si < s.count {
            if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi; mark = si; pi += 1
            } else if pi < p.count && fold(p[pi]) == fold(s[si]) {
                pi += 1; si += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; si = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
