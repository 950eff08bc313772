/// git's trailer detection, for a buffer whose first paragraph is a title.
enum TrailerRules {
    static let commentCharacter = UInt8(ascii: "#")
    static let generatedPrefixes = [Array("Signed-off-by: ".utf8), Array("(cherry picked from commit ".utf8)]

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    static func isAlnum(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// Lines of a slice, each with its `\n`.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        for index in bytes.indices where bytes[index] == 0x0A {
            result.append(bytes[start...index])
            start = index + 1
        }
        if start < bytes.endIndex { result.append(bytes[start...]) }
        return result
    }

    /// `is_blank_line` at `offset`.
    static func isBlankLine(_ buffer: [UInt8], at offset: Int, end: Int) -> Bool {
        var index = offset
        while index < end && buffer[index] != 0x0A && isSpace(buffer[index]) { index += 1 }
        return index >= end || buffer[index] == 0x0A
    }

    static func nextLine(_ buffer: [UInt8], after offset: Int, end: Int) -> Int {
        var index = offset
        while index < end && buffer[index] != 0x0A { index += 1 }
        return index < end ? index + 1 : index
    }

    /// `last_line`: start of the last line of `buffer[0..<length]`, -1 when empty.
    static func lastLine(_ buffer: [UInt8], length: Int) -> Int {
        if length == 0 { return -1 }
        if length == 1 { return 0 }
        var index = length - 2
        while index >= 0 {
            if buffer[index] == 0x0A { return index + 1 }
            index -= 1
        }
        return 0
    }

    /// `find_separator` with the default separators (`:`); nil when the line is no trailer.
    static func separatorPosition(_ line: [UInt8]) -> Int? {
        var whitespaceFound = false
        for (index, byte) in line.enumerated() {
            if byte == 0 { break }
            if byte == UInt8(ascii: ":") { return index }
            if !whitespaceFound && (isAlnum(byte) || byte == UInt8(ascii: "-")) { continue }
            if index != 0 && (byte == 0x20 || byte == 0x09) {
                whitespaceFound = true
                continue
            }
            break
        }
        return nil
    }

    /// `ignore_non_trailer`: the length of the trailing comments and blank lines (and of
    /// everything from a scissors line on).
    static func ignoredTail(_ buffer: [UInt8]) -> Int {
        let length = buffer.count
        let cutoff = scissorsPosition(buffer) ?? length
        var commentsStart = 0
        var lineStart = 0
        var inConflicts = false
        let conflicts = Array("Conflicts:\n".utf8)
        while lineStart < cutoff {
            let next = nextLine(buffer, after: lineStart, end: length)
            if buffer[lineStart] == commentCharacter || buffer[lineStart] == 0x0A {
                if commentsStart == 0 { commentsStart = lineStart }
            } else if buffer[lineStart...].starts(with: conflicts) {
                inConflicts = true
                if commentsStart == 0 { commentsStart = lineStart }
            } else if inConflicts && buffer[lineStart] == 0x09 {
                // a path in the conflicts block
            } else if commentsStart != 0 {
                commentsStart = 0
                inConflicts = false
            }
            lineStart = next
        }
        return commentsStart != 0 ? length - commentsStart : length - cutoff
    }

    /// `wt_status_locate_end`: where a `# ---…>8---…` line starts.
    static func scissorsPosition(_ buffer: [UInt8]) -> Int? {
        let pattern = Array("\n# ------------------------ >8 ------------------------\n".utf8)
        if buffer.starts(with: pattern.dropFirst()) { return 0 }
        guard buffer.count >= pattern.count else { return nil }
        for index in 0...(buffer.count - pattern.count) where buffer[index] == 0x0A {
            if buffer[index..<(index + pattern.count)].elementsEqual(pattern) { return index + 1 }
        }
        return nil
    }

    /// `find_trailer_start`.
    static func trailerStart(_ buffer: [UInt8], length: Int) -> Int {
        // The first paragraph is the title.
        var position = 0
        while position < length {
            if buffer[position] != commentCharacter && isBlankLine(buffer, at: position, end: length) { break }
            position = nextLine(buffer, after: position, end: length)
        }
        let endOfTitle = position

        var onlySpaces = true
        var recognizedPrefix = false
        var trailerLines = 0
        var nonTrailerLines = 0
        var possibleContinuationLines = 0
        var lineStart = lastLine(buffer, length: length)
        while lineStart >= endOfTitle {
            defer { lineStart = lastLine(buffer, length: lineStart) }
            let lineEnd = nextLine(buffer, after: lineStart, end: length)
            let line = Array(buffer[lineStart..<lineEnd])
            if line.first == commentCharacter {
                nonTrailerLines += possibleContinuationLines
                possibleContinuationLines = 0
                continue
            }
            if isBlankLine(buffer, at: lineStart, end: length) {
                if onlySpaces { continue }
                nonTrailerLines += possibleContinuationLines
                if recognizedPrefix && trailerLines * 3 >= nonTrailerLines { return lineEnd }
                if trailerLines > 0 && nonTrailerLines == 0 { return lineEnd }
                return length
            }
            onlySpaces = false
            if generatedPrefixes.contains(where: { line.starts(with: $0) }) {
                trailerLines += 1
                possibleContinuationLines = 0
                recognizedPrefix = true
                continue
            }
            if let separator = separatorPosition(line), separator >= 1, let first = line.first, !isSpace(first) {
                trailerLines += 1
                possibleContinuationLines = 0
            } else if let first = line.first, isSpace(first) {
                possibleContinuationLines += 1
            } else {
                nonTrailerLines += 1 + possibleContinuationLines
                possibleContinuationLines = 0
            }
        }
        return length
    }
}
