import ArgumentParser
import Foundation
import KSeries
import Series

extension KSeriesCommand {
    struct Format: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "format", _superCommandName: KSeriesCommand.name,
            abstract: "Write existing commits as git format-patch mails, with series.mbox next to them.",
            discussion: """
                The mails are byte for byte what git format-patch writes with the same options, \
                except the default signature line (kseries <version>). The repository's git \
                configuration counts as it does for git 2.39: format.signOff, subjectPrefix, \
                coverLetter, thread, numbered, to, cc, headers, signature, signatureFile, suffix, \
                outputDirectory, from, forceInBodyFrom, coverFromDescription, filenameMaxLength, \
                encodeEmailHeaders, and diff.noprefix; the command line overrides them; other keys \
                git reads that change its mails (format.attach, diff.algorithm, …) get a warning. Ranges as git takes them: A..B, a \
                single <since> (meaning <since>..HEAD), -<n> [<rev>] (the last n commits), \
                --root <rev>. Threading: --thread (shallow), --thread=shallow, --thread=deep. \
                Merge commits are refused (git skips them silently) unless --no-merges. \
                --from[=<ident>], --no-from, --no-to and --no-cc as in git. \
                KSERIES_MESSAGE_ID_TIME fixes the time in message ids.
                """)

        @Option(
            name: .customLong("tree"),
            help: ArgumentHelp(
                "The repository (default: the one containing the current directory; bare ones work).", valueName: "repo"))
        var tree: String?

        @Option(
            name: [.customShort("o"), .customLong("output-directory")],
            help: ArgumentHelp("The output folder (default: format.outputDirectory, else patches).", valueName: "dir"))
        var output: String?

        @Flag(help: "Replace the output folder, and everything in it, even when it holds files that are not a patch series.")
        var force = false

        @Flag(
            inversion: .prefixedNo,
            help: "Write a cover letter (0000-cover-letter.patch) with the shortlog and diffstat (default: format.coverLetter).")
        var coverLetter: Bool?

        @Option(help: ArgumentHelp("What a branch description becomes in the cover letter: message, subject, auto, none, default.", valueName: "mode"))
        var coverFromDescription: String?

        @Option(help: ArgumentHelp("Mark the series as the Nth re-roll (v<N>); also -v <N> and -v<N>.", valueName: "N"))
        var rerollCount: String?

        @Flag(help: "Use [RFC PATCH] (RFC in front of the subject prefix).")
        var rfc = false

        @Option(help: ArgumentHelp("Use [<prefix>] instead of [PATCH].", valueName: "prefix"))
        var subjectPrefix: String?

        @Flag(name: [.customShort("n"), .customLong("numbered")], help: "Number the subjects even for one patch.")
        var numbered = false

        @Flag(name: [.customShort("N"), .customLong("no-numbered")], help: "Never number the subjects.")
        var noNumbered = false

        @Option(help: ArgumentHelp("Make the first mail a reply to <message-id>.", valueName: "message-id"))
        var inReplyTo: String?

        @Option(help: ArgumentHelp("Record the base commit: base-commit: and prerequisite-patch-id: lines.", valueName: "rev"))
        var base: String?

        @Option(help: ArgumentHelp("Add a To: header (repeatable).", valueName: "address"))
        var to: [String] = []

        @Option(help: ArgumentHelp("Add a Cc: header (repeatable).", valueName: "address"))
        var cc: [String] = []

        @Flag(name: [.customShort("s"), .customLong("signoff")], help: "Add a Signed-off-by: trailer with the committer identity.")
        var signoff = false

        @Flag(help: "No Signed-off-by: trailer, whatever format.signOff says.")
        var noSignoff = false

        @Option(help: ArgumentHelp("The signature after '-- ' (default: format.signature, else kseries <version>).", valueName: "text"))
        var signature: String?

        @Flag(help: "Write no signature.")
        var noSignature = false

        @Option(help: ArgumentHelp("Take the signature from a file (a --signature or format.signature wins).", valueName: "file"))
        var signatureFile: String?

        @Option(help: ArgumentHelp("End file names with <sfx> instead of .patch.", valueName: "sfx"))
        var suffix: String?

        @Option(help: ArgumentHelp("Add a header line to every mail (repeatable).", valueName: "header"))
        var addHeader: [String] = []

        @Flag(inversion: .prefixedNo, help: "Put the author in a From: line in the body even when --from names the author.")
        var forceInBodyFrom: Bool?

        @Flag(inversion: .prefixedNo, help: "RFC 2047-encode a non-ASCII From: name and Subject: (default: format.encodeEmailHeaders, else yes).")
        var encodeEmailHeaders: Bool?

        @Flag(help: "Start from the root commit: a single <rev> means its whole history.")
        var root = false

        @Flag(help: "Skip merge commits as git format-patch does, instead of refusing the range.")
        var noMerges = false

        @Argument(
            parsing: .allUnrecognized,
            help: ArgumentHelp(
                "The revision range, -<n>, -v <N>, and --thread[=shallow|deep].", valueName: "revision range"))
        var revisions: [String] = []

        func run() throws {
            do {
                let parsed = try ParsedRevisionArguments(revisions)
                var options = FormatOptions()
                options.coverLetter = coverLetter
                options.rerollCount = parsed.rerollCount ?? rerollCount
                options.rfc = rfc
                options.subjectPrefix = subjectPrefix
                options.rfcAfterSubjectPrefix = Self.rfcComesLast(CommandLine.arguments)
                options.numbering = noNumbered ? .never : numbered ? .always : nil
                options.thread = parsed.thread
                options.inReplyTo = inReplyTo
                options.base = base
                options.to = to
                options.cc = cc
                options.clearTo = parsed.clearTo
                options.clearCc = parsed.clearCc
                options.headers = addHeader
                options.signoff = noSignoff ? false : signoff ? true : nil
                options.signature = noSignature ? .some(nil) : signature.map { .some($0) }
                options.signatureFile = signatureFile
                options.suffix = suffix
                options.from = parsed.from
                options.forceInBodyFrom = forceInBodyFrom
                options.encodeEmailHeaders = encodeEmailHeaders
                if let coverFromDescription {
                    guard let mode = FormatConfiguration.CoverFromDescription(gitValue: coverFromDescription) else {
                        throw ValidationError(
                            "--cover-from-description '\(coverFromDescription)' is not one of default, message, subject, auto, none")
                    }
                    options.coverFromDescription = mode
                }
                options.skipMerges = noMerges
                let result = try PatchFormatter().format(
                    .init(
                        repositoryPath: tree,
                        range: RevisionArguments(revisions: parsed.revisions, maxCount: parsed.maxCount, root: root),
                        options: options, outputDirectory: output, force: force))
                for warning in result.warnings {
                    FileHandle.standardError.write(Data("kseries: warning: \(warning)\n".utf8))
                }
                for merge in result.skippedMerges {
                    FileHandle.standardError.write(Data("kseries: skipped merge commit \(merge.hex.prefix(12))\n".utf8))
                }
                for commit in result.emptyCommits {
                    FileHandle.standardError.write(
                        Data("kseries: warning: commit \(commit.hex.prefix(12)) changes nothing; its file is empty, as git format-patch leaves it\n".utf8))
                }
                print("wrote \(result.files.count) mails to \(result.directory)/")
                for file in result.files { print("  \((file as NSString).lastPathComponent)") }
                print("  \((result.mailbox as NSString).lastPathComponent)")
            } catch {
                throw fail(error)
            }
        }

        /// git 2.39's `--rfc` is `--subject-prefix="RFC PATCH"`: whichever comes last wins.
        static func rfcComesLast(_ arguments: [String]) -> Bool {
            let rfc = arguments.lastIndex(of: "--rfc")
            let prefix = arguments.lastIndex { $0 == "--subject-prefix" || $0.hasPrefix("--subject-prefix=") }
            guard let rfc else { return false }
            return prefix.map { rfc > $0 } ?? true
        }
    }
}

/// The arguments git's own parser takes that swift-argument-parser cannot declare:
/// `-<n>`, `-v<n>` and `--thread[=<style>]`.
struct ParsedRevisionArguments {
    var revisions: [String] = []
    var maxCount: Int?
    var rerollCount: String?
    /// nil when not given; `.some(nil)` for `--no-thread`.
    var thread: SeriesThreading.Style??
    var from: FormatConfiguration.FromSetting?
    var clearTo = false
    var clearCc = false

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(_ arguments: [String]) throws {
        var afterTerminator = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if afterTerminator || !argument.hasPrefix("-") || argument == "-" {
                revisions.append(argument)
            } else if argument == "--" {
                afterTerminator = true
            } else if argument.dropFirst().allSatisfy(\.isNumber), let count = Int(argument.dropFirst()) {
                maxCount = count
            } else if argument == "-v" {
                guard index < arguments.count else { throw Invalid(description: "-v needs a reroll count") }
                rerollCount = arguments[index]
                index += 1
            } else if argument.hasPrefix("-v"), !argument.hasPrefix("--") {
                rerollCount = String(argument.dropFirst(2))
            } else if argument == "--thread" || argument == "--thread=shallow" {
                thread = .shallow
            } else if argument == "--thread=deep" {
                thread = .deep
            } else if argument == "--no-thread" {
                thread = .some(nil)
            } else if argument == "--from" {
                from = .committer
            } else if argument.hasPrefix("--from=") {
                from = .identity(String(argument.dropFirst("--from=".count)))
            } else if argument == "--no-from" {
                from = .off
            } else if argument == "--no-to" {
                clearTo = true
            } else if argument == "--no-cc" {
                clearCc = true
            } else if argument.hasPrefix("--thread=") {
                throw Invalid(description: "invalid --thread style '\(argument.dropFirst("--thread=".count))' (shallow or deep)")
            } else {
                throw Invalid(description: "unknown option '\(argument)' (see kseries format --help)")
            }
        }
    }
}
