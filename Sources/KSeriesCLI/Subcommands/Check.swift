import ArgumentParser
import Apply
import Foundation
import Git
import KSeries
import KernelBuild
import Policy

extension KSeriesCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", _superCommandName: KSeriesCommand.name,
            abstract: "Check where a series applies: a policy, a folder of patches or an mbox, on many kernel refs.",
            discussion: """
                For each ref and each patch: applies cleanly, applies with an offset, or fails (which \
                file and hunk, and the nearest place it almost matched). For a policy, also whether its \
                preconditions hold and its edits still resolve there, and its last generated series \
                (<out>/<policy>/v<N>/) is applied as text. The tree's own scripts/checkpatch.pl runs on \
                the patches. Refs may be globs over tags and branches (v6.*). Exits 0 only when \
                everything applies and checkpatch finds no error. Nothing is written.
                """)

        @Argument(help: "A policy name or folder, a folder of .patch files, an mbox or a patch file.")
        var target: String

        @OptionGroup var tree: TreeOptions

        @Option(help: "Comma-separated kernel refs or globs (default: the policy's base, else HEAD).")
        var onto: String?

        @Option(name: .customShort("o"), help: "Where generated series live, for a policy target.")
        var output: String = "patches"

        @Flag(help: "Print JSON for CI systems instead of a table.")
        var json = false

        @Flag(help: "Do not run checkpatch.pl.")
        var noCheckpatch = false

        @OptionGroup var buildOptions: BuildOptions

        func run() throws {
            let request = CheckRun.Request(
                target: target, treePath: tree.treePath, templates: tree.templates, onto: onto, outputDirectory: output,
                checkpatch: !noCheckpatch, build: buildOptions.build ? buildOptions.plan : nil)
            let progressOnTerminal = isatty(STDERR_FILENO) == 1
            let outcome: CheckRun.Outcome
            do {
                outcome = try CheckRun().run(request) { progress in
                    guard progressOnTerminal else { return }
                    switch progress {
                    case .checking(let ref, let index, let count) where count > 1:
                        FileHandle.standardError.write(Data("\r\u{1B}[Kchecking \(ref) (\(index + 1)/\(count))".utf8))
                    case .checking: break
                    case .building(let step): FileHandle.standardError.write(Data("\r\u{1B}[Kbuilding: \(step)".utf8))
                    }
                }
            } catch {
                throw fail(error)
            }
            if progressOnTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            if json {
                print(outcome.report.encoded())
            } else {
                let colour = ProcessInfo.processInfo.environment["NO_COLOR"].map { $0.isEmpty } ?? true && isatty(STDOUT_FILENO) == 1
                print(CheckTable(colour: colour).render(outcome), terminator: "")
            }
            if !outcome.isSuccess { throw ExitCode.failure }
        }
    }
}
