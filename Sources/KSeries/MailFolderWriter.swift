import Foundation
import Series

/// Writes a series' mails into a folder all at once: the files go to a hidden sibling
/// folder first, which then takes the folder's place, so a failure never leaves a
/// half-written series behind and a regeneration replaces the previous one whole.
struct MailFolderWriter {
    func replace(directory: String, with mails: [PatchMail]) throws(KSeriesError) -> [String] {
        let fileManager = FileManager.default
        let target = URL(fileURLWithPath: directory)
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).new-\(getpid())")
        let retired = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(getpid())")
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fileManager.removeItem(at: staging)
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: false)
            for mail in mails {
                try Data(mail.bytes).write(to: staging.appendingPathComponent(mail.fileName))
            }
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
            throw .output(path: directory, message: "cannot write the series: \(error.localizedDescription)")
        }
        return mails.map { target.appendingPathComponent($0.fileName).path }
    }
}
