import ArgumentParser
import Foundation
import KSeries
import Policy

extension KSeriesCommand {
    struct Rebase: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebase", _superCommandName: KSeriesCommand.name,
            abstract: "Make the next version of a series on another kernel ref.",
            discussion: """
                A policy series is regenerated on the new ref (its anchors re-resolve there). A \
                hand-written series (kseries import) has its latest version's patches reapplied in \
                memory, offsets allowed; a file that does not apply as text is merged three ways, \
                and a hunk that still conflicts is re-anchored on C tokens (the function its \
                context names, the line it follows, a disjunct it adds); when nothing works every \
                failing hunk is reported, with its file, line and nearest near-miss, and nothing \
                is written. The new version goes to \
                refs/heads/kseries/<series>/v<N+1> and <out>/<series>/v<N+1>/; its cover letter \
                says what changed (your notes first: kseries notes), has a range-diff against v<N> \
                and the series' change-id. Trailers reviewers gave on v<N> (kseries trailers) are \
                carried to the patches that did not change in substance. v<N> is left as it was.
                """)

        @Argument(help: "The series: a policy name, or the name given at import.")
        var series: String

        @OptionGroup var tree: TreeOptions

        @Option(help: "The kernel ref to move the series to.")
        var onto: String

        @Option(name: .customShort("v"), help: "The version to make (default: the latest plus one).")
        var version: Int?

        @Option(name: .customShort("o"), help: "The output folder.")
        var output: String = "patches"

        func run() throws {
            let result: SeriesRebaser.Result
            do {
                result = try SeriesRebaser().rebase(
                    .init(
                        series: series, onto: onto, treePath: tree.treePath, version: version, outputDirectory: output,
                        templates: PolicyCatalog.standard(explicit: tree.templates)))
            } catch {
                throw fail(error)
            }
            for warning in result.warnings { warn(warning) }
            let version = result.version
            print("\(result.reference) \(version.tip)")
            print("v\(result.from) -> v\(version.number) on \(version.baseRef) (\(version.baseCommit.prefix(12)))")
            for (number, offset) in result.offsets.sorted(by: { $0.key < $1.key }) {
                print("  patch \(number)/\(version.patches.count) applied with an offset of \(offset) line\(offset == 1 ? "" : "s")")
            }
            for number in result.threeWayPatches {
                print("  patch \(number)/\(version.patches.count) needed a three-way merge: \(version.patches[number - 1].subject)")
            }
            for hunk in result.reanchoredHunks { print("  \(hunk)") }
            printTrailers(carried: result.carriedTrailers, dropped: result.droppedTrailers, patches: version.patches)
            print("wrote \(result.files.count) mails to \(result.directory)/")
            for file in result.files { print("  \((file as NSString).lastPathComponent)") }
        }
    }
}

/// Prints which trailers went into the new version and which were dropped.
func printTrailers(carried: [[String]], dropped: [Int: [String]], patches: [SeriesState.Patch]) {
    let total = patches.count
    for (index, trailers) in carried.enumerated() where !trailers.isEmpty {
        print("  patch \(index + 1)/\(total) keeps \(trailers.joined(separator: ", "))")
    }
    for (index, trailers) in dropped.sorted(by: { $0.key < $1.key }) {
        print("  patch \(index + 1)/\(total) changed; dropped \(trailers.joined(separator: ", "))")
    }
}

/// Prints `kseries: warning: …` on stderr.
func warn(_ message: String) {
    FileHandle.standardError.write(Data("kseries: warning: \(message)\n".utf8))
}
