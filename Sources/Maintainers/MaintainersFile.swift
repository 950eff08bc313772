/// The `MAINTAINERS` file as `get_maintainer.pl` holds it: one flat list of entries (the
/// script's `@typevalue`), where a typed line `X:\tvalue` becomes `.typed("X", value)` (with
/// `F:`/`X:` globs converted to regexes) and any other non-blank, non-comment line is kept
/// as is: a section header, or preamble text.
///
/// Indices into `entries` are the script's indices: they decide the order of keyword
/// matches, so they must agree exactly.
struct MaintainersFile: Sendable {
    enum Entry: Sendable {
        case typed(type: Unicode.Scalar, value: String)
        case text(String)

        var isTyped: Bool {
            if case .typed = self { return true }
            return false
        }
    }

    /// A section as the script walks them: the index its walk stands on (`$tvi`, normally
    /// the first typed line), the header's index and the index just past the section.
    struct Section: Sendable {
        let anchor: Int
        let start: Int
        let end: Int
    }

    /// A compiled `F:`, `X:` or `N:` line.
    enum Matcher: Sendable {
        case file(FilePattern)
        case exclude(FilePattern)
        case name(PerlRegex?)
    }

    /// A line of MAINTAINERS the lookup could not use as get_maintainer.pl would.
    struct Problem: Sendable, CustomStringConvertible {
        let location: String
        let message: String
        var description: String { "\(location): \(message)" }
    }

    private(set) var entries: [Entry] = []
    /// Where each entry comes from, `MAINTAINERS:123`.
    private(set) var locations: [String] = []
    private(set) var sections: [Section] = []
    /// The `F:`/`X:`/`N:` lines of each section (parallel to `sections`), in line order.
    private(set) var matchers: [[Matcher]] = []
    /// `K:` lines: entry index and regex source, in file order (the script's `%keyword_hash`).
    private(set) var keywords: [(index: Int, pattern: String)] = []
    private(set) var problems: [Problem] = []
    /// Sections by the leading directories of their `F:` patterns (`"drivers"`,
    /// `"drivers/net"`), and those that must always be tried (an `N:` line, or an `F:`
    /// pattern without a literal leading directory): a file needs trying only those of its
    /// own leading directories and the latter.
    private var sectionsByDirectory: [String: [Int]] = [:]
    private var sectionsAlwaysTried: [Int] = []

    private static let blankOrComment = PerlRegex(fixed: #"^\#(PerlSyntax.space)*(?:$|#)"#)

    /// Parses the MAINTAINERS files (name and text), one after the other; `isDirectory`
    /// answers Perl's `-d` for an `F:`/`X:` value relative to the tree's top.
    init(files: [(name: String, text: String)], isDirectory: (String) -> Bool) {
        for (name, text) in files {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.last == "" { lines.removeLast() }
            for (number, line) in lines.enumerated() {
                append(String(line), location: "\(name):\(number + 1)", isDirectory: isDirectory)
            }
        }
        buildSections()
    }

    /// Records a `K:` line whose pattern does not compile.
    mutating func noteUnusableKeyword(entryIndex: Int, pattern: String) {
        problems.append(Problem(location: locations[entryIndex], message: "K: pattern does not compile: \(pattern)"))
    }

    private mutating func append(_ line: String, location: String, isDirectory: (String) -> Bool) {
        defer { if locations.count < entries.count { locations.append(location) } }
        if let (type, value) = Self.typedLine(line) {
            var value = value
            if type == "F" || type == "X" {
                value = FilePattern.convert(value, isDirectoryInTree: isDirectory)
            } else if type == "K" {
                keywords.append((entries.count, value))
            }
            entries.append(.typed(type: type, value: value))
        } else if !Self.blankOrComment.matches(line) {
            entries.append(.text(line))
        }
    }

    /// `m/^([A-Z]):\s*(.*)/`.
    static func typedLine(_ line: String) -> (Unicode.Scalar, String)? {
        var scalars = Substring(line).unicodeScalars
        guard let type = scalars.first, ("A"..."Z").contains(type) else { return nil }
        scalars = scalars.dropFirst()
        guard scalars.first == ":" else { return nil }
        scalars = scalars.dropFirst()
        while let first = scalars.first, PerlSyntax.isSpace(first) { scalars = scalars.dropFirst() }
        return (type, String(String.UnicodeScalarView(scalars)))
    }

    /// The script's walk: `find_first_section`, then `find_starting_index` /
    /// `find_ending_index` around each anchor, the next anchor just past the end.
    private mutating func buildSections() {
        var anchor = entries.firstIndex { $0.isTyped } ?? entries.count
        while anchor < entries.count {
            let start = startingIndex(anchor)
            let end = endingIndex(anchor)
            sections.append(Section(anchor: anchor, start: start, end: end))
            var sectionMatchers: [Matcher] = []
            if start < end {
                for index in start..<end {
                    guard case .typed(let type, let value) = entries[index] else { continue }
                    switch type {
                    case "F": sectionMatchers.append(.file(FilePattern(converted: value)))
                    case "X": sectionMatchers.append(.exclude(FilePattern(converted: value)))
                    case "N":
                        let regex = try? PerlRegex(value, extended: true)
                        if regex == nil {
                            problems.append(Problem(location: locations[index], message: "N: pattern does not compile: \(value)"))
                        }
                        sectionMatchers.append(.name(regex))
                    default: break
                    }
                }
            }
            index(section: matchers.count, sectionMatchers)
            matchers.append(sectionMatchers)
            anchor = end + 1
        }
    }

    private mutating func index(section: Int, _ sectionMatchers: [Matcher]) {
        var keys: Set<String> = []
        for matcher in sectionMatchers {
            switch matcher {
            case .file(let pattern):
                guard !pattern.leadingDirectories.isEmpty else {
                    sectionsAlwaysTried.append(section)
                    return
                }
                keys.insert(pattern.leadingDirectories.joined(separator: "/"))
            case .name:
                sectionsAlwaysTried.append(section)
                return
            case .exclude:
                break
            }
        }
        for key in keys { sectionsByDirectory[key, default: []].append(section) }
    }

    /// The sections (indices into `sections`) that can match `file`, in file order.
    func candidateSections(for file: FileName) -> [Int] {
        var candidates = sectionsAlwaysTried
        var key = ""
        for directory in file.leadingDirectories {
            key = key.isEmpty ? directory : key + "/" + directory
            candidates += sectionsByDirectory[key] ?? []
        }
        return Set(candidates).sorted()
    }

    /// `find_starting_index`.
    func startingIndex(_ index: Int) -> Int {
        var index = index
        while index > 0 {
            if !entries[index].isTyped { break }
            index -= 1
        }
        return index
    }

    /// `find_ending_index`.
    func endingIndex(_ index: Int) -> Int {
        var index = index
        while index < entries.count {
            if !entries[index].isTyped { break }
            index += 1
        }
        return index
    }

    /// `get_subsystem_name`: the header line, cut to 50 characters with `...`.
    func subsystemName(_ index: Int) -> String {
        let start = startingIndex(index)
        guard start < entries.count else { return "" }
        let header: String
        switch entries[start] {
        case .text(let text): header = text
        case .typed(let type, let value): header = "\(Character(type)):\(value)"
        }
        let scalars = Array(header.unicodeScalars)
        guard scalars.count > 50 else { return header }
        var cut = Array(scalars.prefix(47))
        while let last = cut.last, PerlSyntax.isSpace(last) { cut.removeLast() }
        return String(String.UnicodeScalarView(cut)) + "..."
    }
}
