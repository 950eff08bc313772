import Foundation
import KSeries
import Policy
import Testing
import TestSupport

/// `patches/` holds the current series of the shipped policies, generated with a fixed identity
/// and date on the kernels `patches/GENERATED-ON` names. This test regenerates them: on that
/// tree it compares them line by line, except the lines that carry who generated them and when
/// (a user running the README's first command regenerates `patches/` with their own identity);
/// on a tree whose tags moved (a Debian point release) it asks that the committed series still
/// applies and differs from today's only in its base lines (`ShippedPatches`).
/// `scripts/refresh-patches` rewrites them after a deliberate change or a point release.
@Suite("the shipped series in patches/ are current")
struct ShippedSeriesTests {
    static let identity = [
        "GIT_AUTHOR_NAME": "Kernel Developer", "GIT_AUTHOR_EMAIL": "developer@example.org",
        "GIT_COMMITTER_NAME": "Kernel Developer", "GIT_COMMITTER_EMAIL": "developer@example.org",
        "GIT_AUTHOR_DATE": "1764000000 +0000", "GIT_COMMITTER_DATE": "1764000000 +0000",
    ]

    @Test("patches/<policy>/v1 is what generate writes on v6.12-deb", arguments: ["rcu-kvm-run-loop"])
    func current(policyName: String) throws {
        let clone = try KernelScratchClone()
        let output = try ScratchDirectory("kseries-golden")
        let policy = try PolicyCatalog(searchPath: [ProjectLayout.templates]).policy(named: policyName)
        var environment = clone.environment
        for (key, value) in Self.identity { environment[key] = value }
        let result = try SeriesGenerator().generate(
            .init(policy: policy, treePath: clone.path, outputDirectory: output.path, environment: environment))

        let shipped = "\(ProjectLayout.root)/patches/\(policyName)/v1"
        try ShippedPatches.record(result.directory, as: shipped)
        try ShippedPatches.expectCurrent(
            golden: shipped, generated: result.directory, base: policy.base, treePath: clone.path,
            exact: try ShippedPatches.onRecordedBases([policy.base]))
    }

    @Test("patches/GENERATED-ON names both fixture tags with their commits")
    func manifest() throws {
        let recorded = try ShippedPatches.recordedCommits()
        #expect(Set(recorded.keys) == ["v6.1-deb", "v6.12-deb"])
        #expect(recorded.values.allSatisfy { $0.count == 40 && $0.allSatisfy(\.isHexDigit) })
    }

    /// The mail without the lines that name who generated it and when.
    static func stable(_ mail: String) -> [String] { ShippedPatches.stable(mail) }
}
