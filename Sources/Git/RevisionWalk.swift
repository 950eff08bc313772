import CGit2

/// The commits a revision range selects, in the order `git rev-list`/`git format-patch` walk
/// them: newest first, by committer date, commits of equal date in the order the walk reached
/// them (git's default order, not `--topo-order`).
public struct RevisionSelection: Sendable, Equatable {
    /// The commits with at most one parent, newest first (`git format-patch` reverses them).
    public var commits: [ObjectID]
    /// The merge commits the walk met before it stopped, newest first; `git format-patch`
    /// skips them (its walk has `max_parents = 1`).
    public var merges: [ObjectID]
    /// The parents of `commits` that are not in `commits` (git's boundary commits), in the
    /// order they were met: a series with one base has exactly one.
    public var boundary: [ObjectID]
    /// `commits` and `merges` interleaved in walk order.
    public var walkOrder: [ObjectID]

    public init(commits: [ObjectID], merges: [ObjectID], boundary: [ObjectID], walkOrder: [ObjectID]) {
        self.commits = commits
        self.merges = merges
        self.boundary = boundary
        self.walkOrder = walkOrder
    }
}

extension Repository {
    /// Walks the commits reachable from `including` but from none of `excluding`, as git's
    /// revision walk does for `A..B`, `^A B` or `-<n> B`.
    ///
    /// libgit2's revwalk finds the set (pushing `including`, hiding `excluding`); the order is
    /// git's own (`limit_list`, `commit_list_insert_by_date`), because libgit2's time sort does
    /// not keep git's order among commits of equal date.
    ///
    /// - Parameter maxCount: stop after this many commits with at most one parent (`-<n>`);
    ///   merges are not counted, as in git.
    public func walkRevisions(
        including: [ObjectID], excluding: [ObjectID], maxCount: Int? = nil
    ) throws(GitError) -> RevisionSelection {
        // Without exclusions the walk may cover the whole history; it is done lazily below.
        let members: Set<ObjectID>? = excluding.isEmpty ? nil : try reachableSet(including: including, excluding: excluding)

        var queue: [(id: ObjectID, time: Int64)] = []
        var seen = Set<ObjectID>()
        var times: [ObjectID: Int64] = [:]
        func insertByDate(_ id: ObjectID, _ time: Int64) {
            // After every entry of the same date or newer: git's tie order.
            var index = queue.count
            while index > 0 && queue[index - 1].time < time { index -= 1 }
            queue.insert((id, time), at: index)
        }

        var tips: [(id: ObjectID, time: Int64)] = []
        for id in including where !seen.contains(id) && (members?.contains(id) ?? true) {
            seen.insert(id)
            let time = try commit(id).committerTime
            times[id] = time
            tips.append((id, time))
        }
        // `commit_list_sort_by_date`: a stable sort, newest first.
        for tip in tips { insertByDate(tip.id, tip.time) }

        var commits: [ObjectID] = []
        var walkOrder: [ObjectID] = []
        var merges: [ObjectID] = []
        var shown = Set<ObjectID>()
        var boundary: [ObjectID] = []
        var childShown = Set<ObjectID>()
        while !queue.isEmpty {
            if let maxCount, commits.count >= maxCount { break }
            let (id, _) = queue.removeFirst()
            let current = try commit(id)
            let parents = current.parentIDs
            for parent in parents where !seen.contains(parent) && (members?.contains(parent) ?? true) {
                seen.insert(parent)
                let time = try self.commit(parent).committerTime
                insertByDate(parent, time)
            }
            walkOrder.append(id)
            if parents.count > 1 {
                merges.append(id)
                continue
            }
            commits.append(id)
            shown.insert(id)
            for parent in parents where !childShown.contains(parent) {
                childShown.insert(parent)
                boundary.append(parent)
            }
        }
        return RevisionSelection(commits: commits, merges: merges, boundary: boundary.filter { !shown.contains($0) },
            walkOrder: walkOrder)
    }

    /// The commits reachable from `including` and from none of `excluding`.
    private func reachableSet(including: [ObjectID], excluding: [ObjectID]) throws(GitError) -> Set<ObjectID> {
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, handle), "starting a revision walk in \(displayPath)")
        defer { git_revwalk_free(walk) }
        try check(git_revwalk_sorting(walk, GIT_SORT_NONE.rawValue), "setting up a revision walk")
        for id in including {
            var raw = id.raw
            try check(git_revwalk_push(walk, &raw), "walking from \(id.hex)")
        }
        for id in excluding {
            var raw = id.raw
            try check(git_revwalk_hide(walk, &raw), "excluding \(id.hex) from a revision walk")
        }
        var members = Set<ObjectID>()
        var oid = git_oid()
        while true {
            let result = git_revwalk_next(&oid, walk)
            if result == GIT_ITEROVER.rawValue { break }
            try check(result, "walking revisions in \(displayPath)")
            members.insert(ObjectID(oid))
        }
        return members
    }

    /// Whether `ancestor` is reachable from `descendant` (or is it).
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws(GitError) -> Bool {
        if ancestor == descendant { return true }
        var one = descendant.raw
        var two = ancestor.raw
        let result = git_graph_descendant_of(handle, &one, &two)
        try check(result, "comparing \(ancestor.hex) with \(descendant.hex)")
        return result == 1
    }

    /// The merge base of two commits, nil when they share no history.
    public func mergeBase(_ one: ObjectID, _ two: ObjectID) throws(GitError) -> ObjectID? {
        var out = git_oid()
        var first = one.raw
        var second = two.raw
        let result = git_merge_base(&out, handle, &first, &second)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "finding the merge base of \(one.hex) and \(two.hex)")
        return ObjectID(out)
    }

    /// Orders commits as git's `sort_in_topological_order` does (`REV_SORT_IN_GRAPH_ORDER`):
    /// no parent before all its children, starting from `commits` in the given order.
    public func topologicalOrder(_ commits: [ObjectID]) throws(GitError) -> [ObjectID] {
        var indegree: [ObjectID: Int] = [:]
        var parentsOf: [ObjectID: [ObjectID]] = [:]
        for id in commits { indegree[id] = 1 }
        for id in commits {
            let parents = try commit(id).parentIDs
            parentsOf[id] = parents
            for parent in parents where indegree[parent] != nil { indegree[parent, default: 1] += 1 }
        }
        // Tips (indegree 1) in list order; git pops them from a LIFO stack after reversing
        // the queue, which gives list order again.
        var stack: [ObjectID] = commits.filter { indegree[$0] == 1 }.reversed()
        var result: [ObjectID] = []
        while let id = stack.popLast() {
            for parent in parentsOf[id] ?? [] {
                guard let degree = indegree[parent], degree > 0 else { continue }
                indegree[parent] = degree - 1
                if degree - 1 == 1 { stack.append(parent) }
            }
            indegree[id] = 0
            result.append(id)
        }
        return result
    }
}

extension Commit {
    /// The committer date in seconds since the epoch (git's commit date, which orders walks).
    public var committerTime: Int64 { Int64(git_commit_time(handle)) }
}
