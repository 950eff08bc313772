import Foundation
import Git
import KSeries
import Testing
import TestSupport

/// The series committed under `patches/` and the kernels they were generated on.
///
/// `patches/GENERATED-ON` names, for each fixture tag, the commit and the Debian package the
/// committed series were made on. On that tree the golden tests demand the same bytes (but for
/// who generated them); on any other (Debian replaced a package, or a user's own import) they
/// demand the same meaning: the committed series still applies there as text, and what kseries
/// generates now differs from it only in lines that come from the base (commit ids, `index`
/// lines, hunk offsets, `base-commit:`, the change-id). `scripts/refresh-patches` regenerates
/// the folders and the manifest after a point release.
enum ShippedPatches {
    static let manifestPath = "\(ProjectLayout.root)/patches/GENERATED-ON"

    /// `KSERIES_RECORD=1`: rewrite the golden folders and the manifest.
    static var recording: Bool { ProcessInfo.processInfo.environment["KSERIES_RECORD"] == "1" }

    /// The commit each tag named in the manifest pointed at when `patches/` was generated.
    static func recordedCommits() throws -> [String: String] {
        let text = try String(contentsOfFile: manifestPath, encoding: .utf8)
        var commits: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", maxSplits: 2).map(String.init)
            if fields.count >= 2 { commits[fields[0]] = fields[1] }
        }
        return commits
    }

    /// Writes the manifest for the tree the tests run on.
    static func recordManifest() throws {
        let lines = try KernelTree.tags().map { "\($0.name) \($0.commit) \($0.source)" }
        let text = """
            # The kernels the series under patches/ were last generated on: tag, commit, source.
            # scripts/refresh-patches regenerates patches/ on the current kernel tree and rewrites this file.

            """ + lines.joined(separator: "\n") + "\n"
        try text.write(toFile: manifestPath, atomically: true, encoding: .utf8)
    }

    /// Whether the tree the tests run on holds exactly the commits `patches/` was made on, for
    /// every tag in `tags`.
    static func onRecordedBases(_ tags: [String]) throws -> Bool {
        let recorded = try recordedCommits()
        let current = Dictionary(uniqueKeysWithValues: try KernelTree.tags().map { ($0.name, $0.commit) })
        return tags.allSatisfy { recorded[$0] != nil && recorded[$0] == current[$0] }
    }

    /// Replaces `golden` with `generated` when recording.
    static func record(_ generated: String, as golden: String) throws {
        guard recording else { return }
        try? FileManager.default.removeItem(atPath: golden)
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: golden).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: generated, toPath: golden)
        try recordManifest()
    }

    /// Compares a committed folder with a freshly generated one on `base` (a tag of a tree
    /// that holds it, at `treePath`): the same bytes but for who made them when the tree is
    /// the recorded one, else the same meaning.
    static func expectCurrent(golden: String, generated: String, base: String, treePath: String, exact: Bool) throws {
        let label = golden.replacingOccurrences(of: "\(ProjectLayout.root)/", with: "")
        let names = try FileManager.default.contentsOfDirectory(atPath: generated).sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: golden).sorted() == names, "\(label): other files than generate writes")
        let refresh = exact
            ? "rerun with KSERIES_RECORD=1 (scripts/refresh-patches) if the change is deliberate"
            : "the kernel moved (\(KernelTree.versions)) and the series changed beyond its base lines; run scripts/refresh-patches"
        for name in names {
            let expected = try String(contentsOfFile: "\(golden)/\(name)", encoding: .utf8)
            let actual = try String(contentsOfFile: "\(generated)/\(name)", encoding: .utf8)
            if exact {
                #expect(stable(expected) == stable(actual), "\(label)/\(name) is stale; \(refresh)")
            } else {
                #expect(baseIndependent(expected) == baseIndependent(actual), "\(label)/\(name): \(refresh)")
            }
        }
        guard !exact else { return }
        // On a moved kernel the committed text must still apply, as a reviewer would apply it.
        let patches = try SeriesCheck.readPatches(at: golden)
        let reports = SeriesCheck(repository: try Repository(at: treePath)).check(.patches(patches, source: golden), refs: [base])
        let report = try #require(reports.first)
        #expect(report.isSuccess, "\(label) no longer applies to \(base) of \(KernelTree.versions): \(report.patches.map(\.verdict))")
    }

    /// The mail without the lines that name who generated it and when.
    static func stable(_ mail: String) -> [String] {
        mail.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line in
            if line.hasPrefix("From ") || line.hasPrefix("From: ") || line.hasPrefix("Date: ") || line.hasPrefix(" <")
                || line.hasPrefix("Message-Id: ") || line.hasPrefix("In-Reply-To: ") || line.hasPrefix("References: ")
                || line.hasPrefix("Signed-off-by: ") || (line.hasSuffix("):") && !line.hasPrefix(" ")) { return nil }
            return String(line)
        }
    }

    /// `stable(mail)` without what comes from the base commit: `index` lines, `base-commit:`
    /// and `change-id:` lines, hunk positions, and object ids anywhere (range-diff pairs,
    /// "Rebased onto v6.12-deb (…)").
    static func baseIndependent(_ mail: String) -> [String] {
        stable(mail).compactMap { line in
            if line.hasPrefix("index ") || line.hasPrefix("base-commit: ") || line.hasPrefix("change-id: ") { return nil }
            var line = line
            if line.hasPrefix("@@ -"), let end = line.range(of: " @@", range: line.index(line.startIndex, offsetBy: 3)..<line.endIndex) {
                line = "@@ @@" + line[end.upperBound...]
            }
            return line.replacing(#/\b[0-9a-f]{7,40}\b/#, with: "<id>")
        }
    }
}
