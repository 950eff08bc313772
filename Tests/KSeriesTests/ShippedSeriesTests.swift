import Foundation
import KSeries
import Policy
import Testing
import TestSupport

/// `patches/` holds the current series of the shipped policies, generated with a fixed identity
/// and date. This test regenerates them and compares them line by line, except the lines that
/// carry who generated them and when (a user running the README's first command regenerates
/// `patches/` with their own identity); `KSERIES_RECORD=1 swift test --filter ShippedSeriesTests`
/// rewrites them after a deliberate change.
@Suite("the shipped series in patches/ are current")
struct ShippedSeriesTests {
    static let identity = [
        "GIT_AUTHOR_NAME": "Kernel Developer", "GIT_AUTHOR_EMAIL": "developer@example.org",
        "GIT_COMMITTER_NAME": "Kernel Developer", "GIT_COMMITTER_EMAIL": "developer@example.org",
        "GIT_AUTHOR_DATE": "1764000000 +0000", "GIT_COMMITTER_DATE": "1764000000 +0000",
    ]

    @Test("patches/rcu-kvm-run-loop/v1 is what generate writes on v6.12-deb", arguments: ["rcu-kvm-run-loop"])
    func current(policyName: String) throws {
        let clone = try KernelScratchClone()
        let output = try ScratchDirectory("kseries-golden")
        let policy = try PolicyCatalog(searchPath: [ProjectLayout.templates]).policy(named: policyName)
        var environment = clone.environment
        for (key, value) in Self.identity { environment[key] = value }
        let result = try SeriesGenerator().generate(
            .init(policy: policy, treePath: clone.path, outputDirectory: output.path, environment: environment))

        let shipped = "\(ProjectLayout.root)/patches/\(policyName)/v1"
        if ProcessInfo.processInfo.environment["KSERIES_RECORD"] == "1" {
            try? FileManager.default.removeItem(atPath: shipped)
            try FileManager.default.createDirectory(atPath: "\(ProjectLayout.root)/patches/\(policyName)", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: result.directory, toPath: shipped)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: result.directory).sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: shipped).sorted() == names)
        for name in names {
            let expected = Self.stable(try String(contentsOfFile: "\(shipped)/\(name)", encoding: .utf8))
            let actual = Self.stable(try String(contentsOfFile: "\(result.directory)/\(name)", encoding: .utf8))
            #expect(expected == actual, "patches/\(policyName)/v1/\(name) is stale; rerun with KSERIES_RECORD=1 if the change is deliberate")
        }
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
}
