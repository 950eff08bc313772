import ArgumentParser
import Foundation
import KernelBuild

extension KSeriesCommand {
    /// `kseries cache`: the build workspaces `check --build` keeps.
    struct Cache: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cache",
            abstract: "List or trim the build workspaces of check --build.",
            discussion: """
                The cache is $KSERIES_BUILD_CACHE, else ~/.cache/kseries/build: one folder per kernel tree \
                (the tree id), holding the tree and one object folder per configuration. A workspace in \
                use by a running check is never removed.
                """,
            subcommands: [List.self, Trim.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List the workspaces, most recently used first.")

            func run() throws {
                let cache = BuildCache.standard(environment: ProcessInfo.processInfo.environment)
                let workspaces = cache.workspaces()
                print("\(cache.root): \(workspaces.count) workspaces, \(Cache.size(workspaces.reduce(0) { $0 + $1.bytes }))")
                for workspace in workspaces {
                    let date = ISO8601DateFormatter().string(from: workspace.lastUsed)
                    print("  \((workspace.path as NSString).lastPathComponent)  \(Cache.size(workspace.bytes))  last used \(date)\(workspace.inUse ? "  (in use)" : "")")
                }
            }
        }

        struct Trim: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "trim",
                abstract: "Remove least recently used workspaces until the cache fits a size.")

            @Option(help: "The most the cache may hold, e.g. 20G, 500M (0 removes every workspace not in use).")
            var maxSize: String

            func run() throws {
                guard let bytes = BuildCache.parseSize(maxSize) else {
                    throw ValidationError("--max-size takes a size such as 20G or 500M, not '\(maxSize)'")
                }
                let cache = BuildCache.standard(environment: ProcessInfo.processInfo.environment)
                let report = cache.trim(maxBytes: bytes)
                for workspace in report.removed {
                    print("removed \((workspace.path as NSString).lastPathComponent) (\(Cache.size(workspace.bytes)))")
                }
                print("\(cache.root): \(Cache.size(report.bytesBefore)) → \(Cache.size(report.bytesAfter))")
            }
        }

        static func size(_ bytes: UInt64) -> String {
            let gib = Double(bytes) / Double(1 << 30)
            return gib >= 1 ? String(format: "%.1f GiB", gib) : String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
        }
    }
}
