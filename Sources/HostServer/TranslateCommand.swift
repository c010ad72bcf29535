import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `apxlate translate`: one document (or an SSE stream) from stdin to stdout.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate a request, response, error or SSE stream read from stdin to stdout.",
        discussion: """
        For a request, --from is the client's format and --to the upstream's. For a response, \
        error or stream, --from is the upstream's format and --to the client's; --request FILE \
        (the client's original request, in the --to format) restores the client's model name and \
        tool names. For --kind error the first output line is the HTTP status for the client, then \
        the body. Streams are translated incrementally: each event is written as soon as it is \
        complete. Warnings go to stderr; invalid input exits with status 1 and the error.
        """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case request, response, error, stream
    }

    @Option(help: "Format of the input: anthropic, openai-chat or openai-responses.")
    var from: String

    @Option(help: "Format wanted: anthropic, openai-chat or openai-responses.")
    var to: String

    @Option(help: "What stdin holds: request, response, error or stream.")
    var kind: Kind = .request

    @Option(name: .customLong("request"), help: "The client's original request (in the --to format), for response, error and stream kinds.")
    var requestFile: String?

    @Option(help: "The upstream HTTP status, for --kind error.")
    var status: Int = 500

    @Option(help: "Translator configuration JSON file (see include/apxlate.h: models, upstream, client).")
    var config: String?

    func validate() throws {
        guard WireFormat(name: from) != nil else { throw ValidationError("unknown --from format '\(from)'") }
        guard WireFormat(name: to) != nil else { throw ValidationError("unknown --to format '\(to)'") }
        if requestFile != nil && kind == .request { throw ValidationError("--request applies to response, error and stream kinds") }
    }

    func run() throws {
        do {
            try translate()
        } catch let e as APXError {
            FileIO.warn("apxlate: " + e.description)
            throw ExitCode(1)
        } catch let e as FileIO.Failure {
            FileIO.warn("apxlate: " + e.description)
            throw ExitCode(1)
        }
    }

    private func translate() throws {
        guard let from = WireFormat(name: from), let to = WireFormat(name: to) else { throw ExitCode.validationFailure }
        let translator = try APXTranslator(config: config.map { try FileIO.readFile($0) } ?? [])
        // The exchange: the client's request (format `to`) translated toward the upstream (`from`).
        var exchange: APXExchange?
        if let requestFile {
            let (result, ex) = try translator.translateRequest(from: to, to: from, body: try FileIO.readFile(requestFile))
            _ = result
            exchange = ex
        }
        switch kind {
        case .request:
            let (result, _) = try translator.translateRequest(from: from, to: to, body: try FileIO.readAll(fd: 0))
            try emit(result)
        case .response:
            let body = try FileIO.readAll(fd: 0)
            let result = exchange != nil
                ? try translator.translateResponse(exchange: exchange, body: body)
                : try translator.translateResponse(exchange: nil, from: from, to: to, body: body)
            try emit(result)
        case .error:
            let body = try FileIO.readAll(fd: 0)
            let result = exchange != nil
                ? try translator.translateError(exchange: exchange, status: status, body: body)
                : try translator.translateError(exchange: nil, from: from, to: to, status: status, body: body)
            try FileIO.writeAll(fd: 1, "\(result.status)\n")
            try emit(result)
        case .stream:
            let stream = exchange != nil
                ? try APXStream(translator: translator, exchange: exchange)
                : try APXStream(translator: translator, exchange: nil, from: from, to: to)
            try pump(stream)
        }
    }

    private func emit(_ result: APXResult) throws {
        if let w = result.warnings, !w.isEmpty { FileIO.warn(w) }
        try FileIO.writeAll(fd: 1, result.body)
        if result.body.last != UInt8(ascii: "\n") { try FileIO.writeAll(fd: 1, "\n") }
    }

    /// Reads stdin in small chunks and writes translated events as soon as they are complete.
    private func pump(_ stream: APXStream) throws {
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 1)
        defer { input.deallocate(); scratch.deallocate() }
        var writeError: (any Error)?
        let write: (UnsafeRawBufferPointer) -> Void = { bytes in
            if writeError == nil {
                do { try FileIO.writeAll(fd: 1, bytes) } catch { writeError = error }
            }
        }
        while true {
            let n = read(0, input.baseAddress, input.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIO.Failure(description: "read failed: " + String(cString: strerror(errno)))
            }
            if n == 0 { break }
            try stream.translate(UnsafeRawBufferPointer(rebasing: input[0..<n]), end: false, scratch: scratch, emit: write)
            if let writeError { throw writeError }
            if let w = stream.takeWarnings(), !w.isEmpty { FileIO.warn(w) }
        }
        try stream.translate(UnsafeRawBufferPointer(start: nil, count: 0), end: true, scratch: scratch, emit: write)
        if let writeError { throw writeError }
        if let w = stream.takeWarnings(), !w.isEmpty { FileIO.warn(w) }
    }
}
