import Git

/// The revision arguments `git format-patch` takes: `A..B` (either side defaulting to HEAD),
/// `^A B`, a single `<since>` meaning `<since>..HEAD`, `-<n> [<rev>]` for the last n commits
/// and `--root <rev>` for all history up to `<rev>`.
public struct RevisionArguments: Sendable, Equatable {
    public var revisions: [String]
    /// `-<n>`: at most n commits (merges not counted).
    public var maxCount: Int?
    /// `--root`: a single revision means the history up to it, not `<rev>..HEAD`.
    public var root: Bool

    public init(revisions: [String], maxCount: Int? = nil, root: Bool = false) {
        self.revisions = revisions
        self.maxCount = maxCount
        self.root = root
    }

    /// The commits to walk from and the commits whose history is excluded.
    public struct Resolved: Sendable, Equatable {
        public var including: [ObjectID]
        public var excluding: [ObjectID]
        /// The branch the range names, whose description git puts in the cover letter: HEAD's
        /// for `<since>` or `HEAD`, else the single positive revision when it is a branch at
        /// its tip (`find_branch_name`).
        public var branch: String?
    }

    /// The text of the range, for messages.
    public var display: String {
        var parts: [String] = []
        if let maxCount { parts.append("-\(maxCount)") }
        if root { parts.append("--root") }
        return (parts + revisions).joined(separator: " ")
    }

    public func resolve(in repository: Repository) throws(KSeriesError) -> Resolved {
        var including: [ObjectID] = []
        var excluding: [ObjectID] = []
        var positives: [String] = []
        func commit(_ revision: String) throws(KSeriesError) -> ObjectID {
            let name = revision.isEmpty ? "HEAD" : revision
            do {
                return try repository.commitID(forRevision: name)
            } catch {
                throw .revision(name, problem: "does not name a commit in \(repository.displayPath): \(error.message)")
            }
        }
        var pending = 0
        for argument in revisions {
            if argument.contains("...") {
                throw .revision(argument, problem: "is a symmetric range; symmetric ranges (A...B) are not supported; use A..B")
            }
            if let range = argument.range(of: "..") {
                excluding.append(try commit(String(argument[..<range.lowerBound])))
                including.append(try commit(String(argument[range.upperBound...])))
                positives.append(String(argument[range.upperBound...]))
                pending += 2
            } else if argument.hasPrefix("^") {
                excluding.append(try commit(String(argument.dropFirst())))
                pending += 1
            } else {
                including.append(try commit(argument))
                positives.append(argument)
                pending += 1
            }
        }
        var checkHead = false
        if pending == 1 && maxCount == nil && !root {
            // `git format-patch origin`: what HEAD has and origin has not.
            excluding += including
            including = [try commit("HEAD")]
            checkHead = true
        }
        if including.isEmpty {
            guard maxCount != nil || root || revisions.isEmpty == false else {
                throw .revision("", problem: "no revision range given (e.g. v6.12..HEAD, a single <since>, or -<n>)")
            }
            including = [try commit("HEAD")]
            positives = ["HEAD"]
            // git's default revision counts as the one given.
            if revisions.isEmpty { pending = 1 }
        }
        if pending == 1 && positives.map({ $0.isEmpty ? "HEAD" : $0 }) == ["HEAD"] { checkHead = true }
        let branch = checkHead
            ? repository.currentBranch()
            : positives.count == 1 && including.count == 1 ? branchName(positives[0], at: including[0], in: repository) : nil
        return Resolved(including: including, excluding: excluding, branch: branch)
    }

    /// The branch `revision` names when it resolves, as git's `dwim_ref`, to `refs/heads/…`
    /// at `tip`.
    private func branchName(_ revision: String, at tip: ObjectID, in repository: Repository) -> String? {
        let name = revision.isEmpty ? "HEAD" : revision
        if name == "HEAD" { return repository.currentBranch() }
        var candidate: String?
        if name.hasPrefix("refs/heads/") {
            candidate = String(name.dropFirst("refs/heads/".count))
        } else if name.hasPrefix("refs/") || (try? repository.referenceTarget("refs/tags/\(name)")) != nil {
            candidate = nil
        } else {
            candidate = name
        }
        guard let candidate, let target = try? repository.referenceTarget("refs/heads/\(candidate)"), target == tip else {
            return nil
        }
        return candidate
    }
}
