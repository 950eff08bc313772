import ArgumentParser
import Foundation
import KSeries
import Policy

extension KSeriesCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", _superCommandName: KSeriesCommand.name,
            abstract: "Take a hand-written series into kseries' keeping, as a version kseries rebase can move.",
            discussion: """
                From patch text (an mbox, such as one saved from the list; a folder of .patch \
                files; a patch), the patches are applied on their base (--base, else the \
                base-commit: line) as git am would, keeping each mail's author and date, and the \
                cover letter's subject, text and change-id are kept for the next versions. From a \
                revision range (v6.12..my-branch) the commits are recorded as they are. The version \
                goes to refs/heads/kseries/<series>/v<N>.
                """)

        @Argument(help: "An mbox, a folder of patches, a patch file, or a revision range base..tip.")
        var source: String

        @OptionGroup var tree: TreeOptions

        @Option(help: "The series' name (default: from the cover letter's subject).")
        var series: String?

        @Option(name: .customShort("v"), help: "The version (default: from the subjects, [PATCH v<N> …], else 1).")
        var version: Int?

        @Option(help: "The commit the patches apply to (default: their base-commit: line).")
        var base: String?

        @Option(help: "The policy that makes these patches: checked to generate exactly them on their base; later versions are regenerated from it.")
        var policy: String?

        @Flag(help: "With --policy: the policy changed since these patches were made (say, as reviewers asked); link them anyway, and the next version's cover letter says what changed.")
        var policyChanged = false

        func run() throws {
            let result: SeriesImporter.Result
            if policyChanged && policy == nil { throw ValidationError("--policy-changed needs --policy") }
            do {
                let template = try policy.map { (name) throws(PolicyError) -> PolicyTemplate in
                    try PolicyCatalog.standard(explicit: tree.templates).policy(named: name)
                }
                result = try SeriesImporter().importSeries(
                    .init(
                        source: source, treePath: tree.treePath, series: series, version: version, base: base, policy: template,
                        policyChanged: policyChanged))
            } catch {
                throw fail(error)
            }
            for warning in result.warnings { warn(warning) }
            if let selection = result.selection { for line in selection.report { print(line) } }
            let version = result.version
            print("\(result.reference) \(version.tip)")
            print("\(result.state.name) v\(version.number): \(version.patches.count) patch\(version.patches.count == 1 ? "" : "es") on \(version.baseRef) (\(version.baseCommit.prefix(12))), change-id \(result.state.changeID)")
            for (number, offset) in result.offsets.sorted(by: { $0.key < $1.key }) {
                print("  patch \(number) applied with an offset of \(offset) line\(offset == 1 ? "" : "s")")
            }
        }
    }
}
