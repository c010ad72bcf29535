import ArgumentParser

/// The `apxlate` executable: one-shot translation on the command line and the HTTP proxy.
@main
struct Apxlate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apxlate",
        abstract: "Translate between the Anthropic Messages API and OpenAI-compatible APIs.",
        subcommands: [TranslateCommand.self, ServeCommand.self]
    )
}
