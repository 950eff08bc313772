/// The timestamps `diff -u` writes after a traditional header's file name, read as apply.c
/// does (`diff_timestamp_len`, `has_epoch_timestamp`): POSIX `2010-07-05 19:41:17` or GNU
/// `2010-07-05 19:41:17.620000023 -0500`, after a tab (or, in a whitespace-damaged mail,
/// spaces).
enum DiffTimestamp {
    /// How many bytes at the end of `line` (without its newline) are a timestamp and the
    /// whitespace before it; 0 when the line does not end with one.
    static func length(_ line: ArraySlice<UInt8>) -> Int {
        let start = line.startIndex
        var end = line.endIndex
        guard end > start, Bytes.isDigit(line[end - 1]) else { return 0 }
        var n = saneZoneLength(line[start..<end])
        if n == 0 { n = zoneWithColonLength(line[start..<end]) }
        end -= n
        n = shortTimeLength(line[start..<end])
        if n == 0 { n = fractionalTimeLength(line[start..<end]) }
        end -= n
        n = dateLength(line[start..<end])
        guard n > 0 else { return 0 }
        end -= n
        guard end > start else { return 0 }
        if line[end - 1] == Bytes.tab { return line.endIndex - (end - 1) }
        guard line[end - 1] == Bytes.space else { return 0 }
        // Whitespace damage: every space before the date belongs to it.
        while end > start, line[end - 1] == Bytes.space { end -= 1 }
        return line.endIndex - end
    }

    /// ` +0500`.
    private static func saneZoneLength(_ line: ArraySlice<UInt8>) -> Int {
        guard line.count >= 6 else { return 0 }
        let zone = line.endIndex - 6
        guard line[zone] == Bytes.space, line[zone + 1] == UInt8(ascii: "+") || line[zone + 1] == UInt8(ascii: "-"),
            line[(zone + 2)...].allSatisfy(Bytes.isDigit)
        else { return 0 }
        return 6
    }

    /// ` +08:00`.
    private static func zoneWithColonLength(_ line: ArraySlice<UInt8>) -> Int {
        guard line.count >= 7 else { return 0 }
        let zone = line.endIndex - 7
        guard line[zone] == Bytes.space, line[zone + 1] == UInt8(ascii: "+") || line[zone + 1] == UInt8(ascii: "-"),
            matches(line[(zone + 2)...], "dd:dd")
        else { return 0 }
        return 7
    }

    /// ` 07:01:32`.
    private static func shortTimeLength(_ line: ArraySlice<UInt8>) -> Int {
        guard line.count >= 9, matches(line[(line.endIndex - 9)...], " dd:dd:dd") else { return 0 }
        return 9
    }

    /// ` 19:41:17.620000023`.
    private static func fractionalTimeLength(_ line: ArraySlice<UInt8>) -> Int {
        guard let last = line.last, Bytes.isDigit(last) else { return 0 }
        var at = line.endIndex - 1
        while at > line.startIndex, Bytes.isDigit(line[at]) { at -= 1 }
        guard line[at] == UInt8(ascii: ".") else { return 0 }
        let time = shortTimeLength(line[line.startIndex..<at])
        return time == 0 ? 0 : line.endIndex - at + time
    }

    /// `72-02-05` or `1972-02-05`.
    private static func dateLength(_ line: ArraySlice<UInt8>) -> Int {
        guard line.count >= 8 else { return 0 }
        var date = line.endIndex - 8
        guard matches(line[date...], "dd-dd-dd") else { return 0 }
        if date - line.startIndex >= 2, Bytes.isDigit(line[date - 1]), Bytes.isDigit(line[date - 2]) { date -= 2 }
        return line.endIndex - date
    }

    /// `d` is a digit, anything else itself.
    private static func matches(_ bytes: ArraySlice<UInt8>, _ pattern: StaticString) -> Bool {
        let pattern = Bytes.ascii(pattern)
        guard bytes.count == pattern.count else { return false }
        for (byte, expected) in zip(bytes, pattern) {
            if expected == UInt8(ascii: "d") ? !Bytes.isDigit(byte) : byte != expected { return false }
        }
        return true
    }

    /// `has_epoch_timestamp` on the text after the last tab, newline included: the epoch
    /// written in its own time zone (`1970-01-01 00:00:00 +0000`,
    /// `1969-12-31 16:00:00.000000000 -0800`).
    static func isEpoch(_ stamp: ArraySlice<UInt8>) -> Bool {
        var rest = stamp
        let epochHour: Int
        if Bytes.hasPrefix(rest, "1969-12-31 ") {
            epochHour = 24
        } else if Bytes.hasPrefix(rest, "1970-01-01 ") {
            epochHour = 0
        } else {
            return false
        }
        rest = rest.dropFirst(11)
        // [0-2][0-9]:[0-5][0-9]:00(\.0+)? [-+][0-2][0-9]:?[0-5][0-9]\n
        let text = Array(rest)
        func digit(_ index: Int, _ range: ClosedRange<UInt8>) -> Int? {
            guard index < text.count, range.contains(text[index]) else { return nil }
            return Int(text[index] - 0x30)
        }
        guard let h1 = digit(0, 0x30...0x32), let h2 = digit(1, 0x30...0x39), text.count > 2, text[2] == UInt8(ascii: ":"),
            let m1 = digit(3, 0x30...0x35), let m2 = digit(4, 0x30...0x39), text.count > 7,
            text[5] == UInt8(ascii: ":"), text[6] == UInt8(ascii: "0"), text[7] == UInt8(ascii: "0")
        else { return false }
        var at = 8
        if at < text.count, text[at] == UInt8(ascii: ".") {
            at += 1
            let zeros = at
            while at < text.count, text[at] == UInt8(ascii: "0") { at += 1 }
            guard at > zeros else { return false }
        }
        guard at + 1 < text.count, text[at] == Bytes.space, text[at + 1] == UInt8(ascii: "+") || text[at + 1] == UInt8(ascii: "-")
        else { return false }
        let negative = text[at + 1] == UInt8(ascii: "-")
        at += 2
        guard let z1 = digit(at, 0x30...0x32), let z2 = digit(at + 1, 0x30...0x39) else { return false }
        at += 2
        let colon = at < text.count && text[at] == UInt8(ascii: ":")
        if colon { at += 1 }
        guard let z3 = digit(at, 0x30...0x35), let z4 = digit(at + 1, 0x30...0x39), at + 2 < text.count,
            text[at + 2] == Bytes.newline
        else { return false }
        var zone = (z1 * 10 + z2) * 60 + z3 * 10 + z4
        if negative { zone = -zone }
        return (h1 * 10 + h2) * 60 + m1 * 10 + m2 - epochHour * 60 == zone
    }
}
