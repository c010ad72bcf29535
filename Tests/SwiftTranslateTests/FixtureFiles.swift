#if canImport(Glibc)
import Glibc
#endif

/// Minimal file access for tests (the library has no Foundation, and neither do its tests).
enum FixtureFiles {
    /// The Tests/ directory, from this source file's path.
    static let root: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return parts.joined(separator: "/")
    }()

    static func read(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Every directory two levels below `dir` (`<dir>/<group>/<case>`), sorted.
    static func list(_ dir: String) -> [String] {
        var out: [String] = []
        for group in entries(dir) {
            for c in entries(dir + "/" + group) { out.append(dir + "/" + group + "/" + c) }
        }
        return out.sorted()
    }

    static func entries(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
