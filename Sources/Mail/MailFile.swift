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
        var fields: [Field] = []
        var bodyStart: Int?
        var offset = lines[..<index].reduce(0) { $0 + $1.count }
        while index < lines.count {
            let line = lines[index]
            offset += line.count
            index += 1
            if line == [UInt8(ascii: "\n")] || line == Array("\r\n".utf8) {
                bodyStart = offset
                break
            }
            if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                guard !fields.isEmpty else {
                    throw MailError(.malformedMessage, "the first header line is a continuation line", fileName: fileName)
                }
                fields[fields.count - 1].raw += line
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
                line[..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7f })
            else {
                throw MailError(
                    .malformedMessage,
                    "header line \(fields.count + 1) is not a header field: \(String(decoding: line, as: UTF8.self).trimmingSpaces())",
                    fileName: fileName)
            }
            var raw = line
            if raw.last != UInt8(ascii: "\n") { raw.append(UInt8(ascii: "\n")) }
            fields.append(Field(name: String(decoding: line[..<colon], as: UTF8.self), raw: raw))
        }
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
