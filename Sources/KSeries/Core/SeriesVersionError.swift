import Apply
import Git

/// What stops `kseries rebase`, `import`, `trailers`, `notes` and `versions`, each saying
/// what to do about it.
public enum SeriesVersionError: Error, Sendable, CustomStringConvertible {
    /// A failure shared with `generate`: git, a policy, an anchor, the output folder.
    case kseries(KSeriesError)
    /// No state for the series.
    case unknownSeries(name: String, known: [String], hint: String?)
    /// Patches that neither apply nor merge on the new base; nothing was written.
    case doesNotApply(series: String, from: Int, onto: String, failures: [String], total: Int)
    /// Patch text that cannot be read.
    case patchText(PatchParseError)
    /// Arguments or input that cannot be used.
    case input(String)

    public var description: String {
        switch self {
        case .kseries(let error): return error.description
        case .unknownSeries(let name, let known, let hint):
            var text = "no series '\(name)' in this repository (refs/kseries/series/\(name) does not exist)"
            if let hint { text += "; \(hint)" }
            if !known.isEmpty { text += "; known series: \(known.joined(separator: ", "))" }
            return text
        case .doesNotApply(let series, let from, let onto, let failures, let total):
            let count = failures.count
            return "\(series) v\(from) does not rebase onto \(onto): \(count) of \(total) patch\(total == 1 ? "" : "es") "
                + "neither appl\(count == 1 ? "ies" : "y") nor merge\(count == 1 ? "s" : "") three ways; v\(from) is untouched and nothing was written\n"
                + failures.joined(separator: "\n")
        case .patchText(let error): return error.description
        case .input(let message): return message
        }
    }
}
