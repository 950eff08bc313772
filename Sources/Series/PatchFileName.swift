/// File names as `git format-patch` chooses them: `0000-cover-letter.patch`,
/// `0001-<sanitized subject>.patch`, `v2-` in front for a reroll, at most 64 characters
/// (`format.filenameMaxLength`) including `.patch`.
public enum PatchFileName {
    public static let defaultMaxLength = 64
    public static let defaultSuffix = ".patch"

    /// The file of patch `number`, from the commit's raw message.
    public static func patch(
        number: Int, message: [UInt8], rerollCount: String? = nil, maxLength: Int = defaultMaxLength,
        suffix: String = defaultSuffix
    ) -> String {
        name(number: number, subject: sanitized(CommitMessage(message).firstLine), rerollCount: rerollCount,
             maxLength: maxLength, suffix: suffix)
    }

    /// `0000-cover-letter.patch`.
    public static func coverLetter(
        rerollCount: String? = nil, maxLength: Int = defaultMaxLength, suffix: String = defaultSuffix
    ) -> String {
        name(number: 0, subject: Array("cover-letter".utf8), rerollCount: rerollCount, maxLength: maxLength, suffix: suffix)
    }

    /// `fmt_output_subject`.
    static func name(number: Int, subject: [UInt8], rerollCount: String?, maxLength: Int, suffix: String) -> String {
        var name: [UInt8] = []
        if let rerollCount {
            name += sanitized(Array("v\(rerollCount)".utf8)) + [UInt8(ascii: "-")]
        }
        let digits = String(number)
        name += Array((String(repeating: "0", count: max(4 - digits.count, 0)) + digits + "-").utf8) + subject
        let limit = maxLength - (suffix.utf8.count + 1)
        if name.count > limit { name.removeSubrange(max(limit, 0)...) }
        return String(decoding: name + Array(suffix.utf8), as: UTF8.self)
    }

    /// `format_sanitized_subject`: runs of characters other than letters, digits, `.` and `_`
    /// become one `-`, runs of `.` one `.`, and trailing `.` and `-` go.
    public static func sanitized(_ subject: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var space = 2
        var index = 0
        while index < subject.count {
            let byte = subject[index]
            if ByteText.isAlnum(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") {
                if space == 1 { out.append(UInt8(ascii: "-")) }
                space = 0
                out.append(byte)
                if byte == UInt8(ascii: ".") {
                    while index + 1 < subject.count && subject[index + 1] == UInt8(ascii: ".") { index += 1 }
                }
            } else {
                space |= 1
            }
            index += 1
        }
        while let last = out.last, last == UInt8(ascii: ".") || last == UInt8(ascii: "-") { out.removeLast() }
        return out
    }
}
