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

    /// Every value of a multi-valued key (`sendemail.to`, …), in the order git reads them;
    /// empty when unset.
    public func strings(_ key: String) -> [String] {
        var iterator: OpaquePointer?
        guard git_config_multivar_iterator_new(&iterator, handle, key, nil) == 0, let iterator else { return [] }
        defer { git_config_iterator_free(iterator) }
        var values: [String] = []
        var entry: UnsafeMutablePointer<git_config_entry>?
        while git_config_next(&entry, iterator) == 0, let entry, let value = entry.pointee.value {
            values.append(String(cString: value))
        }
        return values
    }

    /// Every entry whose name matches `pattern` (a regular expression over lower-cased
    /// names, e.g. `^format\\.(to|cc|headers)$`), in the order git reads them: system,
    /// global, then repository configuration. A key written without `=` has a nil value.
    public func entries(matching pattern: String) -> [(name: String, value: String?)] {
        var iterator: OpaquePointer?
        guard git_config_iterator_glob_new(&iterator, handle, pattern) == 0, let iterator else { return [] }
        defer { git_config_iterator_free(iterator) }
        var entries: [(name: String, value: String?)] = []
        var entry: UnsafeMutablePointer<git_config_entry>?
        while git_config_next(&entry, iterator) == 0, let entry, let name = entry.pointee.name {
            entries.append((String(cString: name), entry.pointee.value.map { String(cString: $0) }))
        }
        return entries
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
