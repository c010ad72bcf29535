#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SwiftTranslate

/// Nicolas Seriot's JSONTestSuite (shared/testdata/JSONTestSuite/test_parsing): every `y_` file is
/// accepted, every `n_` file rejected with a JSON or limit error, every `i_` file parsed or rejected
/// without crashing. The `shared/` folder sits beside the repository (`<repo>/../shared`); from a
/// git worktree it is found further up, or through APXLATE_SHARED.
@Suite struct JSONTestSuiteTests {
    static let dir: String? = {
        let suffix = "/testdata/JSONTestSuite/test_parsing"
        if let env = getenv("APXLATE_SHARED") {
            let path = String(cString: env) + suffix
            return FixtureFiles.exists(path) ? path : nil
        }
        // FixtureFiles.root is <repo>/Tests: look for shared/ beside each ancestor of the repo.
        var parts = FixtureFiles.root.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast()
        while parts.count > 1 {
            parts.removeLast()
            let path = parts.joined(separator: "/") + "/shared" + suffix
            if FixtureFiles.exists(path) { return path }
        }
        return nil
    }()

    static func files(_ prefix: String) throws -> [(name: String, bytes: [UInt8])] {
        let dir = try #require(Self.dir, "shared/testdata/JSONTestSuite not found beside the repository (set APXLATE_SHARED)")
        let names = FixtureFiles.entries(dir).filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }
        return names.compactMap { name in FixtureFiles.read(dir + "/" + name).map { (name, $0) } }
    }

    @Test func acceptsEveryValidDocument() throws {
        let files = try Self.files("y_")
        #expect(files.count == 95)
        for (name, bytes) in files {
            do {
                let doc = try JSONDocument.parse(bytes)
                // The root value spans the whole input but surrounding whitespace.
                let ws: Set<UInt8> = [0x20, 0x0A, 0x0D, 0x09]
                let first = bytes.firstIndex { !ws.contains($0) } ?? 0
                let last = (bytes.lastIndex { !ws.contains($0) } ?? -1) + 1
                #expect(Array(doc.root.raw) == Array(bytes[first..<last]), "\(name): root does not span the input")
            } catch {
                Issue.record("\(name) rejected: \(error.message)")
            }
        }
    }

    @Test func rejectsEveryInvalidDocument() throws {
        let files = try Self.files("n_")
        #expect(files.count == 188)
        for (name, bytes) in files {
            do {
                _ = try JSONDocument.parse(bytes)
                Issue.record("\(name) accepted")
            } catch {
                #expect(error.status == .json || error.status == .limit, "\(name): status \(error.status)")
                #expect(error.offset >= 0 && error.offset <= bytes.count, "\(name): offset \(error.offset)")
            }
        }
    }

    /// Implementation-defined cases: any answer but a crash; rejections are JSON or limit errors.
    @Test func parsesImplementationDefinedDocumentsWithoutCrashing() throws {
        let files = try Self.files("i_")
        #expect(files.count == 35)
        for (name, bytes) in files {
            do {
                let doc = try JSONDocument.parse(bytes)
                _ = doc.root.string
                _ = doc.root.double
                for e in doc.root.elements { _ = e.string; _ = e.int; _ = e.double }
            } catch {
                #expect(error.status == .json || error.status == .limit, "\(name): status \(error.status)")
            }
        }
    }
}
