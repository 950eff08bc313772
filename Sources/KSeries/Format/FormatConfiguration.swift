import Foundation
import Git
import Series

/// The `format.*` keys (and `diff.noprefix`) of a repository's git configuration, read as
/// git 2.39's `git_format_config` reads them: later entries override earlier ones (system,
/// global, repository), `format.to`/`format.cc`/`format.headers` accumulate, booleans are
/// git's (`true`/`yes`/`on`/`1`, `false`/`no`/`off`/`0`/empty, a bare key is true).
///
/// A nil field is a key that is not set; the command line overrides each, and git's default
/// applies when neither says anything.
public struct FormatConfiguration: Sendable, Equatable {
    /// `format.coverLetter`: true, false or `auto` (a letter when there is more than one patch).
    public enum CoverLetterSetting: Sendable, Equatable { case on, off, auto }

    /// `format.coverFromDescription` (`--cover-from-description`): what a branch description
    /// becomes in the cover letter.
    public enum CoverFromDescription: String, Sendable, Equatable {
        /// The whole description is the blurb (git's default).
        case message
        /// The first paragraph is the subject, the rest the blurb.
        case subject
        /// As `subject` when the first paragraph is at most 100 bytes, else as `message`.
        case auto
        /// The placeholders, whatever the description says.
        case none

        /// `parse_cover_from_description`: `default` is `message`.
        public init?(gitValue: String) {
            if gitValue == "default" { self = .message; return }
            self.init(rawValue: gitValue)
        }
    }

    public var signOff: Bool?
    public var subjectPrefix: String?
    public var coverLetter: CoverLetterSetting?
    /// `format.thread`: nil when unset; `.some(nil)` for false.
    public var thread: SeriesThreading.Style??
    public var numbering: PatchNumbering?
    /// `format.to`, and `format.headers` lines starting `To: `, in configuration order.
    public var to: [String] = []
    /// `format.cc`, and `format.headers` lines starting `Cc: `, in configuration order.
    public var cc: [String] = []
    /// Other `format.headers` lines, without their trailing newlines.
    public var headers: [String] = []
    public var signature: String?
    /// `format.signatureFile`, `~` expanded.
    public var signatureFile: String?
    public var suffix: String?
    public var outputDirectory: String?
    public var filenameMaxLength: Int?
    /// `format.from`: an identity (`Name <email>`), or the committer for true; `.some(nil)` for false.
    public var from: FromSetting?
    public var forceInBodyFrom: Bool?
    /// `format.encodeEmailHeaders`: false writes a non-ASCII `From:` name and `Subject:` as they are.
    public var encodeEmailHeaders: Bool?
    public var coverFromDescription: CoverFromDescription?
    /// `diff.noprefix`, which git 2.39's format-patch honours (`diff --git f.c f.c`).
    public var noPrefix: Bool?
    /// Keys set in the configuration that git's format-patch reads and kseries does not
    /// honour (`format.attach`, `diff.algorithm`, …): kseries' mails then differ from git's.
    public var ignoredKeys: [String] = []

    /// Keys git 2.39's format-patch reads that change its mails and kseries leaves at git's
    /// defaults.
    static let unsupportedKeys: Set<String> = [
        "format.attach", "format.useautobase", "format.notes", "diff.context", "diff.interhunkcontext",
        "diff.algorithm", "diff.renames", "diff.renamelimit", "diff.indentheuristic", "diff.suppressblankempty",
        "diff.orderfile", "diff.relative", "diff.statgraphwidth", "core.quotepath",
    ]

    /// `format.from`'s three forms.
    public enum FromSetting: Sendable, Equatable {
        case committer
        case identity(String)
        case off
    }

    public init() {}

    /// Reads the keys from `configuration`; throws on a value git would refuse.
    public init(_ configuration: Configuration) throws(KSeriesError) {
        for (name, value) in configuration.entries(matching: "^(format|diff|core)\\..*$") {
            let key = name.lowercased()
            if Self.unsupportedKeys.contains(key) {
                if !Self.isGitDefault(key: key, value: value), !ignoredKeys.contains(key) { ignoredKeys.append(key) }
                continue
            }
            try apply(name: key, value: value)
        }
    }

    private mutating func apply(name: String, value: String?) throws(KSeriesError) {
        func string() throws(KSeriesError) -> String {
            guard let value else { throw .configuration(key: name, problem: "has no value in the git configuration (missing '= <value>')") }
            return value
        }
        func boolean() throws(KSeriesError) -> Bool { try Self.boolean(name: name, value) }
        /// `auto` (nil) or a boolean, as format.numbered and format.coverLetter take.
        func autoOrBoolean() throws(KSeriesError) -> Bool? { value?.lowercased() == "auto" ? nil : try boolean() }
        switch name {
        case "format.headers": addHeader(try string())
        case "format.to": to.append(try string())
        case "format.cc": cc.append(try string())
        case "format.suffix": suffix = try string()
        case "format.subjectprefix": subjectPrefix = try string()
        case "format.signature": signature = try string()
        case "format.signaturefile": signatureFile = Self.expandingTilde(try string())
        case "format.outputdirectory": outputDirectory = try string()
        case "format.signoff": signOff = try boolean()
        case "format.forceinbodyfrom": forceInBodyFrom = try boolean()
        case "format.encodeemailheaders": encodeEmailHeaders = try boolean()
        case "format.numbered": numbering = try autoOrBoolean().map { $0 ? .always : .never } ?? .automatic
        case "format.thread":
            switch value?.lowercased() {
            case "deep": thread = .some(.deep)
            case "shallow": thread = .some(.shallow)
            default: thread = try boolean() ? .some(.shallow) : .some(nil)
            }
        case "format.coverletter": coverLetter = try autoOrBoolean().map { $0 ? .on : .off } ?? .auto
        case "format.from":
            switch Self.maybeBoolean(value) {
            case true?: from = .committer
            case false?: from = .off
            case nil: from = .identity(try string())
            }
        case "format.coverfromdescription":
            let text = try string()
            guard let mode = CoverFromDescription(gitValue: text) else {
                throw .configuration(key: "format.coverFromDescription", problem: "'\(text)' is not one of default, message, subject, auto, none")
            }
            coverFromDescription = mode
        case "format.filenamemaxlength":
            guard let length = Int(try string()) else {
                throw .configuration(key: "format.filenameMaxLength", problem: "'\(value ?? "")' is not a number")
            }
            filenameMaxLength = length
        case "diff.noprefix": noPrefix = try boolean()
        default: break
        }
    }

    /// `add_header` (`format.headers`, `--add-header`): a `To: ` or `Cc: ` line joins those
    /// recipients, any other line is a header of its own; trailing newlines go.
    public mutating func addHeader(_ value: String) {
        var text = value
        while text.hasSuffix("\n") { text.removeLast() }
        if text.lowercased().hasPrefix("to: ") {
            to.append(String(text.dropFirst(4)))
        } else if text.lowercased().hasPrefix("cc: ") {
            cc.append(String(text.dropFirst(4)))
        } else {
            headers.append(text)
        }
    }

    /// Whether an unsupported key only restates git's default, which kseries follows.
    static func isGitDefault(key: String, value: String?) -> Bool {
        switch key {
        case "diff.renames", "diff.indentheuristic", "core.quotepath":
            return maybeBoolean(value) == true
        case "format.notes", "diff.suppressblankempty", "diff.relative", "format.useautobase":
            return maybeBoolean(value) == false
        case "diff.context": return value == "3"
        case "diff.interhunkcontext": return value == "0"
        case "diff.algorithm": return ["default", "myers"].contains(value?.lowercased() ?? "")
        default: return false
        }
    }

    /// `git_parse_maybe_bool`: nil when the text is not a boolean.
    static func maybeBoolean(_ value: String?) -> Bool? {
        guard let value else { return true }
        switch value.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off", "": return false
        default: return Int(value).map { $0 != 0 }
        }
    }

    /// `git_config_bool`: a value that is not a boolean is an error, as in git.
    static func boolean(name: String, _ value: String?) throws(KSeriesError) -> Bool {
        guard let result = maybeBoolean(value) else {
            throw .configuration(key: name, problem: "bad boolean value '\(value ?? "")' in the git configuration")
        }
        return result
    }

    /// `git_config_pathname`: a leading `~/` is the home directory.
    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return (path as NSString).expandingTildeInPath
    }
}
