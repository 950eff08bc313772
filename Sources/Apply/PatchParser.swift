#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads patches as `git am` and `git apply` do: a `git format-patch` mail, an mbox of them
/// (split like `git mailsplit` on `From <id> Mon Sep 17 00:00:00 2001` lines), or a plain
/// `git diff`.
///
///     let commits = try PatchParser.parse(bytes, name: "0001-kvm-fix.patch")
///     for file in commits[0].files { print(file.displayPath, file.hunks.count) }
///
/// Mail is read as `git am` reads it: CRLF line endings become LF (`git am` without
/// `--keep-cr`), `format=flowed` bodies are unflowed, multipart mails are taken part by part.
/// A mailbox may hold more than one series: `parseSeries` picks the newest version's patches
/// (see `SeriesSelection`) and says which mails it left; `parse` returns the patches it took.
/// Errors name the file and the line.
public enum PatchParser {
    /// Parses `bytes`, read from the file shown as `name` in errors: the patches of the series
    /// it holds, in order.
    public static func parse(_ bytes: [UInt8], name: String) throws(PatchParseError) -> [PatchCommit] {
        try parseSeries(bytes, name: name).commits
    }

    /// Parses `bytes` and picks the series out of them (`SeriesSelection.select`); throws when
    /// nothing is left to apply.
    public static func parseSeries(_ bytes: [UInt8], name: String) throws(PatchParseError) -> SeriesSelection {
        let mails = try readMailbox(bytes, name: name)
        let selection = SeriesSelection.select(mails)
        if selection.patches.isEmpty {
            let start = PatchLocation(file: name, line: 1)
            if let unparsed = mails.lazy.compactMap(\.orphanHeader).first {
                throw PatchParseError(.headerWithoutHunk(path: unparsed.path), at: unparsed.location)
            }
            let covers = mails.count { $0.skipReason == .coverLetter }
            throw PatchParseError(covers > 0 ? .coverLetterOnly(mails: mails.count) : .notAPatch, at: start)
        }
        return selection
    }

    /// Every mail of `bytes` as read, in file order: its subject, its patch or why it has none.
    /// A plain diff is one "mail" without headers.
    public static func readMailbox(_ bytes: [UInt8], name: String) throws(PatchParseError) -> [MailboxEntry] {
        var lines = Bytes.lineRanges(bytes)
        let start = PatchLocation(file: name, line: 1)
        guard let firstContent = lines.firstIndex(where: { !isBlank(bytes[$0]) }) else {
            throw PatchParseError(.notAPatch, at: start)
        }
        let mailRanges: [Range<Int>]
        if isFromLine(bytes[lines[firstContent]]) {
            var starts = (firstContent..<lines.count).filter { isFromLine(bytes[lines[$0]]) }
            starts.append(lines.count)
            mailRanges = zip(starts, starts.dropFirst()).map { $0..<$1 }
        } else if isHeaderLine(bytes[lines[firstContent]]) {
            mailRanges = [firstContent..<lines.count]
        } else {
            var parser = DiffParser(bytes: bytes, lines: lines, file: name, lineOffset: 0)
            let files = try parser.parse()
            let entry = MailboxEntry(
                location: start, subject: "", commit: files.isEmpty ? nil : PatchCommit(files: files, location: start),
                skipReason: files.isEmpty ? .noDiff : nil, orphanHeader: files.isEmpty ? parser.orphanHeader(from: 0) : nil)
            return [entry]
        }
        // git am (mailsplit without --keep-cr): a line's CRLF ending becomes LF.
        let mailBytes = Bytes.strippingCarriageReturns(bytes, lines: &lines)
        var entries: [MailboxEntry] = []
        for mail in mailRanges {
            let reader = MailReader(bytes: mailBytes, lines: lines, mail: mail, file: name)
            entries.append(try reader.entry())
        }
        return entries
    }

    /// Reads and parses the patch file at `path` (an unreadable file is `.unreadable` at line 0).
    public static func parse(contentsOf path: String) throws(PatchParseError) -> [PatchCommit] {
        guard let bytes = FileBytes.read(path) else {
            throw PatchParseError(.unreadable, at: PatchLocation(file: path, line: 0))
        }
        return try parse(bytes, name: path)
    }

    /// `git mailsplit`'s `is_from_line`: `From ` then anything ending in a `hh:mm:ss yyyy` date.
    static func isFromLine(_ line: ArraySlice<UInt8>) -> Bool {
        guard line.count >= 20, Bytes.hasPrefix(line, "From ") else { return false }
        let text = Array(line)
        var colon = text.count - 2
        while true {
            colon -= 1
            if colon < 5 { return false }
            if text[colon] == UInt8(ascii: ":") { break }
        }
        guard colon >= 9, colon + 3 < text.count, Bytes.isDigit(text[colon - 4]), Bytes.isDigit(text[colon - 2]),
            Bytes.isDigit(text[colon - 1]), Bytes.isDigit(text[colon + 1]), Bytes.isDigit(text[colon + 2])
        else { return false }
        var at = colon + 3
        while at < text.count, !Bytes.isDigit(text[at]), text[at] != Bytes.newline { at += 1 }
        // git's is_from_line reads the year with strtol, which saturates: so does this.
        let year = Bytes.decimal(text, from: at, to: text.count)?.value ?? 0
        return year > 90
    }

    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool { line.allSatisfy(Bytes.isGitSpace) }

    /// A first line that looks like a mail header (`From:`, `Subject:`, `Date:`, …).
    private static func isHeaderLine(_ line: ArraySlice<UInt8>) -> Bool {
        let lowered = Bytes.text(line).lowercased()
        return ["from:", "subject:", "date:", "message-id:", "to:", "return-path:", "received:", "mime-version:"]
            .contains { lowered.hasPrefix($0) }
    }

}

/// Reads a whole file's bytes, nil when it cannot be read.
enum FileBytes {
    static func read(_ path: String) -> [UInt8]? {
        guard let handle = fopen(path, "rb") else { return nil }
        defer { fclose(handle) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            if count > 0 { out.append(contentsOf: buffer[0..<count]) }
            if count < buffer.count { break }
        }
        return ferror(handle) == 0 ? out : nil
    }
}
