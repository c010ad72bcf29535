#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain read(2)/write(2) helpers for the command-line tool (no buffering: every write is flushed).
enum FileIO {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads everything from `fd` until end of file.
    static func readAll(fd: Int32) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { result.append(contentsOf: chunk[0..<n]); continue }
            if n == 0 { return result }
            if errno == EINTR { continue }
            throw Failure(description: "read failed: " + String(cString: strerror(errno)))
        }
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(description: "cannot open \(path): " + String(cString: strerror(errno))) }
        defer { close(fd) }
        return try readAll(fd: fd)
    }

    /// Writes all of `bytes` to `fd`, retrying short writes.
    static func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            throw Failure(description: "write failed: " + String(cString: strerror(errno)))
        }
    }

    static func writeAll(fd: Int32, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { b in try writeAll(fd: fd, b) }
    }

    static func writeAll(fd: Int32, _ text: String) throws {
        try writeAll(fd: fd, Array(text.utf8))
    }

    /// Best-effort message to stderr.
    static func warn(_ text: String) {
        try? writeAll(fd: 2, text.hasSuffix("\n") ? text : text + "\n")
    }
}
