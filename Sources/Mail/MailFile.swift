import Foundation
import MailFormat

/// One mail file as `git format-patch` (or `kseries generate`) wrote it: the optional mbox
/// `From <sha> Mon Sep 17 00:00:00 2001` line, the header fields, a blank line, the body.
/// Bytes stay bytes: only header values are decoded, leniently, when read as text.
public struct MailFile: Sendable, Equatable {
    /// One header field with its continuation lines, exactly as in the file.
    public struct Field: Sendable, Equatable {
        /// The name as written (`Subject`, `Message-Id`).
        public var name: String
        /// The whole field: `Name: value\n` plus continuation lines, each ending in `\n`.
        public var raw: [UInt8]

        /// The value unfolded into one line (continuation newlines removed) and trimmed.
        public var value: String {
            let colon = raw.firstIndex(of: UInt8(ascii: ":")) ?? raw.count
            var bytes = Array(raw[min(colon + 1, raw.count)...])
            bytes.removeAll { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
            return String(decoding: bytes, as: UTF8.self).trimmingSpaces()
        }

        public func hasName(_ other: String) -> Bool { name.caseInsensitiveCompare(other) == .orderedSame }
    }

    /// The file's name, without its folder (`0001-….patch`).
    public var fileName: String
    /// The mbox `From ` line, when the file has one (with its newline).
    public var mboxLine: [UInt8]?
    public var fields: [Field]
    /// Everything after the blank line that ends the header.
    public var body: [UInt8]

    /// Parses a mail file; throws `malformedMessage` when it has no header.
    public init(fileName: String, bytes: [UInt8]) throws(MailError) {
        self.fileName = fileName
        var lines = Self.lines(bytes)
        var index = 0
        if let first = lines.first, first.starts(with: Array("From ".utf8)) {
            mboxLine = first
            index = 1
        }
        let (found, end) = HeaderSection.scan(lines, from: index, rule: .strict)
        switch end {
        case .orphanContinuation:
            throw MailError(.malformedMessage, "the first header line is a continuation line", fileName: fileName)
        case .otherLine(let stray):
            throw MailError(
                .malformedMessage,
                "header line \(found.count + 1) is not a header field: \(String(decoding: lines[stray], as: UTF8.self).trimmingSpaces())",
                fileName: fileName)
        case .blankLine, .endOfInput:
            break
        }
        let fields = found.map { field in
            var raw = field.lines[0]
            if raw.last != UInt8(ascii: "\n") { raw.append(UInt8(ascii: "\n")) }
            for continuation in field.lines.dropFirst() { raw += continuation }
            return Field(name: field.name, raw: raw)
        }
        var bodyStart: Int?
        if case .blankLine(let blank) = end { bodyStart = lines[...blank].reduce(0) { $0 + $1.count } }
        lines.removeAll()
        guard !fields.isEmpty else { throw MailError(.malformedMessage, "the file has no mail header", fileName: fileName) }
        self.fields = fields
        self.body = bodyStart.map { Array(bytes[$0...]) } ?? []
    }

    /// Reads a file from disk.
    public init(path: String) throws(MailError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MailError(.malformedMessage, "cannot read \(path)", fileName: (path as NSString).lastPathComponent)
        }
        try self.init(fileName: (path as NSString).lastPathComponent, bytes: Array(data))
    }

    /// The `*.patch` files of a folder, in name order (the cover letter, `0000-…`, first), as
    /// `git send-email <folder>` takes them.
    public static func series(inFolder folder: String) throws(MailError) -> [MailFile] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw MailError(.malformedMessage, "cannot list \(folder): \(error.localizedDescription)")
        }
        var files: [MailFile] = []
        for name in names.sorted() where name.hasSuffix(".patch") && !name.hasPrefix(".") {
            files.append(try MailFile(path: "\(folder)/\(name)"))
        }
        return files
    }

    /// The first field named `name` (case-insensitive).
    public func field(_ name: String) -> Field? { fields.first { $0.hasName(name) } }

    /// The unfolded Subject, RFC 2047 words decoded; nil when there is none.
    public var subject: String? { field("Subject").map { RFC2047.decode($0.value) } }

    /// Splits after each `\n`; the last line may lack one.
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(Array(bytes[start...index]))
            start = index + 1
        }
        if start < bytes.count { lines.append(Array(bytes[start...])) }
        return lines
    }
}
