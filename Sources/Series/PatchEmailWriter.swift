import Git
import MailFormat

/// Writes one commit as the mail `git format-patch` writes for it (default configuration):
/// mbox `From ` line, optional threading headers, `From:`, `Date:`, `Subject:`, MIME headers
/// for a non-ASCII message, the body, `---`, diffstat, summary, the diff, the optional
/// `base-commit:` line and the signature.
public struct PatchEmailWriter: Sendable {
    public var format: PatchFormat

    public init(format: PatchFormat) {
        self.format = format
    }

    /// The mail for `commit`.
    ///
    /// - Parameters:
    ///   - position: `[PREFIX number/total]`; nil writes `[PREFIX]` as an unnumbered patch.
    ///   - baseCommit: writes `base-commit: <id>` as `--base` does (git puts it in the cover
    ///     letter, or in the first patch when there is none).
    public func write(
        _ commit: MailCommit, position: SeriesPosition?, threading: ThreadingHeaders = .none,
        baseCommit: ObjectID? = nil
    ) -> [UInt8] {
        let message = CommitMessage(commit.message)
        var out = Array("From \(commit.id.hex) Mon Sep 17 00:00:00 2001\n".utf8)
        out += threading.rendered
        // pp_user_info: a sender other than the author heads the mail; the author moves
        // into the body.
        var headerIdentity = commit.author
        let inBodyFrom = format.inBodyFrom(for: commit.author)
        if let sender = format.sender {
            headerIdentity.name = sender.name
            headerIdentity.email = sender.email
        }
        out += MailHeaders.fromLine(headerIdentity, encoded: format.encodeEmailHeaders)
        out += Array("Date: ".utf8) + MailHeaders.rfc2822Date(commit.author) + [ByteText.newline]
        out += MailHeaders.subjectLine(
            prefix: subjectPrefix(position), title: message.title, encoded: format.encodeEmailHeaders)
        // pretty_print_commit: the message decides (subject included), up to a NUL byte;
        // pp_title_line: then the in-body headers.
        if MailCharset.hasNonASCII(commit.message) || MailCharset.hasNonASCII(inBodyFrom) {
            out += MailHeaders.eightBitHeaders
        }
        out.append(ByteText.newline)
        out += inBodyFrom
        out += message.body

        if !commit.diff.files.isEmpty {
            out += Array("---\n".utf8)
            out += Diffstat(commit.diff, binaryPatches: commit.binaryPatches).rendered()
            out += DiffSummary.rendered(commit.diff)
            out.append(ByteText.newline)
            var diffWriter = UnifiedDiffWriter(
                abbreviate: format.abbreviate, zeroAbbreviationLength: format.zeroAbbreviationLength)
            diffWriter.oldPrefix = Array(format.oldPathPrefix.utf8)
            diffWriter.newPrefix = Array(format.newPathPrefix.utf8)
            out += diffWriter.render(commit.diff, binaryPatches: commit.binaryPatches)
        }
        if let baseCommit { out += Array("\nbase-commit: \(baseCommit.hex)\n".utf8) }
        out += MailSignature.rendered(format.signature)
        return out
    }

    /// `fmt_output_email_subject`: `[PREFIX 01/12] `, `[PREFIX] ` or nothing.
    func subjectPrefix(_ position: SeriesPosition?) -> [UInt8] {
        SubjectPrefix.rendered(format.effectiveSubjectPrefix, position: position)
    }
}

enum SubjectPrefix {
    static func rendered(_ prefix: String, position: SeriesPosition?) -> [UInt8] {
        guard let position, position.total > 0 else {
            return prefix.isEmpty ? [] : Array("[\(prefix)] ".utf8)
        }
        let digits = ByteText.decimalWidth(position.total)
        let number = String(repeating: "0", count: max(digits - ByteText.decimalWidth(position.number), 0))
            + String(position.number)
        return Array("[\(prefix)\(prefix.isEmpty ? "" : " ")\(number)/\(position.total)] ".utf8)
    }
}

/// The signature block that ends a mail.
public enum MailSignature {
    /// `print_signature`: `-- \n<signature>\n\n` (one newline fewer when the signature ends
    /// with one), nothing when there is no signature or it is empty.
    public static func rendered(_ signature: String?) -> [UInt8] {
        guard let signature, !signature.isEmpty else { return [] }
        var out = Array("-- \n\(signature)".utf8)
        if out.last != ByteText.newline { out.append(ByteText.newline) }
        out.append(ByteText.newline)
        return out
    }
}
