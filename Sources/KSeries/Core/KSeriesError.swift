import Apply
import CSource
import Git
import Mail
import Policy

/// Everything that can stop a kseries command, each case carrying what the user must fix and
/// where: the template and line, the ref, the file, the argument as typed, the series.
///
/// The one error of the KSeries layer; the layers below keep their own (`GitError`,
/// `PolicyError`, `AnchorError`, `PatchParseError`, `MailError`, `BuildError`) and arrive here
/// wrapped, never re-worded.
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
    /// The output folder cannot be written, or holds files that are not a series.
    case output(path: String, message: String)
    /// A ref pattern (`--onto 'v6.*'`) that names no tag or branch of the repository.
    case noMatchingRefs(pattern: String, repository: String)
    /// No state for the series.
    case unknownSeries(name: String, known: [String], hint: String?)
    /// Patches that neither apply nor merge on the new base; nothing was written.
    case doesNotApply(series: String, from: Int, onto: String, failures: [String], total: Int)
    /// Patch or mail text that cannot be read (its file and line are in the error).
    case patchText(PatchParseError)
    /// A series whose recorded state does not allow what was asked; `problem` completes a
    /// sentence that starts with the series' name ("has no version to rebase yet").
    case series(name: String, problem: String)
    /// A command-line argument that cannot be used: the argument as typed (`-v 1`, `--base`,
    /// `--in-reply-to`) and why.
    case argument(String, problem: String)
    /// A git configuration value that cannot be used: its key (`format.signOff`) and why.
    case configuration(key: String, problem: String)
    /// A revision or range that cannot be formatted or imported: the revision as given (empty
    /// when none was), and why; `problem` completes a sentence that starts with the revision.
    case revision(String, problem: String)
    /// A commit whose mail headers cannot be written faithfully.
    case header(commit: String, problem: String)
    /// An input file, folder, mailbox or patch at fault: where (with the line when known) and
    /// what is wrong with it.
    case input(source: String, line: Int?, problem: String)
    /// A series folder `send` refuses to send, and why.
    case refused(folder: String, problem: String)
    /// Sending: git send-email's configuration, a mail file, the SMTP server or sendmail.
    case mail(MailError)

    public var description: String {
        switch self {
        case .policy(let error): return "\(error)"
        case .git(let error): return "\(error)"
        case .anchor(let template, let line, let ref, let error): return "\(template):\(line): at \(ref): \(error)"
        case .preconditions(let template, let ref, let unmet):
            return unmet.map { "\(template):\($0.precondition.line): at \(ref): \($0)" }.joined(separator: "\n")
        case .emptyPatch(let template, let line, let ref, let subject):
            return "\(template):\(line): at \(ref): patch \"\(subject)\" changes nothing"
        case .output(let path, let message): return "\(path): \(message)"
        case .noMatchingRefs(let pattern, let repository): return "'\(pattern)' matches no tag or branch of \(repository)"
        case .unknownSeries(let name, let known, let hint):
            var text = "no series '\(name)' in this repository (refs/kseries/series/\(name) does not exist)"
            if let hint { text += "; \(hint)" }
            if !known.isEmpty { text += "; known series: \(known.joined(separator: ", "))" }
            return text
        case .doesNotApply(let series, let from, let onto, let failures, let total):
            let count = failures.count
            return "\(series) v\(from) does not rebase onto \(onto): \(count) of \(total) patch\(total == 1 ? "" : "es") "
                + "neither appl\(count == 1 ? "ies" : "y") nor merge\(count == 1 ? "s" : "") three ways; v\(from) is untouched and nothing was written\n"
                + failures.joined(separator: "\n")
        case .patchText(let error): return error.description
        case .series(let name, let problem): return "\(name) \(problem)"
        case .argument(let argument, let problem): return "\(argument): \(problem)"
        case .configuration(let key, let problem): return "\(key): \(problem)"
        case .revision(let revision, let problem): return revision.isEmpty ? problem : "\(revision) \(problem)"
        case .header(let commit, let problem): return "commit \(commit): \(problem)"
        case .input(let source, let line, let problem): return "\(source)\(line.map { ":\($0)" } ?? ""): \(problem)"
        case .refused(let folder, let problem): return "\(folder): \(problem)"
        case .mail(let error): return "\(error)"
        }
    }
}
