#!/usr/bin/env python3
"""Turn kernel source tarballs into a `git fast-import` stream (on stdout).

Usage:
  kernel-tree-import.py [--ref REF] [--ident 'Name <email>']
      --tree TARBALL TOPDIR DATE TAG COMMIT_MSG TAG_MSG  [--tree ...]

Each --tree becomes one commit on REF (default refs/heads/master), the parent
of each being the previous one, plus an annotated tag TAG. Every regular file
and symlink of the tarball is included (directories are implicit in git);
TOPDIR/ is stripped from member names. DATE is a raw git date such as
'1670198400 +0000' and is used for author, committer and tagger.

The tarball is read in streaming mode (r|xz): nothing is extracted to disk.
Blob data is sent inline (M <mode> inline <path>). Progress goes to stderr.
"""
import argparse
import io
import sys
import tarfile
import time

# Characters that force a path to be written as a C-style quoted string.
# fast-import requires it for LF and a leading '"'; we also quote for spaces
# (needed for the source path of C), backslashes and other control chars.
_ESC = {ord('"'): b'\\"', ord('\\'): b'\\\\', ord('\n'): b'\\n',
        ord('\t'): b'\\t', ord('\r'): b'\\r'}


def quote(path: bytes) -> bytes:
    if not any(b < 0x21 or b in (0x22, 0x5c, 0x7f) for b in path):
        return path
    out = bytearray(b'"')
    for b in path:
        if b in _ESC:
            out += _ESC[b]
        elif b < 0x20 or b == 0x7f:
            out += b'\\%03o' % b
        else:
            out.append(b)  # printable ASCII and raw UTF-8 bytes are fine
    out += b'"'
    return bytes(out)


def data(payload: bytes) -> bytes:
    return b'data %d\n' % len(payload) + payload + b'\n'


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def import_tree(out, tarball, topdir, when, ident, ref, mark, parent, msg,
                tag, tag_msg, t_start):
    t0 = time.monotonic()
    log(f'importing {topdir} … ({t0 - t_start:.0f}s elapsed)')
    stamp = ident + b' ' + when.encode()
    out.write(b'commit %s\nmark :%d\n' % (ref, mark))
    out.write(b'author ' + stamp + b'\ncommitter ' + stamp + b'\n')
    out.write(data(msg.encode()))
    if parent:
        out.write(b'from :%d\n' % parent)
    out.write(b'deleteall\n')

    prefix = topdir.rstrip('/') + '/'
    files = links = hard = dirs = 0
    skipped = []
    seen = set()
    with tarfile.open(tarball, 'r|xz', encoding='utf-8',
                      errors='surrogateescape') as tf:
        for m in tf:
            name = m.name
            if name.startswith('./'):
                name = name[2:]
            if name.rstrip('/') == prefix.rstrip('/') and m.isdir():
                continue
            if not name.startswith(prefix):
                raise SystemExit(f'error: {tarball}: member {m.name!r} is '
                                 f'outside {prefix}')
            rel = name[len(prefix):]
            if m.isdir():
                dirs += 1
                continue
            path = rel.encode('utf-8', 'surrogateescape')
            if not path or path.endswith(b'/'):
                raise SystemExit(f'error: {tarball}: bad member {m.name!r}')
            if m.isreg():
                mode = b'100755' if m.mode & 0o100 else b'100644'
                f = tf.extractfile(m)
                payload = f.read()
                if len(payload) != m.size:
                    raise SystemExit(f'error: {tarball}: short read of {rel}')
                out.write(b'M ' + mode + b' inline ' + quote(path) + b'\n')
                out.write(data(payload))
                files += 1
            elif m.issym():
                target = m.linkname.encode('utf-8', 'surrogateescape')
                out.write(b'M 120000 inline ' + quote(path) + b'\n')
                out.write(data(target))
                links += 1
            elif m.islnk():
                # Hard link: the target came earlier in this same archive, so
                # it is already in the commit being built; copy it (mode too).
                src = m.linkname
                if src.startswith('./'):
                    src = src[2:]
                if not src.startswith(prefix) or src[len(prefix):] not in seen:
                    raise SystemExit(f'error: {tarball}: hard link {m.name!r}'
                                     f' -> {m.linkname!r} has no earlier target')
                srcb = src[len(prefix):].encode('utf-8', 'surrogateescape')
                out.write(b'C ' + quote(srcb) + b' ' + quote(path) + b'\n')
                hard += 1
            else:
                skipped.append(rel)
                continue
            seen.add(rel)

    out.write(b'\n')
    out.write(b'tag %s\nfrom :%d\ntagger %s\n' % (tag.encode(), mark, stamp))
    out.write(data(tag_msg.encode()))
    out.flush()
    log(f'  {topdir}: {files} files, {links} symlinks'
        + (f', {hard} hard links' if hard else '')
        + f' in {time.monotonic() - t0:.0f}s')
    if skipped:
        log(f'  {topdir}: skipped {len(skipped)} members that are neither '
            f'regular files nor symlinks (e.g. {skipped[0]!r})')


def main() -> int:
    ap = argparse.ArgumentParser(
        description='Write a git fast-import stream for kernel tarballs.')
    ap.add_argument('--ref', default='refs/heads/master')
    ap.add_argument('--ident', default='Kernel Tree Import <kseries@localhost>')
    ap.add_argument('--tree', action='append', nargs=6, required=True,
                    metavar=('TARBALL', 'TOPDIR', 'DATE', 'TAG', 'COMMIT_MSG',
                             'TAG_MSG'))
    args = ap.parse_args()

    sys.stdout.flush()
    out = io.BufferedWriter(io.FileIO(sys.stdout.fileno(), 'wb', closefd=False),
                            buffer_size=1 << 20)
    t_start = time.monotonic()
    parent = 0
    for mark, (tarball, topdir, when, tag, msg, tag_msg) in enumerate(
            args.tree, start=1):
        import_tree(out, tarball, topdir, when, args.ident.encode(),
                    args.ref.encode(), mark, parent, msg + '\n', tag,
                    tag_msg + '\n', t_start)
        parent = mark
    out.write(b'done\n')
    out.flush()
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except BrokenPipeError:
        log('error: git fast-import stopped reading')
        sys.exit(1)
