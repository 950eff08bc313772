import Git
import Policy

/// `kseries check` for a policy: on each kernel ref, do the preconditions hold and does every
/// edit still resolve? Nothing is written.
public struct PolicyCheck {
    /// The verdict on one ref.
    public enum Verdict: Sendable {
        /// Every precondition holds and every edit resolves.
        case resolves(patches: Int)
        /// The tree lacks what the policy needs; no edit was tried.
        case preconditionsUnmet([PreconditionChecker.Unmet])
        /// An edit does not resolve (or the ref is unknown): the error says where.
        case fails(KSeriesError)

        public var isSuccess: Bool {
            if case .resolves = self { return true }
            return false
        }
    }

    public struct RefResult: Sendable {
        public var ref: String
        public var verdict: Verdict
    }

    public init() {}

    /// Checks `policy` on every ref; an unknown ref is reported and the others still checked.
    public func check(_ policy: PolicyTemplate, treePath: String, refs: [String]) throws(KSeriesError) -> [RefResult] {
        let repository: Repository
        do {
            repository = try Repository(at: treePath)
        } catch {
            throw .git(error)
        }
        return refs.map { ref in RefResult(ref: ref, verdict: verdict(policy, repository: repository, ref: ref)) }
    }

    private func verdict(_ policy: PolicyTemplate, repository: Repository, ref: String) -> Verdict {
        let commit: ObjectID
        let unmet: [PreconditionChecker.Unmet]
        do {
            commit = try repository.commitID(forRevision: ref)
            unmet = try PreconditionChecker(repository: repository).unmet(policy, at: commit)
        } catch {
            return .fails(.git(error))
        }
        guard unmet.isEmpty else { return .preconditionsUnmet(unmet) }
        do {
            let patches = try SeriesBuilder(repository: repository).edit(policy: policy, base: commit, ref: ref)
            return .resolves(patches: patches.count)
        } catch {
            return .fails(error)
        }
    }
}
