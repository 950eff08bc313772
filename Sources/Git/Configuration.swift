import CGit2

/// A read-only snapshot of a repository's configuration (system, global, local).
public final class Configuration {
    let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }

    deinit { git_config_free(handle) }

    /// The value of `key`, nil when unset.
    public func string(_ key: String) -> String? {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_config_get_string_buf(&buffer, handle, key) == 0, let pointer = buffer.ptr else { return nil }
        return String(cString: pointer)
    }

    /// The integer value of `key`, nil when unset or not a number.
    public func integer(_ key: String) -> Int64? {
        var value: Int64 = 0
        guard git_config_get_int64(&value, handle, key) == 0 else { return nil }
        return value
    }
}

extension Repository {
    /// A snapshot of the configuration as git would read it for this repository.
    public func configurationSnapshot() throws(GitError) -> Configuration {
        var out: OpaquePointer?
        try check(git_repository_config_snapshot(&out, handle), "reading the configuration of \(displayPath)")
        return Configuration(handle: out!)
    }
}
