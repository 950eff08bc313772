/// `get_maintainer.pl`'s RFC 822 address checks (`rfc822_valid`, `rfc822_validlist`), which
/// decide whether an `M:`/`R:` value is one address or a comma-separated list of them.
///
/// The grammar is the script's own regular expression (`make_rfc822re`), rebuilt with ICU
/// escapes (hex instead of Perl's octal).
enum RFC822 {
    private static let lwsp = #"(?:(?:\r\n)?[ \t])"#
    private static let address: String = {
        let specials = #"()<>@,;:\\".\[\]"#
        let controls = #"\x00-\x1F\x7F"#
        let dtext = #"[^\[\]\r\\]"#
        let domainLiteral = #"\[(?:\#(dtext)|\\.)*\]\#(lwsp)*"#
        let quotedString = #""(?:[^\"\r\\]|\\.|\#(lwsp))*"\#(lwsp)*"#
        let atom = #"[^\#(specials) \#(controls)]+(?:\#(lwsp)+|\Z|(?=[\["\#(specials)]))"#
        let word = "(?:\(atom)|\(quotedString))"
        let localPart = #"\#(word)(?:\.\#(lwsp)*\#(word))*"#
        let subDomain = "(?:\(atom)|\(domainLiteral))"
        let domain = #"\#(subDomain)(?:\.\#(lwsp)*\#(subDomain))*"#
        let addrSpec = #"\#(localPart)\@\#(lwsp)*\#(domain)"#
        let phrase = "\(word)*"
        let route = #"(?:\@\#(domain)(?:,\@\#(lwsp)*\#(domain))*:\#(lwsp)*)"#
        let routeAddr = #"\<\#(lwsp)*\#(route)?\#(addrSpec)\>\#(lwsp)*"#
        let mailbox = "(?:\(addrSpec)|\(phrase)\(routeAddr))"
        let group = #"\#(phrase):\#(lwsp)*(?:\#(mailbox)(?:,\#(PerlSyntax.space)*\#(mailbox))*)?;\#(PerlSyntax.space)*"#
        return "\(lwsp)*(?:\(mailbox)|\(group))"
    }()

    private static let single = PerlRegex(fixed: "^\(address)$", dotAll: true)
    private static let list = PerlRegex(fixed: "^(?:\(address))?(?:,(?:\(address))?)*$", dotAll: true)
    private static let listItem = PerlRegex(fixed: "(?:^|,\(lwsp)*)(\(address))", dotAll: true)
    /// Every character at most U+00FF (`[\000-\377]*`).
    private static func isLatin1(_ text: String) -> Bool { text.unicodeScalars.allSatisfy { $0.value <= 0xFF } }

    private static let comment = PerlRegex(
        fixed: #"^((?:[^"\\]|\\.)*(?:"(?:[^"\\]|\\.)*"(?:[^"\\]|\\.)*)*)\((?:[^()\\]|\\.)*\)"#, dotAll: true)

    /// `rfc822_strip_comments`: each parenthesised comment (outside quotes) becomes a space.
    static func strippingComments(_ text: String) -> String {
        var text = text
        while let stripped = comment.replacingFirst(in: text, with: "$1 ") { text = stripped }
        return text
    }

    /// `rfc822_valid`.
    static func isValid(_ text: String) -> Bool {
        let stripped = strippingComments(text)
        return single.matches(stripped) && isLatin1(stripped)
    }

    /// `rfc822_validlist` in list context: nil when not a valid list, else its addresses
    /// (from the comment-stripped text, possibly with leading white space).
    static func validList(_ text: String) -> [String]? {
        let stripped = strippingComments(text)
        guard list.matches(stripped), isLatin1(stripped) else { return nil }
        return listItem.allFirstGroups(stripped)
    }
}
