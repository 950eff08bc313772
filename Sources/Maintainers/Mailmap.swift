/// The tree's `.mailmap` as `get_maintainer.pl` reads and applies it (`read_mailmap`,
/// `mailmap_email`): exact, case-sensitive keys, by formatted address or by bare address.
struct Mailmap: Sendable {
    /// Real names, keyed by a wrong address or a wrong `Name <address>`.
    var names: [String: String] = [:]
    /// Real addresses, keyed likewise.
    var addresses: [String: String] = [:]

    private static let comment = PerlRegex(fixed: "#.*$")
    private static let nameAddress = PerlRegex(fixed: "^([^<]+)<([^>]+)>$")
    private static let addressAddress = PerlRegex(fixed: #"^<([^>]+)>\#(PerlSyntax.space)*<([^>]+)>$"#)
    private static let nameAddressAddress = PerlRegex(fixed: #"^(.+)<([^>]+)>\#(PerlSyntax.space)*<([^>]+)>$"#)
    private static let nameAddressNameAddress = PerlRegex(
        fixed: #"^(.+)<([^>]+)>\#(PerlSyntax.space)*(.+)\#(PerlSyntax.space)*<([^>]+)>$"#)

    init() {}

    init(text: String) {
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            // s/#.*$//, then trim.
            let line = PerlSyntax.trimmingSpace(Self.comment.replacingFirst(in: String(rawLine), with: "") ?? String(rawLine))
            if line.isEmpty { continue }
            if let groups = Self.nameAddress.captures(line) {
                let parsed = EmailAddress.parse("\(Self.trimmingTrailingSpace(groups[1] ?? "")) <\(groups[2] ?? "")>")
                names[parsed.address] = parsed.name
            } else if let groups = Self.addressAddress.captures(line) {
                addresses[groups[2] ?? ""] = groups[1] ?? ""
            } else if let groups = Self.nameAddressAddress.captures(line) {
                let real = EmailAddress.parse("\(Self.trimmingTrailingSpace(groups[1] ?? "")) <\(groups[2] ?? "")>")
                let wrongAddress = groups[3] ?? ""
                names[wrongAddress] = real.name
                addresses[wrongAddress] = real.address
            } else if let groups = Self.nameAddressNameAddress.captures(line) {
                let real = EmailAddress.parse("\(Self.trimmingTrailingSpace(groups[1] ?? "")) <\(groups[2] ?? "")>")
                let wrong = EmailAddress.parse("\(Self.trimmingTrailingSpace(groups[3] ?? "")) <\(groups[4] ?? "")>")
                let wrongEmail = EmailAddress.format(name: wrong.name, address: wrong.address)
                names[wrongEmail] = real.name
                addresses[wrongEmail] = real.address
            }
        }
    }

    /// `mailmap_email`: the real `Name <address>` for a formatted address.
    func map(_ line: String) -> String {
        let (name, address) = EmailAddress.parse(line)
        let email = EmailAddress.format(name: name, address: address)
        var realName = name
        var realAddress = address
        if names[email] != nil || addresses[email] != nil {
            if let mapped = names[email] { realName = mapped }
            if let mapped = addresses[email] { realAddress = mapped }
        } else {
            if let mapped = names[address] { realName = mapped }
            if let mapped = addresses[address] { realAddress = mapped }
        }
        return EmailAddress.format(name: realName, address: realAddress)
    }

    /// `s/\s+$//`.
    private static func trimmingTrailingSpace(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let last = scalars.last, PerlSyntax.isSpace(last) { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
