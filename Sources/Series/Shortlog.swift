/// The `git shortlog` block of a cover letter: each author (`Name (3):`, authors sorted by
/// name bytes) followed by the subjects of their commits in series order, wrapped at 72
/// columns with indents 2 and 4, a blank line after each author.
public struct Shortlog: Sendable, Equatable {
    /// One commit: its author's name and its raw message.
    public struct Entry: Sendable, Equatable {
        public var author: [UInt8]
        public var message: [UInt8]

        public init(author: [UInt8], message: [UInt8]) {
            self.author = author
            self.message = message
        }
    }

    /// In series order (oldest first).
    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The shortlog of commits in series order, grouped by author name (git's `%aN`; a
    /// `.mailmap` is not applied).
    public init(commits: [MailCommit]) {
        entries = commits.map { Entry(author: $0.author.name, message: $0.message) }
    }

    public func rendered(width: Int = 72, firstIndent: Int = 2, indent: Int = 4) -> [UInt8] {
        var authors: [[UInt8]] = []
        var subjects: [[UInt8]: [[UInt8]]] = [:]
        for entry in entries {
            if subjects[entry.author] == nil { authors.append(entry.author) }
            subjects[entry.author, default: []].append(Shortlog.oneline(entry.message))
        }
        authors.sort { $0.lexicographicallyPrecedes($1) }
        var out: [UInt8] = []
        for author in authors {
            let lines = subjects[author] ?? []
            out += author + Array(" (\(lines.count)):\n".utf8)
            for line in lines {
                TextWrapper.append(line, to: &out, firstIndent: firstIndent, indent: indent, width: width)
                out.append(ByteText.newline)
            }
            out.append(ByteText.newline)
        }
        return out
    }

    /// `insert_one_record`: the subject, without a leading `[PATCH…]` tag.
    static func oneline(_ message: [UInt8]) -> [UInt8] {
        let title = CommitMessage(message).title
        var line = title.isEmpty ? Array("<none>".utf8) : title
        line = Array(line.drop(while: ByteText.isSpace))
        if line.starts(with: Array("[PATCH".utf8)), let close = line.firstIndex(of: UInt8(ascii: "]")) {
            line = Array(line[(close + 1)...])
        }
        line = Array(line.drop(while: { ByteText.isSpace($0) && $0 != ByteText.newline }))
        return Array(ByteText.trimmingTrailingSpace(line))
    }
}
