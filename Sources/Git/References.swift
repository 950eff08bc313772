import CGit2

extension Repository {
    /// The commit a direct ref points at, nil when the ref does not exist.
    public func referenceTarget(_ name: String) throws(GitError) -> ObjectID? {
        var out: OpaquePointer?
        let result = git_reference_lookup(&out, handle, name)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "reading ref \(name) in \(displayPath)")
        defer { git_reference_free(out) }
        var resolved: OpaquePointer?
        try check(git_reference_resolve(&resolved, out), "resolving ref \(name) in \(displayPath)")
        defer { git_reference_free(resolved) }
        guard let target = git_reference_target(resolved) else { return nil }
        return ObjectID(target.pointee)
    }

    /// Points `name` at `id`, but only if the ref still points at `expected` (nil: only if the
    /// ref does not exist yet). Throws `.referenceMoved` when someone else moved it meanwhile,
    /// so two writers never silently overwrite each other.
    public func updateReference(
        _ name: String, to id: ObjectID, expecting expected: ObjectID?, logMessage: String
    ) throws(GitError) {
        guard isValidReferenceName(name) else {
            throw GitError(code: .invalidSpec, message: "'\(name)' is not a valid ref name", operation: "updating a ref")
        }
        var raw = id.raw
        var out: OpaquePointer?
        let result: Int32
        if var old = expected?.raw {
            result = git_reference_create_matching(&out, handle, name, &raw, 1, &old, logMessage)
        } else {
            result = git_reference_create(&out, handle, name, &raw, 0, logMessage)
        }
        if result == GIT_EMODIFIED.rawValue || result == GIT_EEXISTS.rawValue || (expected != nil && result == GIT_ENOTFOUND.rawValue) {
            let now = (try? referenceTarget(name)).flatMap { $0?.hex } ?? "nothing"
            throw GitError(
                code: .referenceMoved,
                message: "\(name) now points at \(now), not \(expected?.hex ?? "nothing") as expected; another kseries may be running",
                operation: "updating \(name) in \(displayPath)")
        }
        try check(result, "updating \(name) in \(displayPath)")
        git_reference_free(out)
    }

    /// Deletes a ref if it still points at `expected`.
    public func deleteReference(_ name: String, expecting expected: ObjectID) throws(GitError) {
        guard try referenceTarget(name) == expected else {
            throw GitError(
                code: .referenceMoved, message: "\(name) no longer points at \(expected.hex)",
                operation: "deleting \(name) in \(displayPath)")
        }
        var out: OpaquePointer?
        try check(git_reference_lookup(&out, handle, name), "reading ref \(name)")
        defer { git_reference_free(out) }
        try check(git_reference_delete(out), "deleting \(name) in \(displayPath)")
    }

    /// Full names of the refs matching a glob such as `refs/heads/kseries/*`.
    public func referenceNames(matching glob: String) throws(GitError) -> [String] {
        var iterator: OpaquePointer?
        try check(git_reference_iterator_glob_new(&iterator, handle, glob), "listing refs \(glob)")
        defer { git_reference_iterator_free(iterator) }
        var names: [String] = []
        var name: UnsafePointer<CChar>?
        while git_reference_next_name(&name, iterator) == 0, let name {
            names.append(String(cString: name))
        }
        return names.sorted()
    }

    private func isValidReferenceName(_ name: String) -> Bool {
        var valid: Int32 = 0
        return git_reference_name_is_valid(&valid, name) == 0 && valid == 1
    }
}
