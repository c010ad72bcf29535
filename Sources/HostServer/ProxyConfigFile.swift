import Foundation
import Yams

/// The proxy's YAML config file (see apxlate.example.yaml) as typed values, read strictly:
/// an unknown key or a value of the wrong type is an error naming its key path and line.
/// The translator sections (`quirks`, `models`, `client`) are checked by the library when
/// `RouteConfig` builds the routes.
struct ProxyConfigFile {
    struct UpstreamEntry {
        var name: String
        var baseURL: String
        var format: WireFormat
        var apiKeyEnv: String?
        var apiKey: String?
        var passClientKey: Bool
        var headers: [String]
        var caFile: String?
        /// The translator's "upstream" section for every route to this upstream.
        var quirks: TranslatorSection?
        var fields: ConfigFields
    }

    struct RouteEntry {
        var match: Route.Match
        var upstream: String
        /// The upstream model to send (the translator's `models.default`).
        var model: String?
        var models: TranslatorSection?
        var quirks: TranslatorSection?
        var client: TranslatorSection?
        var fields: ConfigFields
    }

    var upstreams: [UpstreamEntry]
    var routes: [RouteEntry]

    static func read(_ path: String) throws(ConfigError) -> ProxyConfigFile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(file: path, path: "", message: "cannot read: \(error.localizedDescription)")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigError(file: path, path: "", message: "not valid YAML: \(error)")
        }
        guard let root else { throw ConfigError(file: path, path: "", message: "empty; expected `upstreams` and `routes`") }
        return try ProxyConfigFile(ConfigNode(node: root, path: "", file: path))
    }

    init(_ root: ConfigNode) throws(ConfigError) {
        let top = try root.fields(["upstreams", "routes"])
        let ups = try top.required("upstreams").entries()
        guard !ups.isEmpty else { throw try top.required("upstreams").error("expected at least one upstream") }
        upstreams = []
        for (name, node) in ups { upstreams.append(try Self.upstream(name: name, node)) }
        let list = try top.required("routes").sequence()
        guard !list.isEmpty else { throw try top.required("routes").error("expected at least one route") }
        routes = []
        for node in list { routes.append(try Self.route(node)) }
    }

    private static func upstream(name: String, _ node: ConfigNode) throws(ConfigError) -> UpstreamEntry {
        let f = try node.fields(["base_url", "format", "api_key_env", "api_key", "pass_client_key", "headers", "ca_file", "quirks"])
        let baseNode = try f.required("base_url")
        let base = try baseNode.string()
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else { throw baseNode.error("expected an http(s) URL") }
        let formatNode = try f.required("format")
        guard let format = WireFormat(name: try formatNode.string()) else {
            throw formatNode.error("expected anthropic, openai-chat or openai-responses")
        }
        var headers: [String] = []
        for (k, v) in try f["headers"]?.entries() ?? [] {
            let text = try v.scalarText()
            guard !k.isEmpty, !k.contains(":"), !k.contains("\n"), !k.contains("\r") else { throw v.error("invalid header name", atKey: true) }
            guard !text.contains("\n"), !text.contains("\r") else { throw v.error("a header value cannot span lines") }
            headers.append("\(k): \(text)")
        }
        var caFile: String?
        if let caNode = f["ca_file"] {
            let path = try caNode.string()
            guard FileManager.default.isReadableFile(atPath: path) else { throw caNode.error("cannot read \(path)") }
            caFile = path
        }
        return UpstreamEntry(name: name, baseURL: base, format: format,
                             apiKeyEnv: try f["api_key_env"]?.nonEmptyString(), apiKey: try f["api_key"]?.string(),
                             passClientKey: try f["pass_client_key"]?.bool() ?? false, headers: headers.sorted(),
                             caFile: caFile, quirks: try f["quirks"].map { n throws(ConfigError) in try TranslatorSection(n) },
                             fields: f)
    }

    private static func route(_ node: ConfigNode) throws(ConfigError) -> RouteEntry {
        let f = try node.fields(["match", "family", "upstream", "model", "models", "quirks", "client"])
        let match: Route.Match
        switch (f["match"], f["family"]) {
        case (let m?, nil):
            let pattern = try m.nonEmptyString()
            match = pattern.contains("*") ? .glob(pattern) : .exact(pattern)
        case (nil, let w?):
            let word = try w.nonEmptyString()
            guard !word.contains("*") else { throw w.error("a family is a word such as haiku; globs go in `match`") }
            match = .family(word)
        case (_?, let w?):
            throw w.error("a route has either `match` or `family`, not both", atKey: true)
        case (nil, nil):
            throw node.error("needs `match` (a model name or a glob with *) or `family` (a word such as haiku)")
        }
        let models = try f["models"].map { n throws(ConfigError) in try TranslatorSection(n) }
        if let modelNode = f["model"], models?.values["default"] != nil {
            throw modelNode.error("set either `model` or `models.default`, not both", atKey: true)
        }
        return RouteEntry(match: match, upstream: try f.required("upstream").string(), model: try f["model"]?.nonEmptyString(),
                          models: models,
                          quirks: try f["quirks"].map { n throws(ConfigError) in try TranslatorSection(n) },
                          client: try f["client"].map { n throws(ConfigError) in try TranslatorSection(n) },
                          fields: f)
    }
}
