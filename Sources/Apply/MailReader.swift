import MailFormat

/// Reads one mail of a mailbox as `git mailinfo` does: the headers (unfolded, RFC 2047
/// decoded), in-body `From:`/`Subject:`/`Date:` lines, the message up to the patch break
/// (`---`, `diff -`, `Index: `), and the diff after it.
struct MailReader {
    let bytes: [UInt8]
    let lines: [Range<Int>]
    let mail: Range<Int>
    let file: String
    /// Decoded, unfolded header values by lowercased name (the first occurrence wins).
    private(set) var headers: [String: [UInt8]] = [:]
    /// The index of the first body line.
    private(set) var bodyStart: Int

    init(bytes: [UInt8], lines: [Range<Int>], mail: Range<Int>, file: String) {
        self.bytes = bytes
        self.lines = lines
        self.mail = mail
        self.file = file
        var index = mail.lowerBound
        if index < mail.upperBound, PatchParser.isFromLine(bytes[lines[index]]) { index += 1 }
        let mailLines = mail.lazy.map { bytes[lines[$0]] }
        let (fields, end) = HeaderSection.scan(mailLines, from: index, rule: .mailinfo)
        for field in fields {
            let name = field.name.lowercased()
            if headers[name] == nil { headers[name] = HeaderSection.unfoldedValue(field) }
        }
        bodyStart = HeaderSection.bodyStart(after: end, endIndex: mail.upperBound)
    }

    /// The `Subject:` as written, decoded, before the `[PATCH …]` prefix is removed.
    var rawSubject: String { RFC2047.decode(headers["subject"] ?? []) }

    /// The mail as a mailbox entry: its patch, or why it has none. A mail client's folder
    /// data (pine's `Mail System Internal Data`) is skipped unread, as `git am` does.
    func entry() throws(PatchParseError) -> MailboxEntry {
        let location = PatchLocation(file: file, line: mail.lowerBound + 1)
        let subject = rawSubject
        if let from = headers["from"], Self.author(RFC2047.decode(from)).hasPrefix("Mail System Internal Data") {
            return MailboxEntry(location: location, subject: subject, commit: nil, skipReason: .folderData)
        }
        let commit: PatchCommit
        let orphan: MailboxEntry.OrphanHeader?
        do {
            (commit, orphan) = try read()
        } catch {
            // A reply's quoted or hand-written diff fragment does not make the mailbox unreadable.
            guard SubjectTags(subject).isReply else { throw error }
            return MailboxEntry(location: location, subject: subject, commit: nil, skipReason: .noDiff)
        }
        if !commit.files.isEmpty { return MailboxEntry(location: location, subject: subject, commit: commit, skipReason: nil) }
        let reason: MailboxEntry.SkipReason = SubjectTags(subject).number == 0 ? .coverLetter : .noDiff
        return MailboxEntry(location: location, subject: subject, commit: nil, skipReason: reason, orphanHeader: orphan)
    }

    /// The commit the mail makes (its files empty when it holds no diff), and a `---`/`+++`
    /// header left without a hunk, if any.
    func read() throws(PatchParseError) -> (PatchCommit, MailboxEntry.OrphanHeader?) {
        let location = PatchLocation(file: file, line: mail.lowerBound + 1)
        var subject = rawSubject
        var author = headers["from"].map { Self.author(RFC2047.decode($0)) }
        var date = headers["date"].map { Bytes.text($0) }

        // The body as mailinfo sees it: each part decoded (quoted-printable, base64,
        // format=flowed), the parts of a multipart mail one after the other.
        var bodyBytes = bytes
        var bodyLines = Array(lines[bodyStart..<mail.upperBound])
        // Line numbers stay those of the mail; after decoding they are approximate.
        let lineOffset = bodyStart
        let contentType = Bytes.text(headers["content-type"] ?? [])
        let encoding = Bytes.text(headers["content-transfer-encoding"] ?? []).lowercased()
        if contentType.lowercased().hasPrefix("multipart/") {
            let raw = bodyLines.flatMap { Array(bytes[$0]) }
            bodyBytes = try Self.multipartBody(raw, contentType: contentType, at: location)
            bodyLines = Bytes.lineRanges(bodyBytes)
        } else if encoding == "quoted-printable" || encoding == "base64" || TransferEncoding.isFlowed(contentType) {
            let raw = bodyLines.flatMap { Array(bytes[$0]) }
            bodyBytes = TransferEncoding.decodePart(raw, contentType: contentType, encoding: encoding)
            bodyLines = Bytes.lineRanges(bodyBytes)
        }

        // In-body headers after leading blank lines.
        var index = 0
        while index < bodyLines.count, Self.trimmed(bodyBytes[bodyLines[index]]).isEmpty { index += 1 }
        var sawInBody = false
        while index < bodyLines.count {
            let line = bodyBytes[bodyLines[index]]
            let text = Bytes.text(line).lowercased()
            guard let name = ["from", "subject", "date"].first(where: { text.hasPrefix($0 + ":") }) else { break }
            let value = Self.trimmed(line[(line.startIndex + name.count + 1)...])
            var trimmedValue = value[...]
            while let first = trimmedValue.first, first == Bytes.space || first == Bytes.tab { trimmedValue = trimmedValue.dropFirst() }
            switch name {
            case "from": author = Self.author(RFC2047.decode(Array(trimmedValue)))
            case "subject": subject = RFC2047.decode(Array(trimmedValue))
            default: date = Bytes.text(trimmedValue)
            }
            sawInBody = true
            index += 1
        }
        if sawInBody {
            while index < bodyLines.count, Self.trimmed(bodyBytes[bodyLines[index]]).isEmpty { index += 1 }
        }

        // The message runs to the patch break.
        let messageStart = index
        while index < bodyLines.count, !Self.isPatchBreak(bodyBytes[bodyLines[index]]) { index += 1 }
        var messageLines = bodyLines[messageStart..<index]
        while let last = messageLines.last, Self.trimmed(bodyBytes[last]).isEmpty { messageLines = messageLines.dropLast() }
        var message: [UInt8] = messageLines.flatMap { Array(bodyBytes[$0]) }
        if let last = message.last, last != Bytes.newline { message.append(Bytes.newline) }

        var parser = DiffParser(bytes: bodyBytes, lines: bodyLines, file: file, lineOffset: lineOffset)
        let files = try parser.parse(from: index)
        let commit = PatchCommit(
            subject: Self.cleanSubject(subject), author: author, date: date, message: message, files: files,
            location: location)
        return (commit, files.isEmpty ? parser.orphanHeader(from: index) : nil)
    }

    /// mailinfo's reading of a multipart body: the preamble and epilogue dropped, each part
    /// (its headers read, its content decoded; a nested multipart taken the same way) appended
    /// in order. A boundary that never appears is a corrupt mail.
    static func multipartBody(_ raw: [UInt8], contentType: String, at location: PatchLocation) throws(PatchParseError) -> [UInt8] {
        guard let boundary = TransferEncoding.parameter("boundary", in: contentType), !boundary.isEmpty else {
            throw PatchParseError(.corruptMail("a multipart mail without a boundary"), at: location)
        }
        let marker = Array(("--" + boundary).utf8)
        let lines = Bytes.lineRanges(raw)
        var parts: [[Range<Int>]] = []
        var current: [Range<Int>]?
        var closed = false
        for range in lines {
            let line = trimmed(raw[range])
            if line.starts(with: marker) {
                let rest = line.dropFirst(marker.count)
                if rest.isEmpty || rest.elementsEqual(Bytes.ascii("--")) {
                    if let current { parts.append(current) }
                    current = rest.isEmpty ? [] : nil
                    if !rest.isEmpty { closed = true }
                    continue
                }
            }
            if closed { break }
            current?.append(range)
        }
        if let current { parts.append(current) }
        guard !parts.isEmpty || closed else {
            throw PatchParseError(.corruptMail("its multipart boundary \"\(boundary)\" never appears"), at: location)
        }
        var out: [UInt8] = []
        for part in parts {
            var headers: [String: String] = [:]
            var index = 0
            var last: String?
            while index < part.count {
                let line = trimmed(raw[part[index]])
                index += 1
                if line.isEmpty { break }
                if let first = line.first, first == Bytes.space || first == Bytes.tab, let name = last {
                    headers[name, default: ""] += " " + Bytes.text(line).trimmingSpaces
                } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                    let name = Bytes.text(line[line.startIndex..<colon]).lowercased()
                    headers[name] = Bytes.text(line[(colon + 1)...]).trimmingSpaces
                    last = name
                }
            }
            let content = part[index...].flatMap { Array(raw[$0]) }
            let type = headers["content-type"] ?? "text/plain"
            var decoded =
                type.lowercased().hasPrefix("multipart/")
                ? try multipartBody(content, contentType: type, at: location)
                : TransferEncoding.decodePart(content, contentType: type, encoding: headers["content-transfer-encoding"] ?? "")
            if let end = decoded.last, end != Bytes.newline { decoded.append(Bytes.newline) }
            out += decoded
        }
        return out
    }

    /// mailinfo's `patchbreak`: `diff -`, `Index: `, `--- name` or a `---` line of its own.
    static func isPatchBreak(_ line: ArraySlice<UInt8>) -> Bool {
        if Bytes.hasPrefix(line, "diff -") || Bytes.hasPrefix(line, "Index: ") { return true }
        guard line.count >= 4, Bytes.hasPrefix(line, "---") else { return false }
        let fourth = line[line.startIndex + 3]
        if fourth == Bytes.space, line.count > 4, !Bytes.isGitSpace(line[line.startIndex + 4]) { return true }
        for byte in line.dropFirst(3) {
            if byte == Bytes.newline { return true }
            if !Bytes.isGitSpace(byte) { return false }
        }
        return false
    }

    /// The line without its trailing whitespace and line ending.
    static func trimmed(_ line: ArraySlice<UInt8>) -> [UInt8] {
        var end = line.endIndex
        while end > line.startIndex, Bytes.isGitSpace(line[end - 1]) { end -= 1 }
        return Array(line[line.startIndex..<end])
    }

    /// mailinfo's `cleanup_subject`: drops leading `Re:`, `:`, blanks and `[…]` tags.
    static func cleanSubject(_ subject: String) -> String {
        var text = Substring(subject)
        while let first = text.first {
            if text.lowercased().hasPrefix("re:") {
                text = text.dropFirst(3)
            } else if first == " " || first == "\t" || first == ":" {
                text = text.dropFirst()
            } else if first == "[", let close = text.firstIndex(of: "]") {
                text = text[text.index(after: close)...]
            } else {
                break
            }
        }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }

    /// `"Doe, Jane" <jane@example.org>` → `Doe, Jane <jane@example.org>`.
    static func author(_ from: String) -> String {
        var text = from
        if text.hasPrefix("\""), let close = text.dropFirst().firstIndex(of: "\"") {
            text = String(text[text.index(after: text.startIndex)..<close]) + String(text[text.index(after: close)...])
        }
        return text
    }
}
