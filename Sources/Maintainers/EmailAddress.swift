/// Name and address handling as `get_maintainer.pl` does it (`parse_email`, `format_email`,
/// `escape_name`), so that addresses print and de-duplicate exactly as the script's do.
enum EmailAddress {
    private static let nameAndAddress = PerlRegex(fixed: #"^([^<]+)<(.+\@.*)>.*$"#)
    private static let bracketedAddress = PerlRegex(fixed: #"^\#(PerlSyntax.space)*<(.+\@\#(PerlSyntax.nonSpace)*)>.*$"#)
    private static let bareAddress = PerlRegex(fixed: #"^(.+\@\#(PerlSyntax.nonSpace)*).*$"#)

    /// `parse_email`: splits `Name <address>`, `<address>` or `address…` into a name (trimmed,
    /// unquoted, then quoted again when it needs to be) and an address.
    static func parse(_ formatted: String) -> (name: String, address: String) {
        var name = ""
        var address = ""
        if let groups = nameAndAddress.captures(formatted) {
            name = groups[1] ?? ""
            address = groups[2] ?? ""
        } else if let groups = bracketedAddress.captures(formatted) {
            address = groups[1] ?? ""
        } else if let groups = bareAddress.captures(formatted) {
            address = groups[1] ?? ""
        }
        name = escape(stripOuterQuotes(PerlSyntax.trimmingSpace(name)))
        address = PerlSyntax.trimmingSpace(address)
        return (name, address)
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
