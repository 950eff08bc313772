import Apply
import Foundation
import Git
import KernelBuild
import Policy

/// `kseries check`, the whole flow: what the target is (a policy, and its last generated series;
/// or patch text), the refs it expands to, where each patch applies on each ref, the tree's
/// checkpatch, and with a build plan, whether each patch builds. Nothing is written but the
/// build cache.
///
/// It prints nothing: progress arrives through `progress`, the result as an `Outcome` that
/// renders as a table (`CheckTable`) or JSON (`CheckReport`).
public struct CheckRun {
    /// What to check and where.
    public struct Request: Sendable {
        /// A policy name or folder, a folder of `.patch` files, an mbox or a patch file.
        public var target: String
        public var treePath: String
        /// The policy folder given on the command line.
        public var templates: String?
        /// Comma-separated refs or globs; nil is the policy's base, else `HEAD`.
        public var onto: String?
        /// Where generated series live, for a policy target.
        public var outputDirectory: String
        /// Run the tree's `scripts/checkpatch.pl`.
        public var checkpatch: Bool
        /// Compile the series (`--build`): the options as given; the policy's `build:` section
        /// fills in the rest.
        public var build: BuildPlan.Options?
        public var environment: [String: String]

        public init(
            target: String, treePath: String, templates: String? = nil, onto: String? = nil,
            outputDirectory: String = "patches", checkpatch: Bool = true, build: BuildPlan.Options? = nil,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.target = target
            self.treePath = treePath
            self.templates = templates
            self.onto = onto
            self.outputDirectory = outputDirectory
            self.checkpatch = checkpatch
            self.build = build
            self.environment = environment
        }
    }

    /// Progress, as it happens.
    public enum Progress {
        /// Applying on ref `index` (0-based) of `count`.
        case checking(ref: String, index: Int, count: Int)
        /// A build step (preparing a workspace, compiling an object).
        case building(String)
    }

    /// Everything `check` found.
    public struct Outcome {
        public var target: String
        /// For a thread mbox: which mails were taken as the series.
        public var selection: SeriesSelection?
        public var reports: [SeriesCheck.RefReport]
        public var checkpatch: [CheckpatchRunner.Report]
        /// Why checkpatch did not run, when it could not.
        public var checkpatchNote: String?
        /// Nil without `--build`.
        public var builds: [BuildCheck.Report]?
        /// The build cache's folder.
        public var buildCache: String

        /// Everything applies, checkpatch finds no error, every build succeeds.
        public var isSuccess: Bool {
            reports.allSatisfy(\.isSuccess) && checkpatch.allSatisfy { $0.errors == 0 } && (builds ?? []).allSatisfy(\.isSuccess)
        }

        /// The report CI systems read (`--json`, docs/check-json.md).
        public var report: CheckReport {
            CheckReport(
                target: target, selection: selection, reports: reports, checkpatch: checkpatch, checkpatchNote: checkpatchNote,
                builds: builds)
        }
    }

    public init() {}

    public func run(_ request: Request, progress: (Progress) -> Void = { _ in }) throws(KSeriesError) -> Outcome {
        var timer = PhaseTimer(environment: request.environment)
        let repository: Repository
        do {
            repository = try Repository(at: request.treePath)
        } catch {
            throw .git(error)
        }
        let resolved = try Self.resolveTarget(request)
        timer.lap("open, read the series or policy")
        let buildPlan = try request.build.map { (options) throws(KSeriesError) in try BuildPlan(options, policy: resolved.policy) }
        let check = SeriesCheck(repository: repository)
        let given = request.onto.map {
            $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        } ?? [resolved.policy?.base ?? "HEAD"]
        let refs = try check.expand(refs: given)
        let reports = check.check(resolved.target, refs: refs) { index, ref in
            progress(.checking(ref: ref, index: index, count: refs.count))
        }
        timer.lap("resolve refs, check each ref")

        var checkpatch: [CheckpatchRunner.Report] = []
        var checkpatchNote: String?
        let resolvedRefs = reports.compactMap { report in report.commit.map { (name: report.ref, commit: $0) } }
        if request.checkpatch, !resolved.patchFiles.isEmpty, !resolvedRefs.isEmpty {
            do {
                let outcome = try CheckpatchRunner(repository: repository, refs: resolvedRefs)
                    .runEach(patchFiles: resolved.patchFiles, touchedPaths: Self.touchedPaths(resolved.target))
                checkpatch = outcome.reports
                checkpatchNote = outcome.notes.isEmpty ? nil : outcome.notes.joined(separator: "\n")
            } catch {
                checkpatchNote = "\(error)"
            }
            timer.lap("checkpatch")
        }

        let cache = BuildCache.standard(environment: request.environment)
        var builds: [BuildCheck.Report]?
        if let buildPlan {
            var buildCheck = BuildCheck(
                repository: repository, cache: cache, environment: request.environment, headerObjects: buildPlan.headerObjects)
            buildCheck.sparse = buildPlan.sparse
            builds = buildCheck.run(resolved.buildSeries, refs: refs, configs: buildPlan.configs, arch: buildPlan.arch) { step in
                progress(.building(step))
            }
        }
        return Outcome(
            target: request.target, selection: resolved.selection, reports: reports, checkpatch: checkpatch,
            checkpatchNote: checkpatchNote, builds: builds, buildCache: cache.root)
    }

    /// The target read: the patches (and, for a policy, the policy and its last generated
    /// series), the mail files checkpatch reads, and what `--build` compiles.
    private struct ResolvedTarget {
        var target: SeriesCheck.Target
        var policy: PolicyTemplate?
        var selection: SeriesSelection?
        var patchFiles: [String]
        var buildSeries: BuildCheck.Series
    }

    private static func resolveTarget(_ request: Request) throws(KSeriesError) -> ResolvedTarget {
        do {
            if looksLikePatchText(request.target) {
                let series = try SeriesCheck.readSeries(at: request.target)
                return ResolvedTarget(
                    target: .patches(series.commits, source: request.target), policy: nil,
                    selection: series.isNoteworthy ? series : nil, patchFiles: patchFiles(at: request.target),
                    buildSeries: .patches(series.commits))
            }
            let catalog = PolicyCatalog.standard(explicit: request.templates, environment: request.environment)
            let policy: PolicyTemplate
            do {
                policy = try catalog.policy(named: request.target)
            } catch {
                throw KSeriesError.policy(error)
            }
            let generated = SeriesCheck.latestGeneratedSeries(policy: policy.name, outputDirectory: request.outputDirectory)
            let patches = try generated.map { (path) throws(PatchParseError) in try SeriesCheck.readPatches(at: path) }
            return ResolvedTarget(
                target: .policy(policy, patches: patches, patchesSource: generated), policy: policy, selection: nil,
                patchFiles: generated.map(patchFiles) ?? [], buildSeries: .policy(policy))
        } catch let error as KSeriesError {
            throw error
        } catch let error as PatchParseError {
            throw .patchText(error)
        } catch {
            throw .input(source: request.target, line: nil, problem: "\(error)")
        }
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
