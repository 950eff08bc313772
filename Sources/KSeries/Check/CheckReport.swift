import Apply
import Foundation
import KernelBuild

/// What `kseries check --json` prints: the whole run as data for CI, `schema` 2, documented
/// field by field in `docs/check-json.md`. Slashes are not escaped; absent values are omitted.
public struct CheckReport: Codable, Sendable, Equatable {
    /// The version of this layout; a field's meaning never changes within one version.
    public static let currentSchema = 2

    public var schema: Int
    /// The policy name, folder, mbox or patch given.
    public var target: String
    /// True when every ref is fine, checkpatch found no error and everything built.
    public var ok: Bool
    public var refs: [Ref]
    public var checkpatch: [Checkpatch]
    /// Why checkpatch did not run, when it did not.
    public var checkpatchNote: String?
    /// For a saved thread: which mails were taken as the series and which were left.
    public var mailbox: Mailbox?
    /// With `--build`: one entry per ref and configuration.
    public var build: [Build]?

    public struct Ref: Codable, Sendable, Equatable {
        public var ref: String
        public var commit: String?
        public var ok: Bool
        public var error: String?
        public var preconditionsUnmet: [String]
        public var templateResolves: Bool?
        public var templateProblem: String?
        public var patches: [Patch]
    }

    public struct Patch: Codable, Sendable, Equatable {
        public var number: Int
        public var subject: String
        /// `clean`, `offset`, `fails` or `not-attempted`.
        public var verdict: String
        /// The largest move of a hunk, in lines (`offset` only).
        public var offset: Int?
        /// The readable text of a failure (`fails` only).
        public var reason: String?
        /// Tried after an earlier patch failed on this ref.
        public var afterFailure: Bool
        /// Each file that did not apply, as fields.
        public var failures: [SeriesCheck.Failure]
    }

    public struct Checkpatch: Codable, Sendable, Equatable {
        public var file: String
        /// The refs whose checkpatch said this (refs with the same checkpatch files share one run).
        public var refs: [String]
        public var errors: Int
        public var warnings: Int
        public var checks: Int
        public var findings: [String]
    }

    public struct Mailbox: Codable, Sendable, Equatable {
        public var version: Int?
        public var taken: [Mail]
        public var left: [Mail]
        public var warnings: [String]
    }

    public struct Mail: Codable, Sendable, Equatable {
        /// The mail's first line in the mailbox.
        public var line: Int
        public var subject: String
        /// Why it was left (left mails only).
        public var reason: String?
    }

    public struct Build: Codable, Sendable, Equatable {
        public var ref: String
        public var config: String
        public var arch: String
        public var ok: Bool
        public var error: String?
        /// `set:` values the kernel did not keep after `olddefconfig`.
        public var droppedSettings: [String]
        public var objects: [String]
        public var notBuilt: [String]
        public var headers: [Header]
        public var baseErrors: [String]
        public var repaired: [String]
        public var seconds: Seconds
        public var reused: Reused
        public var patches: [BuildPatch]
    }

    public struct Header: Codable, Sendable, Equatable {
        public var header: String
        public var includedBy: [String]
        public var chosen: [String]
        public var skipped: Int
        /// Chosen objects left out because they do not build alone on the base.
        public var leftOut: [String]
    }

    public struct Seconds: Codable, Sendable, Equatable {
        public var workspace: Double
        public var configure: Double
        public var baseline: Double
    }

    public struct Reused: Codable, Sendable, Equatable {
        public var tree: Bool
        public var config: Bool
    }

    public struct BuildPatch: Codable, Sendable, Equatable {
        public var patch: Int
        public var subject: String
        /// `builds`, `new-warnings`, `fails`, `not-built-in-config` or `not-built`.
        public var verdict: String
        /// Why the boundary was not built (`not-built` only).
        public var reason: String?
        public var seconds: Double
        public var errors: [Finding]
        public var newWarnings: [Finding]
        public var failedObjects: [String]
    }

    /// One compiler message at one patch boundary.
    public struct Finding: Codable, Sendable, Equatable {
        public var ref: String
        public var config: String
        public var patch: Int
        public var object: String?
        public var file: String
        public var line: Int
        public var column: Int?
        /// `error` or `warning`.
        public var severity: String
        public var message: String
        /// The patch that wrote the line, when one did.
        public var introducedBy: Int?
    }

    public init(
        target: String, selection: SeriesSelection?, reports: [SeriesCheck.RefReport], checkpatch: [CheckpatchRunner.Report],
        checkpatchNote: String?, builds: [BuildCheck.Report]?
    ) {
        schema = Self.currentSchema
        self.target = target
        refs = reports.map(Ref.init)
        self.checkpatch = checkpatch.map {
            Checkpatch(file: $0.patchFile, refs: $0.refs, errors: $0.errors, warnings: $0.warnings, checks: $0.checks, findings: $0.findings)
        }
        self.checkpatchNote = checkpatchNote
        mailbox = selection.map(Mailbox.init)
        build = builds?.map(Build.init)
        ok = reports.allSatisfy(\.isSuccess) && checkpatch.allSatisfy { $0.errors == 0 } && (builds ?? []).allSatisfy(\.isSuccess)
    }

    /// The report as `--json` prints it: indented, keys sorted, `/` as it is.
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension CheckReport.Ref {
    init(_ report: SeriesCheck.RefReport) {
        self.init(
            ref: report.ref, commit: report.commit?.hex, ok: report.isSuccess, error: report.error,
            preconditionsUnmet: report.unmetPreconditions,
            templateResolves: report.templateChecked ? report.templateProblem == nil : nil, templateProblem: report.templateProblem,
            patches: report.patches.map(CheckReport.Patch.init))
    }
}

extension CheckReport.Patch {
    init(_ patch: SeriesCheck.PatchResult) {
        var verdict = "clean"
        var offset: Int?
        var reason: String?
        switch patch.verdict {
        case .clean: break
        case .offset(let lines): verdict = "offset"; offset = lines
        case .fails(let why): verdict = "fails"; reason = why
        case .notAttempted: verdict = "not-attempted"
        }
        self.init(
            number: patch.number, subject: patch.subject, verdict: verdict, offset: offset, reason: reason,
            afterFailure: patch.afterFailure, failures: patch.failures)
    }
}

extension CheckReport.Mailbox {
    init(_ selection: SeriesSelection) {
        self.init(
            version: selection.version,
            taken: selection.patches.map { CheckReport.Mail(line: $0.location.line, subject: $0.subject) },
            left: selection.left.map { CheckReport.Mail(line: $0.entry.location.line, subject: $0.entry.subject, reason: $0.reason) },
            warnings: selection.warnings)
    }
}

extension CheckReport.Build {
    init(_ report: BuildCheck.Report) {
        func finding(_ finding: BuildCheck.Finding, patch: Int) -> CheckReport.Finding {
            let diagnostic = finding.diagnostic
            return CheckReport.Finding(
                ref: report.ref, config: report.config, patch: patch, object: diagnostic.object, file: diagnostic.file,
                line: diagnostic.line, column: diagnostic.column, severity: diagnostic.severity.rawValue,
                message: diagnostic.message, introducedBy: finding.patch)
        }
        self.init(
            ref: report.ref, config: report.config, arch: report.arch, ok: report.isSuccess, error: report.error,
            droppedSettings: report.droppedSettings, objects: report.objects, notBuilt: report.notBuilt,
            headers: report.headers.map {
                CheckReport.Header(header: $0.header, includedBy: $0.includedBy, chosen: $0.chosen, skipped: $0.skipped, leftOut: $0.leftOut)
            },
            baseErrors: report.baseErrors.map(\.text), repaired: report.repaired,
            seconds: CheckReport.Seconds(
                workspace: report.workspaceSeconds, configure: report.configureSeconds, baseline: report.baselineSeconds),
            reused: CheckReport.Reused(tree: report.reusedTree, config: report.reusedConfig),
            patches: report.patches.map { patch in
                var verdict: String
                var reason: String?
                switch patch.verdict {
                case .builds: verdict = "builds"
                case .newWarnings: verdict = "new-warnings"
                case .fails: verdict = "fails"
                case .notBuiltInConfig: verdict = "not-built-in-config"
                case .notAttempted(let why): verdict = "not-built"; reason = why
                }
                return CheckReport.BuildPatch(
                    patch: patch.number, subject: patch.subject, verdict: verdict, reason: reason, seconds: patch.seconds,
                    errors: patch.errors.map { finding($0, patch: patch.number) },
                    newWarnings: patch.newWarnings.map { finding($0, patch: patch.number) }, failedObjects: patch.failedObjects)
            })
    }
}
