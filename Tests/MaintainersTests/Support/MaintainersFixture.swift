import Foundation
import Git
import Maintainers
import TestSupport

/// A small repository shaped like a kernel tree (enough for `top_of_kernel_tree`), with a
/// MAINTAINERS file written to reach the corners of get_maintainer.pl: directories named
/// without a trailing slash, globs, `X:`, `N:`, `K:` (one with a top-level `|`), comma
/// lists, comments, moderated and subscribers-only lists, a malformed `L:`, duplicates by
/// name and by address, `.mailmap`, a devicetree binding naming its maintainers, and THE REST.
struct MaintainersFixture {
    let fixture: GitFixture
    let commit: String

    static let maintainers = """
        List of maintainers
        ===================

        Descriptions of section entries and preferred order
        ---------------------------------------------------

        \tM: *Mail* patches to: FullName <address@domain>
        \tF: *Files* and directories wildcard patterns.

        Maintainers List
        ----------------

        ALPHA DRIVER
        M:\tAlice Example <alice@example.org>
        R:\tBob Reviewer <bob@example.org> (reviews the odd parts)
        L:\talpha@lists.example.org
        S:\tMaintained
        F:\tdrivers/alpha/
        X:\tdrivers/alpha/excluded/

        ALPHA CORE, NAMED WITHOUT A TRAILING SLASH AND WITH A VERY LONG SECTION NAME
        M:\t"Carol, C." <carol@example.org>, dave@example.org
        L:\tcore@lists.example.org (moderated for non-subscribers)
        S:\tSupported
        F:\tdrivers/alpha/core

        BETA GLOBS
        M:\tEve Old <eve@old.example.org>
        L:\tbeta@lists.example.org (subscribers-only)
        L:\tBeta Team <team@example.org>
        S:\tOdd Fixes
        F:\tdrivers/beta/beta-?.c
        F:\tdrivers/beta/*.h
        F:\tdrivers/beta/[ab]ux.[ch]

        GAMMA BY NAME
        M:\tFrank Named <frank@example.org>
        S:\tMaintained
        N:\t[^a-z]gamma

        # A comment line, skipped.
        KEYWORD WITH A TOP-LEVEL ALTERNATION
        M:\tGrace Keyword <grace@example.org>
        S:\tMaintained
        K:\twidget_frob|needle_everywhere

        KEYWORD IGNORING CASE
        M:\tHeidi Insensitive <heidi@example.org>
        S:\tMaintained
        K:\t(?i)sprocket

        DEVICETREE BINDINGS
        M:\tRob Bindings <rob@example.org>
        L:\tdevicetree@lists.example.org
        S:\tMaintained
        F:\tDocumentation/devicetree/bindings/

        ALPHA AGAIN, SAME PEOPLE
        M:\tAlice Example <alice@other.example.org>
        M:\tALICE@EXAMPLE.ORG
        M:\tIvan Mapped <ivan@old.example.org>
        L:\tALPHA@lists.example.org
        S:\tObsolete
        F:\tdrivers/alpha/alpha.c

        THE REST
        M:\tLinus Torvalds <torvalds@linux-foundation.org>
        L:\tlinux-kernel@vger.kernel.org
        S:\tBuried alive in reporters
        F:\t*
        F:\t*/

        """

    static let mailmap = """
        # Comments and blank lines are skipped.

        Eve New <eve@new.example.org> <eve@old.example.org>
        Ivan Real <ivan@real.example.org> Ivan Mapped <ivan@old.example.org>

        """

    static let binding = """
        # SPDX-License-Identifier: GPL-2.0
        %YAML 1.2
        ---
        $id: http://devicetree.org/schemas/foo.yaml#
        title: Foo
        maintainers:
          - Yaml Person <yaml@example.org>
          - Alice Example <alice@example.org>
          - J. R. R. Tolkien <jrr@example.org>

        """

    static let source = (1...20).map { "int line_\($0);  /* needle_everywhere */\n" }.joined()

    init() throws {
        fixture = try GitFixture()
        var files: [String: String] = [
            "MAINTAINERS": Self.maintainers,
            ".mailmap": Self.mailmap,
            "Documentation/devicetree/bindings/foo.yaml": Self.binding,
            "drivers/alpha/alpha.c": Self.source,
            "drivers/alpha/core/core.c": "int core;\n",
            "drivers/alpha/excluded/x.c": "int x;\n",
            "drivers/beta/beta-1.c": "int b1;\n",
            "drivers/beta/beta.h": "int bh;\n",
            "drivers/beta/aux.c": "int aux;\n",
            "drivers/beta/deep/beta.h": "int deep;\n",
            "drivers/misc/gamma.c": "int gamma;\n",
            "drivers/misc/x-gamma.c": "int xgamma;\n",
        ]
        // What top_of_kernel_tree() looks for.
        for file in ["COPYING", "CREDITS", "Kbuild", "Makefile", "README"] { files[file] = "\(file)\n" }
        for directory in ["arch", "include", "fs", "init", "ipc", "kernel", "lib"] { files["\(directory)/.keep"] = "" }
        files["scripts/get_maintainer.pl"] = String(
            decoding: try KernelTree.show("v6.12-deb", "scripts/get_maintainer.pl"), as: UTF8.self)
        commit = try fixture.commit(files, message: "kernel-like tree")
    }

    func lookup() throws -> MaintainerLookup {
        try MaintainerLookup(repository: Repository(at: fixture.path), revision: "HEAD")
    }

    /// The script, run in the fixture's work tree.
    var script: GetMaintainerCheckout { GetMaintainerCheckout(workTree: fixture.path, scratch: fixture.scratch) }

    /// Commits `files` and returns `git format-patch` of that commit (`extra` options given to
    /// format-patch, e.g. `-M`).
    func patch(_ files: [String: String], removing: [String] = [], message: String, extra: [String] = []) throws -> [UInt8] {
        for path in removing { try fixture.git("rm", "-q", path) }
        let id = try fixture.commit(files, message: message)
        let output = try fixture.gitOutput(["format-patch", "-1", "--stdout"] + extra + [id])
        try fixture.git("reset", "-q", "--hard", "HEAD~1")
        return Array(output.utf8)
    }
}
