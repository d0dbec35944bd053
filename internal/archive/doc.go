// Package archive reads and writes stampede archives: a test bundled with
// everything it reads, so that `stampede run archive.tar` on another machine
// behaves like `stampede run script.js` on the machine that made it
// (k6-spec §1.1 `archive`, §1.2 `-t/--type`).
//
// An [Archive] holds the entry script's path, the directory it was archived
// from, the consolidated options, the -e variables and the content of every
// file the script read (the entry script, its local modules and the files it
// open()ed), keyed by absolute path. [Archive.Write] serialises it as a tar
// file, [Read] parses one back, [IsArchive] sniffs the first bytes of a
// script argument when no -t/--type is given, and [Archive.FS] serves the
// files to the JS runtime so that it never touches the real file system.
//
// # Layout (format version 1)
//
// An archive is an uncompressed POSIX tar (ustar, with PAX records only for
// long or non-ASCII names) holding regular files only, in this order:
//
//	metadata.json        JSON object, see below
//	data                 the entry script (Archive.Filename)
//	drive/<L>/<path>     a file at "<L>:/<path>" (Windows drive letter L)
//	file/<path>          a file at "/<path>"
//
// The entries after data are sorted by name; together with data they hold
// exactly Archive.Files (the entry script is stored once, as data). Every
// entry has mode 0644, mtime 1970-01-01T00:00:00Z, uid/gid 0 and no owner
// names, so archiving the same test twice gives identical bytes. The path
// "/a/b" is stored as "file/a/b" and "C:/a/b" as "drive/C/a/b" (the drive
// letter keeps its case). The separate drive/ prefix keeps "C:/x" and "/C/x" apart and never puts a
// colon into an entry name, so the tar also extracts safely with ordinary
// tools on any OS.
//
// metadata.json is indented JSON without HTML escaping:
//
//	{
//	  "formatVersion": 1,
//	  "filename": "/home/u/tests/script.js",
//	  "pwd": "/home/u/tests",
//	  "stampedeVersion": "0.1.0",
//	  "compatibilityMode": "extended",
//	  "env": {"HOST": "localhost"},
//	  "options": {"vus": 10}
//	}
//
// formatVersion is the layout version (FormatVersion). Readers accept every
// version up to their own and reject newer ones with [ErrUnsupportedVersion];
// a version-1 reader ignores unknown metadata fields and unknown entries, so
// later versions may add both without a version bump as long as old
// readers can still run the test correctly. env and options are omitted when
// empty; options is stored as a JSON object and read back compacted.
//
// # Paths
//
// Files keys, Filename and Pwd are absolute, clean, slash-separated paths:
// "/a/b" or, for Windows, "C:/a/b". Keys must be valid UTF-8 without NUL or
// backslash, must not be a root, and no key may be a parent directory of
// another. Write rejects anything else before writing a byte.
//
// # Reading untrusted archives
//
// Read treats its input as hostile. It rejects, with an error wrapping
// [ErrInvalid] ("not a stampede archive: …", one line): corrupt or truncated
// tar data, including a tar cut between two entries (it must end with the
// end-of-archive marker); entry names that are absolute, contain a ".." segment, a
// backslash, invalid UTF-8 or are not clean; symlinks, hard links, devices,
// FIFOs, sparse and other special entries; duplicate entries (also a file
// entry at the entry script's path); a file that is also a directory of
// another file; metadata.json over 16 MiB; file contents over [MaxSize]
// (1 GiB) in total; and a missing metadata.json or data. Directory entries,
// PAX global headers and regular files with unknown names are skipped
// (unknown files are not read into memory); entries may come in any order
// and a leading "./" is ignored, so an archive extracted, edited and packed
// again with `tar -cf a.tar .` still reads. Read never writes to disk.
//
// # Dependencies
//
// The package imports only the standard library and must not import any
// other stampede package; the CLI (internal/cli) uses it for `stampede archive` and for
// running archives, and hands Archive.FS to internal/js.
package archive
