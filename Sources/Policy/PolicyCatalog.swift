import Foundation

/// Finds policy templates by name: in an explicit folder, in `$KSERIES_TEMPLATES`, in
/// `./Templates`, or in the `Templates` folder shipped beside the kseries executable.
public struct PolicyCatalog: Sendable {
    /// Folders searched, in order.
    public var searchPath: [String]

    public init(searchPath: [String]) {
        self.searchPath = searchPath
    }

    /// The default search path for a process.
    public static func standard(
        explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        executablePath: String = currentExecutablePath()
    ) -> PolicyCatalog {
        if let explicit { return PolicyCatalog(searchPath: [explicit]) }
        var folders: [String] = []
        if let fromEnvironment = environment["KSERIES_TEMPLATES"], !fromEnvironment.isEmpty {
            folders.append(fromEnvironment)
        }
        folders.append(FileManager.default.currentDirectoryPath + "/Templates")
        let executable = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        // .build/<config>/kseries → the package root, then an installed layout's share folder.
        for _ in 0..<4 {
            folders.append(directory.appendingPathComponent("Templates").path)
            directory = directory.deletingLastPathComponent()
        }
        folders.append(executable.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/kseries/Templates").path)
        var seen = Set<String>()
        return PolicyCatalog(searchPath: folders.filter { seen.insert(($0 as NSString).standardizingPath).inserted })
    }

    /// The running executable's path. `argv[0]` is only the name when the binary was found on
    /// `PATH` (`kseries` run from any folder), so ask the system first (`/proc/self/exe` on
    /// Linux, the bundle's executable elsewhere), then look `argv[0]` up on `PATH`.
    public static func currentExecutablePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let linked = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return linked }
        if let path = Bundle.main.executablePath { return path }
        let name = CommandLine.arguments.first ?? ""
        guard !name.contains("/") else { return name }
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return name
    }

    /// Loads a policy named `name` (or found at the folder path `name`).
    public func policy(named name: String) throws(PolicyError) -> PolicyTemplate {
        var isDirectory: ObjCBool = false
        if name.contains("/"), FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory), isDirectory.boolValue {
            return try PolicyLoader().load(directory: name)
        }
        for folder in searchPath {
            let candidate = (folder as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: (candidate as NSString).appendingPathComponent("policy.yaml")) {
                return try PolicyLoader().load(directory: candidate)
            }
        }
        let known = availablePolicies()
        throw PolicyError(
            path: name, line: nil,
            message: "unknown policy" + (known.isEmpty ? " (no Templates folder found; use --templates)" : "; known: \(known.joined(separator: ", "))"))
    }

    /// Names of the policies found on the search path.
    public func availablePolicies() -> [String] {
        var names = Set<String>()
        for folder in searchPath {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for entry in entries where FileManager.default.fileExists(atPath: "\(folder)/\(entry)/policy.yaml") {
                names.insert(entry)
            }
        }
        return names.sorted()
    }
}
