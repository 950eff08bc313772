import Foundation
import Git
import Policy

/// Runs the kernel's own build system on a materialised tree with `O=` (never in the tree).
public struct KbuildRunner: Sendable {
    /// The source tree (`SourceWorkspace.sourcePath`).
    public var source: String
    /// The object folder.
    public var objects: String
    public var toolchain: Toolchain
    /// The environment make runs in (the caller's, usually).
    public var environment: [String: String]

    public init(source: String, objects: String, toolchain: Toolchain, environment: [String: String]) {
        self.source = source
        self.objects = objects
        self.toolchain = toolchain
        self.environment = environment
    }

    /// A finished make run.
    public struct MakeRun: Sendable {
        public var arguments: [String]
        public var status: Int32
        /// stdout and stderr, interleaved as make wrote them.
        public var output: String
        public var seconds: Double
    }

    /// Runs `make -C <source> O=<objects> <variables> <arguments>`.
    public func make(_ arguments: [String], jobs: Int? = nil) throws(BuildError) -> MakeRun {
        let started = Date()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let all = ["make", "-C", source, "O=\(objects)", "-j\(jobs ?? toolchain.jobs)"] + toolchain.makeVariables + arguments
        process.arguments = all
        var environment = self.environment
        // A kseries started from a make must not hand that make's jobserver to Kbuild; the C
        // locale gives plain quotes in diagnostics.
        for name in ["MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "CC", "LLVM", "CROSS_COMPILE", "ARCH", "O"] {
            environment[name] = nil
        }
        // Kbuild unexports LC_ALL, so the compiler's messages follow LANG/LC_MESSAGES/LC_CTYPE.
        for name in ["LC_ALL", "LANG", "LC_MESSAGES", "LC_CTYPE"] { environment[name] = "C" }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw BuildError(.io, path: source, message: "cannot run make: \(error.localizedDescription)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return MakeRun(
            arguments: all, status: process.terminationStatus, output: String(decoding: data, as: UTF8.self),
            seconds: Date().timeIntervalSince(started))
    }

    /// Runs make and throws with the output's tail when it fails.
    @discardableResult
    func checkedMake(_ arguments: [String], ref: String?, config: String?) throws(BuildError) -> MakeRun {
        let run = try make(arguments)
        guard run.status == 0 else {
            let tail = run.output.split(separator: "\n").suffix(15).joined(separator: "\n")
            throw BuildError(.make, path: objects, ref: ref, config: config, message: "make \(arguments.joined(separator: " ")) failed:\n\(tail)")
        }
        return run
    }

    /// Builds `targets` (objects, paths relative to the tree) with `-k`, so every object is
    /// tried; returns the run and which targets built.
    ///
    /// A target failed when make says so (`*** [Makefile.build:NNN: kernel/rcu/tree.o] Error 1`,
    /// `No rule to make target`) or when it does not exist afterwards. gcc leaves the previous
    /// object in place when it fails, so a failed target's stale object is removed: the next
    /// make compiles it again.
    public func build(_ targets: [String]) throws(BuildError) -> (run: MakeRun, built: Set<String>) {
        let run = try make(["-k"] + targets)
        let failed = Self.failedTargets(in: run.output)
        var built = Set<String>()
        for target in targets {
            let path = (objects as NSString).appendingPathComponent(target)
            if failed.contains(target) {
                try? FileManager.default.removeItem(atPath: path)
            } else if FileManager.default.fileExists(atPath: path) {
                built.insert(target)
            }
        }
        return (run, built)
    }

    /// The targets make reports as failed, tree-relative.
    static func failedTargets(in output: String) -> Set<String> {
        var failed = Set<String>()
        for line in output.split(separator: "\n") where line.contains("*** ") {
            if let close = line.range(of: "] Error ", options: .backwards),
                let open = line[..<close.lowerBound].range(of: "[", options: .backwards)
            {
                // [<makefile>:<line>: <target>]
                let inside = line[open.upperBound..<close.lowerBound]
                if let separator = inside.range(of: ": ", options: .backwards) {
                    failed.insert(normalise(String(inside[separator.upperBound...])))
                }
            } else if let start = line.range(of: "No rule to make target '"),
                let end = line[start.upperBound...].firstIndex(of: "'")
            {
                failed.insert(normalise(String(line[start.upperBound..<end])))
            }
        }
        return failed
    }

    /// The objects of the whole build for the current `.config` (`make -n`: nothing is
    /// compiled), tree-relative with `..` resolved (x86 builds `virt/kvm/kvm_main.o` from
    /// `arch/x86/kvm/` as `arch/x86/kvm/../../../virt/kvm/kvm_main.o`).
    func plannedObjects(ref: String?, config: String?) throws(BuildError) -> Set<String> {
        let run = try make(["-n", "-k"])
        var objects = Set<String>()
        for line in run.output.split(separator: "\n") where line.contains(" -c ") || line.contains(" -o ") {
            let words = line.split(separator: " ")
            for (index, word) in words.enumerated() where word == "-o" && index + 1 < words.count {
                let target = words[index + 1].trimmingCharacters(in: CharacterSet(charactersIn: ";'\""))
                if target.hasSuffix(".o") { objects.insert(Self.normalise(target)) }
            }
        }
        guard !objects.isEmpty else {
            let tail = run.output.split(separator: "\n").suffix(10).joined(separator: "\n")
            throw BuildError(.make, path: objects.description, ref: ref, config: config, message: "make -n listed no objects:\n\(tail)")
        }
        return objects
    }

    /// `a/b/../../c/d.o` → `c/d.o`.
    static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == "..", !parts.isEmpty, parts.last != ".." { parts.removeLast() } else { parts.append(part) }
        }
        return parts.joined(separator: "/")
    }
}

/// One kernel configuration made in its own object folder: `make <from>`, the `set:` values,
/// `olddefconfig`, `make prepare`, and the list of objects the configuration builds.
///
/// The folder is `<arch>-<hash>` where the hash covers `from`, the settings and the toolchain.
/// `kseries-config.txt` is written last: a folder without it (a killed run) is wiped and made
/// again.
public struct KbuildConfiguration: Sendable {
    /// A `set:` value that `.config` did not keep after `olddefconfig` (a dependency missing
    /// on this ref, a symbol that does not exist there).
    public struct DroppedSetting: Sendable, Equatable, CustomStringConvertible {
        public var setting: ConfigSetting
        /// What `.config` says instead (`# CONFIG_X is not set`, `CONFIG_X=m`, or `absent`).
        public var actual: String
        public var description: String { "\(setting) not kept (.config: \(actual))" }
    }

    public var config: BuildConfig
    public var toolchain: Toolchain
    /// The `O=` folder.
    public var objectPath: String
    /// Whether this run made it (false: reused from the cache).
    public var fresh: Bool
    public var dropped: [DroppedSetting]
    /// Every object the configuration builds.
    public var plannedObjects: Set<String>
    /// Seconds spent making it (0 when reused).
    public var seconds: Double

    /// `<arch>-<12 hex digits>` for a configuration built with a toolchain.
    public static func key(_ config: BuildConfig, toolchain: Toolchain) -> String {
        let text = ([config.from] + config.settings.map(\.description) + [toolchain.key]).joined(separator: "\n")
        return "\(toolchain.arch)-\(ObjectID(hashingBlob: Array(text.utf8)).hex.prefix(12))"
    }

    static let markerName = "kseries-config.txt"
    static let objectsName = "kseries-objects.txt"

    /// Reuses the configuration's object folder in `workspace`, or makes it.
    public static func prepare(
        _ config: BuildConfig, in workspace: SourceWorkspace, toolchain: Toolchain, environment: [String: String]
    ) throws(BuildError) -> KbuildConfiguration {
        let started = Date()
        let path = workspace.objectPath(key: key(config, toolchain: toolchain))
        let runner = KbuildRunner(source: workspace.sourcePath, objects: path, toolchain: toolchain, environment: environment)
        let marker = (path as NSString).appendingPathComponent(markerName)
        let objectsFile = (path as NSString).appendingPathComponent(objectsName)
        if FileManager.default.fileExists(atPath: marker), let objects = try? String(contentsOfFile: objectsFile, encoding: .utf8) {
            let dotConfig = (try? String(contentsOfFile: (path as NSString).appendingPathComponent(".config"), encoding: .utf8)) ?? ""
            return KbuildConfiguration(
                config: config, toolchain: toolchain, objectPath: path, fresh: false,
                dropped: dropped(config.settings, in: dotConfig), plannedObjects: Set(objects.split(separator: "\n").map(String.init)),
                seconds: Date().timeIntervalSince(started))
        }
        try? FileManager.default.removeItem(atPath: path)
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw BuildError(.io, path: path, ref: workspace.ref, config: config.name, message: "cannot create the object folder")
        }
        try runner.checkedMake([config.from], ref: workspace.ref, config: config.name)
        let configPath = (path as NSString).appendingPathComponent(".config")
        if !config.settings.isEmpty {
            var arguments = ["--file", configPath]
            for setting in config.settings {
                switch setting.value {
                case "y": arguments += ["--enable", setting.symbol]
                case "n": arguments += ["--disable", setting.symbol]
                case "m": arguments += ["--module", setting.symbol]
                case let value where value.hasPrefix("\""):
                    arguments += ["--set-str", setting.symbol, String(value.dropFirst().dropLast(value.hasSuffix("\"") ? 1 : 0))]
                default: arguments += ["--set-val", setting.symbol, setting.value]
                }
            }
            let script = (workspace.sourcePath as NSString).appendingPathComponent("scripts/config")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["bash", script] + arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do {
                try process.run()
                process.waitUntilExit()
            } catch {
                throw BuildError(.io, path: script, ref: workspace.ref, config: config.name, message: "cannot run scripts/config: \(error.localizedDescription)")
            }
            guard process.terminationStatus == 0 else {
                throw BuildError(.make, path: script, ref: workspace.ref, config: config.name, message: "scripts/config failed")
            }
        }
        try runner.checkedMake(["olddefconfig"], ref: workspace.ref, config: config.name)
        try runner.checkedMake(["prepare"], ref: workspace.ref, config: config.name)
        let planned = try runner.plannedObjects(ref: workspace.ref, config: config.name)
        let dotConfig = (try? String(contentsOfFile: configPath, encoding: .utf8)) ?? ""
        let summary = "name: \(config.name)\nfrom: \(config.from)\nset: \(config.settings.map(\.description).joined(separator: " "))\ntoolchain: \(toolchain.key)\n"
        guard FileManager.default.createFile(atPath: objectsFile, contents: Data((planned.sorted().joined(separator: "\n") + "\n").utf8)),
            FileManager.default.createFile(atPath: marker, contents: Data(summary.utf8))
        else {
            throw BuildError(.io, path: marker, ref: workspace.ref, config: config.name, message: "cannot write the configuration marker")
        }
        return KbuildConfiguration(
            config: config, toolchain: toolchain, objectPath: path, fresh: true, dropped: dropped(config.settings, in: dotConfig),
            plannedObjects: planned, seconds: Date().timeIntervalSince(started))
    }

    /// The settings that `dotConfig` (the text of a `.config`) does not hold as asked.
    public static func dropped(_ settings: [ConfigSetting], in dotConfig: String) -> [DroppedSetting] {
        var values: [String: String] = [:]
        for line in dotConfig.split(separator: "\n") {
            if line.hasPrefix("CONFIG_"), let equals = line.firstIndex(of: "=") {
                values[String(line[line.index(line.startIndex, offsetBy: 7)..<equals])] = String(line[line.index(after: equals)...])
            } else if line.hasPrefix("# CONFIG_"), line.hasSuffix(" is not set") {
                values[String(line.dropFirst(9).dropLast(11))] = "n"
            }
        }
        return settings.compactMap { setting in
            let actual = values[setting.symbol]
            if actual == setting.value || (setting.value == "n" && (actual == nil || actual == "n")) { return nil }
            let shown = actual.map { $0 == "n" ? "# CONFIG_\(setting.symbol) is not set" : "CONFIG_\(setting.symbol)=\($0)" } ?? "absent"
            return DroppedSetting(setting: setting, actual: shown)
        }
    }

    /// The objects of this configuration whose C file names `header` in an `#include` line
    /// (`<linux/kvm_host.h>` for `include/linux/kvm_host.h`, `<asm/x.h>` for
    /// `arch/*/include/asm/x.h`, `"x.h"` from the same folder otherwise), sorted. A textual
    /// scan, for headers no dependency file names yet (a fresh workspace); what is compiled for
    /// them then leaves dependency files that confirm it.
    public func objects(directlyIncluding header: String, source: String) -> [String] {
        let parts = header.split(separator: "/").map(String.init)
        var spelling = "\"\(parts.last ?? header)\""
        var sameFolder: String? = (header as NSString).deletingLastPathComponent
        if let index = parts.firstIndex(of: "include"), index == 0 || (parts.first == "arch" && index == 2) {
            var rest = Array(parts[(index + 1)...])
            if rest.first == "uapi" { rest.removeFirst() }
            spelling = "<\(rest.joined(separator: "/"))>"
            sameFolder = nil
        }
        let needle = Data(spelling.utf8)
        var found: [String] = []
        for object in plannedObjects.sorted() where !object.hasPrefix("scripts/") && !object.hasPrefix("tools/") {
            let file = String(object.dropLast(2)) + ".c"
            if let sameFolder, (file as NSString).deletingLastPathComponent != sameFolder { continue }
            guard let data = FileManager.default.contents(atPath: (source as NSString).appendingPathComponent(file)),
                let range = data.range(of: needle)
            else { continue }
            // The match must sit on an #include line.
            let lineStart = data[..<range.lowerBound].lastIndex(of: 0x0A).map { $0 + 1 } ?? data.startIndex
            if String(decoding: data[lineStart..<range.lowerBound], as: UTF8.self).contains("include") { found.append(object) }
        }
        return found
    }

    /// The objects whose Kbuild dependency file (`.<name>.o.cmd`) lists `header`, sorted;
    /// only objects of the kernel proper (not `scripts/` or `tools/`).
    public func objects(including header: String, source: String) -> [String] {
        let needle = "/" + header
        var found: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: objectPath) else { return [] }
        while let relative = walker.nextObject() as? String {
            if relative == "scripts" || relative == "tools" || relative == "source" || relative.hasPrefix("include/") {
                if relative == "scripts" || relative == "tools" { walker.skipDescendants() }
                continue
            }
            let name = (relative as NSString).lastPathComponent
            guard name.hasPrefix("."), name.hasSuffix(".o.cmd") else { continue }
            guard let text = try? String(contentsOfFile: (objectPath as NSString).appendingPathComponent(relative), encoding: .utf8),
                text.contains(source + needle) || text.contains("$(srctree)" + needle)
            else { continue }
            let folder = (relative as NSString).deletingLastPathComponent
            let object = String(name.dropFirst().dropLast(4))
            found.append(folder.isEmpty ? object : "\(folder)/\(object)")
        }
        return found.sorted()
    }
}
