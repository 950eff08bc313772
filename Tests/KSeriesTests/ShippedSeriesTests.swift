import Foundation
import Git
import KSeries
import Policy
import Testing
import TestSupport

/// `patches/rcu-kvm-run-loop/` holds the run-loop series as it was posted, version by version,
/// made with a fixed identity and date on the kernels `patches/GENERATED-ON` names:
///
/// - `v1/` is the record of v1, made by the policy as it was then. It is never regenerated;
///   it must still apply to today's `v6.12-deb`.
/// - `v2/` is what a user of kseries makes after reviewers answered v1: `kseries import
///   patches/rcu-kvm-run-loop/v1 --policy rcu-kvm-run-loop --policy-changed`, `kseries notes
///   rcu-kvm-run-loop -v 2 --set "$(cat patches/rcu-kvm-run-loop/v2-notes.txt)"`, `kseries
///   generate rcu-kvm-run-loop -v 2`. This test runs the same steps: on the recorded kernels
///   the mails must be the same bytes (but for who made them); on a tree whose tags moved (a
///   Debian point release) the same but for their base lines, and the committed text must
///   still apply (`ShippedPatches`).
///
/// `scripts/refresh-patches` rewrites `v2/` after a deliberate change or a point release.
@Suite("the shipped series in patches/ are current")
struct ShippedSeriesTests {
    static let identity = [
        "GIT_AUTHOR_NAME": "Kernel Developer", "GIT_AUTHOR_EMAIL": "developer@example.org",
        "GIT_COMMITTER_NAME": "Kernel Developer", "GIT_COMMITTER_EMAIL": "developer@example.org",
        "GIT_AUTHOR_DATE": "1764000000 +0000", "GIT_COMMITTER_DATE": "1764000000 +0000",
    ]
    static let series = "\(ProjectLayout.root)/patches/rcu-kvm-run-loop"

    @Test("patches/rcu-kvm-run-loop/v1, the posted v1, still applies to v6.12-deb")
    func v1StillApplies() throws {
        let clone = try KernelScratchClone()
        let v1 = "\(Self.series)/v1"
        let reports = SeriesCheck(repository: try Repository(at: clone.path))
            .check(.patches(try SeriesCheck.readPatches(at: v1), source: v1), refs: ["v6.12-deb"])
        let report = try #require(reports.first)
        #expect(report.patches.count == 3)
        #expect(report.isSuccess, "v1 no longer applies to v6.12-deb of \(KernelTree.versions): \(report.patches.map(\.verdict))")
    }

    @Test("patches/rcu-kvm-run-loop/v2 is what import of v1, notes and generate -v 2 write")
    func v2() throws {
        let clone = try KernelScratchClone()
        let output = try ScratchDirectory("kseries-golden")
        let policy = try PolicyCatalog(searchPath: [ProjectLayout.templates]).policy(named: "rcu-kvm-run-loop")
        var environment = clone.environment
        for (key, value) in Self.identity { environment[key] = value }

        let imported = try SeriesImporter().importSeries(
            .init(
                source: "\(Self.series)/v1", treePath: clone.path, base: policy.base, policy: policy, policyChanged: true,
                environment: environment))
        #expect(imported.version.number == 1)
        // v1's KVM patch is what the policy made before it followed preemption; the others are unchanged.
        #expect(imported.warnings.count == 1 && imported.warnings.first?.contains("patch 2 of the import differs") == true, "\(imported.warnings)")
        let notes = try String(contentsOfFile: "\(Self.series)/v2-notes.txt", encoding: .utf8)
        _ = try AuthorNotes().run(
            .init(series: policy.name, treePath: clone.path, version: 2, text: notes, outputDirectory: output.path, environment: environment))
        let v2 = try SeriesGenerator().generate(
            .init(policy: policy, treePath: clone.path, version: 2, outputDirectory: output.path, environment: environment))
        #expect(v2.state.changeID == imported.state.changeID)

        let golden = "\(Self.series)/v2"
        try ShippedPatches.record(v2.directory, as: golden)
        try ShippedPatches.expectCurrent(
            golden: golden, generated: v2.directory, base: policy.base, treePath: clone.path,
            exact: try ShippedPatches.onRecordedBases([policy.base]))
    }

    @Test("patches/GENERATED-ON names both fixture tags with their commits")
    func manifest() throws {
        let recorded = try ShippedPatches.recordedCommits()
        #expect(Set(recorded.keys) == ["v6.1-deb", "v6.12-deb"])
        #expect(recorded.values.allSatisfy { $0.count == 40 && $0.allSatisfy(\.isHexDigit) })
    }
}
