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
            commandName: "check",
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
            var timer = PhaseTimer(environment: ProcessInfo.processInfo.environment)
            let repository: Repository
            let checkTarget: SeriesCheck.Target
            let patchFiles: [String]
            var selection: SeriesSelection?
            var buildSeries: BuildCheck.Series?
            var buildPolicy: PolicyTemplate?
            var defaultRef = "HEAD"
            do {
                repository = try Repository(at: tree.treePath)
                let catalog = PolicyCatalog.standard(explicit: tree.templates)
                if Self.looksLikePatchText(target) {
                    let series = try SeriesCheck.readSeries(at: target)
                    if series.isNoteworthy { selection = series }
                    checkTarget = .patches(series.commits, source: target)
                    buildSeries = .patches(series.commits)
                    patchFiles = Self.patchFiles(at: target)
                } else {
                    let policy = try catalog.policy(named: target)
                    defaultRef = policy.base
                    buildSeries = .policy(policy)
                    buildPolicy = policy
                    let generated = SeriesCheck.latestGeneratedSeries(policy: policy.name, outputDirectory: output)
                    checkTarget = .policy(policy, patches: try generated.map { (path) throws(PatchParseError) in try SeriesCheck.readPatches(at: path) }, patchesSource: generated)
                    patchFiles = generated.map(Self.patchFiles) ?? []
                }
            } catch {
                throw fail(error)
            }
            timer.lap("open, read the series or policy")
            let buildPlan = buildOptions.build ? try buildOptions.resolve(policy: buildPolicy) : nil
            let refs: [String]
            do {
                let given = onto.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } } ?? [defaultRef]
                refs = try SeriesCheck(repository: repository).expand(refs: given)
            } catch {
                throw fail(error)
            }
            let showProgress = isatty(STDERR_FILENO) == 1 && refs.count > 1
            let reports = SeriesCheck(repository: repository).check(checkTarget, refs: refs) { index, ref in
                if showProgress {
                    FileHandle.standardError.write(Data("\r\u{1B}[Kchecking \(ref) (\(index + 1)/\(refs.count))".utf8))
                }
            }
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            timer.lap("resolve refs, check each ref")

            var checkpatch: [CheckpatchRunner.Report] = []
            var checkpatchNote: String?
            if !noCheckpatch, !patchFiles.isEmpty, let commit = reports.first(where: { $0.commit != nil })?.commit {
                do {
                    let touched = Self.touchedPaths(checkTarget)
                    checkpatch = try CheckpatchRunner(repository: repository, commit: commit, ref: refs[0])
                        .run(patchFiles: patchFiles, touchedPaths: touched)
                } catch {
                    checkpatchNote = "\(error)"
                }
                timer.lap("checkpatch")
            }

            var builds: [BuildCheck.Report] = []
            let environment = ProcessInfo.processInfo.environment
            let cache = BuildCache.standard(environment: environment)
            if let buildPlan, let buildSeries {
                let showBuildProgress = isatty(STDERR_FILENO) == 1
                var buildCheck = BuildCheck(repository: repository, cache: cache, environment: environment, headerObjects: buildPlan.headerObjects)
                buildCheck.sparse = buildOptions.sparse
                builds = buildCheck.run(buildSeries, refs: refs, configs: buildPlan.configs, arch: buildPlan.arch) { step in
                        if showBuildProgress { FileHandle.standardError.write(Data("\r\u{1B}[Kbuilding: \(step)".utf8)) }
                    }
                if showBuildProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            }

            if json {
                print(
                    CheckReport(
                        target: target, selection: selection, reports: reports, checkpatch: checkpatch, checkpatchNote: checkpatchNote,
                        builds: buildPlan == nil ? nil : builds
                    ).encoded())
            } else {
                if let selection { print(selection.report.joined(separator: "\n")) }
                print(CheckOutput.table(reports: reports, checkpatch: checkpatch, checkpatchNote: checkpatchNote), terminator: "")
                if buildPlan != nil { print(BuildOutput.table(builds, cache: cache.root), terminator: "") }
            }
            let success = reports.allSatisfy(\.isSuccess) && checkpatch.allSatisfy { $0.errors == 0 } && builds.allSatisfy(\.isSuccess)
            if !success { throw ExitCode.failure }
        }

        /// A path that exists and is not a policy folder is patch text.
        static func looksLikePatchText(_ target: String) -> Bool {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else { return false }
            if !isDirectory.boolValue { return true }
            return !FileManager.default.fileExists(atPath: (target as NSString).appendingPathComponent("policy.yaml"))
        }

        /// The mail files to give checkpatch: the folder's patches, or the file itself.
        static func patchFiles(at path: String) -> [String] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
            guard isDirectory.boolValue else { return [path] }
            return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter { $0.hasSuffix(".patch") && !$0.hasSuffix("cover-letter.patch") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
        }

        static func touchedPaths(_ target: SeriesCheck.Target) -> [String] {
            Array(Set(SeriesCheck.patches(of: target).flatMap { $0.files.compactMap { $0.newPath ?? $0.oldPath } })).sorted()
        }
    }
}

/// Renders `kseries check` results for people (a table, coloured unless NO_COLOR) and machines (JSON).
enum CheckOutput {
    static var useColour: Bool {
        ProcessInfo.processInfo.environment["NO_COLOR"].map { $0.isEmpty } ?? true && isatty(STDOUT_FILENO) == 1
    }

    static func paint(_ text: String, _ code: String) -> String {
        useColour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    static func table(reports: [SeriesCheck.RefReport], checkpatch: [CheckpatchRunner.Report], checkpatchNote: String?) -> String {
        let width = max(3, reports.map(\.ref.count).max() ?? 0)
        var out = ""
        func line(_ ref: String, _ what: String) {
            out += ref.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + what + "\n"
        }
        for report in reports {
            var first = true
            func row(_ what: String) {
                line(first ? report.ref : "", what)
                first = false
            }
            if let error = report.error {
                row(paint("error: \(error)", "31"))
                continue
            }
            for unmet in report.unmetPreconditions { row(paint(unmet, "31")) }
            if report.templateChecked {
                row(report.templateProblem.map { paint("template does not resolve: \($0)", "31") } ?? paint("template resolves", "32"))
            }
            let total = report.patches.count
            for patch in report.patches {
                let label = "\(patch.number)/\(total) \(patch.subject)" + (patch.afterFailure ? "  (after a failure)" : "")
                switch patch.verdict {
                case .clean: row("\(paint("applies", "32"))           \(label)")
                case .offset(let lines): row("\(paint("applies", "33")) (±\(lines))\(String(repeating: " ", count: max(0, 6 - "\(lines)".count))) \(label)")
                case .fails(let why): row("\(paint("FAILS", "31"))             \(label)\n" + String(repeating: " ", count: width + 4) + why)
                case .notAttempted: row("not attempted     \(label)")
                }
            }
            if report.patches.isEmpty && !report.templateChecked && report.unmetPreconditions.isEmpty { row("nothing to apply") }
        }
        if let checkpatchNote { out += checkpatchNote + "\n" }
        for report in checkpatch {
            let name = (report.patchFile as NSString).lastPathComponent
            let summary = "checkpatch: \(report.errors) errors, \(report.warnings) warnings, \(report.checks) checks  \(name)"
            out += (report.errors > 0 ? paint(summary, "31") : report.warnings > 0 ? paint(summary, "33") : summary) + "\n"
            for finding in report.findings { out += "  \(finding)\n" }
        }
        return out
    }
}
