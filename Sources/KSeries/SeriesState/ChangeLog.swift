import Foundation
import Git
import RangeDiff
import Series

/// The "Changes since v<N-1>" sections of a cover letter.
enum ChangeLog {
    /// Every section up to `version`, newest first, for the versions kseries made from a
    /// previous one.
    static func text(state: SeriesState, upTo version: SeriesState.Version) -> String {
        var sections: [String] = []
        var current: SeriesState.Version? = version
        while let this = current {
            let previous = state.version(before: this.number)
            if let previous, this.made != .import {
                sections.append(section(previous: previous, current: this, notes: state.notes(for: this.number)))
            } else if previous == nil, this.number > 1, !state.notes(for: this.number).isEmpty {
                sections.append(
                    (["Changes since v\(this.number - 1):"] + noteLines(SeriesMailRenderer.trimmed(state.notes(for: this.number))))
                        .joined(separator: "\n"))
            }
            current = previous
        }
        return sections.joined(separator: "\n\n")
    }

    /// One section: the author's notes as written, then what kseries knows changed.
    static func section(previous: SeriesState.Version, current: SeriesState.Version, notes: String) -> String {
        var lines = ["Changes since v\(previous.number):"]
        let trimmedNotes = SeriesMailRenderer.trimmed(notes)
        if !trimmedNotes.isEmpty { lines += noteLines(trimmedNotes) }
        let items = facts(previous: previous, current: current)
        if items.isEmpty && trimmedNotes.isEmpty {
            lines.append("- No changes to the patches.")
        }
        for item in items {
            // A link stays on one line, as b4 writes it.
            lines += item.hasPrefix("Link to ") ? ["- " + item] : wrap("- " + item, width: 72, indent: "  ")
        }
        return lines.joined(separator: "\n")
    }

    /// The author's notes as changelog lines. Notes the author already laid out (a line that
    /// starts with `-`, `*` or white space) stay as written; plain prose becomes one `- ` item
    /// per paragraph, wrapped at 72 columns like kseries' own items, as kernel changelogs are.
    static func noteLines(_ notes: String) -> [String] {
        let lines = notes.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.contains(where: { $0.hasPrefix("-") || $0.hasPrefix("*") || $0.hasPrefix(" ") || $0.hasPrefix("\t") }) {
            return lines
        }
        var paragraphs: [[String]] = [[]]
        for line in lines {
            if line.isEmpty { paragraphs.append([]) } else { paragraphs[paragraphs.count - 1].append(line) }
        }
        return paragraphs.filter { !$0.isEmpty }.flatMap { wrap("- " + $0.joined(separator: " "), width: 72, indent: "  ") }
    }

    /// What changed from `previous` to `current`, one sentence each.
    static func facts(previous: SeriesState.Version, current: SeriesState.Version) -> [String] {
        var items: [String] = []
        if previous.baseCommit != current.baseCommit {
            items.append(
                "Rebased onto \(current.baseRef) (\(current.baseCommit.prefix(12))), from \(previous.baseRef) (\(previous.baseCommit.prefix(12))).")
        }
        let count = current.patches.count
        var collected: [(trailer: String, patches: [Int])] = []
        for (index, patch) in current.patches.enumerated() {
            let number = "\(index + 1)/\(count)"
            guard let old = previous.patches.first(where: { $0.key == patch.key }) else {
                items.append("New patch \(number): \(patch.subject).")
                continue
            }
            var parts: [String] = []
            if old.subject != patch.subject { parts.append("retitled (was: \(old.subject))") }
            if old.code != patch.code {
                if let template = patch.template, template == old.template {
                    parts.append("the same edits re-resolved on \(current.baseRef), so the diff changed")
                } else {
                    parts.append("the code changed")
                }
            }
            if current.threeWayPatches.contains(index + 1) { parts.append("placed by a three-way merge") }
            if old.message != patch.message { parts.append("the commit message changed") }
            let given = old.trailers + old.received.filter { !old.trailers.contains($0) }
            if !given.isEmpty && !old.hasSameSubstance(as: patch) {
                parts.append("dropped its tags (\(given.joined(separator: ", ")))")
            }
            if !parts.isEmpty { items.append("Patch \(number) (\(patch.subject)): " + parts.joined(separator: "; ") + ".") }
            for trailer in patch.trailers where !old.trailers.contains(trailer) {
                if let at = collected.firstIndex(where: { $0.trailer == trailer }) {
                    collected[at].patches.append(index + 1)
                } else {
                    collected.append((trailer, [index + 1]))
                }
            }
        }
        for (index, old) in previous.patches.enumerated() where !current.patches.contains(where: { $0.key == old.key }) {
            items.append("Dropped v\(previous.number)'s patch \(index + 1)/\(previous.patches.count): \(old.subject).")
        }
        let oldOrder = previous.patches.map(\.key).filter { key in current.patches.contains { $0.key == key } }
        let newOrder = current.patches.map(\.key).filter { key in previous.patches.contains { $0.key == key } }
        if oldOrder != newOrder { items.append("Reordered the patches.") }
        for (trailer, patches) in collected {
            let which = patches.count == count ? "all patches" : patches.map { "\($0)/\(count)" }.joined(separator: ", ")
            items.append("Added \(trailer) (\(which)).")
        }
        if let link = previous.sentMessageID {
            items.append("Link to v\(previous.number): https://lore.kernel.org/r/\(link)")
        }
        return items
    }

    /// Greedy word wrap; a word longer than the width stays whole.
    static func wrap(_ text: String, width: Int, indent: String) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if line.isEmpty {
                line = (lines.isEmpty ? "" : indent) + word
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = indent + word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
