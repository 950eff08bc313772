import Apply
import Foundation
import Git
import Mail
import Maintainers

/// `kseries send`: the checks before a series may go out, and the recipients it goes to.
///
/// A series is refused when its cover letter still has git's placeholders, when its patches
/// no longer apply to the `base-commit:` they name, when nobody would receive it, or when it
/// was already sent at this version (unless resent on purpose).
public struct SendPlan {
    /// The mail files, cover letter first.
    public var files: [MailFile]
    /// Who receives every message: MAINTAINERS' people and lists for the whole series, the
    /// policy's, the configuration's and the command line's.
    public var recipients: MessageRecipients
    /// `<name>` and `<N>` when the folder is `…/<name>/v<N>`.
    public var series: (name: String, version: Int)?
    /// The base the patches were checked against, nil when the series names none.
    public var baseCommit: ObjectID?
    /// Things worth saying that do not stop the send.
    public var warnings: [String]

    static let placeholders = ["*** SUBJECT HERE ***", "*** BLURB HERE ***"]

    /// Reads and checks the series in `folder`; `extra` recipients come from the policy, the
    /// configuration and the command line. Without `useMaintainers`, MAINTAINERS is not read.
    public static func make(
        folder: String, repository: Repository, extra: MessageRecipients, useMaintainers: Bool = true
    ) throws(KSeriesError) -> SendPlan {
        let files: [MailFile]
        do {
            files = try MailFile.series(inFolder: folder)
        } catch {
            throw .mail(error)
        }
        guard !files.isEmpty else { throw .refused(folder: folder, problem: "no .patch files to send") }
        for file in files {
            let text = String(decoding: file.body, as: UTF8.self) + (file.subject ?? "")
            if let placeholder = placeholders.first(where: { text.contains($0) }) {
                throw .refused(
                    folder: folder, problem: "\(file.fileName) still has the placeholder \"\(placeholder)\"; write the cover letter first")
            }
        }
        var warnings: [String] = []
        let baseHex = files.lazy.compactMap { Self.baseCommit(in: $0.body) }.first
        var baseCommit: ObjectID?
        if let baseHex {
            do {
                baseCommit = try repository.commitID(forRevision: baseHex)
            } catch {
                throw .refused(folder: folder, problem: "its base-commit \(baseHex) is not in \(repository.displayPath): \(error.message)")
            }
        } else {
            warnings.append("the series names no base-commit: whether it still applies was not checked")
        }
        let patches: [PatchCommit]
        do {
            patches = try SeriesCheck.readPatches(at: folder)
        } catch {
            throw .patchText(error)
        }
        if let baseCommit {
            let outcome: TreeApplier.SeriesOutcome
            do {
                outcome = try TreeApplier(repository: repository).apply(patches, onto: baseCommit)
            } catch {
                throw .git(error)
            }
            if let failure = outcome.firstFailure {
                throw .refused(folder: folder, problem: "no longer applies to its base \(baseCommit.hex.prefix(12)): \(failure)")
            }
        }
        var to = extra.to
        var cc = extra.cc
        if useMaintainers {
            do {
                let lookup = try MaintainerLookup(repository: repository, commit: baseCommit ?? repository.commitID(forRevision: "HEAD"))
                let inputs = try files.filter { !$0.fileName.hasSuffix("cover-letter.patch") }.map { file in
                    MaintainersInput.patch(Array(try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(file.fileName))))
                }
                let found = try lookup.mailRecipients(for: inputs)
                to += found.to
                cc += found.cc
            } catch let error as MaintainersError {
                warnings.append("MAINTAINERS not used: \(error)")
            } catch let error as GitError {
                throw .git(error)
            } catch {
                throw .input(source: folder, line: nil, problem: "\(error)")
            }
        }
        let recipients = MessageRecipients(to: unique(to), cc: unique(cc).filter { !to.contains($0) }, bcc: extra.bcc)
        guard !(recipients.to.isEmpty && recipients.cc.isEmpty && recipients.bcc.isEmpty) else {
            throw .refused(folder: folder, problem: "nobody to send it to (no MAINTAINERS match, no --to/--cc, no sendemail.to)")
        }
        return SendPlan(files: files, recipients: recipients, series: Self.seriesName(of: folder), baseCommit: baseCommit, warnings: warnings)
    }

    /// The `base-commit: <hex>` line of a mail body.
    static func baseCommit(in body: [UInt8]) -> String? {
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") where line.hasPrefix("base-commit: ") {
            return String(line.dropFirst("base-commit: ".count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// `(name, N)` for a folder `…/<name>/v<N>`.
    public static func seriesName(of folder: String) -> (name: String, version: Int)? {
        let url = URL(fileURLWithPath: folder).standardizedFileURL
        let last = url.lastPathComponent
        guard last.hasPrefix("v"), let version = Int(last.dropFirst()) else { return nil }
        return (url.deletingLastPathComponent().lastPathComponent, version)
    }

    static func unique(_ addresses: [String]) -> [String] {
        var seen = Set<String>()
        return addresses.filter { seen.insert($0.lowercased()).inserted }
    }

    /// The tag that records a sent version: `refs/tags/kseries/sent/<name>/v<N>`.
    public static func sentTag(name: String, version: Int) -> String { "refs/tags/kseries/sent/\(name)/v\(version)" }

    /// Records a complete send: tags the version's tip (when kseries made the series) so the
    /// next `rebase` starts v<N+1> and a second send of v<N> is refused.
    public func recordSent(in repository: Repository) throws(GitError) -> String? {
        guard let series else { return nil }
        let target = try repository.referenceTarget("refs/heads/kseries/\(series.name)/v\(series.version)") ?? baseCommit
        guard let target else { return nil }
        let tag = Self.sentTag(name: series.name, version: series.version)
        let previous = try repository.referenceTarget(tag)
        try repository.updateReference(tag, to: target, expecting: previous, logMessage: "kseries send \(series.name) v\(series.version)")
        return tag
    }

    /// Writes the cover letter's Message-Id into the series state (when kseries keeps this
    /// series), so the next version's cover letter can link to this one.
    public func recordMessageID(_ messageID: String, in repository: Repository) throws(KSeriesError) {
        guard let series else { return }
        let store = SeriesStore(repository: repository)
        guard let (state, commit) = try store.load(series.name),
            let index = state.versions.firstIndex(where: { $0.number == series.version })
        else { return }
        var updated = state
        updated.versions[index].sentMessageID = messageID
        let identity: Signature
        do {
            identity = try repository.identity(for: .committer)
        } catch {
            throw .git(error)
        }
        try store.save(updated, expecting: commit, message: "kseries send \(series.name) v\(series.version)", identity: identity)
    }

    /// True when this version was already sent completely.
    public func alreadySent(in repository: Repository, log: SendLog?) throws(GitError) -> Bool {
        if let series, try repository.referenceTarget(Self.sentTag(name: series.name, version: series.version)) != nil {
            return true
        }
        return false
    }
}
