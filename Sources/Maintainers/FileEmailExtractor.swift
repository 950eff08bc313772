import Foundation

/// The addresses `get_maintainer.pl` takes from inside a file (`maintainers_in_file` and
/// `clean_file_emails`): for a `.yaml` file (devicetree bindings name their maintainers),
/// every `Name <address>`-looking run of text, with the name cut down to its last two or
/// three words.
enum FileEmailExtractor {
    private static let candidate = PerlRegex(
        fixed: #"[\p{L}"' ,.+-]*\#(PerlSyntax.space)*[,]*\#(PerlSyntax.space)*[(<{]?[A-Za-z0-9_.+-]+\@[A-Za-z0-9.-]+\.[A-Za-z0-9]+[)>}]?"#)
    private static let bracketed = PerlRegex(fixed: #"[(<{]?([A-Za-z0-9_.+-]+\@[A-Za-z0-9.-]+)[)>}]?"#)
    private static let quoted = PerlRegex(fixed: #"^"(.*)"$"#)

    /// Whether the script reads this file for addresses (`.yaml`, and never MAINTAINERS).
    static func applies(to file: String) -> Bool {
        file.hasSuffix(".yaml") && !isMaintainersFile(file)
    }

    /// `m@\bMAINTAINERS$@`.
    static func isMaintainersFile(_ file: String) -> Bool {
        guard file.hasSuffix("MAINTAINERS") else { return false }
        let before = file.unicodeScalars.dropLast("MAINTAINERS".count).last
        return before.map { !isWordCharacter($0) } ?? true
    }

    /// The formatted addresses found in `text`, in order (not yet mail-mapped).
    ///
    /// Same matches as the script's global match over the whole text, found faster: a match
    /// holds exactly one `@`, and cannot start before the run of characters its pattern
    /// allows in front of that `@`, so each `@` is tried only on that stretch.
    static func addresses(in text: String) -> [String] {
        let string = text as NSString
        let length = string.length
        let at = UInt16(UInt8(ascii: "@"))
        var ats: [Int] = []
        for index in 0..<length where string.character(at: index) == at { ats.append(index) }
        var matches: [String] = []
        var resume = 0
        for (number, position) in ats.enumerated() where position >= resume {
            let floor = max(resume, number > 0 ? ats[number - 1] + 1 : 0)
            var start = position
            while start > floor, mayPrecedeAt(string.character(at: start - 1)) { start -= 1 }
            let end = number + 1 < ats.count ? ats[number + 1] : length
            let range = NSRange(location: start, length: end - start)
            guard let match = candidate.expression.firstMatch(in: text, options: [], range: range) else { continue }
            matches.append(string.substring(with: match.range))
            resume = match.range.location + match.range.length
        }
        return matches.map(clean)
    }

    /// A UTF-16 unit the pattern may have between a match's start and its `@` (non-ASCII
    /// letters and spaces are let through as any non-ASCII unit: a wider stretch is safe).
    private static func mayPrecedeAt(_ unit: UInt16) -> Bool {
        guard unit < 0x80 else { return true }
        switch UInt8(unit) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case 0x09...0x0D, 0x20: return true
        default: return "\"' ,.+-_(<{".utf8.contains(UInt8(unit))
        }
    }

    /// `clean_file_emails` for one match.
    static func clean(_ match: String) -> String {
        let email = bracketed.replacingAll(in: match, with: "<$1>")
        var (name, address) = EmailAddress.parse(email)
        if let groups = quoted.captures(name) { name = groups[1] ?? "" }

        var words = split(name)
        words.removeAll { $0.unicodeScalars.count == 1 && "',.+-".unicodeScalars.contains($0.unicodeScalars.first!) }
        if words.count > 2 {
            let first = words[words.count - 3]
            let middle = words[words.count - 2]
            let last = words[words.count - 1]
            if isInitial(first, requireLetter: true) || isInitial(middle, requireLetter: false) {
                name = "\(first) \(middle) \(last)"
            } else {
                name = "\(middle) \(last)"
            }
        } else {
            name = words.joined(separator: " ")
        }
        var scalars = Substring(name).unicodeScalars
        if let last = scalars.last, last == "," || last == "." { scalars = scalars.dropLast() }
        if let first = scalars.first, first == "," || first == "." { scalars = scalars.dropFirst() }
        return EmailAddress.format(name: String(String.UnicodeScalarView(scalars)), address: address)
    }

    /// One letter (`requireLetter`) or any one character, or two characters ending in `.`.
    private static func isInitial(_ word: String, requireLetter: Bool) -> Bool {
        let scalars = Array(word.unicodeScalars)
        if scalars.count == 1 { return !requireLetter || scalars[0].properties.generalCategory.isLetter }
        return scalars.count == 2 && scalars[1] == "."
    }

    /// Perl's `split(/[^\p{L}\'\,\.\+-]/, $name)`: empty leading fields kept, trailing ones
    /// dropped, nothing at all for an empty name.
    private static func split(_ name: String) -> [String] {
        var fields: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            if scalar.properties.generalCategory.isLetter || "',.+-".unicodeScalars.contains(scalar) {
                current.append(scalar)
            } else {
                fields.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        fields.append(String(current))
        while fields.last?.isEmpty == true { fields.removeLast() }
        return fields
    }

    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
            || scalar.properties.generalCategory == .nonspacingMark
    }
}

extension Unicode.GeneralCategory {
    /// `\p{L}`.
    var isLetter: Bool {
        switch self {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }
}
