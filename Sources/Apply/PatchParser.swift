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
/// A mailbox's cover letter (`[PATCH 0/N]`) is skipped. Errors name the file and the line.
public enum PatchParser {
    /// Parses `bytes`, read from the file shown as `name` in errors.
    public static func parse(_ bytes: [UInt8], name: String) throws(PatchParseError) -> [PatchCommit] {
        let lines = Bytes.lineRanges(bytes)
        let start = PatchLocation(file: name, line: 1)
        guard let firstContent = lines.firstIndex(where: { !isBlank(bytes[$0]) }) else {
            throw PatchParseError(.notAPatch, at: start)
        }
        let mails: [Range<Int>]
        if isFromLine(bytes[lines[firstContent]]) {
            var starts = (firstContent..<lines.count).filter { isFromLine(bytes[lines[$0]]) }
            starts.append(lines.count)
            mails = zip(starts, starts.dropFirst()).map { $0..<$1 }
        } else if isHeaderLine(bytes[lines[firstContent]]) {
            mails = [firstContent..<lines.count]
        } else {
            var parser = DiffParser(bytes: bytes, lines: lines, file: name, lineOffset: 0)
            let files = try parser.parse()
            guard !files.isEmpty else { throw PatchParseError(.notAPatch, at: start) }
            return [PatchCommit(files: files, location: start)]
        }

        var commits: [PatchCommit] = []
        var coverLetters = 0
        for mail in mails {
            let reader = MailReader(bytes: bytes, lines: lines, mail: mail, file: name)
            let commit = try reader.read()
            if !commit.files.isEmpty {
                commits.append(commit)
            } else if isCoverLetter(reader.rawSubject) {
                coverLetters += 1
            } else if mails.count > 1 {
                throw PatchParseError(.mailWithoutDiff(subject: commit.subject ?? ""), at: commit.location)
            }
        }
        if commits.isEmpty {
            throw PatchParseError(coverLetters > 0 ? .coverLetterOnly(mails: mails.count) : .notAPatch, at: start)
        }
        return commits
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
        var year = 0
        var at = colon + 3
        while at < text.count, !Bytes.isDigit(text[at]), text[at] != Bytes.newline { at += 1 }
        while at < text.count, Bytes.isDigit(text[at]) {
            year = year * 10 + Int(text[at] - 0x30)
            at += 1
        }
        return year > 90
    }

    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool { line.allSatisfy(Bytes.isGitSpace) }

    /// A first line that looks like a mail header (`From:`, `Subject:`, `Date:`, …).
    private static func isHeaderLine(_ line: ArraySlice<UInt8>) -> Bool {
        let lowered = Bytes.text(line).lowercased()
        return ["from:", "subject:", "date:", "message-id:", "to:", "return-path:", "received:", "mime-version:"]
            .contains { lowered.hasPrefix($0) }
    }

    /// `[PATCH 0/7]`, `[RFC PATCH v2 00/12]`.
    static func isCoverLetter(_ subject: String) -> Bool {
        guard let open = subject.firstIndex(of: "["), let close = subject[open...].firstIndex(of: "]") else {
            return false
        }
        let tag = subject[subject.index(after: open)..<close]
        guard let slash = tag.lastIndex(of: "/") else { return false }
        let number = tag[..<slash].reversed().prefix { $0.isNumber }
        return !number.isEmpty && number.allSatisfy { $0 == "0" }
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
