import ArgumentParser
import Foundation
import KSeries
import Policy

extension KSeriesCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that a policy's preconditions hold and its edits resolve on kernel refs.",
            discussion: "Exits 0 only when the policy resolves on every ref. Nothing is written.")

        @Argument(help: "The policy: a name under Templates/ or a folder path.")
        var policy: String

        @OptionGroup var tree: TreeOptions

        @Option(help: "Comma-separated kernel refs to check (default: the policy's base).")
        var onto: String?

        func run() throws {
            let template: PolicyTemplate
            let results: [PolicyCheck.RefResult]
            do {
                template = try PolicyCatalog.standard(explicit: tree.templates).policy(named: policy)
                let refs = onto.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? [template.base]
                results = try PolicyCheck().check(template, treePath: tree.treePath, refs: refs.filter { !$0.isEmpty })
            } catch {
                throw fail(error)
            }
            let width = results.map(\.ref.count).max() ?? 0
            for result in results {
                let name = result.ref.padding(toLength: width, withPad: " ", startingAt: 0)
                switch result.verdict {
                case .resolves(let patches):
                    print("\(name)  ok: preconditions hold, \(patches) patches resolve")
                case .preconditionsUnmet(let unmet):
                    print("\(name)  precondition unmet")
                    for item in unmet { print("  \(template.sourcePath):\(item.precondition.line): \(item)") }
                case .fails(let error):
                    print("\(name)  fails")
                    print("  \(error)")
                }
            }
            if !results.allSatisfy(\.verdict.isSuccess) { throw ExitCode.failure }
        }
    }
}
