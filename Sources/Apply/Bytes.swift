/// Small byte helpers shared by the parser and the applier. Patches and kernel files are bytes,
/// not guaranteed UTF-8: nothing here decodes unless a message needs text.
enum Bytes {
    static let newline = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    /// git's own `isspace` (ctype.c): space, tab, LF and CR, not VT or FF.
    @inline(__always)
    static func isGitSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The ranges of the lines of `bytes`, each including its `\n` (the last may lack one).
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            for index in 0..<buffer.count where buffer[index] == newline {
                ranges.append(start..<(index + 1))
                start = index + 1
            }
        }
        if start < bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }

    /// `bytes` with the `\r` of every CRLF line ending removed, as `git mailsplit` does
    /// without `--keep-cr`; `lines` (the ranges of `bytes`) become those of the result.
    static func strippingCarriageReturns(_ bytes: [UInt8], lines: inout [Range<Int>]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "\r")) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for (index, line) in lines.enumerated() {
            let start = out.count
            if line.count >= 2, bytes[line.upperBound - 1] == newline, bytes[line.upperBound - 2] == UInt8(ascii: "\r") {
                out += bytes[line.lowerBound..<(line.upperBound - 2)]
                out.append(newline)
            } else {
                out += bytes[line]
            }
            lines[index] = start..<out.count
        }
        return out
    }

    /// The run of decimal digits at `start` (before `end`): its value, where it ends, and
    /// whether it exceeds `limit` (the value is then `limit`). Every number kseries reads from
    /// untrusted text (hunk headers, mbox `From ` lines, dates) goes through here, so none
    /// wraps around or traps however many digits it has. nil when there is no digit.
    static func decimal(_ bytes: [UInt8], from start: Int, to end: Int, limit: Int = Int.max) -> (value: Int, end: Int, overflow: Bool)? {
        var at = start
        var value = 0
        var overflow = false
        while at < end, at < bytes.count, isDigit(bytes[at]) {
            let digit = Int(bytes[at] - 0x30)
            if !overflow {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(digit)
                if o1 || o2 || sum > limit { overflow = true } else { value = sum }
            }
            at += 1
        }
        return at > start ? (overflow ? limit : value, at, overflow) : nil
    }

    /// True when `bytes[range]` starts with the ASCII `prefix`.
    static func hasPrefix(_ bytes: [UInt8], _ range: Range<Int>, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard range.count >= count else { return false }
        let start = prefix.utf8Start
        for offset in 0..<count where bytes[range.lowerBound + offset] != start[offset] { return false }
        return true
    }

    /// True when `bytes` starts with the ASCII `prefix`.
    static func hasPrefix<C: Collection>(_ bytes: C, _ prefix: StaticString) -> Bool where C.Element == UInt8 {
        let count = prefix.utf8CodeUnitCount
        let start = prefix.utf8Start
        var index = bytes.startIndex
        for offset in 0..<count {
            guard index != bytes.endIndex, bytes[index] == start[offset] else { return false }
            index = bytes.index(after: index)
        }
        return true
    }

    /// Text for messages: lenient UTF-8, invalid bytes become U+FFFD.
    static func text<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes, as: UTF8.self)
    }

    /// A line for messages: lenient text without its line ending.
    static func lineText<C: BidirectionalCollection>(_ bytes: C) -> String where C.Element == UInt8 {
        var end = bytes.endIndex
        while end != bytes.startIndex {
            let before = bytes.index(before: end)
            guard bytes[before] == newline || bytes[before] == UInt8(ascii: "\r") else { break }
            end = before
        }
        return text(bytes[bytes.startIndex..<end])
    }

    /// The ASCII bytes of a string literal.
    static func ascii(_ text: StaticString) -> [UInt8] {
        Array(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// git's `unquote_c_style`: `bytes` starts with `"`; returns the unquoted bytes and the index
    /// just past the closing quote, or nil when the quoting is malformed.
    static func unquoteC(_ bytes: ArraySlice<UInt8>) -> (value: [UInt8], end: Int)? {
        var index = bytes.startIndex
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        var out: [UInt8] = []
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return (out, index)
            case newline:
                return nil
            case UInt8(ascii: "\\"):
                guard index < bytes.endIndex else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "a"): out.append(0x07)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "v"): out.append(0x0B)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(escape)
                case UInt8(ascii: "0")...UInt8(ascii: "3"):
                    guard index + 1 < bytes.endIndex,
                        (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[index]),
                        (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[index + 1])
                    else { return nil }
                    out.append((escape - 0x30) << 6 | (bytes[index] - 0x30) << 3 | (bytes[index + 1] - 0x30))
                    index += 2
                default:
                    return nil
                }
            default:
                out.append(byte)
            }
        }
        return nil
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
