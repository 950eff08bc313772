import Foundation
import Testing

/// Byte-for-byte comparison with a readable `git diff --no-index` in the failure message.
func expectSameBytes(
    _ actual: [UInt8], _ expected: [UInt8], _ label: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual != expected else { return }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kseries-compare-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    var report = "\(label): \(actual.count) bytes written, git wrote \(expected.count)"
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let git = folder.appendingPathComponent("git")
        let kseries = folder.appendingPathComponent("kseries")
        try Data(expected).write(to: git)
        try Data(actual).write(to: kseries)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "diff", "--no-index", "--no-color", "--text", "git", "kseries"]
        process.currentDirectoryURL = folder
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin", "HOME": folder.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        report += "\n" + String(decoding: output, as: UTF8.self)
    } catch {
        report += " (no diff: \(error))"
    }
    Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}
