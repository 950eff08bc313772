import ArgumentParser
import Foundation
import KSeries
import KernelBuild
import Policy

/// `kseries check --build` options: which configurations, and how many header users.
struct BuildOptions: ParsableArguments {
    @Flag(help: "Compile the series after each patch, on each ref, in each configuration (see README: check --build).")
    var build = false

    @Option(name: .customLong("config"), help: "Build only this configuration of the policy's build: section (repeatable).")
    var configs: [String] = []

    @Option(help: "For patch text (or to override the policy): the make target that writes .config, e.g. defconfig.")
    var from: String?

    @Option(name: .customLong("set"), help: "With --from: a Kconfig value set after it, KEY=VAL (repeatable), e.g. --set KVM=y.")
    var settings: [String] = []

    @Option(help: "The kernel's ARCH= when the policy does not say (default: x86_64).")
    var arch: String?

    @Flag(help: "With --build: also run sparse (Kbuild's C=1) on the compiled files and report its new warnings.")
    var sparse = false

    @Option(help: "Objects compiled per touched header, at most (default: the policy's header-objects, else \(BuildCheck.defaultHeaderObjects)).")
    var headerObjects: Int?

    /// The configurations to build, the arch and the header limit, from the policy and the flags.
    func resolve(policy: PolicyTemplate?) throws -> (configs: [BuildConfig], arch: String, headerObjects: Int) {
        let arch = arch ?? policy?.build?.arch ?? "x86_64"
        let limit = headerObjects ?? policy?.build?.headerObjects ?? BuildCheck.defaultHeaderObjects
        if let from {
            var parsed: [ConfigSetting] = []
            for text in settings {
                guard let setting = ConfigSetting(parsing: text) else {
                    throw ValidationError("--set takes KEY=VALUE (e.g. KVM=y), not '\(text)'")
                }
                parsed.append(setting)
            }
            return ([BuildConfig(name: configs.first ?? from, from: from, settings: parsed)], arch, limit)
        }
        guard settings.isEmpty else { throw ValidationError("--set goes with --from") }
        guard let section = policy?.build else {
            if policy != nil {
                throw ValidationError("the policy has no build: section (Templates/README.md); give --from defconfig [--set KEY=VAL]…")
            }
            return ([BuildConfig(name: "defconfig", from: "defconfig", settings: [])], arch, limit)
        }
        var chosen = section.configs
        if !configs.isEmpty {
            for name in configs where !section.configs.contains(where: { $0.name == name }) {
                throw ValidationError("no configuration '\(name)' in the policy (it has: \(section.configs.map(\.name).joined(separator: ", ")))")
            }
            chosen = section.configs.filter { configs.contains($0.name) }
        }
        return (chosen, arch, limit)
    }
}

/// Renders `check --build` results: a table for people, JSON for CI.
enum BuildOutput {
    static func table(_ reports: [BuildCheck.Report], cache: String) -> String {
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
                line(CheckOutput.paint("error: \(error)", "31"))
                continue
            }
            let timing = String(format: "tree %@ %.0fs, config %@ %.0fs, baseline %.0fs",
                report.reusedTree ? "cached" : "made", report.workspaceSeconds, report.reusedConfig ? "cached" : "made",
                report.configureSeconds, report.baselineSeconds)
            line("objects: \(report.objects.isEmpty ? "none" : report.objects.joined(separator: " "))  (\(timing))")
            if !report.repaired.isEmpty { line("repaired: restored \(report.repaired.joined(separator: ", ")) left patched by a killed run") }
            for dropped in report.droppedSettings { line(CheckOutput.paint("set: \(dropped)", "33")) }
            for header in report.headers {
                let users = header.includedBy + header.chosen
                line("\(header.header): " + (users.isEmpty
                    ? CheckOutput.paint("no compiled object includes it (not compiled)", "33")
                    : "in \(users.joined(separator: " "))" + (header.chosen.isEmpty ? "" : " (\(header.chosen.count) chosen for it)"))
                    + (header.skipped > 0 ? ", \(header.skipped) more skipped (--header-objects)" : "")
                    + (header.leftOut.isEmpty ? "" : ", left out (do not build alone on the base): \(header.leftOut.joined(separator: " "))"))
            }
            for path in report.notBuilt { line(CheckOutput.paint("not built in this config: \(path)", "33")) }
            for error in report.baseErrors { line(CheckOutput.paint("base: \(error.text)", "31")) }
            let total = report.patches.count
            for patch in report.patches {
                let label = "\(patch.number)/\(total) \(patch.subject)"
                let seconds = String(format: "%4.0fs", patch.seconds)
                switch patch.verdict {
                case .builds: line("\(CheckOutput.paint("builds      ", "32")) \(seconds)  \(label)")
                case .newWarnings: line("\(CheckOutput.paint("new warnings", "33")) \(seconds)  \(label)")
                case .fails: line("\(CheckOutput.paint("FAILS       ", "31")) \(seconds)  \(label)")
                case .notBuiltInConfig: line("\(CheckOutput.paint("not built in this config", "33"))  \(label)")
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
