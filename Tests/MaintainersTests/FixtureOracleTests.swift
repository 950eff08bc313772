import Foundation
import Git
import Testing
import TestSupport

@testable import Maintainers

/// Oracle on a small tree written to reach get_maintainer.pl's corners (see
/// `MaintainersFixture`): kseries must print what the script of v6.12-deb prints there.
@Suite("get_maintainer.pl oracle on a crafted tree")
struct FixtureOracleTests {
    @Test(
        "files and directories",
        arguments: [
            "drivers/alpha/alpha.c", "drivers/alpha/core/core.c", "drivers/alpha/excluded/x.c",
            "drivers/beta/beta-1.c", "drivers/beta/beta.h", "drivers/beta/aux.c", "drivers/beta/deep/beta.h",
            "drivers/misc/gamma.c", "drivers/misc/x-gamma.c", "Documentation/devicetree/bindings/foo.yaml",
            "README", "MAINTAINERS", "drivers/alpha", "./drivers//beta/", "drivers",
        ])
    func file(_ path: String) throws {
        let tree = try MaintainersFixture()
        defer { withExtendedLifetime(tree) {} }  // the repository must outlive the lookup
        let perl = try tree.script.lines(["-f", path])
        let lookup = try tree.lookup()
        let verdict = try OracleVerdict.compare(lookup, [.path(path)], perl)
        let ours = try lookup.addressLines(for: [.path(path)])
        #expect(verdict == .identical, "\(path)\n  get_maintainer.pl: \(perl)\n  kseries: \(ours)")
    }

    @Test("patches: keywords in the message and in changed or context lines, renames, mode changes, deletions")
    func patches() throws {
        let tree = try MaintainersFixture()
        defer { withExtendedLifetime(tree) {} }  // the repository must outlive the lookup
        let alpha = MaintainersFixture.source
        var patches: [(String, [UInt8])] = []
        patches.append(
            ("edit with a SPROCKET in the subject and needle_everywhere only in context lines",
             try tree.patch(
                ["drivers/alpha/alpha.c": alpha.replacingOccurrences(of: "int line_10;", with: "long line_10;")],
                message: "alpha: Widen a SPROCKET line")))
        patches.append(
            ("keyword in an added line only",
             try tree.patch(
                ["drivers/beta/aux.c": "int aux;\nint widget_frob;\n"], message: "beta: Add a counter")))
        patches.append(
            ("rename across sections, with -M",
             try tree.patch(
                ["drivers/misc/gamma-renamed.c": "int gamma;\n"], removing: ["drivers/misc/gamma.c"],
                message: "gamma: Rename", extra: ["-M"])))
        patches.append(
            ("deletion and a new binding",
             try tree.patch(
                ["Documentation/devicetree/bindings/foo.yaml": MaintainersFixture.binding + "# more\n"],
                removing: ["drivers/beta/beta.h"], message: "beta: Drop the header")))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(tree.fixture.path)/drivers/beta/beta-1.c")
        patches.append(("mode change", try tree.patch([:], message: "beta: Make it executable")))

        let lookup = try tree.lookup()
        for (index, (name, bytes)) in patches.enumerated() {
            try tree.fixture.scratch.write("patches/\(index).patch", bytes: bytes)
            let perl = try tree.script.lines(["\(tree.fixture.scratch.path)/patches/\(index).patch"])
            let verdict = try OracleVerdict.compare(lookup, [.patch(bytes)], perl)
            let ours = try lookup.addressLines(for: [.patch(bytes)])
            #expect(verdict == .identical, "\(name)\n  get_maintainer.pl: \(perl)\n  kseries: \(ours)")
        }
        // All the patches and two files at once, as `kseries maintainers a.patch b.patch file…`.
        let arguments = patches.indices.map { "\(tree.fixture.scratch.path)/patches/\($0).patch" }
        let perl = try tree.script.lines(arguments + ["drivers/misc/x-gamma.c", "README"])
        let inputs = patches.map { MaintainersInput.patch($0.1) } + [.path("drivers/misc/x-gamma.c"), .path("README")]
        // Without -f, the script takes a path for a file only when git knows it: it does here.
        let verdict = try OracleVerdict.compare(lookup, inputs, perl)
        #expect(verdict == .identical, "\(perl)")
    }

    @Test("--keywords-in-file")
    func keywordsInFile() throws {
        let tree = try MaintainersFixture()
        defer { withExtendedLifetime(tree) {} }
        let lookup = try MaintainerLookup(repository: Repository(at: tree.fixture.path), revision: "HEAD", keywordsInFile: true)
        for path in ["drivers/alpha/alpha.c", "drivers/beta/aux.c", "MAINTAINERS"] {
            let perl = try tree.script.lines(["-f", path, "--keywords-in-file"])
            let ours = try lookup.addressLines(for: [.path(path)])
            #expect(ours == perl)
        }
        #expect(try lookup.addressLines(for: [.path("drivers/alpha/alpha.c")]).contains("Grace Keyword <grace@example.org>"))
    }

    @Test("roles, as --roles prints them")
    func roles() throws {
        let tree = try MaintainersFixture()
        defer { withExtendedLifetime(tree) {} }  // the repository must outlive the lookup
        let lookup = try tree.lookup()
        for path in ["drivers/alpha/alpha.c", "Documentation/devicetree/bindings/foo.yaml", "drivers/beta/beta-1.c"] {
            let perl = try tree.script.lines(["-f", path], flags: ["--nogit", "--nogit-fallback", "--roles", "--norolestats"])
            let ours = try lookup.recipients(for: [.path(path)]).map { "\($0.address) (\($0.role))" }
            #expect(ours == perl)
        }
    }
}
