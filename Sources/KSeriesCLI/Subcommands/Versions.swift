import ArgumentParser
import Foundation
import Git
import KSeries

extension KSeriesCommand {
    struct Versions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "versions", _superCommandName: KSeriesCommand.name,
            abstract: "List the series kseries keeps, or the versions of one.",
            discussion: """
                The state is in the kernel repository: git show refs/kseries/series/<series>:series.json \
                (git log -p refs/kseries/series/<series> for its history).
                """)

        @Argument(help: "The series (default: list them all).")
        var series: String?

        @OptionGroup var tree: TreeOptions

        func run() throws {
            do {
                let store = SeriesStore(repository: try Repository(at: tree.treePath))
                guard let series else {
                    for name in try store.names() {
                        guard let state = try store.load(name)?.state else { continue }
                        let latest = state.latest.map { "v\($0.number) on \($0.baseRef)" } ?? "no version"
                        print("\(name)  \(state.origin.kind.rawValue) \(state.origin.source)  \(latest)")
                    }
                    return
                }
                guard let state = try store.load(series)?.state else {
                    throw KSeriesError.unknownSeries(name: series, known: try store.names(), hint: nil)
                }
                print("\(state.name): \(state.origin.kind.rawValue) \(state.origin.source), change-id \(state.changeID)")
                for version in state.versions {
                    var line = "  v\(version.number)  \(version.made.rawValue)  on \(version.baseRef) (\(version.baseCommit.prefix(12)))"
                    line += "  \(version.patches.count) patch\(version.patches.count == 1 ? "" : "es")  \(SeriesStore.versionReference(series, version.number))"
                    if !state.notes(for: version.number).isEmpty { line += "  notes" }
                    if !version.threeWayPatches.isEmpty { line += "  three-way: \(version.threeWayPatches.map(String.init).joined(separator: ","))" }
                    print(line)
                    for (index, patch) in version.patches.enumerated() {
                        let trailers = patch.trailers.count + patch.received.filter { !patch.trailers.contains($0) }.count
                        print("      \(index + 1)/\(version.patches.count) \(patch.subject)\(trailers > 0 ? "  [\(trailers) trailer\(trailers == 1 ? "" : "s")]" : "")")
                    }
                }
            } catch let error as ExitCode {
                throw error
            } catch {
                throw fail(error)
            }
        }
    }
}
