import Foundation
import Mail
import TestSupport

/// Series for the tests: the shipped one, and a small one with the awkward cases.
enum Fixtures {
    /// `patches/rcu-kvm-run-loop/v1`: a cover letter and three patches from `kseries generate`.
    static func shippedSeries() throws -> [MailFile] {
        try MailFile.series(inFolder: "\(ProjectLayout.root)/patches/rcu-kvm-run-loop/v1")
    }

    /// A cover letter and two patches whose bodies hold what SMTP treats specially: lines that
    /// start with `.` (one is a lone `.`, which would end DATA unless stuffed), a `\r\n` line,
    /// trailing spaces, UTF-8 text, and an author with a non-ASCII name.
    static func awkwardSeries() throws -> [MailFile] {
        let cover = """
            From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001
            From: Kernel Developer <developer@example.org>
            Date: Mon, 24 Nov 2025 16:00:00 +0000
            Subject: [RFC PATCH 0/2] Dots, carriage returns and a rather long subject line
             that git folded

            A cover letter.
            .
            ..two dots
            .one dot

            Kernel Developer (2):
              first
              second

            --\u{20}
            2.39.5

            """
        let first = """
            From 2222222222222222222222222222222222222222 Mon Sep 17 00:00:00 2001
            From: =?UTF-8?q?J=C3=B6rg=20R=C3=B6del?= <joerg@example.org>
            Date: Mon, 24 Nov 2025 16:00:00 +0000
            Subject: [RFC PATCH 1/2] first
            MIME-Version: 1.0
            Content-Type: text/plain; charset=UTF-8
            Content-Transfer-Encoding: 8bit

            Jörg's change, with trailing spaces:\u{20}\u{20}
            .
            Signed-off-by: Jörg Rödel <joerg@example.org>
            ---
             a.txt | 1 +
             1 file changed, 1 insertion(+)

            diff --git a/a.txt b/a.txt
            --- a/a.txt
            +++ b/a.txt
            @@ -0,0 +1 @@
            +line with a carriage return\r
            --\u{20}
            2.39.5

            """
        let second = """
            From 3333333333333333333333333333333333333333 Mon Sep 17 00:00:00 2001
            From: Kernel Developer <developer@example.org>
            Date: Mon, 24 Nov 2025 16:00:00 +0000
            Subject: [RFC PATCH 2/2] second

            ..
            Signed-off-by: Kernel Developer <developer@example.org>
            ---
            --\u{20}
            2.39.5

            """
        return [
            try MailFile(fileName: "0000-cover-letter.patch", bytes: Array(cover.utf8)),
            try MailFile(fileName: "0001-first.patch", bytes: Array(first.replacingOccurrences(of: "\\r", with: "\r").utf8)),
            try MailFile(fileName: "0002-second.patch", bytes: Array(second.utf8)),
        ]
    }

    /// Preparation options with a fixed date and zone, so tests can state exact headers.
    static let options = PreparationOptions(
        firstDate: Date(timeIntervalSince1970: 1_764_000_000), timeZone: TimeZone(secondsFromGMT: 3600)!)

    static let recipients = MessageRecipients(
        to: ["Maintainer One <one@example.org>"], cc: ["list@vger.example.org", "Second, Reviewer <two@example.org>"])

    static func prepare(
        _ files: [MailFile], options: PreparationOptions = options, recipients: MessageRecipients = recipients
    ) throws -> [PreparedMessage] {
        try MessagePreparer.prepare(files, options: options) { _ in recipients }
    }

    /// Splits a dry run back into (envelope lines, message bytes) per printed message; throws
    /// when a message announces more bytes than the output holds.
    static func parseDryRun(_ output: [UInt8]) throws -> [(envelope: [String], bytes: [UInt8])] {
        var result: [(envelope: [String], bytes: [UInt8])] = []
        var index = 0
        func readLine() -> String? {
            guard index < output.count else { return nil }
            let end = output[index...].firstIndex(of: UInt8(ascii: "\n")) ?? output.count
            let line = String(decoding: output[index..<end], as: UTF8.self)
            index = min(end + 1, output.count)
            return line
        }
        while let line = readLine() {
            guard line.hasPrefix("--- "), line.hasSuffix(" bytes"),
                let count = Int(line.split(separator: " ").dropLast().last ?? "")
            else { continue }
            var envelope: [String] = []
            while let next = readLine(), !next.isEmpty { envelope.append(next) }
            guard count >= 0, count <= output.count - index else {
                throw UnexpectedOutput(
                    "dry run: '\(line)' announces \(count) bytes, \(output.count - index) remain",
                    output: String(decoding: output, as: UTF8.self))
            }
            result.append((envelope, Array(output[index..<(index + count)])))
            index += count
        }
        return result
    }
}
