import Foundation
import Git
import Policy

/// `kseries rebase`: the next version of a series on another kernel ref.
///
/// A policy series is regenerated there (its anchors re-resolve on the new tree). A
/// hand-written series (`kseries import`) has its previous version's patches reapplied in
/// memory with the applier of `kseries check` (offsets allowed), each patch that does not
/// apply as text merged three ways instead, and a hunk that still conflicts re-anchored
/// semantically (`HunkReanchoring`); when a patch does none of these, every hunk that fails
/// is reported and nothing is written. Either way the previous version stays as it was, and
/// the new one is `refs/heads/kseries/<name>/v<N+1>` and `<out>/<name>/v<N+1>/`.
public struct SeriesRebaser {
    public struct Request {
        public var series: String
        /// The kernel ref to move to.
        public var onto: String
        public var treePath: String
        /// The version to make; nil makes the one after the latest.
        public var version: Int?
        /// The folder that gets `<name>/v<N>/`.
        public var outputDirectory: String
        /// Where policies are found, for a policy series.
        public var templates: PolicyCatalog
        public var environment: [String: String]

        public init(
            series: String, onto: String, treePath: String, version: Int? = nil, outputDirectory: String = "patches",
            templates: PolicyCatalog, environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.series = series
            self.onto = onto
            self.treePath = treePath
            self.version = version
            self.outputDirectory = outputDirectory
            self.templates = templates
            self.environment = environment
        }
    }

    public struct Result {
        public var reference: String
        /// The version rebased, and the one made.
        public var from: Int
        public var version: SeriesState.Version
        public var state: SeriesState
        public var directory: String
        public var files: [String]
        /// Patches (1-based) that git's three-way merge placed.
        public var threeWayPatches: [Int]
        /// Hunks that neither applied nor merged, placed by re-anchoring them semantically
        /// (`patch N: re-anchored semantically: <file> hunk #k`).
        public var reanchoredHunks: [String]
        /// Patches (1-based) whose hunks moved, with the largest move in lines.
        public var offsets: [Int: Int]
        public var carriedTrailers: [[String]]
        public var droppedTrailers: [Int: [String]]
        public var warnings: [String]
    }

    public init() {}

    public func rebase(_ request: Request) throws(KSeriesError) -> Result {
        let (repository, _, loaded) = try openRecordedSeries(treePath: request.treePath, name: request.series)
        guard let latest = loaded.state.latest else {
            throw .series(name: request.series, problem: "has no version to rebase yet")
        }
        let number = request.version ?? latest.number + 1
        guard number >= 2 else { throw .argument("-v \(number)", problem: "a rebase makes version 2 or later") }
        guard let from = loaded.state.version(before: number) else {
            throw .series(name: request.series, problem: "has no version before v\(number) to rebase")
        }
        let start = try VersionMaker(repository: repository).start(request.series, number: number)

        switch loaded.state.origin.kind {
        case .policy:
            let policy: PolicyTemplate
            do {
                policy = try request.templates.policy(named: loaded.state.origin.source)
            } catch {
                throw .policy(error)
            }
            let generated = try SeriesGenerator().make(
                    SeriesGenerator.Request(
                        policy: policy, treePath: request.treePath, base: request.onto, version: number,
                        outputDirectory: request.outputDirectory, environment: request.environment),
                    repository: repository, start: start, made: .rebase, verb: "rebase")
            return Result(
                reference: generated.reference, from: from.number, version: generated.version, state: generated.state,
                directory: generated.directory, files: generated.files, threeWayPatches: [], reanchoredHunks: [], offsets: [:],
                carriedTrailers: generated.carriedTrailers, droppedTrailers: generated.droppedTrailers,
                warnings: generated.warnings)
        case .patches:
            return try rebasePatches(request, repository: repository, start: start, from: from, number: number)
        }
    }

    private func rebasePatches(
        _ request: Request, repository: Repository, start: VersionMaker.Start, from: SeriesState.Version, number: Int
    ) throws(KSeriesError) -> Result {
        let onto: ObjectID
        let committer: Signature
        do {
            onto = try repository.commitID(forRevision: request.onto)
            committer = try repository.identity(for: .committer, environment: request.environment)
        } catch {
            throw .git(error)
        }
        let commits = try VersionMails.ids(from.commits, series: request.series, version: from.number)
        var warnings: [String] = []
        if let moved = try? repository.referenceTarget(SeriesStore.versionReference(request.series, from.number)),
            moved.hex != from.tip
        {
            warnings.append(
                "\(SeriesStore.versionReference(request.series, from.number)) has moved since v\(from.number) was recorded; rebasing the recorded v\(from.number) (to rebase your changes, record them first: kseries import \(from.baseCommit.prefix(12))..\(moved.hex.prefix(12)) --series \(request.series) -v \(number))")
        }
        let replayed = try PatchReplayer(repository: repository).replay(commits, onto: onto, committer: committer)
        guard replayed.failures.isEmpty else {
            throw .doesNotApply(
                series: request.series, from: from.number, onto: request.onto, failures: replayed.failures.map(\.description),
                total: commits.count)
        }
        let output = try VersionMaker(repository: repository).make(
                VersionMaker.Input(
                    start: start, origin: start.state!.origin, baseRef: request.onto, baseCommit: onto,
                    commits: replayed.commits, keys: replayed.sources.map { from.patches[$0].key },
                    templates: Array(repeating: nil, count: replayed.commits.count), subjectPrefix: from.subjectPrefix,
                    cover: from.cover, made: .rebase, threeWay: replayed.threeWay, outputDirectory: request.outputDirectory,
                    committer: committer,
                    message: "kseries rebase \(request.series): v\(number) on \(request.onto) (\(onto.hex.prefix(12)))",
                    testPoints: WriteTestPoints(environment: request.environment)))
        return Result(
            reference: output.reference, from: from.number, version: output.version, state: output.state,
            directory: output.directory ?? "", files: output.files, threeWayPatches: replayed.threeWay,
            reanchoredHunks: replayed.reanchored, offsets: replayed.offsets, carriedTrailers: output.carried, droppedTrailers: output.dropped,
            warnings: warnings + output.warnings)
    }
}

/// Opens the repository and loads the state of a series kseries keeps; an unknown series is an
/// error that lists the known ones and says how to make it (or how to record a version whose
/// ref exists without a recorded state).
func openRecordedSeries(
    treePath: String, name: String
) throws(KSeriesError) -> (Repository, SeriesStore, (state: SeriesState, commit: ObjectID)) {
    let repository: Repository
    do {
        repository = try Repository(at: treePath)
    } catch {
        throw .git(error)
    }
    let store = SeriesStore(repository: repository)
    guard let loaded = try store.load(name) else {
        let orphans = (try? repository.referenceNames(matching: "refs/heads/kseries/\(name)/v*")) ?? []
        let hint = orphans.isEmpty
            ? "make it with kseries generate <policy> or kseries import <mbox or range>"
            : "\(orphans.joined(separator: ", ")) exist\(orphans.count == 1 ? "s" : "") but no version was recorded: regenerate it with kseries generate \(name) --base <its base> (a policy), or record it with kseries import <base>..\(orphans.last!) --series \(name)"
        throw .unknownSeries(name: name, known: (try? store.names()) ?? [], hint: hint)
    }
    return (repository, store, loaded)
}
