package archive

import "bytes"

const blockSize = 512

// IsArchive reports whether data starts with a tar header, which is how a
// script argument is told apart from JavaScript when no -t/--type is given
// (k6-spec §1.2). It checks the first 512-byte block's header checksum, so
// a prefix of the file is enough; it does not check that the tar is a
// stampede archive (Read does).
func IsArchive(data []byte) bool {
	if len(data) < blockSize {
		return false
	}
	blk := data[:blockSize]
	want, ok := parseOctal(blk[148:156])
	if !ok {
		return false
	}
	// The checksum is the sum of the header bytes with the checksum field
	// taken as spaces; some old tars summed signed bytes.
	var unsigned, signed int64
	for i, c := range blk {
		if 148 <= i && i < 156 {
			c = ' '
		}
		unsigned += int64(c)
		signed += int64(int8(c))
	}
	return want == unsigned || want == signed
}

// parseOctal parses a NUL- or space-padded octal field.
func parseOctal(b []byte) (int64, bool) {
	b = bytes.Trim(b, " \x00")
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '7' {
			return 0, false
		}
		n = n<<3 | int64(c-'0')
	}
	return n, true
}
