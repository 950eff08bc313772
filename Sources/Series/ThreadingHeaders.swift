import Git

/// The threading headers of `git format-patch --thread`, written right after the mbox
/// `From ` line, in git's order: `Message-Id:`, `In-Reply-To:` (the last reference),
/// `References:` (all, one per line).
public struct ThreadingHeaders: Sendable, Equatable {
    /// Without angle brackets.
    public var messageID: String?
    /// Oldest first, without angle brackets.
    public var references: [String]

    public init(messageID: String? = nil, references: [String] = []) {
        self.messageID = messageID
        self.references = references
    }

    public static let none = ThreadingHeaders()

    var rendered: [UInt8] {
        var out = ""
        if let messageID { out += "Message-Id: <\(messageID)>\n" }
        if let last = references.last {
            out += "In-Reply-To: <\(last)>\n"
            for (index, reference) in references.enumerated() {
                out += (index == 0 ? "References: " : "\t") + "<\(reference)>\n"
            }
        }
        return Array(out.utf8)
    }
}
