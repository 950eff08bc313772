import ArgumentParser
import Foundation
import KSeries

/// The `kseries` command: a thin shell over the KSeries library.
@main
struct KSeriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kseries",
        abstract: "Carry an RFC patch series for the Linux kernel across releases.",
        discussion: """
            Policies (Templates/<name>/policy.yaml) describe a series as edits at C anchors. \
            kseries applies them to a kernel tree through libgit2, without touching your work \
            tree, index or HEAD, and writes the series as git format-patch mails.
            """,
        version: SeriesGenerator.version,
        subcommands: [Generate.self, Check.self, MaintainersCommand.self, Format.self, Send.self, Rebase.self, Import.self, Trailers.self, Notes.self, Versions.self, Cache.self]
    )
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
