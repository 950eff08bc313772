import ArgumentParser
import Foundation
import KSeries
import Policy

extension KSeriesCommand {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate", _superCommandName: KSeriesCommand.name,
            abstract: "Apply a policy to a kernel ref and write the series with its cover letter.",
            discussion: """
                Commits go to refs/heads/kseries/<policy>/v<N> in the kernel repository; mails \
                go to <out>/<policy>/v<N>/ (0000-cover-letter.patch, 0001-….patch, …).
                """)

        @Argument(help: "The policy: a name under Templates/ (e.g. rcu-kvm-run-loop) or a folder path.")
        var policy: String

        @OptionGroup var tree: TreeOptions

        @Option(help: "The kernel ref to build on (default: the policy's base).")
        var base: String?

        @Option(name: .customShort("v"), help: "The version of the series (v<N> in subjects and folders).")
        var version: Int = 1

        @Option(name: .customShort("o"), help: "The output folder.")
        var output: String = "patches"

        func run() throws {
            do {
                var timer = PhaseTimer(environment: ProcessInfo.processInfo.environment)
                let template = try PolicyCatalog.standard(explicit: tree.templates).policy(named: policy)
                timer.lap("load the policy")
                let result = try SeriesGenerator().generate(
                    .init(policy: template, treePath: tree.treePath, base: base, version: version, outputDirectory: output))
                for warning in result.warnings {
                    FileHandle.standardError.write(Data("kseries: warning: \(warning)\n".utf8))
                }
                print("\(result.reference) \(result.commits.last?.hex ?? result.baseCommit.hex)")
                print("wrote \(result.files.count) mails to \(result.directory)/")
                for file in result.files { print("  \((file as NSString).lastPathComponent)") }
            } catch {
                throw fail(error)
            }
        }
    }
}
