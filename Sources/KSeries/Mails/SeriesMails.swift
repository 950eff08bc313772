import Series

/// A series' mails as files, and as one mailbox for `git am` and `b4 am -m`.
public struct SeriesMails: Sendable {
    /// The mails in order, cover letter first; a commit without changes has an empty mail.
    public var files: [PatchMail]
    /// Every mail in order, each starting with its `From <id> Mon Sep 17 00:00:00 2001` line;
    /// when the files carry no `Message-Id`, the mailbox's mails carry shallow-thread ids.
    public var mailbox: [UInt8]
}
