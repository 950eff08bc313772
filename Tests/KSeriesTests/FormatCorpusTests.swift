import Foundation
import KSeries
import Testing
import TestSupport

/// The wide differential corpus for `kseries format`: thousands of generated commits on real
/// kernel files, formatted in one run by `git format-patch` and by `kseries format`, compared
/// mail by mail.
///
/// The commits edit the lines below real long function signatures (many longer than git's
/// 80-byte function-name buffer, many ending in `,` or `(` before a wrapped line), with
/// messages and authors that carry what git treats specially in mail headers: ESC and other
/// control characters, CRLF, tabs, trailing whitespace, UTF-8, `=?`, very long subjects. They
/// live in a repository that borrows its objects through nested alternates (a `--shared` clone
/// of a `--shared` clone of the kernel), where git sizes abbreviations by every object it
/// reaches. The corpus is formatted twice: without attributes (git's default function line)
/// and with `diff=cpp` for C files (the kernel's own `.gitattributes`, here in `info/attributes`).
@Suite("kseries format against git format-patch: generated corpus on real kernel files")
struct FormatCorpusTests {
    static let commitCount = 2400
    /// The newest commits formatted a second time, with `diff=cpp`.
    static let cppCommitCount = 1000

    @Test("thousands of generated kernel edits format as git format-patch formats them")
    func generatedKernelEdits() throws {
        let clicks = ContinuousClock()
        let start = clicks.now
        let clone = try KernelScratchClone()
        let nested = "\(clone.scratch.path)/nested.git"
        try ProcessRunner.checked(["git", "clone", "-q", "--bare", "--shared", clone.path, nested], environment: clone.environment)
        var generator = try CorpusGenerator(repository: nested, base: "v6.12-deb", environment: clone.environment)
        let corpus = try generator.makeCommits(count: Self.commitCount, branch: "corpus")
        let generated = clicks.now

        let oracle = try FormatOracle(detailedMismatches: 12)
        let environment = FormatParityTests.environment(clone.environment)
        try oracle.compare("corpus, default function lines", repository: nested, ["v6.12-deb..corpus"], environment: environment)
        try FileManager.default.createDirectory(atPath: "\(nested)/info", withIntermediateDirectories: true)
        try Data("*.c diff=cpp\n*.h diff=cpp\n".utf8).write(to: URL(fileURLWithPath: "\(nested)/info/attributes"))
        try oracle.compare("corpus, diff=cpp", repository: nested, ["corpus~\(Self.cppCommitCount)..corpus"], environment: environment)
        // Cover letters over slices of the corpus: git's MIME rule for a letter reads whole commits.
        for slice in stride(from: 0, to: 200, by: 40) {
            try oracle.compare(
                "corpus, cover letter \(slice)", repository: nested,
                ["--cover-letter", "corpus~\(slice + 20)..corpus~\(slice)"], environment: environment)
        }
        let compared = clicks.now

        print(
            "format corpus: \(corpus.commits) commits on \(corpus.files) kernel files (\(corpus.longFunctionLines) long function lines, "
                + "\(corpus.specialMessages) messages with control characters, CRLF or non-ASCII); "
                + "\(oracle.identical)/\(oracle.total) mails identical; classes of difference: \(oracle.differenceClasses); "
                + "generated in \(generated - start), compared in \(compared - generated)")
        #expect(corpus.commits == Self.commitCount)
        #expect(
            oracle.mismatches.isEmpty,
            "\(oracle.mismatches.prefix(30).joined(separator: "\n"))\(oracle.mismatches.count > 30 ? "\n… and \(oracle.mismatches.count - 30) more" : "")")
        #expect(oracle.identical == oracle.total)
    }
}

/// Writes a chain of commits with `git fast-import` on top of a kernel ref: each edits one
/// real C file a few lines below a long function line, with a message from a varied set.
struct CorpusGenerator {
    struct Summary {
        var commits = 0
        var files = 0
        var longFunctionLines = 0
        var specialMessages = 0
    }

    let repository: String
    let base: String
    let environment: [String: String]
    private var random = SeededBytes(seed: 12)
    /// Every candidate file, as lines (each with its newline).
    private var contents: [String: [[UInt8]]] = [:]
    private var modes: [String: String] = [:]
    private var paths: [String] = []

    init(repository: String, base: String, environment: [String: String]) throws {
        self.repository = repository
        self.base = base
        self.environment = environment
        let listing = try ProcessRunner.checked(
            ["git", "-C", repository, "ls-tree", "-r", "-l", base, "--", "kernel", "mm", "virt", "arch/x86/kvm", "fs/ext4",
             "net/ipv4", "block", "drivers/net/ethernet/intel/e1000e", "drivers/gpu/drm/i915/display"],
            environment: environment
        ).stdoutText
        var candidates: [(path: String, mode: String)] = []
        for line in listing.split(separator: "\n") {
            // "<mode> blob <id> <size>\t<path>"
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let fields = parts[0].split(separator: " ", omittingEmptySubsequences: true)
            let path = String(parts[1])
            guard fields.count == 4, fields[1] == "blob", let size = Int(fields[3]), size > 2_000, size < 60_000,
                path.hasSuffix(".c") || path.hasSuffix(".h")
            else { continue }
            candidates.append((path, String(fields[0])))
        }
        // A deterministic sample of files.
        var chosen: [(path: String, mode: String)] = []
        for (index, candidate) in candidates.enumerated() where index % 7 == 3 { chosen.append(candidate) }
        let batch = chosen.map { "\(base):\($0.path)\n" }.joined()
        let output = try ProcessRunner.checked(
            ["git", "-C", repository, "cat-file", "--batch"], environment: environment, input: Array(batch.utf8)
        ).stdout
        var offset = 0
        for candidate in chosen {
            guard let headerEnd = output[offset...].firstIndex(of: 0x0A) else { break }
            let header = String(decoding: output[offset..<headerEnd], as: UTF8.self).split(separator: " ")
            guard header.count == 3, let size = Int(header[2]) else { break }
            let body = Array(output[(headerEnd + 1)..<(headerEnd + 1 + size)])
            offset = headerEnd + 1 + size + 1
            let lines = Self.lines(body)
            guard !Self.functionLines(lines).isEmpty else { continue }
            contents[candidate.path] = lines
            modes[candidate.path] = candidate.mode
            paths.append(candidate.path)
        }
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            result.append(Array(bytes[start...index]))
            start = index + 1
        }
        if start < bytes.count { result.append(Array(bytes[start...])) }
        return result
    }

    /// Lines git's default rule takes for a function line (first byte a letter, `_` or `$`)
    /// that are long, or end in `,` or `(` before a wrapped line.
    static func functionLines(_ lines: [[UInt8]]) -> [Int] {
        var result: [Int] = []
        for (index, line) in lines.enumerated() where index + 14 < lines.count {
            guard let first = line.first,
                (first >= 0x41 && first <= 0x5A) || (first >= 0x61 && first <= 0x7A) || first == 0x5F
            else { continue }
            let text = line.last == 0x0A ? line.dropLast() : line[...]
            if text.count >= 72 || text.last == UInt8(ascii: ",") || text.last == UInt8(ascii: "(") {
                result.append(index)
            }
        }
        return result
    }

    mutating func next(_ bound: Int) -> Int {
        let bytes = random.bytes(4)
        let value = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        return value % max(bound, 1)
    }

    /// Writes `count` commits on `refs/heads/<branch>`, each on the one before, the first on `base`.
    mutating func makeCommits(count: Int, branch: String) throws -> Summary {
        var summary = Summary()
        var touched = Set<String>()
        let baseCommit = try ProcessRunner.checked(["git", "-C", repository, "rev-parse", "\(base)^{commit}"], environment: environment)
            .stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        var stream: [UInt8] = []
        stream.reserveCapacity(count * 40_000)
        for number in 1...count {
            let path = paths[next(paths.count)]
            var lines = contents[path]!
            let functions = Self.functionLines(lines)
            let function = functions[next(functions.count)]
            if lines[function].count > 81 { summary.longFunctionLines += 1 }
            var edits = 1 + (next(4) == 0 ? 1 : 0)
            var position = function + 4 + next(9)
            while edits > 0, position < lines.count - 1 {
                applyEdit(number, at: position, in: &lines)
                position += 20 + next(60)
                edits -= 1
            }
            contents[path] = lines
            touched.insert(path)

            let (message, special) = makeMessage(number)
            if special { summary.specialMessages += 1 }
            let author = Self.authors[next(Self.authors.count)]
            let time = 1_700_100_000 + number * 60
            stream += Array("commit refs/heads/\(branch)\nmark :\(number)\n".utf8)
            stream += Array("author ".utf8) + Array(author.utf8) + Array(" \(time) +0100\n".utf8)
            stream += Array("committer Test Committer <committer@example.org> \(time) +0100\n".utf8)
            stream += Array("data \(message.count)\n".utf8) + message + [0x0A]
            stream += Array((number == 1 ? "from \(baseCommit)\n" : "from :\(number - 1)\n").utf8)
            let content = lines.flatMap { $0 }
            stream += Array("M \(modes[path] ?? "100644") inline \(path)\ndata \(content.count)\n".utf8) + content + [0x0A]
            stream += [0x0A]
            summary.commits += 1
        }
        summary.files = touched.count
        try ProcessRunner.checked(
            ["git", "-C", repository, "fast-import", "--quiet", "--done"], environment: environment, input: stream + Array("done\n".utf8))
        return summary
    }

    private mutating func applyEdit(_ number: Int, at position: Int, in lines: inout [[UInt8]]) {
        switch next(6) {
        case 0:
            lines.insert(Array("\t/* corpus edit \(number) */\n".utf8), at: position)
        case 1:
            lines.remove(at: position)
        case 2:
            var line = lines[position]
            if line.last == 0x0A { line.removeLast() }
            lines[position] = line + Array(" /* \(number) */\n".utf8)
        case 3:
            lines.insert(Array("\tcorpus_call_with_a_rather_long_name(first_argument_\(number), second_argument, third);\n".utf8), at: position)
        case 4:
            // Trailing whitespace on an added line.
            lines.insert(Array("\tcorpus = \(number);   \t\n".utf8), at: position)
        default:
            // A new function line of its own, long, ending in an opening parenthesis.
            lines.insert(
                Array("static int corpus_function_\(number)_with_a_long_name_that_keeps_going_past_eighty_columns(\n\tint x);\n".utf8),
                at: position)
        }
    }

    static let authors = [
        "Test Author <author@example.org>",
        "Jörg Ümlaut-Straße <joerg@example.org>",
        "A. U. Thor (Maintainer) <thor@example.org>",
        "Esc\u{1B}aped Name <esc@example.org>",
        "名前 テスト <jp@example.org>",
        "Someone With A Very Long Name That Goes On And On Past The Width Of A Header Line <long@example.org>",
        "Tab\tName <tab@example.org>",
    ]

    static let words = [
        "rcu", "kvm", "sched", "fix", "the", "lockdep", "splat", "in", "vcpu", "run", "loop", "when", "preempted",
        "memory", "ordering", "barrier", "callback", "grace", "period", "quiescent", "state", "report",
    ]

    /// A message, and whether it holds a control character, CR or a non-ASCII byte.
    private mutating func makeMessage(_ number: Int) -> ([UInt8], Bool) {
        var subject = "subsys: change \(number)"
        let subjectWords = next(5) == 0 ? 30 + next(30) : 2 + next(8)
        for _ in 0..<subjectWords { subject += " " + Self.words[next(Self.words.count)] }
        var body: [String] = []
        for _ in 0..<next(6) {
            var line = ""
            for _ in 0..<(1 + next(14)) { line += Self.words[next(Self.words.count)] + " " }
            body.append(String(line.dropLast()))
        }
        var special = false
        var lineEnd = "\n"
        switch next(14) {
        case 0: subject += " \u{1B}[31mred\u{1B}[m"; special = true
        case 1: subject += " esc\u{1B}ape"; special = true
        case 2: body.append("an ESC \u{1B} in the body"); special = true
        case 3: subject += " \u{01}ctl"; special = true
        case 4: subject += "\tafter a tab"; special = true
        case 5: lineEnd = "\r\n"; special = true
        case 6: subject += " naïve"; special = true
        case 7: body.append("body in UTF-8: grüße"); special = true
        case 8: subject += " =?UTF-8?q?x?="; special = true
        case 9: body.append("trailing spaces and a tab   \t"); body.append("\u{7F}delete and \u{0C}form feed"); special = true
        case 10: subject += "\nsecond line of the subject paragraph"; special = true
        case 11: body.append("---"); body.append("a line that looks like the end of the message")
        default: break
        }
        var text = subject + "\n"
        if !body.isEmpty { text += "\n" + body.joined(separator: "\n") + "\n" }
        if next(3) == 0 { text += "\nSigned-off-by: Test Author <author@example.org>\n" }
        if lineEnd != "\n" { text = text.replacingOccurrences(of: "\n", with: lineEnd) }
        return (Array(text.utf8), special)
    }
}
