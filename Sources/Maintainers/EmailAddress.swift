/// Name and address handling as `get_maintainer.pl` does it (`parse_email`, `format_email`,
/// `escape_name`), so that addresses print and de-duplicate exactly as the script's do.
enum EmailAddress {
    private static let nameAndAddress = PerlRegex(fixed: #"^([^<]+)<(.+\@.*)>.*$"#)
    private static let bracketedAddress = PerlRegex(fixed: #"^\#(PerlSyntax.space)*<(.+\@\#(PerlSyntax.nonSpace)*)>.*$"#)
    private static let bareAddress = PerlRegex(fixed: #"^(.+\@\#(PerlSyntax.nonSpace)*).*$"#)

    /// `parse_email`: splits `Name <address>`, `<address>` or `address…` into a name (trimmed,
    /// unquoted, then quoted again when it needs to be) and an address.
    static func parse(_ formatted: String) -> (name: String, address: String) {
        var (name, address) = split(formatted)
        name = escape(stripOuterQuotes(PerlSyntax.trimmingSpace(name)))
        address = PerlSyntax.trimmingSpace(address)
        return (name, address)
    }

    /// The raw name and address of `parse_email`'s three patterns, tried in order.
    static func split(_ formatted: String) -> (name: String, address: String) {
        let scalars = Array(formatted.unicodeScalars)
        // Without a newline, `.` is any character and `$` the end: the patterns' matches are
        // found by looking at the brackets and `@`s directly. With one, the regexes decide.
        guard !scalars.contains("\n") else { return splitWithRegexes(formatted) }
        func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
        let ats = scalars.indices.filter { scalars[$0] == "@" }
        // m/^([^<]+)<(.+\@.*)>.*$/: to the last `>`, an `@` at least two after the `<`.
        if let open = scalars.firstIndex(of: "<"), open > 0, let close = scalars.lastIndex(of: ">"),
            ats.contains(where: { $0 >= open + 2 && $0 < close })
        {
            return (text(0..<open), text(open + 1..<close))
        }
        // m/^\s*<(.+\@\S*)>.*$/: the rightmost `@` followed by non-space up to a `>`.
        var open = 0
        while open < scalars.count, PerlSyntax.isSpace(scalars[open]) { open += 1 }
        if open < scalars.count, scalars[open] == "<" {
            for at in ats.reversed() where at >= open + 2 {
                var end = at + 1
                while end < scalars.count, !PerlSyntax.isSpace(scalars[end]) { end += 1 }
                if let close = scalars[(at + 1)..<end].lastIndex(of: ">") { return ("", text(open + 1..<close)) }
            }
        }
        // m/^(.+\@\S*).*$/: up to the end of the non-space run after the rightmost `@`.
        if let at = ats.last, at >= 1 {
            var end = at + 1
            while end < scalars.count, !PerlSyntax.isSpace(scalars[end]) { end += 1 }
            return ("", text(0..<end))
        }
        return ("", "")
    }

    static func splitWithRegexes(_ formatted: String) -> (name: String, address: String) {
        if let groups = nameAndAddress.captures(formatted) { return (groups[1] ?? "", groups[2] ?? "") }
        if let groups = bracketedAddress.captures(formatted) { return ("", groups[1] ?? "") }
        if let groups = bareAddress.captures(formatted) { return ("", groups[1] ?? "") }
        return ("", "")
    }

    /// `format_email`: `Name <address>`, or the bare address when there is no name or
    /// names are not wanted.
    static func format(name: String, address: String, useName: Bool = true) -> String {
        let name = escape(stripOuterQuotes(PerlSyntax.trimmingSpace(name)))
        let address = PerlSyntax.trimmingSpace(address)
        guard useName else { return address }
        return name.isEmpty ? address : "\(name) <\(address)>"
    }

    /// `escape_name`: a name with anything but ASCII word characters, spaces and hyphens is
    /// quoted, its unescaped quotes escaped.
    static func escape(_ name: String) -> String {
        let needsQuotes = name.unicodeScalars.contains { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", " ", "-": return false
            default: return true
            }
        }
        guard needsQuotes else { return name }
        var out = "\""
        var previous: Unicode.Scalar?
        for scalar in name.unicodeScalars {
            if scalar == "\"" && previous != "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(scalar)
            previous = scalar
        }
        out.unicodeScalars.append("\"")
        return out
    }

    /// `s/^\"|\"$//g`: one leading and one trailing quote go.
    static func stripOuterQuotes(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        if scalars.first == "\"" { scalars = scalars.dropFirst() }
        if scalars.last == "\"" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
