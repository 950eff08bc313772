import Foundation
import Testing
import TestSupport

/// Users learn what kseries reads from its environment in one place: the README's
/// "Environment" section. Every variable the sources name must be there.
@Suite("every environment variable kseries reads is documented")
struct EnvironmentDocumentationTests {
    /// The README's `## Environment` section.
    func environmentSection() throws -> String {
        let readme = try String(contentsOfFile: "\(ProjectLayout.root)/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "\n## Environment\n"), "README.md has no '## Environment' section")
        let rest = readme[start.upperBound...]
        return String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
    }

    /// Names the sources read: `KSERIES_*` string literals, and `environment["NAME"]` reads.
    func variablesNamedInSources() throws -> [String: String] {
        let sources = URL(fileURLWithPath: "\(ProjectLayout.root)/Sources")
        let enumerator = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        let literal = try Regex(#""(KSERIES_[A-Z0-9_]+)""#)
        let read = try Regex(#"environment\["([A-Z][A-Z0-9_]*)"\](?!\s*=[^=])"#)
        var found: [String: String] = [:]
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for pattern in [literal, read] {
                for match in text.matches(of: pattern) {
                    if let name = match.output[1].substring, found[String(name)] == nil {
                        found[String(name)] = url.path.replacingOccurrences(of: "\(ProjectLayout.root)/", with: "")
                    }
                }
            }
        }
        return found
    }

    @Test("the README's Environment section names every variable the sources read")
    func everyVariableIsDocumented() throws {
        let section = try environmentSection()
        let named = try variablesNamedInSources()
        #expect(named.keys.contains("KSERIES_KERNEL_TREE"), "the scan found nothing: is the Sources folder where it was?")
        for (name, file) in named.sorted(by: { $0.key < $1.key }) {
            #expect(section.contains("`\(name)`"), "\(file) reads \(name), which README.md's Environment section does not list")
        }
    }
}
