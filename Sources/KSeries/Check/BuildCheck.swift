import Apply
import Foundation
import Git
import KernelBuild
import Policy

/// `kseries check --build`: compiles a series on each ref, in each configuration, after each
/// patch (1, 1–2, … 1–n), in a workspace materialised from git objects (`SourceWorkspace`).
///
/// Per ref: the series' files at every boundary are computed in memory (a policy is edited as
/// `generate` would; patch text is applied as `check` does). Per configuration: the objects
/// of the touched `.c` files, plus up to `headerObjects` objects per touched header taken from
/// Kbuild's `.*.o.cmd` dependency files, are built on the base (the baseline: its warnings are
/// not new), then after each patch with only that patch's files written over the tree, so
/// Kbuild rebuilds only what they change. The base files are restored before the next
/// configuration and at the end.
public struct BuildCheck {
    public let repository: Repository
    public let cache: BuildCache
    /// The caller's environment: `CC`, `CROSS_COMPILE`, `LLVM`, `KSERIES_BUILD_WRAPPER`,
    /// `KSERIES_BUILD_JOBS`, and what make runs with.
    public let environment: [String: String]
    /// Objects compiled per touched header, at most.
    public var headerObjects: Int
    /// Also run sparse (`C=1`) on the compiled files; its warnings count as warnings.
    public var sparse = false

    /// The default of `headerObjects`.
    public static let defaultHeaderObjects = 2

    public init(repository: Repository, cache: BuildCache, environment: [String: String], headerObjects: Int = BuildCheck.defaultHeaderObjects) {
        self.repository = repository
        self.cache = cache
        self.environment = environment
        self.headerObjects = headerObjects
    }

    /// What is compiled: a policy (edited in memory) or patch text.
    public enum Series {
        case policy(PolicyTemplate)
        case patches([PatchCommit])
    }

    /// One compiler diagnostic and the patch that wrote its line, when a patch did.
    public struct Finding: Sendable, Equatable {
        public var diagnostic: CompilerDiagnostic
        /// 1-based patch number that wrote the line, nil for a line of the base tree.
        public var patch: Int?
    }

    /// The outcome at one patch boundary.
    public enum Verdict: Sendable, Equatable {
        case builds
        /// Builds, with warnings the base did not have.
        case newWarnings
        /// An object does not build.
        case fails
        /// None of the patch's files is compiled in this configuration (not a failure, not a pass).
        case notBuiltInConfig
        /// The patch could not be made (does not apply, template does not resolve), or the
        /// base itself does not build.
        case notAttempted(String)
    }

    /// One patch boundary (patches 1 to `number` applied).
    public struct PatchBuild: Sendable {
        public var number: Int
        public var subject: String
        public var verdict: Verdict
        /// Errors, each with the patch that wrote its line where known.
        public var errors: [Finding]
        /// Warnings the base did not have.
        public var newWarnings: [Finding]
        /// Objects that did not build.
        public var failedObjects: [String]
        /// make's own errors when no compiler diagnostic explains a failure.
        public var makeErrors: [String]
        public var seconds: Double
    }

    /// The objects chosen for one touched header.
    public struct HeaderObjects: Sendable, Equatable {
        public var header: String
        /// Objects compiled anyway that include it (those of touched C files, those chosen
        /// for an earlier header).
        public var includedBy: [String]
        /// Further objects that include it, compiled for it.
        public var chosen: [String]
        /// Known users not compiled (over the limit).
        public var skipped: Int
        /// Chosen users that do not build alone on the base, left out.
        public var leftOut: [String] = []
    }

    /// Everything about one ref × configuration.
    public struct Report: Sendable {
        public var ref: String
        public var config: String
        public var arch: String
        /// Why nothing could be built (unknown ref, template, lock, missing tools, make).
        public var error: String?
        /// `set:` values the kernel did not keep after `olddefconfig`.
        public var droppedSettings: [String]
        /// The objects compiled at each boundary.
        public var objects: [String]
        public var headers: [HeaderObjects]
        /// Touched files this configuration does not build.
        public var notBuilt: [String]
        /// Errors of the base tree itself (nothing else is built then).
        public var baseErrors: [CompilerDiagnostic]
        public var patches: [PatchBuild]
        /// Seconds: materialising/repairing the tree (shared by a ref's configurations, counted
        /// on the first), configuring, the baseline.
        public var workspaceSeconds: Double
        public var configureSeconds: Double
        public var baselineSeconds: Double
        /// Whether the tree and the configuration came from the cache.
        public var reusedTree: Bool
        public var reusedConfig: Bool
        /// Files a killed earlier run had left patched, restored at the start.
        public var repaired: [String]

        public var isSuccess: Bool {
            error == nil && baseErrors.isEmpty
                && patches.allSatisfy { [.builds, .newWarnings, .notBuiltInConfig].contains($0.verdict) }
        }
    }

    /// A patch's files after it: path, new contents (nil: removed), mode.
    struct Boundary {
        var number: Int
        var subject: String
        var files: [(path: String, contents: [UInt8]?, mode: UInt32)]
    }

    /// The series at `ref`: its boundaries, or why none; a patch that does not apply ends
    /// the list with a reason for it and the patches after it.
    func boundaries(_ series: Series, commit: ObjectID, ref: String) -> (boundaries: [Boundary], stopped: (number: Int, subjects: [String], reason: String)?) {
        switch series {
        case .policy(let policy):
            do {
                let edited = try SeriesBuilder(repository: repository).edit(policy: policy, base: commit, ref: ref)
                return (edited.enumerated().map { index, patch in
                    Boundary(number: index + 1, subject: patch.template.subject, files: patch.files.map { ($0.path, $0.contents, $0.mode) })
                }, nil)
            } catch {
                return ([], (1, policy.patches.map(\.subject), "the template does not resolve: \(error)"))
            }
        case .patches(let commits):
            do {
                let outcome = try TreeApplier(repository: repository).apply(commits, onto: commit)
                var result: [Boundary] = []
                for patch in outcome.patches {
                    guard patch.verdict == .applied else {
                        let reason = SeriesCheck.verdict(patch)
                        let why: String
                        if case .fails(let text) = reason { why = "does not apply: \(text)" } else { why = "an earlier patch does not apply" }
                        return (result, (patch.number, commits.dropFirst(patch.number - 1).map { $0.subject ?? "(no subject)" }, why))
                    }
                    result.append(Boundary(
                        number: patch.number, subject: patch.subject ?? "(no subject)",
                        files: patch.changes.map { ($0.path, $0.content?.bytes, $0.content?.mode ?? 0o100644) }))
                }
                return (result, nil)
            } catch {
                return ([], (1, commits.map { $0.subject ?? "(no subject)" }, error.message))
            }
        }
    }

    /// Builds `series` on every ref in every configuration; `progress` gets one line per step.
    public func run(
        _ series: Series, refs: [String], configs: [BuildConfig], arch: String, progress: (String) -> Void = { _ in }
    ) -> [Report] {
        var toolchain = Toolchain(arch: arch, environment: environment)
        toolchain.sparse = sparse
        var reports: [Report] = []
        for ref in refs {
            reports += run(series, ref: ref, configs: configs, toolchain: toolchain, progress: progress)
        }
        return reports
    }

    private func run(_ series: Series, ref: String, configs: [BuildConfig], toolchain: Toolchain, progress: (String) -> Void) -> [Report] {
        func failed(_ message: String) -> [Report] {
            configs.map { config in
                Report(
                    ref: ref, config: config.name, arch: toolchain.arch, error: message, droppedSettings: [], objects: [], headers: [],
                    notBuilt: [], baseErrors: [], patches: [], workspaceSeconds: 0, configureSeconds: 0, baselineSeconds: 0,
                    reusedTree: false, reusedConfig: false, repaired: [])
            }
        }
        if let missing = toolchain.missingTools() { return failed(missing.description) }
        let commit: ObjectID
        let tree: ObjectID
        do {
            commit = try repository.commitID(forRevision: ref)
            tree = try repository.commit(commit).treeID
        } catch {
            return failed(error.message)
        }
        let (boundaries, stopped) = boundaries(series, commit: commit, ref: ref)
        if boundaries.isEmpty, let stopped { return failed(stopped.reason) }

        let started = Date()
        progress("\(ref): preparing the source tree")
        let workspace: SourceWorkspace
        let preparation: SourceWorkspace.Preparation
        do {
            workspace = try SourceWorkspace(cacheRoot: cache.root, repository: repository, treeID: tree, ref: ref)
            preparation = try workspace.prepare()
        } catch {
            return failed(error.description)
        }
        var workspaceSeconds = Date().timeIntervalSince(started)

        // Every version of every touched file: the base, then one per boundary.
        let touched = Array(Set(boundaries.flatMap { $0.files.map(\.path) })).sorted()
        let baseTree = try? repository.tree(tree)
        var versions: [String: [[UInt8]?]] = [:]
        for path in touched {
            var current: [UInt8]? = (try? baseTree?.entry(atPath: path)).flatMap { $0 }.flatMap { try? repository.blobContents($0.id) }
            var list = [current]
            for boundary in boundaries {
                if let file = boundary.files.first(where: { $0.path == path }) { current = file.contents }
                list.append(current)
            }
            versions[path] = list
        }

        var reports: [Report] = []
        for config in configs {
            var report = Report(
                ref: ref, config: config.name, arch: toolchain.arch, error: nil, droppedSettings: [], objects: [], headers: [],
                notBuilt: [], baseErrors: [], patches: [], workspaceSeconds: workspaceSeconds, configureSeconds: 0, baselineSeconds: 0,
                reusedTree: reports.isEmpty ? !preparation.materialised : true, reusedConfig: false, repaired: reports.isEmpty ? preparation.restored : [])
            workspaceSeconds = 0
            do {
                try build(config, in: workspace, toolchain: toolchain, boundaries: boundaries, stopped: stopped, versions: versions, into: &report, progress: progress)
            } catch {
                report.error = error.description
            }
            do {
                try workspace.restore()
            } catch {
                report.error = (report.error.map { $0 + "; " } ?? "") + error.description
            }
            reports.append(report)
        }
        return reports
    }

    private func build(
        _ config: BuildConfig, in workspace: SourceWorkspace, toolchain: Toolchain, boundaries: [Boundary],
        stopped: (number: Int, subjects: [String], reason: String)?, versions: [String: [[UInt8]?]], into report: inout Report,
        progress: (String) -> Void
    ) throws(BuildError) {
        let label = "\(workspace.ref) \(config.name)"
        progress("\(label): configuring")
        let configuration = try KbuildConfiguration.prepare(config, in: workspace, toolchain: toolchain, environment: environment)
        report.configureSeconds = configuration.seconds
        report.reusedConfig = !configuration.fresh
        report.droppedSettings = configuration.dropped.map(\.description)
        let runner = KbuildRunner(source: workspace.sourcePath, objects: configuration.objectPath, toolchain: toolchain, environment: environment)
        let parser = DiagnosticParser(sourceRoot: workspace.sourcePath)

        // The objects: touched C and assembly files this configuration builds.
        var objects: [String] = []
        for path in versions.keys.sorted() where path.hasSuffix(".c") || path.hasSuffix(".S") {
            let object = String(path.dropLast(2)) + ".o"
            if configuration.plannedObjects.contains(object) { objects.append(object) } else { report.notBuilt.append(path) }
        }
        let headers = versions.keys.sorted().filter { $0.hasSuffix(".h") }

        // Baseline: compile the objects on the base tree, then up to `headerObjects` more users
        // of each touched header: first those Kbuild's dependency files name (they exist once
        // something was built), then C files that include it by name (a fresh workspace).
        let baselineStarted = Date()
        progress("\(label): baseline (\(objects.count) objects)")
        var baseline = try compile(objects, fresh: true, runner: runner, parser: parser)
        var headerUsers: [String] = []
        for header in headers {
            let all = configuration.objects(including: header, source: workspace.sourcePath)
            var users = all.filter { !objects.contains($0) && configuration.plannedObjects.contains($0) }
            if users.count < headerObjects {
                users += configuration.objects(directlyIncluding: header, source: workspace.sourcePath)
                    .filter { !objects.contains($0) && !users.contains($0) }
            }
            // Objects already chosen for an earlier header count for this one too.
            let compiled = users.filter { headerUsers.contains($0) }
            let candidates = users.filter { !headerUsers.contains($0) }
            let chosen = Array(candidates.prefix(max(0, headerObjects - compiled.count)))
            report.headers.append(HeaderObjects(
                header: header, includedBy: all.filter { objects.contains($0) } + compiled, chosen: chosen,
                skipped: candidates.count - chosen.count))
            headerUsers += chosen
        }
        if !headerUsers.isEmpty {
            progress("\(label): baseline (\(headerUsers.count) objects including touched headers)")
            let more = try compile(headerUsers, fresh: true, runner: runner, parser: parser)
            // An object chosen for a header that does not build alone on the base (it needs
            // files only a whole build makes) is left out, and said so; it is not the series'.
            if !more.failed.isEmpty {
                headerUsers.removeAll { more.failed.contains($0) }
                for index in report.headers.indices {
                    report.headers[index].leftOut = report.headers[index].chosen.filter { more.failed.contains($0) }
                    report.headers[index].chosen.removeAll { more.failed.contains($0) }
                }
            }
            baseline.diagnostics += more.diagnostics.filter { diagnostic in !more.failed.contains { diagnostic.object == $0 } }
        }
        objects += headerUsers
        report.objects = objects
        report.baselineSeconds = Date().timeIntervalSince(baselineStarted)
        if !baseline.failed.isEmpty {
            report.baseErrors = baseline.diagnostics.filter { $0.severity == .error }
            let why = "the base does not build (\(baseline.failed.joined(separator: ", ")))"
            report.patches = boundaries.map {
                PatchBuild(number: $0.number, subject: $0.subject, verdict: .notAttempted(why), errors: [], newWarnings: [], failedObjects: [], makeErrors: baseline.makeErrors, seconds: 0)
            }
            return
        }
        var baseWarnings: [String: Int] = [:]
        for warning in baseline.diagnostics where warning.severity == .warning { baseWarnings[warning.identity, default: 0] += 1 }

        // The touched files some compiled object covers: C files with their object, headers
        // that a compiled object includes.
        var covered = Set(objects.map { String($0.dropLast(2)) }.flatMap { [$0 + ".c", $0 + ".S"] })
        for header in report.headers where !(header.includedBy + header.chosen).isEmpty { covered.insert(header.header) }
        let origins = OriginIndex(versions: versions)
        for boundary in boundaries {
            let started = Date()
            progress("\(label): patch \(boundary.number)/\(boundaries.count + (stopped?.subjects.count ?? 0))")
            try workspace.write(boundary.files)
            let result = try compile(objects, fresh: false, runner: runner, parser: parser)
            var remaining = baseWarnings
            var newWarnings: [Finding] = []
            var errors: [Finding] = []
            for diagnostic in result.diagnostics {
                let finding = Finding(diagnostic: diagnostic, patch: origins.patch(diagnostic.file, line: diagnostic.line, boundary: boundary.number))
                if diagnostic.severity == .error {
                    errors.append(finding)
                } else if let count = remaining[diagnostic.identity], count > 0 {
                    remaining[diagnostic.identity] = count - 1
                } else {
                    newWarnings.append(finding)
                }
            }
            var verdict: Verdict = !result.failed.isEmpty || !errors.isEmpty ? .fails : newWarnings.isEmpty ? .builds : .newWarnings
            if verdict == .builds, !boundary.files.contains(where: { covered.contains($0.path) }) { verdict = .notBuiltInConfig }
            report.patches.append(PatchBuild(
                number: boundary.number, subject: boundary.subject, verdict: verdict, errors: errors, newWarnings: newWarnings,
                failedObjects: result.failed, makeErrors: errors.isEmpty ? result.makeErrors : [], seconds: Date().timeIntervalSince(started)))
        }
        if let stopped {
            for (offset, subject) in stopped.subjects.enumerated() {
                report.patches.append(PatchBuild(
                    number: stopped.number + offset, subject: subject, verdict: .notAttempted(offset == 0 ? stopped.reason : "an earlier patch does not apply"),
                    errors: [], newWarnings: [], failedObjects: [], makeErrors: [], seconds: 0))
            }
        }
    }

    /// One make run over `objects`.
    struct Compilation {
        var diagnostics: [CompilerDiagnostic]
        var failed: [String]
        /// `make: *** …` lines and "No rule to make target" messages.
        var makeErrors: [String]
    }

    /// Compiles `objects` (all of them when `fresh`: their `.o` files are removed first, so
    /// the baseline's warnings are always seen).
    private func compile(_ objects: [String], fresh: Bool, runner: KbuildRunner, parser: DiagnosticParser) throws(BuildError) -> Compilation {
        guard !objects.isEmpty else { return Compilation(diagnostics: [], failed: [], makeErrors: []) }
        if fresh {
            for object in objects { try? FileManager.default.removeItem(atPath: (runner.objects as NSString).appendingPathComponent(object)) }
        }
        let (run, built) = try runner.build(objects)
        let makeErrors = run.output.split(separator: "\n").filter { $0.contains("*** No rule") || ($0.hasPrefix("make") && $0.contains("*** ") && !$0.contains("Error ")) }.map(String.init)
        return Compilation(diagnostics: parser.parse(run.output), failed: objects.filter { !built.contains($0) }, makeErrors: makeErrors)
    }
}
