/// One mail of a mailbox as kseries read it for applying: its subject, the commit it makes, or
/// why it has none.
public struct MailboxEntry: Sendable, Hashable {
    /// Why a mail holds nothing to apply.
    public enum SkipReason: Sendable, Hashable, CustomStringConvertible {
        /// `[PATCH 0/N]`.
        case coverLetter
        /// No diff in it: a reply, a note, a cover letter without `0/N`.
        case noDiff
        /// A mail client's folder data (pine's `Mail System Internal Data`), which `git am` skips.
        case folderData

        public var description: String {
            switch self {
            case .coverLetter: return "cover letter"
            case .noDiff: return "no diff"
            case .folderData: return "mail client's folder data"
            }
        }
    }

    /// A `---`/`+++` file header that no hunk follows.
    public struct OrphanHeader: Sendable, Hashable {
        public var path: String
        public var location: PatchLocation
    }

    /// Where the mail starts (its `From ` line).
    public var location: PatchLocation
    /// The `Subject:` as written (decoded), tags included.
    public var subject: String
    /// The commit the mail makes; nil when it has no diff.
    public var commit: PatchCommit?
    public var skipReason: SkipReason?
    var orphanHeader: OrphanHeader?

    public init(location: PatchLocation, subject: String, commit: PatchCommit?, skipReason: SkipReason?, orphanHeader: OrphanHeader? = nil) {
        self.location = location
        self.subject = subject
        self.commit = commit
        self.skipReason = skipReason
        self.orphanHeader = orphanHeader
    }

    public var tags: SubjectTags { SubjectTags(subject) }
}

/// The series picked out of a mailbox, as `b4 am` picks it out of a saved thread: the patches
/// of the newest version (`[PATCH vN i/n]`, v1 when unnumbered), replies and older versions
/// left, patches put in `i/n` order. A `git format-patch` mbox is taken whole, in order.
public struct SeriesSelection: Sendable, Hashable {
    /// A mail that was not taken, and why.
    public struct Left: Sendable, Hashable, CustomStringConvertible {
        public var entry: MailboxEntry
        public var reason: String

        public var description: String { "\(entry.location) \"\(entry.subject)\": \(reason)" }
    }

    /// The version taken (nil when the subjects carry no `vN` and no other version was seen).
    public var version: Int?
    /// The taken version's cover letter, when the mailbox has one.
    public var cover: MailboxEntry?
    /// The patches taken, in order; each has a commit.
    public var patches: [MailboxEntry]
    /// Every other mail, in file order.
    public var left: [Left]
    /// What looks wrong with the taken version: a missing or duplicated `i/n`.
    public var warnings: [String]

    /// The commits of the taken patches, in order.
    public var commits: [PatchCommit] { patches.compactMap(\.commit) }

    /// True when mails were left or the version is incomplete: worth telling the user.
    public var isNoteworthy: Bool { !warnings.isEmpty || left.contains { $0.entry != cover } }

    /// Lines that say what was taken and what was left, for a command to print.
    public var report: [String] {
        var lines: [String] = []
        let name = version.map { "v\($0)" } ?? "the series"
        lines.append("took \(name): \(patches.count) patch\(patches.count == 1 ? "" : "es")" + (cover.map { ", cover letter at \($0.location)" } ?? ""))
        for patch in patches { lines.append("  took \(patch.location) \"\(patch.subject)\"") }
        for other in left { lines.append("  left \(other)") }
        for warning in warnings { lines.append("  warning: \(warning)") }
        return lines
    }

    /// Picks the series out of `entries` (file order).
    public static func select(_ entries: [MailboxEntry]) -> SeriesSelection {
        func versionOf(_ entry: MailboxEntry) -> Int { entry.tags.version ?? 1 }
        let candidates = entries.filter { $0.commit != nil && !$0.tags.isReply }
        let versions = Set(candidates.map(versionOf))
        let newest = versions.max()
        let tagged = entries.contains { $0.tags.version != nil }
        var taken: [MailboxEntry] = []
        var left: [Left] = []
        var seen: [Int: MailboxEntry] = [:]
        var warnings: [String] = []
        var cover: MailboxEntry?
        for entry in entries {
            let tags = entry.tags
            if tags.isReply {
                left.append(Left(entry: entry, reason: "a reply"))
            } else if let reason = entry.skipReason {
                if reason == .coverLetter, versionOf(entry) == newest, cover == nil {
                    cover = entry
                    left.append(Left(entry: entry, reason: "the cover letter (read, nothing to apply)"))
                } else if reason == .coverLetter {
                    left.append(Left(entry: entry, reason: "the cover letter of v\(versionOf(entry))"))
                } else {
                    left.append(Left(entry: entry, reason: reason == .noDiff ? "no diff in it" : "\(reason)"))
                }
            } else if versionOf(entry) != newest {
                left.append(Left(entry: entry, reason: "an older version (v\(versionOf(entry)); v\(newest ?? 1) taken)"))
            } else if let number = tags.number, let earlier = seen[number] {
                left.append(Left(entry: entry, reason: "a second \(number)/\(tags.total ?? 0) of v\(versionOf(entry)) (the one at \(earlier.location) taken)"))
                warnings.append("v\(versionOf(entry)) holds patch \(number)/\(tags.total ?? 0) twice; the first was taken")
            } else {
                if let number = tags.number { seen[number] = entry }
                taken.append(entry)
            }
        }
        // i/n order; unnumbered patches keep their place among numbered ones by file order.
        if taken.allSatisfy({ $0.tags.number != nil }) {
            taken = taken.enumerated().sorted { ($0.element.tags.number ?? 0, $0.offset) < ($1.element.tags.number ?? 0, $1.offset) }.map(\.element)
        }
        if let total = taken.compactMap({ $0.tags.total }).max(), total > 0 {
            let missing = (1...total).filter { seen[$0] == nil }
            if !missing.isEmpty {
                let name = newest.map { "v\($0)" } ?? "the series"
                warnings.append("\(name) lacks patch\(missing.count == 1 ? "" : "es") \(missing.map { "\($0)/\(total)" }.joined(separator: ", "))")
            }
        }
        return SeriesSelection(
            version: tagged || versions.count > 1 ? newest : nil, cover: cover, patches: taken, left: left, warnings: warnings)
    }
}

/// What the bracketed tags and prefixes of a subject say: `Re: [RFC PATCH v2 3/5] kvm: …`.
public struct SubjectTags: Sendable, Hashable {
    /// `Re:` or `Aw:` in front.
    public var isReply: Bool
    /// `vN`.
    public var version: Int?
    /// `i` and `n` of `i/n`.
    public var number: Int?
    public var total: Int?
    /// The subject without `Re:` and the bracketed tags.
    public var title: String

    public init(_ subject: String) {
        var text = Substring(subject)
        var reply = false
        var version: Int?
        var number: Int?
        var total: Int?
        while true {
            text = text.drop { $0 == " " || $0 == "\t" }
            let lowered = text.lowercased()
            if lowered.hasPrefix("re:") || lowered.hasPrefix("aw:") || lowered.hasPrefix("fwd:"), let colon = text.firstIndex(of: ":") {
                reply = reply || !lowered.hasPrefix("fwd:")
                text = text[text.index(after: colon)...]
                continue
            }
            if text.first == "[", let close = text.firstIndex(of: "]") {
                for word in text[text.index(after: text.startIndex)..<close].split(separator: " ") {
                    let lower = word.lowercased()
                    if lower.hasPrefix("v"), let value = Int(lower.dropFirst()) { version = value }
                    let counter = word.split(separator: "/")
                    if counter.count == 2, let i = Int(counter[0]), let n = Int(counter[1]) {
                        number = i
                        total = n
                    }
                }
                text = text[text.index(after: close)...]
                continue
            }
            break
        }
        isReply = reply
        self.version = version
        self.number = number
        self.total = total
        title = String(text).trimmingSpaces
    }
}
