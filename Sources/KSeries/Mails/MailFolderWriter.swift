import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Series

/// Writes a series' mails into a folder all at once, with `series.mbox` next to them (every
/// mail in order, for `git am` and `b4 am -m`): the files go to a hidden sibling folder
/// first, which then takes the folder's place, so a failure never leaves a half-written
/// series behind and a rewrite replaces the previous series whole.
struct MailFolderWriter {
    /// The name of the mailbox written next to the mails.
    static let mailboxName = "series.mbox"

    struct Written {
        var files: [String]
        var mailbox: String
    }

    /// For `generate`: the folder is kseries' own (`<out>/<policy>/v<N>`) and is replaced
    /// whatever it holds. Returns the mail files' paths.
    func replace(directory: String, with mails: SeriesMails) throws(KSeriesError) -> [String] {
        do {
            return try write(directory: directory, mails: mails).files
        } catch {
            throw .output(path: directory, message: error.message)
        }
    }

    /// For `format`: the folder may be missing, empty or hold a previous series (mail files
    /// and `series.mbox`); anything else is refused unless `force`.
    func replace(
        directory: String, with mails: SeriesMails, force: Bool, suffix: String = ".patch"
    ) throws(KSeriesError) -> Written {
        try checkReplaceable(directory: directory, force: force, suffix: suffix)
        do {
            return try write(directory: directory, mails: mails)
        } catch {
            throw .output(path: directory, message: error.message)
        }
    }

    /// Refuses a folder holding files other than a series (mails ending in `.patch` or in
    /// `suffix`), unless `force`.
    func checkReplaceable(directory: String, force: Bool, suffix: String = ".patch") throws(KSeriesError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw .output(path: directory, message: "exists and is not a folder")
        }
        guard !force else { return }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let foreign = names.filter { !Self.isSeriesFile($0, suffix: suffix) }.sorted()
        guard foreign.isEmpty else {
            let shown = foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? ", …" : "")
            throw .output(
                path: directory,
                message: "holds files that are not a patch series (\(shown)); choose another folder with -o, or pass --force to replace the folder and everything in it")
        }
    }

    /// `0001-….patch`, `v2-0000-cover-letter.patch`, `series.mbox`: what a previous run left.
    static func isSeriesFile(_ name: String, suffix: String = ".patch") -> Bool {
        if name == mailboxName { return true }
        guard name.hasSuffix(".patch") || (!suffix.isEmpty && name.hasSuffix(suffix)) else { return false }
        var rest = Substring(name)
        if rest.hasPrefix("v"), let dash = rest.firstIndex(of: "-") { rest = rest[rest.index(after: dash)...] }
        let digits = rest.prefix(while: \.isNumber)
        return digits.count >= 4 && rest.dropFirst(digits.count).hasPrefix("-")
    }

    /// One `write(2)` per file and no `fsync`, as git does (`Data.write(to:)` copies the bytes
    /// and syncs every file): what keeps a killed run from leaving half a series is the hidden
    /// folder renamed into place whole, and git's refs that record the series are not synced
    /// either.
    static func writeFile(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw NSError(domain: NSPOSIXErrorDomain, code: Int(errno)) }
        var written = 0
        let failure: Int32? = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let count = Glibc.write(descriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return nil
        }
        let closed = close(descriptor)
        if let failure { throw NSError(domain: NSPOSIXErrorDomain, code: Int(failure)) }
        if closed != 0 { throw NSError(domain: NSPOSIXErrorDomain, code: Int(errno)) }
    }

    struct Failure: Error {
        var message: String
    }

    private func write(directory: String, mails series: SeriesMails) throws(Failure) -> Written {
        let mails = series.files
        let fileManager = FileManager.default
        let target = URL(fileURLWithPath: directory)
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).new-\(getpid())")
        let retired = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(getpid())")
        // What is being done, on which path, for the error message.
        var doing = ("create the folder", parent)
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fileManager.removeItem(at: staging)
            doing = ("create the folder", staging)
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: false)
            for mail in mails {
                doing = ("write", staging.appendingPathComponent(mail.fileName))
                try Self.writeFile(mail.bytes, to: doing.1.path)
            }
            doing = ("write", staging.appendingPathComponent(Self.mailboxName))
            try Self.writeFile(series.mailbox, to: doing.1.path)
            doing = ("replace", target)
            if fileManager.fileExists(atPath: target.path) {
                try? fileManager.removeItem(at: retired)
                try fileManager.moveItem(at: target, to: retired)
                try fileManager.moveItem(at: staging, to: target)
                try fileManager.removeItem(at: retired)
            } else {
                try fileManager.moveItem(at: staging, to: target)
            }
        } catch {
            try? fileManager.removeItem(at: staging)
            let reason = FileSystemProblem.explain(error, path: doing.1.path, folder: doing.0 == "create the folder")
            throw Failure(message: "cannot \(doing.0) \(doing.1.path): \(reason)")
        }
        return Written(
            files: mails.map { target.appendingPathComponent($0.fileName).path },
            mailbox: target.appendingPathComponent(Self.mailboxName).path)
    }
}
