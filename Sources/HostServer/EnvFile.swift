import Foundation

/// `env_file:` of the config: `NAME=value` lines (`#` comments, blank lines, an optional
/// `export ` and optional surrounding quotes), read at start and at every reload over the
/// process environment: the way to change keys without a restart.
enum EnvFile {
    static func read(_ path: String, from node: ConfigNode) throws(ConfigError) -> [String: String] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw node.error("cannot read \(path): \(error.localizedDescription)")
        }
        var out: [String: String] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw.hasSuffix("\r") ? raw.dropLast() : raw)
            while line.first == " " || line.first == "\t" { line = line.dropFirst() }
            if line.isEmpty || line.first == "#" { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7) }
            guard let eq = line.firstIndex(of: "="), eq > line.startIndex else {
                throw ConfigError(file: path, path: "", message: "line \(n + 1): expected NAME=value")
            }
            let name = String(line[..<eq]).trimmingCharacters(in: " \t")
            var value = String(line[line.index(after: eq)...]).trimmingCharacters(in: " \t")
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q { value = String(value.dropFirst().dropLast()) }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ConfigError(file: path, path: "", message: "line \(n + 1): `\(name)` is not a variable name")
            }
            out[name] = value
        }
        return out
    }
}
