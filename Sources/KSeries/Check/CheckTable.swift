import Foundation
import Git

/// `kseries check`'s results for people: one row per ref and patch, checkpatch's summaries,
/// and with `--build` a table per ref and configuration; coloured when asked (the command line
/// asks unless `NO_COLOR` is set or the output is not a terminal). Machines read `CheckReport`.
public struct CheckTable {
    /// ANSI colours: green applies/builds, yellow offsets/warnings, red failures.
    public var colour: Bool

    public init(colour: Bool) {
        self.colour = colour
    }

    /// The whole table of an outcome: the thread selection (for an mbox), the check, the builds.
    public func render(_ outcome: CheckRun.Outcome) -> String {
        var out = ""
        if let selection = outcome.selection { out += selection.report.joined(separator: "\n") + "\n" }
        out += table(reports: outcome.reports, checkpatch: outcome.checkpatch, checkpatchNote: outcome.checkpatchNote)
        if let builds = outcome.builds { out += buildTable(builds, cache: outcome.buildCache) }
        return out
    }

    func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    func table(reports: [SeriesCheck.RefReport], checkpatch: [CheckpatchRunner.Report], checkpatchNote: String?) -> String {
        let width = max(3, reports.map(\.ref.count).max() ?? 0)
        var out = ""
        func line(_ ref: String, _ what: String) {
            out += ref.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + what + "\n"
        }
        for report in reports {
            var first = true
            func row(_ what: String) {
                line(first ? report.ref : "", what)
                first = false
            }
            if let error = report.error {
                row(paint("error: \(error)", "31"))
                continue
            }
            for unmet in report.unmetPreconditions { row(paint(unmet, "31")) }
            if report.templateChecked {
                row(report.templateProblem.map { paint("template does not resolve: \($0)", "31") } ?? paint("template resolves", "32"))
            }
            let total = report.patches.count
            for patch in report.patches {
                let label = "\(patch.number)/\(total) \(patch.subject)" + (patch.afterFailure ? "  (after a failure)" : "")
                switch patch.verdict {
                case .clean: row("\(paint("applies", "32"))           \(label)")
                case .offset(let lines): row("\(paint("applies", "33")) (±\(lines))\(String(repeating: " ", count: max(0, 6 - "\(lines)".count))) \(label)")
                case .fails(let why): row("\(paint("FAILS", "31"))             \(label)\n" + String(repeating: " ", count: width + 4) + why)
                case .notAttempted: row("not attempted     \(label)")
                }
            }
            if report.patches.isEmpty && !report.templateChecked && report.unmetPreconditions.isEmpty { row("nothing to apply") }
        }
        if let checkpatchNote { out += checkpatchNote + "\n" }
        // With more than one version of checkpatch among the refs, each summary says whose.
        let versions = Set(checkpatch.map(\.refs)).count
        for report in checkpatch {
            let name = (report.patchFile as NSString).lastPathComponent + (versions > 1 ? "  (\(report.refs.joined(separator: ", ")))" : "")
            let summary = "checkpatch: \(report.errors) errors, \(report.warnings) warnings, \(report.checks) checks  \(name)"
            out += (report.errors > 0 ? paint(summary, "31") : report.warnings > 0 ? paint(summary, "33") : summary) + "\n"
            for finding in report.findings { out += "  \(finding)\n" }
        }
        return out
    }

    func buildTable(_ reports: [BuildCheck.Report], cache: String) -> String {
        guard let first = reports.first else { return "" }
        var out = "\nbuild (\(first.arch), cache \(cache))\n"
        let width = max(3, reports.map(\.ref.count).max() ?? 0)
        let configWidth = max(6, reports.map(\.config.count).max() ?? 0)
        let indent = String(repeating: " ", count: width + configWidth + 4)
        var lastRef = ""
        for report in reports {
            let refColumn = report.ref == lastRef ? "" : report.ref
            lastRef = report.ref
            var head = refColumn.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + report.config.padding(toLength: configWidth, withPad: " ", startingAt: 0) + "  "
            func line(_ text: String) {
                out += head + text + "\n"
                head = indent
            }
            if let error = report.error {
                line(paint("error: \(error)", "31"))
                continue
            }
            let timing = String(format: "tree %@ %.0fs, config %@ %.0fs, baseline %.0fs",
                report.reusedTree ? "cached" : "made", report.workspaceSeconds, report.reusedConfig ? "cached" : "made",
                report.configureSeconds, report.baselineSeconds)
            line("objects: \(report.objects.isEmpty ? "none" : report.objects.joined(separator: " "))  (\(timing))")
            if !report.repaired.isEmpty { line("repaired: restored \(report.repaired.joined(separator: ", ")) left patched by a killed run") }
            for dropped in report.droppedSettings { line(paint("set: \(dropped)", "33")) }
            for header in report.headers {
                let users = header.includedBy + header.chosen
                line("\(header.header): " + (users.isEmpty
                    ? paint("no compiled object includes it (not compiled)", "33")
                    : "in \(users.joined(separator: " "))" + (header.chosen.isEmpty ? "" : " (\(header.chosen.count) chosen for it)"))
                    + (header.skipped > 0 ? ", \(header.skipped) more skipped (--header-objects)" : "")
                    + (header.leftOut.isEmpty ? "" : ", left out (do not build alone on the base): \(header.leftOut.joined(separator: " "))"))
            }
            for path in report.notBuilt { line(paint("not built in this config: \(path)", "33")) }
            for error in report.baseErrors { line(paint("base: \(error.text)", "31")) }
            let total = report.patches.count
            for patch in report.patches {
                let label = "\(patch.number)/\(total) \(patch.subject)"
                let seconds = String(format: "%4.0fs", patch.seconds)
                switch patch.verdict {
                case .builds: line("\(paint("builds      ", "32")) \(seconds)  \(label)")
                case .newWarnings: line("\(paint("new warnings", "33")) \(seconds)  \(label)")
                case .fails: line("\(paint("FAILS       ", "31")) \(seconds)  \(label)")
                case .notBuiltInConfig: line("\(paint("not built in this config", "33"))  \(label)")
                case .notAttempted(let why): line("not built           \(label): \(why)")
                }
                for finding in patch.errors + patch.newWarnings {
                    line("    " + finding.diagnostic.text + (finding.patch.map { "  [patch \($0)]" } ?? ""))
                }
                if patch.errors.isEmpty, !patch.failedObjects.isEmpty {
                    line("    did not build: \(patch.failedObjects.joined(separator: " "))")
                    for error in patch.makeErrors.prefix(5) { line("    \(error)") }
                }
            }
        }
        return out
    }
}
