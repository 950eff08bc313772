#if canImport(Glibc)
import Glibc
#endif

/// The `MAINTAINERS` file as `get_maintainer.pl` holds it: one flat list of entries (the
/// script's `@typevalue`), where a typed line `X:\tvalue` becomes `.typed("X", value)` (with
/// `F:`/`X:` globs converted to regexes) and any other non-blank, non-comment line is kept
/// as is: a section header, or preamble text.
///
/// Indices into `entries` are the script's indices: they decide the order of keyword
/// matches, so they must agree exactly.
///
/// The file is parsed once, as bytes: each kept line is a byte range, and becomes a `String`
/// only when a lookup reads it (the lines of the sections that match, and the `K:` lines).
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

    /// An `F:`, `X:` or `N:` line of a section. `F:`/`X:` patterns are compiled on demand
    /// (`MaintainerLookup` answers Perl's `-d` then): a file only ever meets the patterns of
    /// the sections its directories index, and only those whose literal start it has.
    enum Matcher: Sendable {
        /// Index into `filePatterns`.
        case file(Int)
        case exclude(Int)
        case name(NamePattern?)
    }

    /// An `F:`/`X:` line: its entry, and the bytes its raw value starts with literally (a
    /// file name not starting with them cannot match, with or without a `/` added).
    struct PatternSource: Sendable {
        let entry: Int
        let literalPrefix: Range<Int>
    }

    /// A line of MAINTAINERS the lookup could not use as get_maintainer.pl would.
    struct Problem: Sendable, CustomStringConvertible {
        let location: String
        let message: String
        var description: String { "\(location): \(message)" }
    }

    /// A kept line: its type letter (0 for an untyped line), the byte range of its value
    /// (of the whole line when untyped), and where it comes from.
    fileprivate struct Line: Sendable {
        var type: UInt8
        var start: Int32
        var end: Int32
        var file: Int32
        var number: Int32
    }

    /// The entries, as the script's `@typevalue`; each is made from the bytes when read.
    struct Entries: RandomAccessCollection, Sendable {
        fileprivate let bytes: [UInt8]
        fileprivate let lines: [Line]

        var startIndex: Int { 0 }
        var endIndex: Int { lines.count }

        subscript(index: Int) -> Entry {
            let line = lines[index]
            let value = bytes[Int(line.start)..<Int(line.end)]
            switch line.type {
            case 0: return .text(String(decoding: value, as: UTF8.self))
            case UInt8(ascii: "F"), UInt8(ascii: "X"):
                return .typed(type: Unicode.Scalar(line.type), value: value.withUnsafeBufferPointer(FilePattern.convert))
            default: return .typed(type: Unicode.Scalar(line.type), value: String(decoding: value, as: UTF8.self))
            }
        }

        func isTyped(_ index: Int) -> Bool { lines[index].type != 0 }
        func type(_ index: Int) -> UInt8 { lines[index].type }
    }

    let entries: Entries
    private let fileNames: [String]
    private(set) var sections: [Section] = []
    /// The `F:`/`X:`/`N:` lines of each section (parallel to `sections`), in line order.
    private(set) var matchers: [[Matcher]] = []
    /// Every `F:`/`X:` line, in file order; `Matcher.file`/`.exclude` index it.
    private(set) var filePatterns: [PatternSource] = []
    /// `K:` lines: entry index and regex source, in file order (the script's `%keyword_hash`).
    private(set) var keywords: [(index: Int, pattern: String)] = []
    private(set) var problems: [Problem] = []
    /// Sections by the hash of the complete directories their `F:` patterns start with
    /// literally (`drivers/net/ethernet/intel`), and those that must always be tried (an
    /// `N:` line, or an `F:` pattern without a literal leading directory): a file needs
    /// trying only those keyed by one of its own leading directory paths, and the latter. A
    /// hash collision only adds candidates.
    private var sectionsByDirectory: [UInt64: [Int]] = [:]
    private var sectionsAlwaysTried: [Int] = []

    /// Parses the MAINTAINERS files (name and bytes), one after the other.
    init(files: [(name: String, bytes: [UInt8])]) {
        // One file (the usual case) is used as it is; a MAINTAINERS folder's are joined.
        var bytes: [UInt8] = files.count == 1 ? files[0].bytes : []
        if files.count > 1 { bytes.reserveCapacity(files.reduce(0) { $0 + $1.bytes.count }) }
        var lines: [Line] = []
        var patternKeys: [UInt64?] = []
        var filePatterns: [PatternSource] = []
        var keywords: [(index: Int, pattern: String)] = []
        for (number, file) in files.enumerated() {
            let offset = files.count == 1 ? 0 : bytes.count
            if files.count > 1 { bytes += file.bytes }
            file.bytes.withUnsafeBufferPointer { buffer in
                var start = 0
                var lineNumber: Int32 = 0
                while start < buffer.count {
                    let end = Self.lineEnd(buffer, from: start)
                    lineNumber += 1
                    let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
                    if let (type, valueStart) = Self.typedLine(line) {
                        let value = UnsafeBufferPointer(rebasing: line[valueStart...])
                        if type == UInt8(ascii: "F") || type == UInt8(ascii: "X") {
                            let prefix = Self.literalPrefix(value)
                            let begin = offset + start + valueStart
                            filePatterns.append(PatternSource(entry: lines.count, literalPrefix: begin..<(begin + prefix)))
                            patternKeys.append(Self.directoryKey(UnsafeBufferPointer(rebasing: value[..<prefix])))
                        } else if type == UInt8(ascii: "K") {
                            keywords.append((lines.count, String(decoding: value, as: UTF8.self)))
                        }
                        lines.append(
                            Line(
                                type: type, start: Int32(offset + start + valueStart), end: Int32(offset + end),
                                file: Int32(number), number: lineNumber))
                    } else if !Self.isBlankOrComment(line) {
                        lines.append(
                            Line(type: 0, start: Int32(offset + start), end: Int32(offset + end), file: Int32(number), number: lineNumber))
                    }
                    start = end + 1
                }
            }
        }
        entries = Entries(bytes: bytes, lines: lines)
        fileNames = files.map(\.name)
        self.filePatterns = filePatterns
        self.keywords = keywords
        buildSections(patternKeys: patternKeys)
    }

    /// `MAINTAINERS:123` for an entry.
    func location(_ entryIndex: Int) -> String {
        let line = entries.lines[entryIndex]
        return "\(fileNames[Int(line.file)]):\(line.number)"
    }

    /// The converted value of an `F:`/`X:` line, without the `/` Perl's `-d` may add.
    func patternValue(_ pattern: Int) -> String {
        guard case .typed(_, let value) = entries[filePatterns[pattern].entry] else { return "" }
        return value
    }

    /// Whether a file name (as bytes) starts with the literal start of an `F:`/`X:` pattern.
    func mayMatch(_ pattern: Int, _ file: [UInt8]) -> Bool {
        let prefix = filePatterns[pattern].literalPrefix
        guard file.count >= prefix.count else { return false }
        var index = 0
        for byte in entries.bytes[prefix] {
            if file[index] != byte { return false }
            index += 1
        }
        return true
    }

    private static func lineEnd(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = buffer.baseAddress, let found = memchr(base + start, 0x0A, buffer.count - start) else {
            return buffer.count
        }
        return UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
    }

    /// `m/^([A-Z]):\s*(.*)/`: the type letter and where the value starts.
    static func typedLine(_ line: UnsafeBufferPointer<UInt8>) -> (UInt8, Int)? {
        guard line.count >= 2, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(line[0]), line[1] == UInt8(ascii: ":")
        else { return nil }
        return (line[0], PerlSyntax.skippingSpace(line, from: 2))
    }

    /// `m/^\s*(?:$|#)/`.
    static func isBlankOrComment(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let first = PerlSyntax.skippingSpace(line, from: 0)
        return first == line.count || line[first] == UInt8(ascii: "#")
    }

    /// How many bytes a raw `F:`/`X:` value starts with that stay plain literals after the
    /// conversion: up to the first byte that is anything else, one byte fewer before a
    /// quantifier (`+`, `{`) that makes the byte before it optional; none when the value
    /// has a `|` (an alternative can match anywhere).
    static func literalPrefix(_ raw: UnsafeBufferPointer<UInt8>) -> Int {
        if raw.contains(UInt8(ascii: "|")) { return 0 }
        var literal = 0
        while literal < raw.count {
            switch raw[literal] {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "-"), UInt8(ascii: ","), UInt8(ascii: "@"), UInt8(ascii: "="), UInt8(ascii: "~"),
                UInt8(ascii: ":"):
                literal += 1
            case UInt8(ascii: "+"), UInt8(ascii: "{"):
                return max(literal - 1, 0)
            default:
                return literal
            }
        }
        return literal
    }

    /// The key of the complete directories a literal prefix holds (`drivers/net` of
    /// `drivers/net/eth`), nil when it holds none.
    static func directoryKey(_ prefix: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard let slash = prefix.lastIndex(of: UInt8(ascii: "/")), slash > 0 else { return nil }
        return hash(UnsafeBufferPointer(rebasing: prefix[..<slash]))
    }

    /// FNV-1a.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    /// The script's walk: `find_first_section`, then `find_starting_index` /
    /// `find_ending_index` around each anchor, the next anchor just past the end.
    private mutating func buildSections(patternKeys: [UInt64?]) {
        var patternOfEntry = [Int](repeating: -1, count: entries.count)
        for (index, pattern) in filePatterns.enumerated() { patternOfEntry[pattern.entry] = index }
        var anchor = (0..<entries.count).first { entries.isTyped($0) } ?? entries.count
        while anchor < entries.count {
            let start = startingIndex(anchor)
            let end = endingIndex(anchor)
            sections.append(Section(anchor: anchor, start: start, end: end))
            var sectionMatchers: [Matcher] = []
            var keys: [UInt64] = []
            var alwaysTried = false
            if start < end {
                for index in start..<end {
                    switch entries.type(index) {
                    case UInt8(ascii: "F"):
                        let pattern = patternOfEntry[index]
                        sectionMatchers.append(.file(pattern))
                        if let key = patternKeys[pattern] {
                            if !keys.contains(key) { keys.append(key) }
                        } else {
                            alwaysTried = true
                        }
                    case UInt8(ascii: "X"):
                        sectionMatchers.append(.exclude(patternOfEntry[index]))
                    case UInt8(ascii: "N"):
                        guard case .typed(_, let value) = entries[index] else { continue }
                        let pattern = NamePattern(value)
                        if pattern == nil {
                            problems.append(Problem(location: location(index), message: "N: pattern does not compile: \(value)"))
                        }
                        sectionMatchers.append(.name(pattern))
                        alwaysTried = true
                    default: break
                    }
                }
            }
            let section = matchers.count
            if alwaysTried {
                sectionsAlwaysTried.append(section)
            } else {
                for key in keys { sectionsByDirectory[key, default: []].append(section) }
            }
            matchers.append(sectionMatchers)
            anchor = end + 1
        }
    }

    /// The sections (indices into `sections`) that can match `file`, in file order.
    func candidateSections(for file: FileName) -> [Int] {
        var candidates = sectionsAlwaysTried
        file.bytes.withUnsafeBufferPointer { bytes in
            for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "/") && index > 0 {
                if let keyed = sectionsByDirectory[Self.hash(UnsafeBufferPointer(rebasing: bytes[..<index]))] {
                    candidates += keyed
                }
            }
        }
        candidates.sort()
        var unique: [Int] = []
        unique.reserveCapacity(candidates.count)
        for candidate in candidates where unique.last != candidate { unique.append(candidate) }
        return unique
    }

    /// `find_starting_index`.
    func startingIndex(_ index: Int) -> Int {
        var index = index
        while index > 0 {
            if !entries.isTyped(index) { break }
            index -= 1
        }
        return index
    }

    /// `find_ending_index`.
    func endingIndex(_ index: Int) -> Int {
        var index = index
        while index < entries.count {
            if !entries.isTyped(index) { break }
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
