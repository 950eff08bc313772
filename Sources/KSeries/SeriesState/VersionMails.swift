import Foundation
import Git
import RangeDiff
import Series

/// The mails of one version of a series, as `git format-patch --cover-letter --base
/// --range-diff=<previous version> -v <N>` writes them, plus what kseries adds to the cover
/// letter: the "Changes since v<N-1>" of every version made by kseries (newest first, the
/// author's notes first in each), and b4's `change-id:` line after `base-commit:`.
struct VersionMails {
    let repository: Repository

    struct Rendered {
        var mails: SeriesMails
        /// Why the range-diff is missing, when it is (the previous version's commits are gone).
        var warnings: [String]
    }

    func render(state: SeriesState, version: SeriesState.Version, sender: Signature) throws(KSeriesError) -> Rendered {
        var warnings: [String] = []
        let commits = try Self.ids(version.commits, series: state.name, version: version.number)
        guard let base = ObjectID(hex: version.baseCommit) else {
            throw .output(path: SeriesStore.reference(for: state.name), message: "v\(version.number) has no valid base commit")
        }
        var blurb = SeriesMailRenderer.trimmed(version.cover.body)
        let changes = ChangeLog.text(state: state, upTo: version)
        if !changes.isEmpty { blurb += (blurb.isEmpty ? "" : "\n\n") + changes }

        var mails = try SeriesMailRenderer(repository: repository).mails(
            commits: commits, base: base, cover: (subject: version.cover.subject, body: blurb), sender: sender,
            subjectPrefix: "\(version.subjectPrefix) v\(version.number)".trimmingCharacters(in: .whitespaces))

        var rangeDiff: [UInt8] = []
        if let previous = state.version(before: version.number) {
            do {
                let old = try Self.ids(previous.commits, series: state.name, version: previous.number)
                let text = try RangeDiff(repository: repository).compare(old: old, new: commits)
                rangeDiff = Array("Range-diff against v\(previous.number):\n".utf8) + text
            } catch {
                warnings.append("no range-diff against v\(previous.number) in the cover letter: \(error)")
            }
        }
        mails = Self.finishCover(mails, rangeDiff: rangeDiff, changeID: state.changeID)
        return Rendered(mails: mails, warnings: warnings)
    }

    static func ids(_ hexes: [String], series: String, version: Int) throws(KSeriesError) -> [ObjectID] {
        var ids: [ObjectID] = []
        for hex in hexes {
            guard let id = ObjectID(hex: hex) else {
                throw .output(path: SeriesStore.reference(for: series), message: "v\(version) records '\(hex)', which is no commit id")
            }
            ids.append(id)
        }
        return ids
    }

    /// Adds the range-diff where `git format-patch --range-diff` puts it (after the diffstat,
    /// before `base-commit:`) and `change-id:` after `base-commit:`, where b4 writes it, to the
    /// cover letter file and to the cover letter in the mailbox.
    static func finishCover(_ mails: SeriesMails, rangeDiff: [UInt8], changeID: String) -> SeriesMails {
        guard var cover = mails.files.first, let bodyStart = ByteSearch.find([0x0A, 0x0A], in: cover.bytes).map({ $0 + 2 }) else {
            return mails
        }
        let oldBody = Array(cover.bytes[bodyStart...])
        var body = oldBody
        let marker = Array("\nbase-commit: ".utf8)
        guard let baseLine = ByteSearch.find(marker, in: body) else { return mails }
        guard let lineEnd = body[(baseLine + 1)...].firstIndex(of: 0x0A) else { return mails }
        body.insert(contentsOf: Array("change-id: \(changeID)\n".utf8), at: lineEnd + 1)
        body.insert(contentsOf: rangeDiff, at: baseLine)
        cover.bytes = Array(cover.bytes[..<bodyStart]) + body
        var result = mails
        result.files[0] = cover
        if let at = ByteSearch.find(oldBody, in: mails.mailbox) {
            result.mailbox.replaceSubrange(at..<(at + oldBody.count), with: body)
        }
        return result
    }
}
