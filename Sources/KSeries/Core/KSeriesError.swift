import CSource
import Git
import Policy

/// Everything that can stop a kseries command, each carrying what the user must fix.
public enum KSeriesError: Error, Sendable, CustomStringConvertible {
    /// A template file that cannot be read or understood.
    case policy(PolicyError)
    /// A git failure (missing repository, unknown ref, identity unset, ref moved, …).
    case git(GitError)
    /// An anchor or scope that does not resolve on a kernel tree.
    case anchor(template: String, line: Int, ref: String, error: AnchorError)
    /// The tree at `ref` lacks what the policy needs (all unmet preconditions, in order).
    case preconditions(template: String, ref: String, unmet: [PreconditionChecker.Unmet])
    /// An edit that resolved but produced nothing to commit.
    case emptyPatch(template: String, line: Int, ref: String, subject: String)
    /// The output folder cannot be written.
    case output(path: String, message: String)
    /// A ref pattern (`--onto 'v6.*'`) that names no tag or branch of the repository.
    case noMatchingRefs(pattern: String, repository: String)

    public var description: String {
        switch self {
        case .policy(let error): "\(error)"
        case .git(let error): "\(error)"
        case .anchor(let template, let line, let ref, let error): "\(template):\(line): at \(ref): \(error)"
        case .preconditions(let template, let ref, let unmet):
            unmet.map { "\(template):\($0.precondition.line): at \(ref): \($0)" }.joined(separator: "\n")
        case .emptyPatch(let template, let line, let ref, let subject):
            "\(template):\(line): at \(ref): patch \"\(subject)\" changes nothing"
        case .output(let path, let message): "\(path): \(message)"
        case .noMatchingRefs(let pattern, let repository): "'\(pattern)' matches no tag or branch of \(repository)"
        }
    }
}
