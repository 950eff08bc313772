import Apply
import Foundation
import Testing
import TestSupport

/// Applies a multi-file patch to a set of files with kseries.
func applyPatch(_ diff: String, to files: [String: FileContent], options: ApplyOptions = ApplyOptions()) throws -> PatchApplier.Outcome {
    PatchApplier(options: options).apply(try parseDiff(diff)) { (path: String) -> FileContent? in files[path] }
}

@Suite("File-level rules: creations, deletions, modes, renames")
struct FileRulesTests {
    static let create = """
        diff --git a/f.c b/f.c
        new file mode 100755
        index 0000000..e69de29
        --- /dev/null
        +++ b/f.c
        @@ -0,0 +1,2 @@
        +#!/bin/sh
        +exit 0

        """

    @Test("a new file is created with the patch's mode")
    func createsNewFile() throws {
        let result = try applyBoth(Self.create, to: nil)
        #expect(result.verdict == .clean)
        #expect(result.result == FileContent(bytes: text("#!/bin/sh", "exit 0"), mode: 0o100755))
    }

    @Test("a new file must not exist yet")
    func newFileExists() throws {
        let result = try applyBoth(Self.create, to: text("already here"))
        #expect(result.failure == .fileExists("f.c"))
        #expect(result.description == "test.patch:1: f.c: already exists")
    }

    @Test("an empty new file has no hunks; its name comes from the diff --git line")
    func emptyNewFile() throws {
        let diff = """
            diff --git a/include/empty.h b/include/empty.h
            new file mode 100644
            index 0000000..e69de29

            """
        let outcome = try applyPatch(diff, to: [:])
        #expect(outcome.changes == [PatchApplier.Change(path: "include/empty.h", content: FileContent(bytes: []))])
    }

    static let delete = """
        diff --git a/f.c b/f.c
        deleted file mode 100644
        index 3b18e51..0000000
        --- a/f.c
        +++ /dev/null
        @@ -1,2 +0,0 @@
        -one
        -two

        """

    @Test("a deleted file must match the patch exactly")
    func deletionMustMatch() throws {
        let deleted = try applyBoth(Self.delete, to: text("one", "two"))
        #expect(deleted.verdict == .clean)
        #expect(deleted.result == nil)
        let longer = try applyBoth(Self.delete, to: text("one", "two", "three"))
        #expect(longer.mismatch?.nearest?.reason == .notAtEndOfFile)
    }

    @Test("deleting an empty file that is not empty leaves contents behind, which is refused")
    func removalLeavesContents() throws {
        let diff = """
            diff --git a/f.c b/f.c
            deleted file mode 100644
            index e69de29..0000000

            """
        let result = try applyBoth(diff, to: text("not empty"))
        #expect(result.failure == .removalLeavesContents("f.c", remainingBytes: 10))
    }

    @Test("changing or deleting a file that does not exist fails")
    func missingFile() throws {
        #expect(try applyBoth(HunkPlacementTests.changeL6, to: nil).failure == .fileMissing("f.c"))
        #expect(try applyBoth(Self.delete, to: nil).failure == .fileMissing("f.c"))
    }

    static let chmod = """
        diff --git a/f.c b/f.c
        old mode 100644
        new mode 100755

        """

    @Test("a mode change keeps the bytes; a different old mode is only a warning, as in git")
    func modeChange() throws {
        let outcome = try applyPatch(Self.chmod, to: ["f.c": FileContent(bytes: twelve, mode: 0o100644)])
        #expect(outcome.changes.last == PatchApplier.Change(path: "f.c", content: FileContent(bytes: twelve, mode: 0o100755)))
        let warned = try applyPatch(Self.chmod, to: ["f.c": FileContent(bytes: twelve, mode: 0o100755)])
        #expect(warned.applied)
        let warnedFile = try #require(warned.files.first)
        #expect(warnedFile.warnings == ["f.c has type 100755, expected 100644"])
    }

    @Test("a symlink where the patch expects a regular file is the wrong type")
    func wrongType() throws {
        let outcome = try applyPatch(HunkPlacementTests.changeL6.replacingOccurrences(of: "--- a/f.c", with: "index 1..2 100644\n--- a/f.c"),
            to: ["f.c": FileContent(bytes: twelve, mode: 0o120000)])
        let file = try #require(outcome.files.first)
        #expect(file.failure == .wrongType("f.c", expected: 0o100644, found: 0o120000))
        #expect(outcome.changes.isEmpty)
    }

    static let rename = """
        diff --git a/old.c b/new.c
        similarity index 83%
        rename from old.c
        rename to new.c
        index 1111111..2222222 100644
        --- a/old.c
        +++ b/new.c
        @@ -4,5 +4,5 @@
         l4
         l5
        -l6
        +L6
         l7
         l8

        """

    @Test("a rename removes the old path and writes the new one; the new path must be free")
    func rename() throws {
        let outcome = try applyPatch(Self.rename, to: ["old.c": FileContent(bytes: twelve)])
        var expected = twelve
        expected.replaceSubrange(15..<17, with: Array("L6".utf8))
        #expect(
            outcome.changes == [
                PatchApplier.Change(path: "old.c", content: nil),
                PatchApplier.Change(path: "new.c", content: FileContent(bytes: expected)),
            ])
        let file = try #require(outcome.files.first)
        #expect(file.path == "old.c => new.c")
        let taken = try applyPatch(Self.rename, to: ["old.c": FileContent(bytes: twelve), "new.c": FileContent(bytes: [])])
        let takenFile = try #require(taken.files.first)
        #expect(takenFile.failure == .fileExists("new.c"))
        #expect(taken.changes.isEmpty)
    }

    @Test("a path renamed away by an earlier file patch of the same patch cannot be changed again")
    func renamedAway() throws {
        let outcome = try applyPatch(
            Self.rename + HunkPlacementTests.changeL6.replacingOccurrences(of: "f.c", with: "old.c"),
            to: ["old.c": FileContent(bytes: twelve)])
        try #require(outcome.files.count > 1, "\(outcome.files)")
        #expect(outcome.files[1].failure == .renamedOrDeleted("old.c"))
        #expect(!outcome.applied)
    }

    @Test("two file patches of the same path: the second applies to the first one's result")
    func samePathTwice() throws {
        let second = """
            diff --git a/f.c b/f.c
            --- a/f.c
            +++ b/f.c
            @@ -5,3 +5,3 @@
             l5
            -L6
            +LL6
             l7

            """
        let outcome = try applyPatch(HunkPlacementTests.changeL6 + second, to: ["f.c": FileContent(bytes: twelve)])
        #expect(outcome.applied)
        let last = try #require(outcome.changes.last)
        let content = try #require(last.content)
        #expect(String(decoding: content.bytes, as: UTF8.self).contains("\nLL6\n"))
    }

    @Test("a patch applies as a whole: one failing file leaves no changes at all")
    func atomic() throws {
        let outcome = try applyPatch(
            Self.create.replacingOccurrences(of: "f.c", with: "g.c") + HunkPlacementTests.changeL6, to: ["f.c": FileContent(bytes: text("other"))])
        try #require(outcome.files.count > 1, "\(outcome.files)")
        #expect(outcome.files[0].applied)
        #expect(!outcome.files[1].applied)
        #expect(outcome.changes.isEmpty)
    }

    @Test("binary patches are recognised and refused without a known postimage")
    func binary() throws {
        let diff = """
            diff --git a/logo.bin b/logo.bin
            index 8a1218a1024a212bb3db30becd860315f9f3ac52..c0d0fb45c382919737f8d0c20aaf57cf89b74af8 100644
            GIT binary patch
            literal 3
            KcmZ>CWMTjS00aO5

            literal 2
            JcmZ>CWB>pF03`qb


            """
        let files = try parseDiff(diff)
        let file = try #require(files.first)
        #expect(file.binary == BinaryPatch(method: .literal(size: 3), encodedLines: [[UInt8]("KcmZ>CWMTjS00aO5")]))
        let outcome = try applyPatch(diff, to: ["logo.bin": FileContent(bytes: [1, 2])])
        let outcomeFile = try #require(outcome.files.first)
        #expect(outcomeFile.failure == .binaryUnsupported("logo.bin"))
    }
}
