import CGit2
import Foundation

/// The repository's mailmap, which `git log` applies to the `Author:` line (`log.mailmap`,
/// on by default): `.mailmap` in the work tree, `HEAD:.mailmap` in a bare repository,
/// `mailmap.file` and `mailmap.blob`, loaded by libgit2. Owns its `git_mailmap`.
package final class AuthorMailmap {
    private let handle: OpaquePointer

    /// Loads the mailmap of `repository`; nil when it cannot be read (authors are then shown
    /// as recorded).
    package init?(repository: Repository) {
        var mailmap: OpaquePointer?
        guard git_mailmap_from_repository(&mailmap, repository.handle) == 0, let mailmap else { return nil }
        handle = mailmap
    }

    deinit { git_mailmap_free(handle) }

    /// The canonical name and email for an identity, nil when the mailmap leaves it as is.
    package func resolve(name: [UInt8], email: [UInt8]) -> (name: [UInt8], email: [UInt8])? {
        // libgit2 may hand back the very strings it was given: copy them while they live.
        let mapped: (name: [UInt8], email: [UInt8])? = withCString(name) { cName in
            withCString(email) { cEmail in
                var realName: UnsafePointer<CChar>?
                var realEmail: UnsafePointer<CChar>?
                guard git_mailmap_resolve(&realName, &realEmail, handle, cName, cEmail) == 0,
                    let realName, let realEmail
                else { return nil }
                return (
                    Array(UnsafeRawBufferPointer(start: realName, count: strlen(realName))),
                    Array(UnsafeRawBufferPointer(start: realEmail, count: strlen(realEmail)))
                )
            }
        }
        guard let mapped, mapped.name != name || mapped.email != email else { return nil }
        return mapped
    }

    private func withCString<Result>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> Result) -> Result {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}
