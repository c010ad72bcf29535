import ArgumentParser

/// `apxlate serve`: the HTTP proxy (placeholder until the server lands).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the translating HTTP proxy.")
    func run() throws { throw ExitCode(2) }
}
