import Foundation

/// Runs the built `kseries` executable, as a user would.
public enum KSeriesBinary {
    /// The executable next to the test bundle (`.build/<config>/kseries`).
    public static var path: String {
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("kseries").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        for bundle in Bundle.allBundles {
            let candidate = bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("kseries").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return FileManager.default.currentDirectoryPath + "/.build/debug/kseries"
    }

    public static func run(_ arguments: [String], in directory: String, environment: [String: String]) throws -> ProcessOutput {
        try ProcessRunner.run([path] + arguments, in: directory, environment: environment)
    }
}
