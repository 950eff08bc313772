import ArgumentParser
import Foundation
import KSeries

/// The `kseries` command: a thin shell over the KSeries library.
@main
struct KSeriesCommand: ParsableCommand {
    /// The executable's name, also the super-command name of its leaf commands (see `main()`).
    static let name = "kseries"

    static let configuration = CommandConfiguration(
        commandName: name,
        abstract: "Carry an RFC patch series for the Linux kernel across releases.",
        discussion: """
            Policies (Templates/<name>/policy.yaml) describe a series as edits at C anchors. \
            kseries applies them to a kernel tree through libgit2, without touching your work \
            tree, index or HEAD, and writes the series as git format-patch mails.
            """,
        version: SeriesGenerator.version,
        subcommands: [Generate.self, Check.self, MaintainersCommand.self, Format.self, Send.self, Rebase.self, Import.self, Trailers.self, Notes.self, Versions.self, Cache.self]
    )

    /// The commands without subcommands of their own. Each names `kseries` as its super-command
    /// (`_superCommandName`), which changes nothing while it is parsed inside this tree (only
    /// the root's counts there); parsed alone by `main()`, it keeps `kseries <name>` in its
    /// usage, and ArgumentParser skips the completion-script check it makes for true roots.
    static let leafCommands: [any ParsableCommand.Type] = [
        Generate.self, Check.self, MaintainersCommand.self, Format.self, Send.self, Rebase.self, Import.self, Trailers.self,
        Notes.self, Versions.self,
    ]

    /// Arguments that the whole tree answers (help, version, completion scripts, help dumps).
    static let treeArguments: Set<String> = [
        "-h", "--help", "help", "--version", "--generate-completion-script", "--experimental-dump-help",
    ]

    /// Runs `kseries <leaf command> <arguments>` by parsing the leaf command alone, and
    /// everything else (help, version, completion scripts, `cache …`, every mistake) through
    /// the whole tree. Parsing the tree first builds the root's arguments and then tries the
    /// arguments as a completion-script request: about 2 ms of reflection before any work.
    /// Arguments the leaf refuses are parsed again by the tree, which reports them as it
    /// always has; errors from the command's run are reported by the root, as in the tree.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, !arguments.contains(where: treeArguments.contains),
              let leaf = leafCommands.first(where: { $0._commandName == name }),
              var command = try? leaf.parseAsRoot(Array(arguments.dropFirst()))
        else {
            main(nil)
            return
        }
        do {
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// Options shared by the commands that read a kernel tree.
struct TreeOptions: ParsableArguments {
    @Option(
        name: .customLong("tree"),
        help: "The kernel git repository (default: $KSERIES_KERNEL_TREE, else ~/.cache/kseries/linux).")
    var tree: String?

    @Option(help: "The folder holding policy templates (default: $KSERIES_TEMPLATES, ./Templates, or the shipped ones).")
    var templates: String?

    var treePath: String { KernelTreeLocation.resolve(explicit: tree) }
}

/// Prints `kseries: error: …` and exits non-zero, for errors the library reports.
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("kseries: error: \(error)\n".utf8))
    return ExitCode.failure
}
