import ArgumentParser
import Foundation
import Testing
import TestSupport

@testable import KSeriesCLI

/// `kseries <command> …` parses the command alone, not the whole tree (KSeriesCommand.main):
/// what a command receives, and what a user reads, must not depend on which way it went.
@Suite("a command parsed alone is the command parsed in the kseries tree")
struct CommandDispatchTests {
    /// The leaf commands' names.
    static let leafNames: [String] = KSeriesCommand.leafCommands.map { $0._commandName }

    /// Valid argument lists for each leaf command, options in several shapes.
    static let examples: [String: [[String]]] = [
        "generate": [["rcu-kvm-run-loop"], ["p", "--tree", "/t", "--base", "v6.1-deb", "-v", "2", "-o", "out"]],
        "check": [["rcu-kvm-run-loop"], ["p", "--onto", "v6.1-deb,v6.12-deb", "--no-checkpatch", "--json", "-o", "out"]],
        "maintainers": [["virt/kvm/kvm_main.c"], ["--tree", "/t", "a.patch", "b.patch"]],
        "format": [["-1"], ["--cover-letter", "-o", "out", "--subject-prefix", "RFC PATCH", "v6.12-deb..HEAD"]],
        "send": [["patches/p/v1"], ["patches/p/v2", "--to", "a@example.org", "--cc", "b@example.org", "--no-maintainers", "--confirm"]],
        "rebase": [["p", "--onto", "v6.12-deb"]],
        "import": [["series.mbox"], ["v6.12-deb..HEAD", "-v", "3", "--base", "v6.12-deb"]],
        "trailers": [["thread.mbox"], ["thread.mbox", "--series", "p", "-v", "2"]],
        "notes": [["p", "-v", "2"], ["p", "-v", "2", "--set", "text"]],
        "versions": [[], ["p"]],
    ]

    @Test("the leaf commands are exactly the tree's commands without subcommands")
    func leavesAreTheTreesLeaves() {
        let inTree = KSeriesCommand.configuration.subcommands.filter { $0.configuration.subcommands.isEmpty }.map { $0._commandName }
        #expect(Self.leafNames.sorted() == inTree.sorted())
    }

    @Test("valid arguments: the same command, with the same values, alone and in the tree", arguments: leafNames)
    func sameValues(name: String) throws {
        guard let leaf = KSeriesCommand.leafCommands.first(where: { $0._commandName == name }) else {
            Issue.record("no leaf command \(name)")
            return
        }
        let examples = try #require(Self.examples[name], "no example arguments for \(name)")
        for arguments in examples {
            let alone = try leaf.parseAsRoot(arguments)
            let inTree = try KSeriesCommand.parseAsRoot([name] + arguments)
            #expect(String(reflecting: alone) == String(reflecting: inTree), "kseries \(name) \(arguments.joined(separator: " "))")
        }
    }

    @Test("a mistake reads as the tree reports it: the usage and the help hint name kseries")
    func mistakesAreTheTrees() throws {
        let scratch = try ScratchDirectory()
        let output = try KSeriesBinary.run(["versions", "--no-such-option"], in: scratch.path, environment: ProcessInfo.processInfo.environment)
        #expect(output.status != 0)
        #expect(output.stderrText.contains("Usage: kseries versions"))
        #expect(output.stderrText.contains("See 'kseries versions --help'"))
    }

    @Test("help goes through the tree: a command's help lists the tree's --version, which the command alone does not have")
    func helpIsTheTrees() throws {
        let scratch = try ScratchDirectory()
        let output = try KSeriesBinary.run(["versions", "--help"], in: scratch.path, environment: ProcessInfo.processInfo.environment)
        #expect(output.status == 0)
        #expect(output.stdoutText.contains("USAGE: kseries versions"))
        #expect(output.stdoutText.contains("--version"), "\(output.stdoutText)")
    }
}
