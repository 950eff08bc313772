import Apply
import Foundation
import Git
import Policy

/// `kseries check`: does a series apply, and where does it break, on each of many kernel
/// refs? Reads only the blobs the patches touch, in memory; writes nothing.
public struct SeriesCheck {
    /// What is checked: a policy (preconditions, template resolution, and its last generated
    /// series if there is one) or patch text (a folder of `.patch` files, an mbox, a patch).
    public enum Target {
        case policy(PolicyTemplate, patches: [PatchCommit]?, patchesSource: String?)
        case patches([PatchCommit], source: String)
    }

    /// The patch text of `target`, when it has some.
    public static func patches(of target: Target) -> [PatchCommit] {
        switch target {
        case .policy(_, let patches, _): return patches ?? []
        case .patches(let patches, _): return patches
        }
    }

    /// The verdict on one patch at one ref.
    public enum PatchVerdict: Sendable, Equatable {
        case clean
        /// Applies, some hunks moved; the largest move in lines.
        case offset(Int)
        /// Does not apply: which file, which hunk, and what almost matched.
        case fails(String)
        /// An earlier patch failed.
        case notAttempted
    }

    public struct PatchResult: Sendable {
        public var number: Int
        public var subject: String
        public var verdict: PatchVerdict
        /// Tried after an earlier patch of the series failed on this ref: on the tree as far
        /// as the series got, with the failed patches' files as the base has them.
        public var afterFailure = false
        /// For a failed patch, each file that did not apply, as data (`--json`).
        public var failures: [Failure] = []
    }

    /// Why one file of a patch did not apply, as fields a CI job can read; `message` is the
    /// readable text the table prints.
    public struct Failure: Sendable, Equatable, Codable {
        /// The kernel file.
        public var file: String
        /// The 1-based hunk of that file's patch that matched nowhere (hunk failures only).
        public var hunk: Int?
        /// The hunk's `@@` line, and where it is in the patch file.
        public var hunkHeader: String?
        public var patchFile: String?
        public var patchLine: Int?
        /// The line of the kernel file where the hunk was expected.
        public var line: Int?
        /// Where the hunk came closest: the line, and how many of its lines matched there.
        public var nearestLine: Int?
        public var matchingLines: Int?
        public var totalLines: Int?
        public var message: String
    }

    /// Everything known about one ref.
    public struct RefReport: Sendable {
        public var ref: String
        /// nil when the ref does not resolve.
        public var commit: ObjectID?
        /// An unknown ref or an unreadable tree.
        public var error: String?
        /// Unmet preconditions (policy targets only).
        public var unmetPreconditions: [String]
        /// For a policy: nil when every edit resolves, else why not. nil for patch targets.
        public var templateProblem: String?
        /// Whether the template was tried (policy targets whose preconditions hold).
        public var templateChecked: Bool
        public var patches: [PatchResult]

        /// True when everything asked about this ref is fine.
        public var isSuccess: Bool {
            error == nil && unmetPreconditions.isEmpty && templateProblem == nil
                && patches.allSatisfy { if case .clean = $0.verdict { true } else if case .offset = $0.verdict { true } else { false } }
        }
    }

    public let repository: Repository
    /// The files read and lexed, and the edits made, shared by the refs of a run.
    let sources = BaseSources()

    public init(repository: Repository) {
        self.repository = repository
    }

    /// Expands `v6.*`-style globs against tags and branches; other names are kept as given
    /// (an unknown one is reported on its own line). A glob that matches nothing is an error:
    /// a CI job whose pattern has a typo must not pass having checked nothing.
    public func expand(refs: [String]) throws(KSeriesError) -> [String] {
        var expanded: [String] = []
        for ref in refs {
            guard ref.contains("*") || ref.contains("?") || ref.contains("[") else {
                expanded.append(ref)
                continue
            }
            let matches: [String]
            do {
                let tags = try repository.referenceNames(matching: "refs/tags/\(ref)").map { String($0.dropFirst("refs/tags/".count)) }
                let branches = try repository.referenceNames(matching: "refs/heads/\(ref)").map { String($0.dropFirst("refs/heads/".count)) }
                matches = tags + branches
            } catch {
                throw .git(error)
            }
            guard !matches.isEmpty else { throw .noMatchingRefs(pattern: ref, repository: repository.displayPath) }
            expanded += matches.sorted(by: Self.versionOrder)
        }
        guard !expanded.isEmpty else { throw .noMatchingRefs(pattern: refs.joined(separator: ","), repository: repository.displayPath) }
        var seen = Set<String>()
        return expanded.filter { seen.insert($0).inserted }
    }

    /// Checks `target` on every ref, calling `progress` before each (for a progress line).
    public func check(_ target: Target, refs: [String], progress: (Int, String) -> Void = { _, _ in }) -> [RefReport] {
        refs.enumerated().map { index, ref in
            progress(index, ref)
            return report(target, ref: ref)
        }
    }

    private func report(_ target: Target, ref: String) -> RefReport {
        var report = RefReport(ref: ref, commit: nil, error: nil, unmetPreconditions: [], templateProblem: nil, templateChecked: false, patches: [])
        let commit: ObjectID
        do {
            commit = try repository.commitID(forRevision: ref)
        } catch {
            report.error = error.message
            return report
        }
        report.commit = commit
        var patchText: [PatchCommit]?
        switch target {
        case .policy(let policy, let patches, _):
            patchText = patches
            do {
                report.unmetPreconditions = try PreconditionChecker(repository: repository, sources: sources).unmet(policy, at: commit).map(\.description)
            } catch {
                report.error = error.description
                return report
            }
            if report.unmetPreconditions.isEmpty {
                report.templateChecked = true
                do {
                    _ = try SeriesBuilder(repository: repository, sources: sources).edit(policy: policy, base: commit, ref: ref)
                } catch {
                    report.templateProblem = error.description
                }
            }
        case .patches(let patches, _):
            patchText = patches
        }
        if let patchText {
            do {
                let outcome = try TreeApplier(repository: repository).apply(patchText, onto: commit, continueAfterFailure: true)
                report.patches = outcome.patches.map { patch in
                    PatchResult(
                        number: patch.number, subject: patch.subject ?? "(no subject)", verdict: Self.verdict(patch),
                        afterFailure: patch.afterFailure, failures: Self.failures(patch))
                }
            } catch {
                report.error = error.description
            }
        }
        return report
    }

    static func verdict(_ patch: TreeApplier.PatchOutcome) -> PatchVerdict {
        switch patch.verdict {
        case .notAttempted:
            return .notAttempted
        case .failed:
            // The file result names the path once (`0001.patch:12: f.c: already exists`).
            let failures = patch.files.compactMap { file -> String? in file.applied ? nil : file.description }
            return .fails(failures.joined(separator: "; "))
        case .applied:
            let largest = patch.files.flatMap(\.placements).map { abs($0.offset) }.max() ?? 0
            return largest == 0 ? .clean : .offset(largest)
        }
    }

    /// The files of `patch` that did not apply, as data.
    static func failures(_ patch: TreeApplier.PatchOutcome) -> [Failure] {
        patch.files.compactMap { file -> Failure? in
            guard case .failed(let failure) = file.verdict else { return nil }
            // The same text the table prints, which names the path once.
            var detail = Failure(file: file.path, message: file.description)
            if case .hunkFailed(let mismatch) = failure {
                detail.hunk = mismatch.hunk
                detail.hunkHeader = mismatch.header
                detail.patchFile = mismatch.location.file
                detail.patchLine = mismatch.location.line
                detail.line = mismatch.expectedLine
                detail.nearestLine = mismatch.nearest?.line
                detail.matchingLines = mismatch.nearest?.matchingLines
                detail.totalLines = mismatch.nearest?.totalLines
            } else {
                detail.patchFile = file.location.file
                detail.patchLine = file.location.line
            }
            return detail
        }
    }

    /// Orders `v6.9` before `v6.10`: numeric runs compare as numbers.
    static func versionOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.compare(rhs, options: .numeric) == .orderedAscending
    }

    /// Reads patch text: a folder of `*.patch` files (cover letters skipped), an mbox or a patch.
    public static func readPatches(at path: String) throws(PatchParseError) -> [PatchCommit] {
        try readSeries(at: path).commits
    }

    /// Reads patch text and picks the series out of it: from a saved thread, the newest
    /// version's patches in order, with the mails left and why (`SeriesSelection`).
    public static func readSeries(at path: String) throws(PatchParseError) -> SeriesSelection {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PatchParseError(.unreadable, at: PatchLocation(file: path, line: 0))
            }
            return try PatchParser.parseSeries(Array(data), name: path)
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0.hasSuffix(".patch") && !$0.hasSuffix("cover-letter.patch") }.sorted()
        var entries: [MailboxEntry] = []
        for name in names {
            let file = (path as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file) else {
                throw PatchParseError(.unreadable, at: PatchLocation(file: file, line: 0))
            }
            entries += try PatchParser.readMailbox(Array(data), name: file)
        }
        let selection = SeriesSelection.select(entries)
        if selection.patches.isEmpty {
            throw PatchParseError(.notAPatch, at: PatchLocation(file: path, line: 0))
        }
        return selection
    }

    /// The newest `v<N>` folder of a policy's generated series under `outputDirectory`.
    public static func latestGeneratedSeries(policy: String, outputDirectory: String) -> String? {
        let folder = (outputDirectory as NSString).appendingPathComponent(policy)
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .compactMap { name -> Int? in name.hasPrefix("v") ? Int(name.dropFirst()) : nil }
        return versions.max().map { (folder as NSString).appendingPathComponent("v\($0)") }
    }
}
