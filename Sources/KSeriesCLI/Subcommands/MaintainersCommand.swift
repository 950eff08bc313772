import ArgumentParser
import Foundation
import Git
import Maintainers

extension KSeriesCommand {
    struct MaintainersCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "maintainers", _superCommandName: KSeriesCommand.name,
            abstract: "Print who should receive a patch, from the tree's MAINTAINERS (as get_maintainer.pl does).",
            discussion: """
                Arguments are files of the tree or patch files; the addresses print one per line, \
                as `scripts/get_maintainer.pl --nogit --nogit-fallback --norolestats` prints them, \
                so this also works as git send-email's --cc-cmd. MAINTAINERS is read from the \
                tree at --rev (default HEAD): no checkout is needed.
                """)

        @Argument(help: "Files of the kernel tree, or patch files.")
        var inputs: [String]

        @OptionGroup var tree: TreeOptions

        @Option(help: "The revision whose MAINTAINERS to read.")
        var rev: String = "HEAD"

        @Flag(help: "Split the output: people as To:, lists as Cc:.")
        var toCc = false

        func run() throws {
            do {
                let repository = try Repository(at: tree.treePath, searchParents: true)
                let commit = try repository.commitID(forRevision: rev)
                let lookup = try MaintainerLookup(repository: repository, commit: commit)
                // The process ends right after printing: skip freeing the parsed MAINTAINERS.
                _ = Unmanaged.passRetained(lookup)
                var items: [MaintainersInput] = []
                for input in inputs {
                    if try PreconditionLookup.exists(input, in: repository, at: commit) {
                        items.append(.path(input))
                    } else if let data = FileManager.default.contents(atPath: input) {
                        items.append(.patch(Array(data)))
                    } else {
                        throw InputError(description: "\(input): neither a file of \(rev) nor a readable patch file")
                    }
                }
                if toCc {
                    let recipients = try lookup.mailRecipients(for: items)
                    for address in recipients.to { print("To: \(address)") }
                    for address in recipients.cc { print("Cc: \(address)") }
                } else {
                    for line in try lookup.addressLines(for: items) { print(line) }
                }
            } catch {
                throw fail(error)
            }
        }
    }
}

struct InputError: Error, CustomStringConvertible {
    var description: String
}

/// Whether a path names a file or folder of the tree at a commit.
enum PreconditionLookup {
    static func exists(_ path: String, in repository: Repository, at commit: ObjectID) throws -> Bool {
        let trimmed = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return try repository.commit(commit).tree().entry(atPath: trimmed) != nil
    }
}
