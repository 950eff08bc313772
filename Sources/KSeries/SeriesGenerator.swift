import Foundation
import Git
import Policy
import Series

/// `kseries generate`: a policy on a kernel ref → commits on `refs/heads/kseries/<policy>/v<N>`
/// → `git format-patch`-identical mails in `<out>/<policy>/v<N>/`.
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
    }

    /// The kseries version written on the mails' signature line.
    public static let version = "0.1.0"

    public init() {}

    public func generate(_ request: Request) throws(KSeriesError) -> Result {
        let policy = request.policy
        var timer = PhaseTimer(environment: request.environment)
        guard request.version >= 1 else {
            throw .output(path: request.outputDirectory, message: "the version must be 1 or more, not \(request.version)")
        }
        let baseRef = request.base ?? policy.base
        let repository: Repository
        let baseCommit: ObjectID
        let author: Signature
        let committer: Signature
        do {
            repository = try Repository(at: request.treePath)
            baseCommit = try repository.commitID(forRevision: baseRef)
            author = try repository.identity(for: .author, environment: request.environment)
            committer = try repository.identity(for: .committer, environment: request.environment)
        } catch {
            throw .git(error)
        }
        timer.lap("open, resolve, identity")
        let unmet: [PreconditionChecker.Unmet]
        do {
            unmet = try PreconditionChecker(repository: repository).unmet(policy, at: baseCommit)
        } catch {
            throw .git(error)
        }
        guard unmet.isEmpty else { throw .preconditions(template: policy.sourcePath, ref: baseRef, unmet: unmet) }
        timer.lap("preconditions")

        let built = try SeriesBuilder(repository: repository).build(
            policy: policy, base: baseCommit, ref: baseRef, author: author, committer: committer)
        let tip = built.last?.commit ?? baseCommit
        timer.lap("edit, write blobs/trees/commits")

        let mails: SeriesMails
        do {
            mails = try SeriesMailer(repository: repository).mails(
                commits: built.map(\.commit), base: baseCommit,
                cover: (subject: policy.cover.subject, body: policy.cover.body), sender: committer,
                subjectPrefix: "\(policy.subjectPrefix) v\(request.version)")
        } catch {
            throw .git(error)
        }
        timer.lap("diff and render mails")

        let reference = "refs/heads/kseries/\(policy.name)/v\(request.version)"
        do {
            let previous = try repository.referenceTarget(reference)
            try repository.updateReference(
                reference, to: tip, expecting: previous,
                logMessage: "kseries generate \(policy.name) v\(request.version) on \(baseRef)")
        } catch {
            throw .git(error)
        }
        // The ref moves first: of two concurrent runs, the one that loses the race on the ref
        // writes nothing.
        let directory = "\(request.outputDirectory)/\(policy.name)/v\(request.version)"
        let files = try MailFolderWriter().replace(directory: directory, with: mails)
        timer.lap("move ref, write folder")
        return Result(reference: reference, baseCommit: baseCommit, commits: built.map(\.commit), directory: directory, files: files)
    }
}
