import Foundation
import Git
import Series

/// Test-only stand-in for the libgit2 diff: reads a tree diff from the `git` command line
/// (`git diff-tree --raw -z` for statuses, modes, ids and paths, `git diff-tree -p` for hunks
/// and which files are binary) into the Git module's plain values. Binary patches are
/// computed by Series from the blobs, as kseries will do.
struct GitCLIDiffReader {
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    let repository: ScratchRepository

    /// The diff between two commits (or trees) and the binary patches of its binary files.
    func diff(from old: String, to new: String) throws -> (TreeDiff, [[UInt8]: BinaryFilePatch]) {
        let raw = try repository.git("diff-tree", "-r", "-z", "--raw", "--full-index", "-M", old, new)
        var files = try parseRaw(raw)
        let patch = try repository.git("diff-tree", "-p", "--no-color", "--full-index", "--binary", "-M", old, new)
        let blocks = splitBlocks(patch)
        guard blocks.count == files.count else {
            throw ParseError(description: "\(files.count) raw entries but \(blocks.count) patch blocks")
        }
        var binaries: [[UInt8]: BinaryFilePatch] = [:]
        for index in files.indices {
            let parsed = try parseBlock(blocks[index])
            files[index].hunks = parsed.hunks
            files[index].isBinary = parsed.isBinary
            if parsed.isBinary {
                let file = files[index]
                binaries[file.newPath] = BinaryFilePatch(oldContent: try blob(file.oldID), newContent: try blob(file.newID))
            }
        }
        return (TreeDiff(files: files), binaries)
    }

    /// A commit as kseries mails it, diffed against its first parent.
    func mailCommit(_ revision: String) throws -> MailCommit {
        let id = try repository.gitText("rev-parse", revision)
        let raw = try repository.git("cat-file", "commit", id)
        guard let split = firstBlankLine(raw) else { throw ParseError(description: "no message in \(id)") }
        let headers = String(decoding: raw[..<split], as: UTF8.self).split(separator: "\n")
        let message = Array(raw[(split + 2)...])
        func identity(_ key: String) throws -> PatchIdentity {
            guard let line = headers.first(where: { $0.hasPrefix(key + " ") }) else {
                throw ParseError(description: "no \(key) in \(id)")
            }
            return try parseIdentity(Array(line.utf8.dropFirst(key.utf8.count + 1)))
        }
        let (diff, binaries) = try self.diff(from: id + "^", to: id)
        guard let objectID = ObjectID(hex: id) else { throw ParseError(description: "rev-parse \(revision) gave '\(id)'") }
        return MailCommit(
            id: objectID, author: try identity("author"), committer: try identity("committer"),
            message: message, diff: diff, binaryPatches: binaries)
    }

    /// git's default abbreviations of every blob id in the diffs, as a lookup closure.
    func abbreviations(for diffs: [TreeDiff]) throws -> @Sendable (ObjectID) -> String {
        let ids = Set(diffs.flatMap { $0.files.flatMap { [$0.oldID, $0.newID] } }.filter { !$0.isZero })
        var table: [ObjectID: String] = [:]
        for id in ids {
            table[id] = try repository.gitText("rev-parse", "--short", id.hex)
        }
        let frozen = table
        return { id in frozen[id] ?? String(id.hex.prefix(7)) }
    }

    // MARK: - Parsing

    private func parseRaw(_ raw: [UInt8]) throws -> [FileDiff] {
        var fields = raw.split(separator: 0, omittingEmptySubsequences: false).map(Array.init)
        if fields.last?.isEmpty == true { fields.removeLast() }
        var files: [FileDiff] = []
        var index = 0
        while index < fields.count {
            let meta = String(decoding: fields[index], as: UTF8.self)
            let parts = meta.dropFirst().split(separator: " ")
            guard parts.count == 5, let oldMode = UInt32(parts[0], radix: 8), let newMode = UInt32(parts[1], radix: 8),
                let oldID = ObjectID(hex: String(parts[2])), let newID = ObjectID(hex: String(parts[3]))
            else { throw ParseError(description: "bad raw line \(meta)") }
            guard let letter = parts[4].first else { throw ParseError(description: "no status in raw line \(meta)") }
            let score = Int(parts[4].dropFirst()) ?? 0
            let status: FileDiff.Status
            switch letter {
            case "A": status = .added
            case "D": status = .deleted
            case "M": status = .modified
            case "R": status = .renamed
            case "C": status = .copied
            case "T": status = .typeChanged
            default: throw ParseError(description: "unknown status \(letter)")
            }
            let pathCount = status == .renamed || status == .copied ? 2 : 1
            guard index + pathCount < fields.count else {
                throw ParseError(description: "raw line \(meta) lacks its \(pathCount) path(s)")
            }
            let oldPath = fields[index + 1]
            var newPath = oldPath
            index += 2
            if status == .renamed || status == .copied {
                newPath = fields[index]
                index += 1
            }
            if status == .typeChanged {
                // As libgit2 reports it by default, and as git prints its patch: two files.
                files.append(FileDiff(status: .deleted, oldPath: oldPath, newPath: oldPath, oldMode: oldMode,
                                      newMode: 0, oldID: oldID, newID: .zero, hunks: []))
                files.append(FileDiff(status: .added, oldPath: oldPath, newPath: oldPath, oldMode: 0,
                                      newMode: newMode, oldID: .zero, newID: newID, hunks: []))
                continue
            }
            files.append(FileDiff(
                status: status, oldPath: oldPath, newPath: newPath, oldMode: oldMode, newMode: newMode,
                oldID: oldID, newID: newID, similarity: score, hunks: []))
        }
        return files
    }

    private func splitBlocks(_ patch: [UInt8]) -> [[ArraySlice<UInt8>]] {
        var blocks: [[ArraySlice<UInt8>]] = []
        for line in lines(patch) {
            if line.starts(with: Array("diff --git ".utf8)) {
                blocks.append([line])
            } else if !blocks.isEmpty {
                blocks[blocks.count - 1].append(line)
            }
        }
        return blocks
    }

    private struct ParsedBlock {
        var hunks: [DiffHunk] = []
        var isBinary = false
    }

    private func parseBlock(_ block: [ArraySlice<UInt8>]) throws -> ParsedBlock {
        var parsed = ParsedBlock()
        var index = 1
        while index < block.count {
            let line = block[index]
            if line.starts(with: Array("Binary files ".utf8)) || line.starts(with: Array("GIT binary patch".utf8)) {
                parsed.isBinary = true
                return parsed
            }
            if line.starts(with: Array("@@ ".utf8)) {
                let (hunk, next) = try parseHunk(block, at: index)
                parsed.hunks.append(hunk)
                index = next
                continue
            }
            index += 1
        }
        return parsed
    }

    private func parseHunk(_ block: [ArraySlice<UInt8>], at start: Int) throws -> (DiffHunk, Int) {
        let header = Array(block[start])
        let text = String(decoding: header, as: UTF8.self)
        let ranges = text.split(separator: " ")
        func range(_ field: Substring) throws -> (Int, Int) {
            let numbers = field.dropFirst().split(separator: ",").map { Int($0) ?? 0 }
            guard let first = numbers.first else { throw ParseError(description: "bad range '\(field)' in \(text)") }
            return (first, numbers.count > 1 ? numbers[1] : 1)
        }
        guard ranges.count >= 3 else { throw ParseError(description: "bad hunk header \(text)") }
        let (oldStart, oldCount) = try range(ranges[1])
        let (newStart, newCount) = try range(ranges[2])
        var oldLeft = oldCount
        var newLeft = newCount
        var diffLines: [DiffLine] = []
        var index = start + 1
        while index < block.count && (oldLeft > 0 || newLeft > 0 || block[index].first == UInt8(ascii: "\\")) {
            let line = block[index]
            let content = Array(line.dropFirst())
            switch line.first {
            case UInt8(ascii: " "):
                diffLines.append(DiffLine(origin: .context, content: content))
                oldLeft -= 1
                newLeft -= 1
            case UInt8(ascii: "+"):
                diffLines.append(DiffLine(origin: .addition, content: content))
                newLeft -= 1
            case UInt8(ascii: "-"):
                diffLines.append(DiffLine(origin: .deletion, content: content))
                oldLeft -= 1
            case UInt8(ascii: "\\"):
                guard !diffLines.isEmpty else { throw ParseError(description: "'\\ No newline' opens the hunk \(text)") }
                if diffLines[diffLines.count - 1].content.last == 0x0A {
                    diffLines[diffLines.count - 1].content.removeLast()
                }
            default:
                throw ParseError(description: "unexpected hunk line \(String(decoding: line, as: UTF8.self))")
            }
            index += 1
        }
        return (DiffHunk(oldStart: oldStart, oldCount: oldCount, newStart: newStart, newCount: newCount,
                         header: header, lines: diffLines), index)
    }

    func blob(_ id: ObjectID) throws -> [UInt8] {
        id.isZero ? [] : try repository.git("cat-file", "blob", id.hex)
    }

    private func parseIdentity(_ line: [UInt8]) throws -> PatchIdentity {
        guard let open = line.firstIndex(of: UInt8(ascii: "<")), let close = line.lastIndex(of: UInt8(ascii: ">")),
            open < close
        else {
            throw ParseError(description: "bad identity \(String(decoding: line, as: UTF8.self))")
        }
        let name = Array(line[..<open].dropLast())
        let email = Array(line[(open + 1)..<close])
        let rest = String(decoding: line[(close + 1)...], as: UTF8.self).split(separator: " ")
        guard rest.count >= 2 else { throw ParseError(description: "no time and zone in \(String(decoding: line, as: UTF8.self))") }
        let time = Int64(rest[0]) ?? 0
        let zone = Int(rest[1]) ?? 0
        let minutes = (abs(zone) / 100) * 60 + abs(zone) % 100
        return PatchIdentity(name: name, email: email, time: time, timezoneOffsetMinutes: zone < 0 ? -minutes : minutes)
    }

    private func firstBlankLine(_ raw: [UInt8]) -> Int? {
        var index = 0
        while index + 1 < raw.count {
            if raw[index] == 0x0A && raw[index + 1] == 0x0A { return index }
            index += 1
        }
        return nil
    }

    private func lines(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        for index in text.indices where text[index] == 0x0A {
            result.append(text[start...index])
            start = index + 1
        }
        if start < text.count { result.append(text[start...]) }
        return result
    }
}
