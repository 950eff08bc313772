import Apply
import Foundation
import MailFormat

/// The mails of a saved thread or series: an mbox (`git format-patch --stdout`, `b4 mbox`,
/// lore's `t.mbox`), a single mail, or a folder of `.patch`/`.eml` files. Only what kseries
/// needs is read: threading headers, the subject's `[PATCH vN i/n]` tags, the sender and the
/// plain-text body (quoted-printable and base64 decoded, the first `text/plain` part of a
/// multipart mail).
struct ThreadMailbox {
    /// One mail.
    struct Mail {
        /// Lowercased header names, values unfolded and RFC 2047 decoded; several for repeated headers.
        var headers: [String: [String]]
        var body: String
        /// 1-based line of the mail in its file, and the file.
        var file: String
        var line: Int

        func header(_ name: String) -> String? { headers[name]?.first }

        var subject: String { header("subject") ?? "" }
        var from: String { header("from") ?? "" }
        var messageID: String? { header("message-id").flatMap { Self.messageIDs(in: $0).first } }
        var inReplyTo: String? { header("in-reply-to").flatMap { Self.messageIDs(in: $0).first } }
        var references: [String] { (headers["references"] ?? []).flatMap(Self.messageIDs(in:)) }
        var tags: SubjectTags { SubjectTags(subject) }

        /// The ids in angle brackets of a header value.
        static func messageIDs(in value: String) -> [String] {
            var ids: [String] = []
            var rest = Substring(value)
            while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
                ids.append(String(rest[rest.index(after: open)..<close]))
                rest = rest[rest.index(after: close)...]
            }
            if ids.isEmpty {
                let bare = value.trimmingCharacters(in: .whitespaces)
                if !bare.isEmpty && !bare.contains(" ") { ids.append(bare) }
            }
            return ids
        }
    }

    var mails: [Mail]

    /// Reads an mbox, a mail or a folder of mails.
    static func read(_ path: String) throws(KSeriesError) -> ThreadMailbox {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .input(source: path, line: nil, problem: "no such file or folder")
        }
        if isDirectory.boolValue {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter { $0.hasSuffix(".patch") || $0.hasSuffix(".eml") || $0.hasSuffix(".mbox") }.sorted()
                .filter { $0 != MailFolderWriter.mailboxName }
            var mails: [Mail] = []
            for name in names { mails += try read(path + "/" + name).mails }
            return ThreadMailbox(mails: mails)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw .input(source: path, line: nil, problem: "cannot be read") }
        return ThreadMailbox(mails: split(Array(data), file: path))
    }

    /// Splits an mbox on its `From ` lines, as `git mailsplit` does (a text without one is
    /// one mail); a body line that starts with `From ` and ends like a date would split it
    /// too, which is why mboxrd writers escape them.
    static func split(_ bytes: [UInt8], file: String) -> [Mail] {
        let text = String(decoding: bytes, as: UTF8.self)
        // CRLF line endings read as LF, as git am reads them (a String would keep "\r\n" as one character).
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars in
            Substring(String(String.UnicodeScalarView(scalars.last == "\r" ? scalars.dropLast() : scalars[...])))
        }
        var mails: [Mail] = []
        var start: Int?
        var startLine = 1
        var current: [Substring] = []
        func flush() {
            if start != nil || !current.isEmpty, current.contains(where: { !$0.isEmpty }) {
                mails.append(parse(current, file: file, line: startLine))
            }
            current = []
        }
        for (index, line) in lines.enumerated() {
            if isFromLine(line) {
                flush()
                start = index
                startLine = index + 1
                continue
            }
            current.append(line)
        }
        flush()
        return mails
    }

    /// `From <anything> <weekday> <month> <day> <hh:mm:ss> <year>`.
    static func isFromLine(_ line: Substring) -> Bool {
        guard line.hasPrefix("From ") else { return false }
        let words = line.split(separator: " ")
        guard let year = words.last, year.count == 4, year.allSatisfy(\.isNumber) else { return false }
        return words.contains { $0.count == 8 && $0.filter { $0 == ":" }.count == 2 }
    }

    /// One mail's lines (line endings removed): its header read as `git mailinfo` reads it
    /// (`HeaderSection`), its body decoded.
    static func parse(_ lines: [Substring], file: String, line: Int) -> Mail {
        let (fields, end) = HeaderSection.scan(lines.lazy.map { Array($0.utf8) }, rule: .mailinfo)
        var headers: [String: [String]] = [:]
        for field in fields {
            headers[field.name.lowercased(), default: []].append(RFC2047.decode(HeaderSection.unfoldedValue(field)))
        }
        let index = HeaderSection.bodyStart(after: end, endIndex: lines.count)
        let rawBody = lines[index...].joined(separator: "\n")
        let body = decodeBody(
            rawBody, contentType: headers["content-type"]?.first ?? "",
            encoding: headers["content-transfer-encoding"]?.first ?? "")
        // mboxrd escapes body lines that start with "From " as ">From ".
        let unescaped = body.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            let stripped = line.drop { $0 == ">" }
            return stripped.hasPrefix("From ") && stripped.count < line.count ? line.dropFirst() : line
        }.joined(separator: "\n")
        return Mail(headers: headers, body: unescaped, file: file, line: line)
    }

    /// The plain text of a body: decoded, and for a multipart mail its first `text/plain` part.
    static func decodeBody(_ body: String, contentType: String, encoding: String) -> String {
        let type = contentType.lowercased()
        if type.hasPrefix("multipart/"), let boundary = TransferEncoding.parameter("boundary", in: contentType) {
            let parts = body.components(separatedBy: "--" + boundary)
            for part in parts.dropFirst() where !part.hasPrefix("--") {
                let mail = parse(part.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().map { $0 }, file: "", line: 0)
                let partType = (mail.header("content-type") ?? "text/plain").lowercased()
                if partType.hasPrefix("text/plain") || partType.hasPrefix("multipart/") { return mail.body }
            }
            return ""
        }
        switch encoding.lowercased().trimmingCharacters(in: .whitespaces) {
        case "quoted-printable": return String(decoding: TransferEncoding.decodeQuotedPrintable(Array(body.utf8)), as: UTF8.self)
        case "base64": return String(decoding: TransferEncoding.decodeBase64(Array(body.utf8)), as: UTF8.self)
        default: return body
        }
    }
}
