import Git

/// One mail of a series and the file name `git format-patch` gives it.
public struct PatchMail: Sendable, Equatable {
    public var fileName: String
    public var bytes: [UInt8]

    public init(fileName: String, bytes: [UInt8]) {
        self.fileName = fileName
        self.bytes = bytes
    }
}

/// `--thread` and `--in-reply-to`: which mail replies to which.
public struct SeriesThreading: Sendable, Equatable {
    public enum Style: Sendable, Equatable {
        /// Every patch replies to the cover letter (or to the first mail).
        case shallow
        /// Every mail replies to the one before.
        case deep
    }

    /// nil threads nothing (only `inReplyTo` is referenced, as without `--thread`).
    public var style: Style?
    /// One id per mail, the cover letter first when there is one, without angle brackets.
    public var messageIDs: [String]
    /// `--in-reply-to`: the mail the series answers.
    public var inReplyTo: String?

    public init(style: Style?, messageIDs: [String], inReplyTo: String? = nil) {
        self.style = style
        self.messageIDs = messageIDs
        self.inReplyTo = inReplyTo
    }

    /// The headers of each mail, as `cmd_format_patch` chains them.
    func headers(mailCount: Int, hasCoverLetter: Bool) -> [ThreadingHeaders] {
        var references: [String] = inReplyTo.map { [$0] } ?? []
        var previous: String?
        var result: [ThreadingHeaders] = []
        for index in 0..<mailCount {
            var messageID: String?
            if let style {
                if let previous {
                    let number = hasCoverLetter ? index : index + 1
                    let dropPrevious = style == .shallow && !references.isEmpty && (!hasCoverLetter || number > 1)
                    if !dropPrevious { references.append(previous) }
                }
                messageID = index < messageIDs.count ? messageIDs[index] : nil
                previous = messageID
            }
            result.append(ThreadingHeaders(messageID: messageID, references: references))
        }
        return result
    }
}

/// A whole series: optional cover letter and the patches, written as `git format-patch`
/// writes them into files.
public struct PatchSeries: Sendable {
    /// Oldest first.
    public var commits: [MailCommit]
    public var coverLetter: CoverLetter?
    /// `--base`: written in the cover letter, or in the first patch without one.
    public var baseCommit: ObjectID?
    public var threading: SeriesThreading?

    public init(
        commits: [MailCommit], coverLetter: CoverLetter? = nil, baseCommit: ObjectID? = nil,
        threading: SeriesThreading? = nil
    ) {
        self.commits = commits
        self.coverLetter = coverLetter
        self.baseCommit = baseCommit
        self.threading = threading
    }

    /// Whether subjects carry `i/n`, as git decides it.
    public func isNumbered(_ numbering: PatchNumbering) -> Bool {
        switch numbering {
        case .always: return true
        case .never: return false
        case .automatic: return commits.count > 1 || coverLetter != nil
        }
    }

    /// The mails in order, cover letter first.
    public func mails(format: PatchFormat) -> [PatchMail] {
        let hasCover = coverLetter != nil
        let mailCount = commits.count + (hasCover ? 1 : 0)
        let threads = threading?.headers(mailCount: mailCount, hasCoverLetter: hasCover)
            ?? Array(repeating: .none, count: mailCount)
        var mails: [PatchMail] = []
        if let coverLetter {
            let bytes = CoverLetterWriter(format: format)
                .write(coverLetter, commits: commits, threading: threads[0], baseCommit: baseCommit)
            mails.append(
                PatchMail(
                    fileName: PatchFileName.coverLetter(
                        rerollCount: format.rerollCount, maxLength: format.fileNameMaxLength, suffix: format.fileNameSuffix),
                    bytes: bytes))
        }
        let numbered = isNumbered(format.numbering)
        let writer = PatchEmailWriter(format: format)
        for (index, commit) in commits.enumerated() {
            let position = numbered ? SeriesPosition(number: index + 1, total: commits.count) : nil
            let base = !hasCover && index == 0 ? baseCommit : nil
            let bytes = writer.write(commit, position: position, threading: threads[mails.count], baseCommit: base)
            let name = PatchFileName.patch(
                number: index + 1, message: commit.message, rerollCount: format.rerollCount,
                maxLength: format.fileNameMaxLength, suffix: format.fileNameSuffix)
            mails.append(PatchMail(fileName: name, bytes: bytes))
        }
        return mails
    }
}

extension PatchSeries {
    /// The mailbox of `mails` — what `mails(format:)` wrote with this series' threading,
    /// possibly edited after their headers — with `threading`'s headers instead. Both
    /// writers put those headers right after the `From <id>` line and nothing else in a
    /// mail depends on them, so the mails need no second writing. Nil when a mail does not
    /// have this series' headers there. Empty mails (commits without changes) add nothing.
    public func mailbox(of mails: [PatchMail], threading replacement: SeriesThreading?) -> [UInt8]? {
        let hasCover = coverLetter != nil
        func headers(_ threading: SeriesThreading?) -> [ThreadingHeaders] {
            threading?.headers(mailCount: mails.count, hasCoverLetter: hasCover)
                ?? Array(repeating: .none, count: mails.count)
        }
        let old = headers(threading).map(\.rendered)
        let new = headers(replacement).map(\.rendered)
        var out: [UInt8] = []
        out.reserveCapacity(mails.reduce(0) { $0 + $1.bytes.count } + new.reduce(0) { $0 + $1.count })
        for (index, mail) in mails.enumerated() where !mail.bytes.isEmpty {
            guard let lineEnd = mail.bytes.firstIndex(of: ByteText.newline) else { return nil }
            let start = lineEnd + 1
            let end = start + old[index].count
            guard end <= mail.bytes.count, mail.bytes[start..<end].elementsEqual(old[index]) else { return nil }
            out += mail.bytes[..<start]
            out += new[index]
            out += mail.bytes[end...]
        }
        return out
    }
}

/// An mbox of mails that `git am` (`git mailsplit`) splits back into the same mails: the
/// mails of `git format-patch` concatenated, each beginning with its `From <id> Mon Sep 17
/// 00:00:00 2001` line and ending with a blank line.
public struct Mailbox: Sendable, Equatable {
    public var mails: [[UInt8]]

    public init(mails: [[UInt8]]) {
        self.mails = mails
    }

    public init(_ mails: [PatchMail]) {
        self.mails = mails.map(\.bytes)
    }

    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(mails.reduce(0) { $0 + $1.count })
        for mail in mails { out += mail }
        return out
    }
}
