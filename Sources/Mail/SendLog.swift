import Foundation

/// The record of which messages of a series were delivered, so that a send interrupted midway
/// can be retried and sends only the rest. One line per delivered message, appended and
/// flushed to disk (`fsync`) right after the server accepted it:
///
///     <Message-Id> TAB <UTC time> TAB <file name> TAB <server reply>
///
/// A message is known by its Message-Id, which `MessagePreparer` keeps stable for the same
/// files. A line without its newline (a crash mid-write) is ignored. The one unavoidable gap:
/// a crash between the server's acceptance and the write repeats that message on retry.
public final class SendLog {
    /// One delivered message.
    public struct Entry: Sendable, Equatable {
        public var messageID: String
        public var time: String
        public var fileName: String
        public var reply: String
    }

    public let path: String
    public private(set) var entries: [Entry]
    private var sentIDs: Set<String>

    /// Where a series' log goes by default: beside its folder, `<folder>.sent`
    /// (`patches/rcu-kvm-run-loop/v1.sent`), so regenerating the folder keeps it.
    public static func path(besideFolder folder: String) -> String {
        var trimmed = folder
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed + ".sent"
    }

    /// Reads the log at `path`; a missing file is an empty log (created on the first record).
    public init(path: String) throws(MailError) {
        self.path = path
        entries = []
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw MailError(.sendLog, "cannot read the send log \(path)")
            }
            for line in MailFile.lines(Array(data)) where line.last == UInt8(ascii: "\n") {
                let text = String(decoding: line.dropLast(), as: UTF8.self)
                if text.hasPrefix("#") || text.isEmpty { continue }
                let fields = text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard fields.count >= 3, fields[0].hasPrefix("<") else { continue }
                entries.append(
                    Entry(messageID: fields[0], time: fields[1], fileName: fields[2], reply: fields.count > 3 ? fields[3] : ""))
            }
        }
        sentIDs = Set(entries.map(\.messageID))
    }

    /// Whether the message with this Message-Id was delivered.
    public func contains(_ messageID: String) -> Bool { sentIDs.contains(messageID) }

    /// Appends a delivered message and flushes it to disk before returning.
    public func record(_ message: PreparedMessage, reply: String?, at date: Date = Date()) throws(MailError) {
        func clean(_ text: String) -> String {
            String(text.map { $0 == "\t" || $0.isNewline ? " " : $0 })
        }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let entry = Entry(
            messageID: clean(message.messageID), time: formatter.string(from: date), fileName: clean(message.fileName),
            reply: clean(reply ?? ""))
        var line = ""
        let isNew = !FileManager.default.fileExists(atPath: path)
        if isNew {
            line += "# kseries send log: messages delivered (Message-Id, time, file, server reply); a retry skips them.\n"
        }
        line += [entry.messageID, entry.time, entry.fileName, entry.reply].joined(separator: "\t") + "\n"

        let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw MailError(.sendLog, "cannot open the send log \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        // After a torn last line (a crash mid-write), start on a line of our own.
        let size = lseek(descriptor, 0, SEEK_END)
        var last: UInt8 = UInt8(ascii: "\n")
        if size > 0 { _ = pread(descriptor, &last, 1, size - 1) }
        if last != UInt8(ascii: "\n") { line = "\n" + line }
        let bytes = Array(line.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                throw MailError(.sendLog, "cannot write the send log \(path): \(String(cString: strerror(errno)))")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else {
            throw MailError(.sendLog, "cannot flush the send log \(path): \(String(cString: strerror(errno)))")
        }
        if isNew {
            // Make the new file's name durable too.
            let folder = (path as NSString).deletingLastPathComponent
            let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
            if directory >= 0 {
                _ = fsync(directory)
                close(directory)
            }
        }
        entries.append(entry)
        sentIDs.insert(entry.messageID)
    }
}
