/// Reads the file patches of one diff (a whole plain `git diff`, or the patch part of one mail),
/// following git apply's reader (`find_header`, `parse_git_diff_header`, `parse_fragment`):
/// text between file patches (a diffstat, the `-- ` signature) is skipped, a hunk must have
/// exactly the lines its header announces, names must agree between the header lines.
struct DiffParser {
    private let bytes: [UInt8]
    private let lines: [Range<Int>]
    private let file: String
    /// The file line number of `lines[0]`, minus one.
    private let lineOffset: Int
    /// git's `-p`: leading path components to strip (1 for `a/` and `b/`).
    private var pValue = 1
    private var pValueKnown = false

    init(bytes: [UInt8], lines: [Range<Int>], file: String, lineOffset: Int) {
        self.bytes = bytes
        self.lines = lines
        self.file = file
        self.lineOffset = lineOffset
    }

    private func location(_ index: Int) -> PatchLocation {
        PatchLocation(file: file, line: lineOffset + index + 1)
    }

    /// The file patches from line `start` on.
    mutating func parse(from start: Int = 0) throws(PatchParseError) -> [FilePatch] {
        var patches: [FilePatch] = []
        var index = start
        while index < lines.count {
            guard let (header, bodyStart) = try findHeader(from: index) else { break }
            let (patch, next) = try parseBody(header, from: bodyStart)
            patches.append(patch)
            index = next
        }
        return patches
    }

    /// The first `---`/`+++` pair from line `start` on that no `@@` hunk follows: what a diff
    /// whose hunks were cut off leaves, named in the error instead of "no file header".
    func orphanHeader(from start: Int) -> MailboxEntry.OrphanHeader? {
        var index = start
        while index + 1 < lines.count {
            defer { index += 1 }
            guard Bytes.hasPrefix(bytes, lines[index], "--- "), Bytes.hasPrefix(bytes, lines[index + 1], "+++ ") else { continue }
            if index + 2 < lines.count, Bytes.hasPrefix(bytes, lines[index + 2], "@@ -") { continue }
            let second = lines[index + 1]
            let name = findNameTraditional(second.lowerBound + 4, second.upperBound, def: nil, p: 1)
                ?? findNameTraditional(second.lowerBound + 4, second.upperBound, def: nil, p: 0) ?? []
            return MailboxEntry.OrphanHeader(path: Bytes.text(name), location: location(index))
        }
        return nil
    }

    // MARK: File headers

    /// What the header lines of one file patch say, in git's terms (`is_new` is -1 when unknown).
    private struct Header {
        var isNew = 0
        var isDelete = 0
        var isRename = false
        var isCopy = false
        var oldName: [UInt8]?
        var newName: [UInt8]?
        var defaultName: [UInt8]?
        var oldMode: UInt32?
        var newMode: UInt32?
        var similarity: Int?
        var oldPrefix: String?
        var newPrefix: String?
        var extensionLine: Int?
        var isTraditional = false
        var headerIndex = 0
    }

    /// Skips to the next file header; nil when there is none. Returns the header and the index
    /// of the first line after it.
    private mutating func findHeader(from start: Int) throws(PatchParseError) -> (Header, Int)? {
        var index = start
        while index < lines.count {
            let line = lines[index]
            defer { index += 1 }
            if line.count < 6 { continue }
            if Bytes.hasPrefix(bytes, line, "@@ -") {
                if parseHunkHeader(line) != nil { throw PatchParseError(.hunkWithoutHeader, at: location(index)) }
                continue
            }
            // git needs at least six more bytes for anything that follows a header.
            if bytes.count - line.upperBound < 6 { return nil }
            if Bytes.hasPrefix(bytes, line, "diff --git ") {
                let (header, end) = try parseGitHeader(at: index)
                if end == index + 1 { continue }
                return (header, end)
            }
            guard Bytes.hasPrefix(bytes, line, "--- "), index + 2 < lines.count,
                Bytes.hasPrefix(bytes, lines[index + 1], "+++ "), Bytes.hasPrefix(bytes, lines[index + 2], "@@ -")
            else { continue }
            return (try parseTraditionalHeader(at: index), index + 2)
        }
        return nil
    }

    private func bad(_ reason: String, _ index: Int) -> PatchParseError {
        PatchParseError(.badHeader(reason), at: location(index))
    }

    /// `parse_git_diff_header`: the `diff --git` line and the extended header lines after it.
    private func parseGitHeader(at headerIndex: Int) throws(PatchParseError) -> (Header, Int) {
        var header = Header()
        header.headerIndex = headerIndex
        let first = lines[headerIndex]
        header.defaultName = gitHeaderName(first.lowerBound + 11, first.upperBound)
        var index = headerIndex + 1
        scan: while index < lines.count {
            let line = lines[index]
            guard bytes[line.upperBound - 1] == Bytes.newline else { break }
            let start = line.lowerBound
            func rest(_ prefix: StaticString) -> Int? {
                Bytes.hasPrefix(bytes, line, prefix) ? start + prefix.utf8CodeUnitCount : nil
            }
            let childP = pValue > 0 ? pValue - 1 : 0
            if rest("@@ -") != nil {
                break scan
            } else if let at = rest("--- ") {
                try verifyName(at, line.upperBound, isNull: header.isNew == 1, &header.oldName, side: "old", index)
            } else if let at = rest("+++ ") {
                try verifyName(at, line.upperBound, isNull: header.isDelete == 1, &header.newName, side: "new", index)
            } else if let at = rest("old mode ") {
                header.oldMode = try mode(at, index)
            } else if let at = rest("new mode ") {
                header.newMode = try mode(at, index)
            } else if let at = rest("deleted file mode ") {
                header.isDelete = 1
                header.oldName = header.defaultName
                header.oldMode = try mode(at, index)
            } else if let at = rest("new file mode ") {
                header.isNew = 1
                header.newName = header.defaultName
                header.newMode = try mode(at, index)
            } else if let at = rest("copy from ") {
                header.isCopy = true
                header.oldName = findName(at, line.upperBound, def: nil, p: childP, terminators: [])
            } else if let at = rest("copy to ") {
                header.isCopy = true
                header.newName = findName(at, line.upperBound, def: nil, p: childP, terminators: [])
            } else if let at = rest("rename old ") ?? rest("rename from ") {
                header.isRename = true
                header.oldName = findName(at, line.upperBound, def: nil, p: childP, terminators: [])
            } else if let at = rest("rename new ") ?? rest("rename to ") {
                header.isRename = true
                header.newName = findName(at, line.upperBound, def: nil, p: childP, terminators: [])
            } else if let at = rest("similarity index ") ?? rest("dissimilarity index ") {
                if let value = decimal(at, line.upperBound)?.value, value <= 100 { header.similarity = value }
            } else if let at = rest("index ") {
                try indexLine(at, line.upperBound, &header, index)
            } else {
                break scan
            }
            let extensions = (header.isDelete == 1 ? 1 : 0) + (header.isNew == 1 ? 1 : 0)
                + (header.isRename ? 1 : 0) + (header.isCopy ? 1 : 0)
            if extensions > 1 {
                throw bad("inconsistent header lines \(location(header.extensionLine ?? index).line) and \(location(index).line)", index)
            }
            if extensions > 0 && header.extensionLine == nil { header.extensionLine = index }
            index += 1
        }
        if header.oldName == nil && header.newName == nil {
            guard let name = header.defaultName else {
                throw bad("git diff header lacks filename information when removing \(pValue) leading pathname component", index)
            }
            header.oldName = name
            header.newName = name
        }
        if (header.newName == nil && header.isDelete != 1) || (header.oldName == nil && header.isNew != 1) {
            throw bad("git diff header lacks filename information", index)
        }
        return (header, index)
    }

    /// `gitdiff_verify_name`: a `---`/`+++` name must agree with what the header said so far.
    private func verifyName(
        _ start: Int, _ end: Int, isNull: Bool, _ name: inout [UInt8]?, side: String, _ index: Int
    ) throws(PatchParseError) {
        if name == nil && !isNull {
            name = findName(start, end, def: nil, p: pValue, terminators: [Bytes.tab])
            return
        }
        if let existing = name {
            if isNull { throw bad("expected /dev/null, got \(Bytes.text(existing))", index) }
            let another = findName(start, end, def: nil, p: pValue, terminators: [Bytes.tab])
            if another != existing { throw bad("inconsistent \(side) filename", index) }
        } else if !isDevNull(start, end) {
            throw bad("expected /dev/null", index)
        }
    }

    private func mode(_ start: Int, _ index: Int) throws(PatchParseError) -> UInt32 {
        var value: UInt32 = 0
        var at = start
        while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[at]) {
            value = value &* 8 &+ UInt32(bytes[at] - 0x30)
            at += 1
        }
        guard at > start, at < bytes.count, Bytes.isGitSpace(bytes[at]) else {
            throw bad("invalid mode '\(Bytes.lineText(bytes[start..<lines[index].upperBound]))'", index)
        }
        return value
    }

    /// `index <old>..<new>[ <mode>]`.
    private func indexLine(_ start: Int, _ end: Int, _ header: inout Header, _ index: Int) throws(PatchParseError) {
        guard let dot = bytes[start..<end].firstIndex(of: UInt8(ascii: ".")), dot + 1 < end,
            bytes[dot + 1] == UInt8(ascii: "."), dot - start <= 40
        else { return }
        let newStart = dot + 2
        let lineEnd = bytes[newStart..<end].firstIndex(of: Bytes.newline) ?? end
        let space = bytes[newStart..<lineEnd].firstIndex(of: Bytes.space) ?? lineEnd
        guard space - newStart <= 40 else { return }
        header.oldPrefix = Bytes.text(bytes[start..<dot])
        header.newPrefix = Bytes.text(bytes[newStart..<space])
        if space < lineEnd { header.oldMode = try mode(space + 1, index) }
    }

    private func decimal(_ start: Int, _ end: Int) -> (value: Int, end: Int)? {
        guard let (value, after, overflow) = checkedDecimal(start, end, limit: Int.max) else { return nil }
        return (overflow ? Int.max : value, after)
    }

    private func checkedDecimal(_ start: Int, _ end: Int, limit: Int) -> (value: Int, end: Int, overflow: Bool)? {
        Bytes.decimal(bytes, from: start, to: end, limit: limit)
    }

    private func isDevNull(_ start: Int, _ end: Int) -> Bool {
        Bytes.hasPrefix(bytes[start..<end], "/dev/null") && start + 9 < end && Bytes.isGitSpace(bytes[start + 9])
    }

    /// `find_name`: the path on a header line, with `p` leading components removed; a shorter
    /// `def` that the name merely extends (`file` vs `file.orig`) wins, as in git.
    /// With `stopAtSpace` false (git passes an explicit end), whitespace is part of the name.
    private func findName(
        _ start: Int, _ end: Int, def: [UInt8]?, p: Int, terminators: [UInt8], stopAtSpace: Bool = true
    ) -> [UInt8]? {
        if start < end, bytes[start] == UInt8(ascii: "\""), let quoted = findNameQuoted(start, end, p: p) { return quoted }
        var remaining = p
        var nameStart: Int? = p == 0 ? start : nil
        var at = start
        while at < end {
            let byte = bytes[at]
            if stopAtSpace, Bytes.isGitSpace(byte) {
                if byte == Bytes.newline { break }
                if byte != Bytes.space && byte != Bytes.tab { break }
                if terminators.contains(byte) { break }
            }
            at += 1
            if byte == UInt8(ascii: "/") {
                remaining -= 1
                if remaining == 0 { nameStart = at }
            }
        }
        guard let nameStart, at > nameStart else { return def }
        if let def, def.count < at - nameStart, Array(bytes[nameStart..<(nameStart + def.count)]) == def {
            return def
        }
        return Self.squashSlashes(Array(bytes[nameStart..<at]))
    }

    private static func squashSlashes(_ name: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(name.count)
        for byte in name where !(byte == UInt8(ascii: "/") && out.last == UInt8(ascii: "/")) { out.append(byte) }
        return out
    }

    /// `skip_tree_prefix`: the index after the `p`-th slash; nil for an absolute name.
    private func skipTreePrefix(_ name: ArraySlice<UInt8>, p: Int) -> Int? {
        if p == 0 { return name.first == UInt8(ascii: "/") ? nil : name.startIndex }
        var slashes = p
        for index in name.indices where name[index] == UInt8(ascii: "/") {
            slashes -= 1
            if slashes <= 0 { return index == name.startIndex ? nil : index + 1 }
        }
        return nil
    }

    /// `git_header_name`: the name on `diff --git a/x b/x` when both sides are the same path,
    /// which is what pure mode changes and empty files rely on.
    private func gitHeaderName(_ start: Int, _ end: Int) -> [UInt8]? {
        guard start < end else { return nil }
        if bytes[start] == UInt8(ascii: "\"") {
            guard let (first, afterQuote) = Bytes.unquoteC(bytes[start..<end]),
                let cut = skipTreePrefix(first[...], p: pValue)
            else { return nil }
            let firstName = Array(first[cut...])
            var second = afterQuote
            while second < end, Bytes.isGitSpace(bytes[second]) { second += 1 }
            guard second < end else { return nil }
            if bytes[second] == UInt8(ascii: "\"") {
                guard let (other, _) = Bytes.unquoteC(bytes[second..<end]),
                    let otherCut = skipTreePrefix(other[...], p: pValue), Array(other[otherCut...]) == firstName
                else { return nil }
                return firstName
            }
            // As in git, the unquoted second name is compared with its line end included.
            guard let cp = skipTreePrefix(bytes[second..<end], p: pValue), end - cp == firstName.count,
                Array(bytes[cp..<end]) == firstName
            else { return nil }
            return firstName
        }
        guard let name = skipTreePrefix(bytes[start..<end], p: pValue) else { return nil }
        if let quote = bytes[name..<end].firstIndex(of: UInt8(ascii: "\"")) {
            guard let (other, _) = Bytes.unquoteC(bytes[quote..<end]),
                let np = skipTreePrefix(other[...], p: pValue)
            else { return nil }
            let length = other.count - np
            if length < quote - name, Array(bytes[name..<(name + length)]) == Array(other[np...]),
                Bytes.isGitSpace(bytes[name + length])
            {
                return Array(other[np...])
            }
            return nil
        }
        guard let lineEnd = bytes[name..<end].firstIndex(of: Bytes.newline) else { return nil }
        var length = 0
        while name + length < lineEnd {
            let byte = bytes[name + length]
            if byte == Bytes.tab || byte == Bytes.space {
                if let second = skipTreePrefix(bytes[(name + length + 1)..<lineEnd], p: pValue),
                    second + length == lineEnd, Array(bytes[name..<(name + length)]) == Array(bytes[second..<lineEnd])
                {
                    return Array(bytes[name..<(name + length)])
                }
            }
            length += 1
        }
        return nil
    }

    /// `parse_traditional_patch`: `--- a/x` / `+++ b/x` with no git header.
    private mutating func parseTraditionalHeader(at index: Int) throws(PatchParseError) -> Header {
        var header = Header()
        header.isTraditional = true
        header.headerIndex = index
        header.isNew = -1
        header.isDelete = -1
        let first = lines[index]
        let second = lines[index + 1]
        let firstStart = first.lowerBound + 4
        let secondStart = second.lowerBound + 4
        if !pValueKnown {
            var p = guessPValue(firstStart, first.upperBound)
            let q = guessPValue(secondStart, second.upperBound)
            if p < 0 { p = q }
            if p >= 0 && p == q {
                pValue = p
                pValueKnown = true
            }
        }
        let name: [UInt8]?
        if isDevNull(firstStart, first.upperBound) {
            header.isNew = 1
            header.isDelete = 0
            name = findNameTraditional(secondStart, second.upperBound, def: nil, p: pValue)
            header.newName = name
        } else if isDevNull(secondStart, second.upperBound) {
            header.isNew = 0
            header.isDelete = 1
            name = findNameTraditional(firstStart, first.upperBound, def: nil, p: pValue)
            header.oldName = name
        } else {
            let firstName = findNameTraditional(firstStart, first.upperBound, def: nil, p: pValue)
            name = findNameTraditional(secondStart, second.upperBound, def: firstName, p: pValue)
            // GNU diff's way to say "created" or "deleted": the epoch as the other side's timestamp.
            if hasEpochTimestamp(firstStart, first.upperBound) {
                header.isNew = 1
                header.isDelete = 0
                header.newName = name
            } else if hasEpochTimestamp(secondStart, second.upperBound) {
                header.isNew = 0
                header.isDelete = 1
                header.oldName = name
            } else {
                header.oldName = name
                header.newName = name
            }
        }
        guard name != nil else { throw bad("unable to find filename in patch", index) }
        return header
    }

    private func guessPValue(_ start: Int, _ end: Int) -> Int {
        if isDevNull(start, end) { return -1 }
        guard let name = findNameTraditional(start, end, def: nil, p: 0) else { return -1 }
        return name.contains(UInt8(ascii: "/")) ? -1 : 0
    }

    /// `find_name_traditional`: a name followed by a `diff` timestamp (after a tab, or after
    /// spaces) ends where the timestamp starts, so a name may hold spaces; without a
    /// timestamp the name ends at a tab.
    private func findNameTraditional(_ start: Int, _ end: Int, def: [UInt8]?, p: Int) -> [UInt8]? {
        if start < end, bytes[start] == UInt8(ascii: "\""), let quoted = findNameQuoted(start, end, p: p) { return quoted }
        let lineEnd = bytes[start..<end].firstIndex(of: Bytes.newline) ?? end
        let dateLength = DiffTimestamp.length(bytes[start..<lineEnd])
        guard dateLength > 0 else { return findName(start, end, def: def, p: p, terminators: [Bytes.tab]) }
        return findName(start, lineEnd - dateLength, def: def, p: p, terminators: [], stopAtSpace: false)
    }

    /// `find_name_gnu`: a C-quoted name with `p` components removed; nil when it cannot be.
    private func findNameQuoted(_ start: Int, _ end: Int, p: Int) -> [UInt8]? {
        guard let (quoted, _) = Bytes.unquoteC(bytes[start..<end]) else { return nil }
        var cursor = quoted[...]
        for _ in 0..<p {
            guard let slash = cursor.firstIndex(of: UInt8(ascii: "/")) else { return nil }
            cursor = cursor[(slash + 1)...]
        }
        return Self.squashSlashes(Array(cursor))
    }

    /// `has_epoch_timestamp`: the line's timestamp (after its last tab) is the Unix epoch in
    /// its own zone, `1970-01-01 00:00:00 +0000` or `1969-12-31 16:00:00.000000000 -0800`.
    private func hasEpochTimestamp(_ start: Int, _ end: Int) -> Bool {
        guard let lineEnd = bytes[start..<end].firstIndex(of: Bytes.newline),
            let tab = bytes[start..<lineEnd].lastIndex(of: Bytes.tab)
        else { return false }
        return DiffTimestamp.isEpoch(bytes[(tab + 1)...lineEnd])
    }

    // MARK: Hunks

    /// `parse_single_patch` and what follows it in `parse_chunk`: the hunks, or the binary data,
    /// of one file; returns the file patch and the index after it.
    private func parseBody(_ header: Header, from start: Int) throws(PatchParseError) -> (FilePatch, Int) {
        var header = header
        var hunks: [Hunk] = []
        var index = start
        var oldLines = 0
        var newLines = 0
        while index < lines.count, lines[index].count > 4, Bytes.hasPrefix(bytes, lines[index], "@@ -") {
            let (hunk, next) = try parseHunk(at: index)
            hunks.append(hunk)
            oldLines += hunk.oldCount
            newLines += hunk.newCount
            index = next
        }
        if header.isNew < 0 && (oldLines > 0 || hunks.count > 1) { header.isNew = 0 }
        if header.isDelete < 0 && (newLines > 0 || hunks.count > 1) { header.isDelete = 0 }
        let name = Bytes.text(header.newName ?? header.oldName ?? [])
        if header.isNew > 0 && oldLines > 0 { throw bad("new file \(name) depends on old contents", header.headerIndex) }
        if header.isDelete > 0 && newLines > 0 { throw bad("deleted file \(name) still has contents", header.headerIndex) }

        var binary: BinaryPatch?
        if hunks.isEmpty {
            if index < lines.count, Array(bytes[lines[index]]) == Bytes.ascii("GIT binary patch\n") {
                let (patch, next) = try parseBinary(at: index + 1)
                binary = patch
                index = next
            } else if index < lines.count, Self.endsWithDiffer(bytes[lines[index]]),
                Bytes.hasPrefix(bytes, lines[index], "Binary files ") || Bytes.hasPrefix(bytes, lines[index], "Files ")
            {
                binary = BinaryPatch(method: .noData)
                index += 1
            }
            let modeChange = header.oldMode != nil && header.newMode != nil && header.oldMode != header.newMode
            let metadata = header.isRename || header.isCopy || header.isNew > 0 || header.isDelete != 0 || modeChange
            if binary == nil && !metadata {
                throw PatchParseError(.onlyGarbage, at: location(header.headerIndex))
            }
        }

        let oldPath = try path(header.oldName, header.headerIndex)
        let newPath = try path(header.newName, header.headerIndex)
        let operation: FilePatch.Operation =
            header.isRename ? .rename
            : header.isCopy ? .copy
            : header.isNew > 0 ? .create
            : header.isDelete > 0 ? .delete
            : .modify
        let patch = FilePatch(
            oldPath: operation == .create ? nil : oldPath, newPath: operation == .delete ? nil : newPath,
            operation: operation, oldMode: header.oldMode, newMode: header.newMode, similarity: header.similarity,
            oldBlobPrefix: header.oldPrefix, newBlobPrefix: header.newPrefix, hunks: hunks, binary: binary,
            creationIsGuessed: header.isNew < 0, location: location(header.headerIndex))
        return (patch, index)
    }

    /// A line that ends a cut-off hunk rather than corrupting it: the next file or hunk header,
    /// or the next mail.
    private static func startsNextSection(_ line: ArraySlice<UInt8>) -> Bool {
        Bytes.hasPrefix(line, "diff ") || Bytes.hasPrefix(line, "@@ ") || Bytes.hasPrefix(line, "From ")
            || Bytes.hasPrefix(line, "Index: ")
    }

    private static func endsWithDiffer(_ line: ArraySlice<UInt8>) -> Bool {
        line.count >= 8 && Array(line.suffix(8)) == Bytes.ascii(" differ\n")
    }

    /// A path from a header, checked like git's `verify_path` (apply.c's `check_unsafe_path`):
    /// relative, no empty, `.` or `..` component (normalised), no `.git` component (forbidden).
    private func path(_ name: [UInt8]?, _ index: Int) throws(PatchParseError) -> String? {
        guard let name else { return nil }
        let text = Bytes.text(name)
        if let problem = Self.pathProblem(name) { throw PatchParseError(.unsafePath(text, reason: problem), at: location(index)) }
        return text
    }

    static func pathProblem(_ name: [UInt8]) -> PathProblem? {
        if name.isEmpty { return .empty }
        if name.first == UInt8(ascii: "/") { return .absolute }
        for component in name.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if Bytes.text(component).lowercased() == ".git" { return .gitDirectory }
        }
        for component in name.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if component.isEmpty || component.elementsEqual(Bytes.ascii(".")) || component.elementsEqual(Bytes.ascii("..")) {
                return .notNormalised(component: Bytes.text(component))
            }
        }
        return nil
    }

    /// The largest line number or count a hunk header may hold: git keeps positions in an
    /// `int`, so anything past `Int32.max` cannot name a line of any file git applies to.
    static let hunkNumberLimit = Int(Int32.max)

    /// `@@ -a[,b] +c[,d] @@[ section]`: the four numbers and the section text; nil when
    /// malformed. `tooLarge` is set (the numbers then meaningless) when one exceeds
    /// `hunkNumberLimit`.
    private func parseHunkHeader(_ line: Range<Int>) -> (Int, Int, Int, Int, section: [UInt8], tooLarge: String?)? {
        guard bytes[line.upperBound - 1] == Bytes.newline else { return nil }
        var tooLarge: String?
        func number(_ start: Int) -> (Int, Int)? {
            guard let (value, end, overflow) = checkedDecimal(start, line.upperBound, limit: Self.hunkNumberLimit) else { return nil }
            if overflow && tooLarge == nil { tooLarge = Bytes.text(bytes[start..<end]) }
            return (value, end)
        }
        func range(_ start: Int, expect: StaticString) -> (Int, Int, Int)? {
            guard start < line.upperBound, let (first, afterFirst) = number(start) else { return nil }
            var count = 1
            var at = afterFirst
            if at < line.upperBound, bytes[at] == UInt8(ascii: ",") {
                guard let (second, afterSecond) = number(at + 1) else { return nil }
                count = second
                at = afterSecond
            }
            guard Bytes.hasPrefix(bytes[at..<line.upperBound], expect) else { return nil }
            return (first, count, at + expect.utf8CodeUnitCount)
        }
        guard let (oldStart, oldCount, afterOld) = range(line.lowerBound + 4, expect: " +"),
            let (newStart, newCount, afterNew) = range(afterOld, expect: " @@")
        else { return nil }
        var sectionStart = afterNew
        if sectionStart < line.upperBound, bytes[sectionStart] == Bytes.space { sectionStart += 1 }
        // The function context is for messages: without a CRLF mail's `\r`.
        var sectionEnd = line.upperBound - 1
        if sectionEnd > sectionStart, bytes[sectionEnd - 1] == UInt8(ascii: "\r") { sectionEnd -= 1 }
        let section = sectionStart < sectionEnd ? Array(bytes[sectionStart..<sectionEnd]) : []
        return (oldStart, oldCount, newStart, newCount, section, tooLarge)
    }

    /// `parse_fragment`, then the line images `apply_one_fragment` builds from it.
    private func parseHunk(at headerIndex: Int) throws(PatchParseError) -> (Hunk, Int) {
        let headerLine = lines[headerIndex]
        let headerText = Bytes.lineText(bytes[headerLine])
        func corrupt(_ reason: String, _ index: Int) -> PatchParseError {
            PatchParseError(.corruptHunk(header: headerText, headerLine: location(headerIndex).line, reason: reason), at: location(index))
        }
        guard let (oldStart, oldCount, newStart, newCount, section, tooLarge) = parseHunkHeader(headerLine) else {
            throw corrupt("unreadable hunk header", headerIndex)
        }
        if let tooLarge {
            throw corrupt("the number \(tooLarge) is too large for a line number or count (at most \(Self.hunkNumberLimit))", headerIndex)
        }
        var oldLeft = oldCount
        var newLeft = newCount
        var leading = 0
        var trailing = 0
        var added = 0
        var deleted = 0
        var index = headerIndex + 1
        var stop: (index: Int, reason: String?)?
        while index < lines.count {
            if oldLeft == 0 && newLeft == 0 { break }
            let line = lines[index]
            guard bytes[line.upperBound - 1] == Bytes.newline else {
                stop = (index, "the last line has no newline")
                break
            }
            switch bytes[line.lowerBound] {
            case Bytes.newline, Bytes.space:
                oldLeft -= 1
                newLeft -= 1
                if deleted == 0 && added == 0 { leading += 1 }
                trailing += 1
            case UInt8(ascii: "-"):
                deleted += 1
                oldLeft -= 1
                trailing = 0
            case UInt8(ascii: "+"):
                added += 1
                newLeft -= 1
                trailing = 0
            case UInt8(ascii: "\\"):
                if line.count < 12 || !Bytes.hasPrefix(bytes, line, "\\ ") {
                    stop = (index, "malformed \"\\ No newline at end of file\" line")
                } else if index == headerIndex + 1 {
                    stop = (index, "\"\\ No newline at end of file\" as the first line of the hunk: it follows no line")
                }
            default:
                stop = (index, nil)
            }
            if stop != nil { break }
            index += 1
        }
        if let stop, let reason = stop.reason { throw corrupt(reason, stop.index) }
        if oldLeft != 0 || newLeft != 0 {
            if oldLeft < 0 || newLeft < 0 {
                throw corrupt("more lines than the header announces", index)
            }
            // A cut-off mail leaves its `-- ` signature line counted as a removal.
            var foundOld = oldCount - oldLeft
            var end = stop?.index ?? index
            let afterSignature = end > headerIndex + 1 && Array(bytes[lines[end - 1]]) == Bytes.ascii("-- \n")
            if afterSignature {
                foundOld -= 1
                end -= 1
            } else if let stop, !Self.startsNextSection(bytes[lines[stop.index]]) {
                let first = Bytes.text(bytes[lines[stop.index]].prefix(1)).debugDescription
                throw corrupt("a hunk line starts with \(first), not ' ', '+', '-' or '\\'", stop.index)
            }
            throw PatchParseError(
                .truncatedHunk(
                    header: headerText, headerLine: location(headerIndex).line, expectedOld: oldCount,
                    expectedNew: newCount, foundOld: foundOld, foundNew: newCount - newLeft),
                at: location(end))
        }
        if added == 0 && deleted == 0 { throw corrupt("the hunk adds and removes nothing", headerIndex) }
        if index < lines.count, Bytes.hasPrefix(bytes, lines[index], "\\ "), bytes.count - lines[index].lowerBound > 12 {
            index += 1
        }

        var hunkLines: [HunkLine] = []
        hunkLines.reserveCapacity(index - headerIndex - 1)
        for lineIndex in (headerIndex + 1)..<index {
            let line = lines[lineIndex]
            var length = line.count - 1
            if lineIndex + 1 < index, bytes[lines[lineIndex + 1].lowerBound] == UInt8(ascii: "\\") { length -= 1 }
            let text = length > 0 ? Array(bytes[(line.lowerBound + 1)..<(line.lowerBound + 1 + length)]) : []
            switch bytes[line.lowerBound] {
            case Bytes.newline:
                if length >= 0 { hunkLines.append(HunkLine(.context, [Bytes.newline])) }
            case Bytes.space: hunkLines.append(HunkLine(.context, text))
            case UInt8(ascii: "-"): hunkLines.append(HunkLine(.removed, text))
            case UInt8(ascii: "+"): hunkLines.append(HunkLine(.added, text))
            default: break
            }
        }
        let hunk = Hunk(
            oldStart: oldStart, oldCount: oldCount, newStart: newStart, newCount: newCount, leadingContext: leading,
            trailingContext: trailing, lines: hunkLines, section: section, location: location(headerIndex))
        return (hunk, index)
    }

    // MARK: Binary

    /// `parse_binary`: a forward hunk (`literal N` or `delta N` then base85 lines and a blank
    /// line) and an optional reverse hunk.
    private func parseBinary(at start: Int) throws(PatchParseError) -> (BinaryPatch, Int) {
        guard let (method, encoded, next) = try parseBinaryHunk(at: start) else {
            throw PatchParseError(.corruptBinary, at: location(start))
        }
        var end = next
        if let (_, _, afterReverse) = try parseBinaryHunk(at: next) { end = afterReverse }
        return (BinaryPatch(method: method, encodedLines: encoded), end)
    }

    private func parseBinaryHunk(at start: Int) throws(PatchParseError) -> (BinaryPatch.Method, [[UInt8]], Int)? {
        guard start < lines.count else { return nil }
        let line = lines[start]
        let method: BinaryPatch.Method
        if Bytes.hasPrefix(bytes, line, "delta ") {
            method = .delta(size: decimal(line.lowerBound + 6, line.upperBound)?.value ?? 0)
        } else if Bytes.hasPrefix(bytes, line, "literal ") {
            method = .literal(size: decimal(line.lowerBound + 8, line.upperBound)?.value ?? 0)
        } else {
            return nil
        }
        var encoded: [[UInt8]] = []
        var index = start + 1
        while true {
            guard index < lines.count else { throw PatchParseError(.corruptBinary, at: location(index)) }
            let data = lines[index]
            index += 1
            if data.count == 1 && bytes[data.lowerBound] == Bytes.newline { break }
            let length = data.count
            guard length >= 7, (length - 2) % 5 == 0 else { throw PatchParseError(.corruptBinary, at: location(index - 1)) }
            let marker = bytes[data.lowerBound]
            let byteLength: Int
            switch marker {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): byteLength = Int(marker - UInt8(ascii: "A")) + 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"): byteLength = Int(marker - UInt8(ascii: "a")) + 27
            default: throw PatchParseError(.corruptBinary, at: location(index - 1))
            }
            let maximum = (length - 2) / 5 * 4
            guard byteLength <= maximum, byteLength > maximum - 4 else {
                throw PatchParseError(.corruptBinary, at: location(index - 1))
            }
            encoded.append(Array(bytes[data.lowerBound..<(data.upperBound - 1)]))
        }
        return (method, encoded, index)
    }
}
