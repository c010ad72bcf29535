import Foundation
import Yams

/// Builds the route table from the environment (defaults) or a YAML config file.
enum RouteConfig {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Translator configuration JSON for a route: {"models": ..., "upstream": quirks, "client": ...}.
    static func translatorJSON(models: [String: Any], quirks: [String: Any], client: [String: Any]) throws -> [UInt8] {
        var root: [String: Any] = [:]
        if !models.isEmpty { root["models"] = models }
        if !quirks.isEmpty { root["upstream"] = quirks }
        if !client.isEmpty { root["client"] = client }
        return Array(try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys]))
    }

    /// Defaults from the environment, so that `apxlate serve` works with nothing else:
    /// - `claude*` names go to Anthropic when ANTHROPIC_API_KEY is set and BIG_MODEL is not;
    /// - everything else goes to the OpenAI-compatible upstream (OPENAI_BASE_URL, OPENAI_API_KEY)
    ///   with opus → BIG_MODEL, sonnet → MIDDLE_MODEL, haiku → SMALL_MODEL;
    ///   or to Anthropic when only ANTHROPIC_API_KEY is set.
    static func fromEnvironment(_ env: [String: String], listenPort: Int, passClientKey: Bool = false,
                                warn: (String) -> Void) throws -> RouteTable {
        func value(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : $0 } }
        let openai = Upstream(name: "openai", baseURL: value("OPENAI_BASE_URL") ?? "https://api.openai.com/v1",
                              format: .openaiChat, apiKey: value("OPENAI_API_KEY"), passClientKey: passClientKey)
        var anthropicBase = value("ANTHROPIC_BASE_URL") ?? "https://api.anthropic.com"
        if pointsAtSelf(anthropicBase, port: listenPort) {
            warn("ignoring ANTHROPIC_BASE_URL=\(anthropicBase): it points at this proxy; using https://api.anthropic.com")
            anthropicBase = "https://api.anthropic.com"
        }
        let anthropic = Upstream(name: "anthropic", baseURL: anthropicBase, format: .anthropic, apiKey: value("ANTHROPIC_API_KEY"),
                                 passClientKey: passClientKey)
        let big = value("BIG_MODEL")
        var models: [String: Any] = ["big": big ?? "gpt-4o", "small": value("SMALL_MODEL") ?? "gpt-4o-mini"]
        if let middle = value("MIDDLE_MODEL") { models["middle"] = middle }
        var routes: [Route] = []
        let hasOpenAI = openai.apiKey != nil || value("OPENAI_BASE_URL") != nil
        if anthropic.apiKey != nil && big == nil {
            routes.append(try Route(match: .glob("claude*"), upstream: anthropic,
                                    translatorConfig: try translatorJSON(models: [:], quirks: [:], client: [:]), advertisedModels: []))
        }
        if hasOpenAI || anthropic.apiKey == nil {
            let advertised = [models["big"], models["middle"], models["small"]].compactMap { $0 as? String }
            routes.append(try Route(match: .glob("*"), upstream: openai,
                                    translatorConfig: try translatorJSON(models: models, quirks: [:], client: [:]),
                                    advertisedModels: Array(Set(advertised)).sorted()))
        } else {
            routes.append(try Route(match: .glob("*"), upstream: anthropic,
                                    translatorConfig: try translatorJSON(models: [:], quirks: [:], client: [:]), advertisedModels: []))
        }
        return RouteTable(routes)
    }

    /// Whether a base URL is this proxy itself (a common mistake: ANTHROPIC_BASE_URL exported
    /// for Claude Code in the shell that starts the proxy).
    static func pointsAtSelf(_ url: String, port: Int) -> Bool {
        let lower = url.lowercased()
        return ["127.0.0.1", "localhost", "[::1]", "0.0.0.0"].contains { lower.contains("://\($0):\(port)") }
    }

    /// Loads `upstreams:` and `routes:` from a YAML file (see apxlate.example.yaml).
    static func fromFile(_ path: String, env: [String: String], listenPort: Int, passClientKey: Bool = false) throws -> RouteTable {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Failure(description: "cannot read config \(path): \(error.localizedDescription)")
        }
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw Failure(description: "config \(path) is not valid YAML: \(error)")
        }
        guard let root = loaded as? [String: Any] else { throw Failure(description: "config \(path): expected a mapping at the top level") }
        guard let ups = root["upstreams"] as? [String: Any], !ups.isEmpty else {
            throw Failure(description: "config \(path): `upstreams` must be a non-empty mapping of name → upstream")
        }
        var upstreams: [String: Upstream] = [:]
        for (name, value) in ups {
            guard let u = value as? [String: Any] else { throw Failure(description: "config upstreams.\(name): expected a mapping") }
            var up = try upstream(name: name, u, env: env, listenPort: listenPort)
            if passClientKey { up.passClientKey = true }
            upstreams[name] = up
        }
        guard let list = root["routes"] as? [Any], !list.isEmpty else {
            throw Failure(description: "config \(path): `routes` must be a non-empty list")
        }
        var routes: [Route] = []
        for (i, item) in list.enumerated() {
            let at = "routes[\(i)]"
            guard let r = item as? [String: Any] else { throw Failure(description: "config \(at): expected a mapping") }
            let match: Route.Match
            if let family = r["family"] as? String {
                match = .family(family)
            } else if let m = r["match"] as? String {
                match = m.contains("*") ? .glob(m) : .exact(m)
            } else {
                throw Failure(description: "config \(at): needs `match` (a model name or a glob with *) or `family`")
            }
            guard let upName = r["upstream"] as? String, let up = upstreams[upName] else {
                throw Failure(description: "config \(at).upstream: must name one of \(upstreams.keys.sorted())")
            }
            var models = r["models"] as? [String: Any] ?? [:]
            if let target = r["model"] as? String { models["default"] = target }
            var quirks = up.quirks
            for (k, v) in r["quirks"] as? [String: Any] ?? [:] { quirks[k] = v }
            let client = r["client"] as? [String: Any] ?? [:]
            let json = try translatorJSON(models: models, quirks: quirks, client: client)
            let advertised = models.values.compactMap { $0 as? String } + (models["map"] as? [String: Any] ?? [:]).values.compactMap { $0 as? String }
            do {
                routes.append(try Route(match: match, upstream: up, translatorConfig: json, advertisedModels: Array(Set(advertised)).sorted()))
            } catch {
                throw Failure(description: "config \(at): translator configuration rejected: \(error)")
            }
        }
        return RouteTable(routes)
    }

    private static func upstream(name: String, _ u: [String: Any], env: [String: String], listenPort: Int) throws -> Upstream {
        let at = "upstreams.\(name)"
        guard let base = u["base_url"] as? String, base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw Failure(description: "config \(at).base_url: expected an http(s) URL")
        }
        if pointsAtSelf(base, port: listenPort) { throw Failure(description: "config \(at).base_url points at this proxy") }
        guard let fname = u["format"] as? String, let format = WireFormat(name: fname) else {
            throw Failure(description: "config \(at).format: expected anthropic, openai-chat or openai-responses")
        }
        var key: String?
        if let envName = u["api_key_env"] as? String {
            key = env[envName].flatMap { $0.isEmpty ? nil : $0 }
        }
        if key == nil, let literal = u["api_key"] as? String, !literal.isEmpty { key = literal }
        var headers: [String] = []
        for (k, v) in u["headers"] as? [String: Any] ?? [:] {
            let text = "\(v)"
            guard !k.contains(":"), !k.contains("\n"), !text.contains("\n"), !text.contains("\r") else {
                throw Failure(description: "config \(at).headers.\(k): invalid header")
            }
            headers.append("\(k): \(text)")
        }
        let caFile = u["ca_file"] as? String
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw Failure(description: "config \(at).ca_file: cannot read \(caFile)")
        }
        return Upstream(name: name, baseURL: base, format: format, apiKey: key,
                        passClientKey: u["pass_client_key"] as? Bool ?? false,
                        quirks: u["quirks"] as? [String: Any] ?? [:], headers: headers.sorted(), caFile: caFile)
    }
}
