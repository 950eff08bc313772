import Foundation

/// A regular expression compiled to behave like Perl's on the patterns `get_maintainer.pl`
/// uses: ICU (through `NSRegularExpression`) with only `\n` as a line end, so `.`, `^` and `$`
/// mean what they mean in Perl without `/m`.
///
/// Matching works on Unicode scalars (UTF-16 underneath), as Perl matches characters of the
/// decoded text.
struct PerlRegex: @unchecked Sendable {
    // NSRegularExpression is immutable and documented thread-safe.
    let expression: NSRegularExpression
    let source: String

    /// Compiles `pattern`; `extended` is Perl's `/x`, `dotAll` its `/s`.
    init(_ pattern: String, extended: Bool = false, dotAll: Bool = false) throws {
        var options: NSRegularExpression.Options = [.useUnixLineSeparators]
        if extended { options.insert(.allowCommentsAndWhitespace) }
        if dotAll { options.insert(.dotMatchesLineSeparators) }
        expression = try NSRegularExpression(pattern: pattern, options: options)
        source = pattern
    }

    /// For patterns written in this module: a failure to compile is a programming error.
    init(fixed pattern: String, extended: Bool = false, dotAll: Bool = false) {
        do {
            try self.init(pattern, extended: extended, dotAll: dotAll)
        } catch {
            preconditionFailure("invalid built-in pattern \(pattern): \(error)")
        }
    }

    /// True when the pattern matches somewhere in `text` (Perl's `$text =~ m/…/`).
    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, options: [], range: NSRange(location: 0, length: text.utf16.count)) != nil
    }

    /// The capture groups of the first match (group 0 first); nil for a group that did not
    /// take part. Nil when there is no match.
    func captures(_ text: String) -> [String?]? {
        let string = text as NSString
        guard let match = expression.firstMatch(in: text, options: [], range: NSRange(location: 0, length: string.length))
        else { return nil }
        return (0..<match.numberOfRanges).map { index in
            let range = match.range(at: index)
            return range.location == NSNotFound ? nil : string.substring(with: range)
        }
    }

    /// The first group of every match (Perl's `while (m/(…)/g) { push $1 }`).
    func allFirstGroups(_ text: String) -> [String] {
        let string = text as NSString
        return expression.matches(in: text, options: [], range: NSRange(location: 0, length: string.length))
            .map { match in
                let range = match.range(at: 1)
                return range.location == NSNotFound ? "" : string.substring(with: range)
            }
    }

    /// Replaces every match with `template` (`$1` refers to groups), like Perl's `s/…/…/g`.
    func replacingAll(in text: String, with template: String) -> String {
        let string = NSMutableString(string: text)
        _ = expression.replaceMatches(
            in: string, options: [], range: NSRange(location: 0, length: string.length), withTemplate: template)
        return string as String
    }

    /// Replaces the first match only, like Perl's `s/…/…/`; nil when nothing matched.
    func replacingFirst(in text: String, with template: String) -> String? {
        let string = text as NSString
        guard let match = expression.firstMatch(in: text, options: [], range: NSRange(location: 0, length: string.length))
        else { return nil }
        let replacement = expression.replacementString(for: match, in: text, offset: 0, template: template)
        return string.replacingCharacters(in: match.range, with: replacement)
    }
}

/// Perl's character classes where ICU's differ.
enum PerlSyntax {
    /// Perl's `\s` on a character string (ICU's `\s` lacks vertical tab and NEL).
    static let spaceCharacters = #"\t\n\x0B\f\r\x20\x85\xA0\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}"#
    /// `\s` as a bracketed class.
    static let space = "[\(spaceCharacters)]"
    /// `\S` as a bracketed class.
    static let nonSpace = "[^\(spaceCharacters)]"

    /// True for the characters Perl's `\s` matches.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// The length of the Perl `\s` character UTF-8 encodes at `index` of `bytes`, 0 when
    /// there is none (invalid UTF-8 is no space, as its replacement character is not).
    static func spaceLength<C: RandomAccessCollection>(_ bytes: C, at index: C.Index) -> Int
    where C.Element == UInt8, C.Index == Int {
        let byte = bytes[index]
        if byte < 0x80 { return byte == 0x20 || (0x09...0x0D).contains(byte) ? 1 : 0 }
        func at(_ offset: Int) -> UInt8? { index + offset < bytes.endIndex ? bytes[index + offset] : nil }
        switch byte {
        case 0xC2: return at(1) == 0x85 || at(1) == 0xA0 ? 2 : 0
        case 0xE1: return at(1) == 0x9A && at(2) == 0x80 ? 3 : 0
        case 0xE2:
            guard let second = at(1), let third = at(2) else { return 0 }
            if second == 0x80 { return (0x80...0x8A).contains(third) || [0xA8, 0xA9, 0xAF].contains(third) ? 3 : 0 }
            return second == 0x81 && third == 0x9F ? 3 : 0
        case 0xE3: return at(1) == 0x80 && at(2) == 0x80 ? 3 : 0
        default: return 0
        }
    }

    /// The index of the first byte from `index` on that does not start a Perl `\s` (`\s*`).
    static func skippingSpace<C: RandomAccessCollection>(_ bytes: C, from index: C.Index) -> C.Index
    where C.Element == UInt8, C.Index == Int {
        var index = index
        while index < bytes.endIndex {
            let length = spaceLength(bytes, at: index)
            if length == 0 { break }
            index += length
        }
        return index
    }

    /// `s/^\s+|\s+$//g` on UTF-8 bytes.
    static func trimmingSpace(_ bytes: [UInt8]) -> [UInt8] {
        let start = skippingSpace(bytes, from: 0)
        let end = endTrimmingSpace(bytes, notBefore: start)
        if start == 0 && end == bytes.count { return bytes }
        return Array(bytes[start..<end])
    }

    /// Where `s/\s+$//` ends `bytes`, not before `start`.
    static func endTrimmingSpace(_ bytes: [UInt8], notBefore start: Int) -> Int {
        var end = bytes.count
        // A space is one to three bytes: find one that ends at `end`.
        while end > start {
            guard let length = (1...3).first(where: { end - $0 >= start && spaceLength(bytes, at: end - $0) == $0 })
            else { break }
            end -= length
        }
        return end
    }

    /// `s/^\s+|\s+$//g`.
    static func trimmingSpace(_ text: String) -> String {
        if let first = text.unicodeScalars.first, let last = text.unicodeScalars.last, !isSpace(first), !isSpace(last) {
            return text
        }
        return String(decoding: trimmingSpace(Array(text.utf8)), as: UTF8.self)
    }
}
