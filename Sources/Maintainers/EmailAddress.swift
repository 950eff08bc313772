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
        let bytes = Array(formatted.utf8)
        // Without a newline, `.` is any character and `$` the end: the patterns' matches are
        // found by looking at the brackets and `@`s directly. With one, the regexes decide.
        guard !bytes.contains(0x0A) else { return splitWithRegexes(formatted) }
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        func nonSpaceEnd(from start: Int) -> Int {
            var end = start
            while end < bytes.count, PerlSyntax.spaceLength(bytes, at: end) == 0 { end += 1 }
            return end
        }
        let ats = bytes.indices.filter { bytes[$0] == UInt8(ascii: "@") }
        // m/^([^<]+)<(.+\@.*)>.*$/: to the last `>`, an `@` at least two after the `<`.
        if let open = bytes.firstIndex(of: UInt8(ascii: "<")), open > 0,
            let close = bytes.lastIndex(of: UInt8(ascii: ">")), ats.contains(where: { $0 >= open + 2 && $0 < close })
        {
            return (text(0..<open), text(open + 1..<close))
        }
        // m/^\s*<(.+\@\S*)>.*$/: the rightmost `@` followed by non-space up to a `>`.
        let open = PerlSyntax.skippingSpace(bytes, from: 0)
        if open < bytes.count, bytes[open] == UInt8(ascii: "<") {
            for at in ats.reversed() where at >= open + 2 {
                if let close = bytes[(at + 1)..<nonSpaceEnd(from: at + 1)].lastIndex(of: UInt8(ascii: ">")) {
                    return ("", text(open + 1..<close))
                }
            }
        }
        // m/^(.+\@\S*).*$/: up to the end of the non-space run after the rightmost `@`.
        if let at = ats.last, at >= 1 { return ("", text(0..<nonSpaceEnd(from: at + 1))) }
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
        // Byte by byte: the characters that matter are ASCII, and every byte of any other
        // character is outside ASCII.
        let needsQuotes = name.utf8.contains { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: " "), UInt8(ascii: "-"):
                return false
            default: return true
            }
        }
        guard needsQuotes else { return name }
        var out: [UInt8] = [UInt8(ascii: "\"")]
        var previous: UInt8?
        for byte in name.utf8 {
            if byte == UInt8(ascii: "\"") && previous != UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
            previous = byte
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    /// `s/^\"|\"$//g`: one leading and one trailing quote go.
    static func stripOuterQuotes(_ text: String) -> String {
        guard text.utf8.first == UInt8(ascii: "\"") || text.utf8.last == UInt8(ascii: "\"") else { return text }
        var scalars = Substring(text).unicodeScalars
        if scalars.first == "\"" { scalars = scalars.dropFirst() }
        if scalars.last == "\"" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
