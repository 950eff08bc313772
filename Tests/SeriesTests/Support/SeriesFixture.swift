import Foundation
import Git
import Series

/// A small kernel-like repository with a three-patch series on top of a base commit,
/// covering the cases the mail writer must reproduce: function context, a new file, a
/// deleted file, a mode change, a file losing its final newline, a deep long path, a
/// rename, a quoted path, a long subject, UTF-8 and RFC 822 special author names.
struct SeriesFixture {
    let repository: ScratchRepository
    let base: String
    let reader: GitCLIDiffReader

    static func make() throws -> SeriesFixture {
        let repository = try ScratchRepository()
        try repository.write("drivers/net/foo.c", cSource(body: "return 0;"))
        try repository.write("old.txt", "to be deleted\n")
        try repository.write("scripts/check.sh", "#!/bin/sh\necho check\n")
        try repository.write("nonl.txt", "first\nlast\n")
        try repository.write("lib/big.c", (1...40).map { "line \($0)\n" }.joined())
        try repository.write("README", "kernel\n")
        let base = try repository.commit("base: initial import")

        try repository.write("drivers/net/foo.c", cSource(body: "return probe_device(dev);"))
        try repository.write("drivers/net/new_driver.h", "#ifndef NEW_DRIVER_H\n#define NEW_DRIVER_H\n#endif\n")
        try repository.commit(
            "net: foo: probe the device from the init path so that a long subject line gets folded by git\n"
                + "\n\n"
                + "The init path returned early.   \n"
                + "Call probe_device() instead.\t\n"
                + "\n"
                + "Signed-off-by: A U Thor <author@example.org>\n"
                + "\n\n\n")

        repository.authorName = "Jöhn Düe"
        repository.authorEmail = "jd@example.org"
        try repository.remove("old.txt")
        try repository.write("scripts/check.sh", "#!/bin/sh\necho check\n", executable: true)
        try repository.write("nonl.txt", "first\nlast")
        try repository.commit("""
            misc: clean up — drop old.txt

            Ünïcode in the body means MIME headers.
            """)

        repository.authorName = "Doe, John"
        repository.authorEmail = "john.doe@example.org"
        let deep = "drivers/staging/some_vendor/very_long_directory_name/another_level/device_specific_file.c"
        try repository.write(deep, "int x;\n")
        try repository.git("mv", "lib/big.c", "lib/big_renamed.c")
        try repository.write("lib/big_renamed.c", (1...40).map { "line \($0)\n" }.joined() + "line 41\n")
        try repository.write("docs/sp ace/ü.txt", "quoted\n")
        try repository.write("Documentation/long.rst", (1...150).map { "text \($0)\n" }.joined())
        try repository.commit("[PATCH] add deep file, rename big.c")

        return SeriesFixture(repository: repository, base: base, reader: GitCLIDiffReader(repository: repository))
    }

    static func cSource(body: String) -> String {
        var lines = ["#include <linux/module.h>", "", "static int helper(int x)", "{", "\treturn x * 2;", "}", ""]
        lines += ["static int foo_init(struct device *dev)", "{"]
        lines += (1...8).map { "\tint v\($0) = helper(\($0));" }
        lines += ["\t\(body)", "}", ""]
        lines += ["module_init(foo_init);", "MODULE_LICENSE(\"GPL\");"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The series commits, oldest first.
    func commits(from base: String? = nil, to tip: String = "HEAD") throws -> [MailCommit] {
        let ids = try repository.gitText("rev-list", "--reverse", "\(base ?? self.base)..\(tip)")
            .split(separator: "\n").map(String.init)
        return try ids.map { try reader.mailCommit($0) }
    }

    func format(
        _ commits: [MailCommit], extra: [TreeDiff] = [], subjectPrefix: String = "PATCH", rerollCount: String? = nil,
        numbering: PatchNumbering = .automatic
    ) throws -> PatchFormat {
        PatchFormat(
            subjectPrefix: subjectPrefix, rerollCount: rerollCount, numbering: numbering, signature: "kseries-test",
            abbreviate: try reader.abbreviations(for: commits.map(\.diff) + extra))
    }

    /// The identity git uses for the cover letter at the repository's current time.
    var sender: PatchIdentity {
        PatchIdentity(name: repository.committerName, email: repository.committerEmail, time: repository.time,
                      timezoneOffsetMinutes: 60)
    }
}
