import CSource
import Git
import Policy
import RangeDiff
import Series

/// Carries the trailers of a previous version into a new one, for the patches that did not
/// change in substance, by rewriting the new commits' messages (same trees, same authors).
struct TrailerCarrier {
    let repository: Repository

    /// What was carried and what was dropped, by new patch index.
    struct Outcome {
        var commits: [ObjectID]
        var carried: [[String]]
        /// Trailers not carried because the patch changed, by new patch index.
        var dropped: [Int: [String]]
    }

    /// `keys` and `records` describe the new commits (records before any trailer is added).
    func carry(
        commits: [ObjectID], records: [SeriesState.Patch], previous: SeriesState.Version?, committer: Signature
    ) throws(GitError) -> Outcome {
        var carried: [[String]] = Array(repeating: [], count: commits.count)
        var dropped: [Int: [String]] = [:]
        if let previous {
            for (index, record) in records.enumerated() {
                guard let old = previous.patches.first(where: { $0.key == record.key }) else { continue }
                var given: [String] = []
                for trailer in old.trailers + old.received where !given.contains(trailer) { given.append(trailer) }
                guard !given.isEmpty else { continue }
                if old.hasSameSubstance(as: record) {
                    carried[index] = given
                } else {
                    dropped[index] = given
                }
            }
        }
        guard carried.contains(where: { !$0.isEmpty }) else {
            return Outcome(commits: commits, carried: carried, dropped: dropped)
        }
        // Rewrite from the first commit that gains a trailer; the ones before stay.
        var rewritten: [ObjectID] = []
        var parent: ObjectID?
        var changed = false
        for (index, id) in commits.enumerated() {
            let commit = try repository.commit(id)
            if !changed && carried[index].isEmpty {
                rewritten.append(id)
                parent = id
                continue
            }
            changed = true
            let message = TrailerText.appending(carried[index], to: String(decoding: commit.message, as: UTF8.self))
            let parents = parent.map { [$0] } ?? commit.parentIDs
            let new = try repository.createCommit(
                tree: commit.treeID, parents: parents, author: commit.author, committer: committer, message: message)
            rewritten.append(new)
            parent = new
        }
        return Outcome(commits: rewritten, carried: carried, dropped: dropped)
    }
}
