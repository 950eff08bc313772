import Foundation
import KSeries
import Testing
import TestSupport

/// `kseries format` against `git format-patch` with the user's `format.*` configuration:
/// each key alone, keys combined, keys overridden on the command line, and the order in
/// which a global and a repository configuration count. Both tools read the same files.
@Suite("kseries format against git format-patch with format.* configuration")
struct FormatConfigurationParityTests {
    /// A key set with `git config --add` for one comparison, then removed.
    typealias Setting = (key: String, value: String)

    @Test("every format.* key, alone, combined and overridden, gives git's mails")
    func configurationKeys() throws {
        let history = try FormatParityTests.makeVariedHistory()
        let oracle = try FormatOracle()
        let environment = FormatParityTests.environment(history.fixture.environment)
        let signatureFile = "\(history.fixture.scratch.path)/signature.txt"
        try Data("Signature from a file\n-- \nsecond line\n".utf8).write(to: URL(fileURLWithPath: signatureFile))

        // Without a signature key git writes its version; the oracle gives git kseries' one,
        // which `--signature` would override, so cases that read the signature from the
        // configuration compare with `signature: true` (no --signature for git).
        let cases: [(settings: [Setting], arguments: [String], signature: Bool)] = [
            ([("format.subjectPrefix", "PATCH libgit2")], ["HEAD~3"], false),
            ([("format.subjectPrefix", "PATCH libgit2")], ["-v2", "HEAD~3"], false),
            ([("format.subjectPrefix", "PATCH libgit2")], ["--rfc", "HEAD~3"], false),
            ([("format.subjectPrefix", "PATCH libgit2")], ["--subject-prefix=X", "--rfc", "HEAD~2"], false),
            ([("format.subjectPrefix", "PATCH libgit2")], ["--rfc", "--subject-prefix=X", "HEAD~2"], false),
            ([("format.signOff", "true")], ["HEAD~4"], false),
            ([("format.signOff", "yes")], ["--no-signoff", "HEAD~2"], false),
            ([("format.coverLetter", "true")], ["HEAD~3"], false),
            ([("format.coverLetter", "auto")], ["HEAD~3"], false),
            ([("format.coverLetter", "auto")], ["-1"], false),
            ([("format.coverLetter", "true")], ["--no-cover-letter", "HEAD~2"], false),
            ([("format.thread", "shallow"), ("format.coverLetter", "true")], ["HEAD~3"], false),
            ([("format.thread", "deep")], ["HEAD~3"], false),
            ([("format.thread", "true")], ["HEAD~3"], false),
            ([("format.thread", "deep")], ["--no-thread", "HEAD~3"], false),
            ([("format.thread", "false")], ["--thread=deep", "HEAD~3"], false),
            ([("format.numbered", "true")], ["-1"], false),
            ([("format.numbered", "false")], ["HEAD~3"], false),
            ([("format.numbered", "auto")], ["-1"], false),
            ([("format.numbered", "false")], ["-n", "HEAD~2"], false),
            ([("format.to", "a@example.org"), ("format.to", "B <b@example.org>")], ["HEAD~2"], false),
            ([("format.cc", "c@example.org")], ["--cc=d@example.org", "HEAD~2"], false),
            ([("format.to", "a@example.org"), ("format.cc", "c@example.org")], ["--no-to", "--to=new@example.org", "HEAD~2"], false),
            ([("format.headers", "X-Mailer-Note: kseries parity"), ("format.headers", "To: h@example.org"),
              ("format.to", "t@example.org"), ("format.headers", "Cc: hc@example.org")], ["--cover-letter", "HEAD~2"], false),
            ([("format.signature", "Jane's tree")], ["HEAD~2"], true),
            ([("format.signature", "")], ["HEAD~2"], true),
            ([("format.signature", "from config")], ["--no-signature", "HEAD~2"], true),
            ([("format.signatureFile", signatureFile)], ["--cover-letter", "HEAD~2"], true),
            ([("format.signatureFile", signatureFile), ("format.signature", "the key wins")], ["HEAD~2"], true),
            ([("format.signature", "config")], ["--signature=command line", "HEAD~2"], true),
            ([("format.suffix", ".txt")], ["--cover-letter", "HEAD~2"], false),
            ([("format.suffix", "")], ["HEAD~2"], false),
            ([("format.filenameMaxLength", "20"), ("format.suffix", ".diff")], ["-v3", "HEAD~4"], false),
            ([("format.from", "Series Sender <sender@example.org>")], ["HEAD~6"], false),
            ([("format.from", "true")], ["HEAD~3"], false),
            ([("format.from", "Test Author <author@example.org>"), ("format.forceInBodyFrom", "true")], ["HEAD~3"], false),
            ([("format.forceInBodyFrom", "true")], ["HEAD~2"], false),
            ([("diff.noprefix", "true")], ["HEAD~6"], false),
            ([("format.encodeEmailHeaders", "false")], ["HEAD~10"], false),
            ([("format.encodeEmailHeaders", "false"), ("format.from", "Zoë Sender <z@example.org>")], ["HEAD~4"], false),
            ([("format.encodeEmailHeaders", "false")], ["--encode-email-headers", "HEAD~10"], false),
            // Together, as a kernel developer's configuration looks.
            ([("format.subjectPrefix", "PATCH net-next"), ("format.signOff", "true"), ("format.coverLetter", "auto"),
              ("format.thread", "shallow"), ("format.to", "netdev@vger.kernel.org"), ("format.cc", "a@example.org"),
              ("format.signature", "Jane"), ("format.numbered", "auto")], ["-v2", "HEAD~4"], true),
            ([("format.signOff", "true"), ("format.from", "Series Sender <sender@example.org>"), ("format.thread", "deep"),
              ("format.coverLetter", "true"), ("format.suffix", ".mail"), ("format.headers", "X-Series: yes"),
              ("format.signatureFile", signatureFile)], ["--base=HEAD~6", "HEAD~4"], true),
        ]
        for testCase in cases {
            for setting in testCase.settings {
                try history.fixture.git("config", "--add", setting.key, setting.value)
            }
            defer {
                for key in Set(testCase.settings.map(\.key)) { _ = try? history.fixture.git("config", "--unset-all", key) }
            }
            try oracle.compare(
                "\(testCase.settings.map { "\($0.key)=\($0.value)" }) \(testCase.arguments)", repository: history.path,
                testCase.arguments, environment: environment, gitSignature: !testCase.signature)
        }

        // The cover letter from a branch description, in every mode.
        try history.fixture.git(
            "config", "branch.main.description", "Short subject line\nwrapped\n\nThe blurb paragraph.\n\nSecond one.\n")
        for mode in ["message", "subject", "auto", "none", "default"] {
            try history.fixture.git("config", "format.coverFromDescription", mode)
            try oracle.compare(
                "format.coverFromDescription=\(mode)", repository: history.path, ["--cover-letter", "HEAD~2"],
                environment: environment)
        }
        try oracle.compare(
            "--cover-from-description over the key", repository: history.path,
            ["--cover-letter", "--cover-from-description=subject", "HEAD~2"], environment: environment)
        try history.fixture.git("config", "--unset", "format.coverFromDescription")
        try history.fixture.git("config", "--unset", "branch.main.description")

        // A global configuration counts first, the repository's after it: format.to adds up,
        // a single-valued key takes the repository's value.
        var withGlobal = environment
        let home = "\(history.fixture.scratch.path)/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try Data("[format]\n\tto = global@example.org\n\tsubjectPrefix = GLOBAL\n\tsignOff\n".utf8)
            .write(to: URL(fileURLWithPath: "\(home)/.gitconfig"))
        withGlobal["HOME"] = home
        withGlobal["XDG_CONFIG_HOME"] = "\(home)/.config"
        try oracle.compare("global configuration", repository: history.path, ["HEAD~2"], environment: withGlobal)
        try history.fixture.git("config", "format.subjectPrefix", "LOCAL")
        try history.fixture.git("config", "format.to", "local@example.org")
        try oracle.compare("global and repository configuration", repository: history.path, ["HEAD~2"], environment: withGlobal)

        print("format configuration parity: \(oracle.identical)/\(oracle.total) identical")
        #expect(oracle.mismatches.isEmpty, "\(oracle.mismatches.joined(separator: "\n"))")
        #expect(oracle.identical == oracle.total)
    }

    @Test("format.outputDirectory is where the mails go without -o; -o wins")
    func outputDirectory() throws {
        let history = try FormatParityTests.makeVariedHistory()
        let environment = FormatParityTests.environment(history.fixture.environment)
        let scratch = try ScratchDirectory("kseries-format-outdir")
        try history.fixture.git("config", "format.outputDirectory", "\(scratch.path)/configured")
        let git = try ProcessRunner.run(["git", "-C", history.path, "format-patch", "-q", "HEAD~2"], environment: environment)
        #expect(git.status == 0, "\(git.stderrText)")
        let gitFiles = try FileManager.default.contentsOfDirectory(atPath: "\(scratch.path)/configured").sorted()
        try FileManager.default.removeItem(atPath: "\(scratch.path)/configured")

        let ours = try KSeriesBinary.run(["format", "--tree", history.path, "HEAD~2"], in: scratch.path, environment: environment)
        #expect(ours.status == 0, "\(ours.stderrText)")
        let ourFiles = try FileManager.default.contentsOfDirectory(atPath: "\(scratch.path)/configured").sorted()
        #expect(ourFiles.filter { $0 != "series.mbox" } == gitFiles)
        #expect(ourFiles.contains("series.mbox"))

        let explicit = try KSeriesBinary.run(
            ["format", "--tree", history.path, "-o", "\(scratch.path)/given", "HEAD~2"], in: scratch.path, environment: environment)
        #expect(explicit.status == 0, "\(explicit.stderrText)")
        #expect(FileManager.default.fileExists(atPath: "\(scratch.path)/given/series.mbox"))
    }

    @Test("a configuration value git refuses is refused, naming the key")
    func invalidValues() throws {
        let history = try FormatParityTests.makeVariedHistory()
        let environment = FormatParityTests.environment(history.fixture.environment)
        for (key, value) in [("format.signOff", "maybe"), ("format.coverFromDescription", "everything")] {
            try history.fixture.git("config", key, value)
            let git = try ProcessRunner.run(["git", "-C", history.path, "format-patch", "--stdout", "-1"], environment: environment)
            let ours = try KSeriesBinary.run(
                ["format", "--tree", history.path, "-o", "\(history.fixture.scratch.path)/out", "-1"], in: history.path,
                environment: environment)
            #expect(git.status != 0)
            #expect(ours.status != 0)
            #expect(ours.stderrText.lowercased().contains(key.lowercased()), "\(ours.stderrText)")
            try history.fixture.git("config", "--unset", key)
        }
    }

    @Test("configuration git reads and kseries does not honour is named in a warning; git's defaults are not")
    func unsupportedKeysWarn() throws {
        let history = try FormatParityTests.makeVariedHistory()
        let environment = FormatParityTests.environment(history.fixture.environment)
        try history.fixture.git("config", "diff.renames", "true")
        try history.fixture.git("config", "diff.context", "3")
        let quiet = try KSeriesBinary.run(
            ["format", "--tree", history.path, "-o", "\(history.fixture.scratch.path)/quiet", "-1"], in: history.path,
            environment: environment)
        #expect(quiet.status == 0, "\(quiet.stderrText)")
        #expect(!quiet.stderrText.contains("warning"), "\(quiet.stderrText)")

        try history.fixture.git("config", "diff.algorithm", "histogram")
        try history.fixture.git("config", "format.attach", "")
        let warned = try KSeriesBinary.run(
            ["format", "--tree", history.path, "-o", "\(history.fixture.scratch.path)/warned", "-1"], in: history.path,
            environment: environment)
        #expect(warned.status == 0, "\(warned.stderrText)")
        #expect(warned.stderrText.contains("kseries: warning: diff.algorithm is set in the git configuration; kseries does not honour it"))
        #expect(warned.stderrText.contains("kseries: warning: format.attach is set"))
    }
}
