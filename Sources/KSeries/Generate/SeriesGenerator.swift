import Foundation
import Git
import Policy
import Series

/// `kseries generate`: a policy on a kernel ref → commits on `refs/heads/kseries/<policy>/v<N>`
/// → `git format-patch`-identical mails in `<out>/<policy>/v<N>/`, recorded as version N in
/// the series state (`SeriesStore`), with the series' b4 `change-id:` in the cover letter.
/// When the state holds an earlier version, the cover letter also says what changed since
/// it (with the author's notes and a range-diff), and the trailers reviewers gave on it are
/// carried to the patches that did not change in substance.
public struct SeriesGenerator {
    /// What to generate.
    public struct Request {
        public var policy: PolicyTemplate
        public var treePath: String
        /// The base ref; nil uses the policy's.
        public var base: String?
        public var version: Int
        /// The folder that gets `<policy>/v<N>/`.
        public var outputDirectory: String
        public var environment: [String: String]

        public init(
            policy: PolicyTemplate, treePath: String, base: String? = nil, version: Int = 1,
            outputDirectory: String = "patches", environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.policy = policy
            self.treePath = treePath
            self.base = base
            self.version = version
            self.outputDirectory = outputDirectory
            self.environment = environment
        }
    }

    /// What was made.
    public struct Result {
        /// The ref holding the series' tip, e.g. `refs/heads/kseries/rcu-kvm-run-loop/v1`.
        public var reference: String
        public var baseCommit: ObjectID
        /// The series' commits, oldest first.
        public var commits: [ObjectID]
        /// The folder holding the mails.
        public var directory: String
        /// The mail files, cover letter first, as paths.
        public var files: [String]
        /// The series state after the run, with this version recorded.
        public var state: SeriesState
        /// Things the user should know that did not stop the run.
        public var warnings: [String]
        /// Trailers carried from the previous version, and those dropped because the patch
        /// changed, by patch index.
        public var carriedTrailers: [[String]]
        public var droppedTrailers: [Int: [String]]
        /// The version made, as recorded.
        public var version: SeriesState.Version
    }

    /// The kseries version written on the mails' signature line.
    public static let version = "0.1.0"

    public init() {}

    public func generate(_ request: Request) throws(KSeriesError) -> Result {
        guard request.version >= 1 else {
            throw .output(path: request.outputDirectory, message: "the version must be 1 or more, not \(request.version)")
        }
        var timer = PhaseTimer(environment: request.environment)
        let repository: Repository
        do {
            repository = try Repository(at: request.treePath)
        } catch {
            throw .git(error)
        }
        let start = try VersionMaker(repository: repository).start(request.policy.name, number: request.version)
        timer.lap("open the tree, read the state")
        return try make(
            request, repository: repository, start: start, made: .generate,
            verb: "generate")
    }

    /// Generates `request.policy` as version `start.number` on `request.base`: the work of
    /// `generate`, and of `rebase` for a policy series.
    func make(
        _ request: Request, repository: Repository, start: VersionMaker.Start, made: SeriesState.Version.Making, verb: String
    ) throws(KSeriesError) -> Result {
        let policy = request.policy
        var timer = PhaseTimer(environment: request.environment)
        let baseRef = request.base ?? policy.base
        if let state = start.state, state.origin.kind != .policy {
            throw .output(
                path: SeriesStore.reference(for: policy.name),
                message: "'\(policy.name)' is a series imported from \(state.origin.source), not made from a policy; give the policy another name, or rebase that series with kseries rebase")
        }
        let baseCommit: ObjectID
        let author: Signature
        let committer: Signature
        do {
            baseCommit = try repository.commitID(forRevision: baseRef)
            author = try repository.identity(for: .author, environment: request.environment)
            committer = try repository.identity(for: .committer, environment: request.environment)
        } catch {
            throw .git(error)
        }
        timer.lap("resolve the base, identity")
        let built: [SeriesBuilder.BuiltPatch]
        do {
            // The files read and lexed here (a few MiB for kernel sources) are let go before
            // the mails are made, whose diffs then reuse their memory.
            let sources = BaseSources()
            let unmet: [PreconditionChecker.Unmet]
            do {
                unmet = try PreconditionChecker(repository: repository, sources: sources).unmet(policy, at: baseCommit)
            } catch {
                throw KSeriesError.git(error)
            }
            guard unmet.isEmpty else { throw KSeriesError.preconditions(template: policy.sourcePath, ref: baseRef, unmet: unmet) }
            timer.lap("preconditions")

            built = try SeriesBuilder(repository: repository, sources: sources).build(
                policy: policy, base: baseCommit, ref: baseRef, author: author, committer: committer)
            timer.lap("edit, write blobs/trees/commits")
        }

        let output = try VersionMaker(repository: repository).make(
            VersionMaker.Input(
                start: start, origin: SeriesState.Origin(kind: .policy, source: policy.name), baseRef: baseRef,
                baseCommit: baseCommit, commits: built.map(\.commit), keys: nil,
                templates: built.map { PatchRecords.templateFingerprint($0.template) },
                subjectPrefix: policy.subjectPrefix,
                cover: SeriesState.Cover(subject: policy.cover.subject, body: policy.cover.body), made: made,
                outputDirectory: request.outputDirectory, committer: committer,
                message: "kseries \(verb) \(start.name): v\(start.number) on \(baseRef) (\(baseCommit.hex.prefix(12)))",
                testPoints: WriteTestPoints(environment: request.environment)))
        timer.lap("diff, render, record, write folder")
        return Result(
            reference: output.reference, baseCommit: baseCommit, commits: output.version.commits.compactMap(ObjectID.init(hex:)),
            directory: output.directory ?? "", files: output.files, state: output.state, warnings: output.warnings,
            carriedTrailers: output.carried, droppedTrailers: output.dropped, version: output.version)
    }
}
