import ArgumentParser
import Foundation
import KSeries

extension KSeriesCommand {
    struct Trailers: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trailers", _superCommandName: KSeriesCommand.name,
            abstract: "Collect the Reviewed-by, Acked-by and Tested-by lines of a saved thread into the series.",
            discussion: """
                The thread is an mbox (b4 mbox, lore's t.mbox, your mail client's export) of a \
                posted version and its replies. A reply counts for the patch it answers \
                (In-Reply-To/References, else its subject Re: [PATCH vN i/n] …); a reply to the \
                cover letter counts for every patch. The next kseries rebase (or generate -v N+1) \
                carries them into the patches that did not change in substance.
                """)

        @Argument(help: "The saved thread: an mbox, a mail, or a folder of mails.")
        var thread: String

        @OptionGroup var tree: TreeOptions

        @Option(help: "The series (default: the one whose change-id the thread carries).")
        var series: String?

        @Option(name: .customShort("v"), help: "The version replied to (default: from the subjects).")
        var version: Int?

        func run() throws {
            let result: TrailerCollector.Result
            do {
                result = try TrailerCollector().collect(
                    .init(thread: thread, treePath: tree.treePath, series: series, version: version))
            } catch {
                throw fail(error)
            }
            let total = result.state.version(result.version)?.patches.count ?? 0
            let added = result.found.filter(\.added).count
            print("\(result.series) v\(result.version): \(result.found.count) trailer\(result.found.count == 1 ? "" : "s") found, \(added) new")
            for found in result.found {
                print("  \(found.patch)/\(total) \(found.trailer)\(found.added ? "" : " (known)")")
            }
            for reply in result.unplaced { warn("a reply with trailers answers no patch of v\(result.version): \(reply)") }
        }
    }
}
