import ArgumentParser
import Foundation
import KSeries

extension KSeriesCommand {
    struct Notes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notes", _superCommandName: KSeriesCommand.name,
            abstract: "Read or set your notes on what changed in a version, for its cover letter.",
            discussion: """
                The notes open the "Changes since v<N-1>" section of the cover letter of v<N>, \
                above what kseries lists itself, and are kept across regenerations and rebases. \
                Set them before or after making v<N>; when its mails exist they are rewritten. \
                Without --set or --file, prints them.
                """)

        @Argument(help: "The series.")
        var series: String

        @OptionGroup var tree: TreeOptions

        @Option(name: .customShort("v"), help: "The version the notes describe (2 or more).")
        var version: Int

        @Option(parsing: .unconditional, help: "The notes' text (it may start with '-'); an empty text removes them.")
        var set: String?

        @Option(help: "Read the notes from a file (- for standard input).")
        var file: String?

        @Option(name: .customShort("o"), help: "Where the mails are, when their recorded folder is gone.")
        var output: String = "patches"

        func validate() throws {
            if set != nil && file != nil { throw ValidationError("give --set or --file, not both") }
        }

        func run() throws {
            var text = set
            if let file {
                let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
                guard let data else { throw fail(KSeriesError.input(source: file, line: nil, problem: "cannot be read")) }
                text = String(decoding: data, as: UTF8.self)
            }
            let result: AuthorNotes.Result
            do {
                result = try AuthorNotes().run(
                    .init(series: series, treePath: tree.treePath, version: version, text: text, outputDirectory: output))
            } catch {
                throw fail(error)
            }
            for warning in result.warnings { warn(warning) }
            if text == nil {
                if !result.notes.isEmpty { print(result.notes) }
            } else if let folder = result.rewritten {
                print("rewrote the mails of \(series) v\(version) in \(folder)/")
            }
        }
    }
}
