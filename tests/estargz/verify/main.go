// estargz-verify checks an eStargz blob with the containerd/stargz-snapshotter library
// (Debian's golang-github-containerd-stargz-snapshotter-dev, built in GOPATH mode):
//
//	estargz-verify BLOB TOC_DIGEST
//
// It opens the blob with estargz.Open, verifies the TOC against TOC_DIGEST, checks that
// the TOC member holds only stargz.index.json, streams the whole blob gzip -> tar and
// verifies every chunk digest, compares every tar header with its TOC entry, reads every
// file back through the TOC offsets (as a lazy pull would), and prints the diffID and
// size of the whole decompressed stream. Any failure exits non-zero.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/containerd/stargz-snapshotter/estargz"
	digest "github.com/opencontainers/go-digest"
)

const tocName = "stargz.index.json"

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: estargz-verify BLOB TOC_DIGEST")
		os.Exit(2)
	}
	if err := verify(os.Args[1], digest.Digest(os.Args[2])); err != nil {
		fmt.Fprintln(os.Stderr, "estargz-verify:", err)
		os.Exit(1)
	}
}

func verify(path string, tocDigest digest.Digest) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	sr := io.NewSectionReader(f, 0, st.Size())

	r, err := estargz.Open(sr)
	if err != nil {
		return fmt.Errorf("estargz.Open: %w", err)
	}
	ev, err := r.VerifyTOC(tocDigest)
	if err != nil {
		return fmt.Errorf("VerifyTOC: %w", err)
	}
	toc, err := readTOC(sr)
	if err != nil {
		return err
	}
	if err := checkOffsets(toc); err != nil {
		return err
	}

	s := &scan{r: r, ev: ev, entries: toc.Entries}
	diffID, size, err := s.stream(sr)
	if err != nil {
		return err
	}
	if s.next != len(toc.Entries) {
		return fmt.Errorf("the TOC has %d entries the tar stream does not have", len(toc.Entries)-s.next)
	}
	fmt.Printf("tocDigest=%s\n", r.TOCDigest())
	fmt.Printf("entries=%d chunks=%d\n", len(toc.Entries), s.chunks)
	fmt.Printf("diffID=%s\n", diffID)
	fmt.Printf("uncompressedSize=%d\n", size)
	fmt.Println("OK")
	return nil
}

// readTOC decodes the TOC from the footer's member and checks that this member holds
// the TOC entry, the end of the archive, and nothing else, and that the footer follows it.
func readTOC(sr *io.SectionReader) (*estargz.JTOC, error) {
	tocOffset, footerSize, err := estargz.OpenFooter(sr)
	if err != nil {
		return nil, fmt.Errorf("OpenFooter: %w", err)
	}
	if footerSize != estargz.FooterSize {
		return nil, fmt.Errorf("footer is %d bytes, want the %d-byte eStargz footer", footerSize, estargz.FooterSize)
	}
	br := bufio.NewReader(io.NewSectionReader(sr, tocOffset, sr.Size()-tocOffset-footerSize))
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("TOC member: %w", err)
	}
	zr.Multistream(false)
	tr := tar.NewReader(zr)
	h, err := tr.Next()
	if err != nil {
		return nil, fmt.Errorf("TOC member: %w", err)
	}
	if h.Name != tocName || h.Typeflag != tar.TypeReg {
		return nil, fmt.Errorf("TOC member starts with %q (type %q)", h.Name, h.Typeflag)
	}
	raw, err := io.ReadAll(tr)
	if err != nil {
		return nil, fmt.Errorf("TOC entry: %w", err)
	}
	if _, err := tr.Next(); err != io.EOF {
		return nil, fmt.Errorf("TOC member holds more than the TOC entry (%v)", err)
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, fmt.Errorf("TOC member: %w", err)
	}
	if _, err := br.Peek(1); err != io.EOF {
		return nil, errors.New("bytes between the TOC member and the footer")
	}
	toc := new(estargz.JTOC)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(toc); err != nil {
		return nil, fmt.Errorf("TOC JSON: %w", err)
	}
	if dec.InputOffset() != int64(len(raw)) {
		return nil, errors.New("bytes after the TOC JSON")
	}
	if toc.Version != 1 {
		return nil, fmt.Errorf("TOC version %d", toc.Version)
	}
	return toc, nil
}

func checkOffsets(toc *estargz.JTOC) error {
	var last int64
	for _, e := range toc.Entries {
		if e.Offset == 0 {
			if (e.Type == "reg" && e.Size > 0) || e.Type == "chunk" {
				return fmt.Errorf("%s %q has no offset", e.Type, e.Name)
			}
			continue
		}
		if e.Offset <= last {
			return fmt.Errorf("offset %d of %q does not increase", e.Offset, e.Name)
		}
		last = e.Offset
	}
	return nil
}

type scan struct {
	r       *estargz.Reader
	ev      estargz.TOCEntryVerifier
	entries []*estargz.TOCEntry
	next    int // the TOC entry the next tar entry must match
	chunks  int
}

// stream reads the whole blob as one gzip stream, and the tar archive in it.
func (s *scan) stream(sr *io.SectionReader) (digest.Digest, int64, error) {
	zr, err := gzip.NewReader(io.NewSectionReader(sr, 0, sr.Size()))
	if err != nil {
		return "", 0, fmt.Errorf("gzip: %w", err)
	}
	h := sha256.New()
	counted := &counter{r: zr}
	tee := io.TeeReader(counted, h)
	tr := tar.NewReader(tee)
	sawTOC := false
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", 0, fmt.Errorf("tar: %w", err)
		}
		if sawTOC {
			return "", 0, fmt.Errorf("tar entry %q after %s", hdr.Name, tocName)
		}
		if hdr.Name == tocName {
			sawTOC = true
			continue
		}
		if err := s.entry(hdr, tr); err != nil {
			return "", 0, err
		}
	}
	if !sawTOC {
		return "", 0, fmt.Errorf("no %s entry in the tar stream", tocName)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return "", 0, fmt.Errorf("gzip: %w", err)
	}
	return digest.NewDigest(digest.SHA256, h), counted.n, nil
}

// entry checks one tar entry against its TOC entry and, for a regular file, verifies each
// chunk while streaming and reads the file back through the TOC offsets.
func (s *scan) entry(h *tar.Header, tr *tar.Reader) error {
	if s.next >= len(s.entries) {
		return fmt.Errorf("tar entry %q has no TOC entry", h.Name)
	}
	e := s.entries[s.next]
	s.next++
	if err := compareHeader(h, e); err != nil {
		return fmt.Errorf("TOC entry %q: %w", h.Name, err)
	}
	if h.Typeflag != tar.TypeReg {
		return nil
	}
	whole := sha256.New()
	content := io.TeeReader(tr, whole)
	name := jsonName(h.Name)
	for n := int64(0); n < h.Size; {
		ce, ok := s.r.ChunkEntryForOffset(name, n)
		if !ok {
			return fmt.Errorf("no chunk of %q at %d", h.Name, n)
		}
		if ce.ChunkOffset != n || ce.ChunkSize <= 0 || n+ce.ChunkSize > h.Size {
			return fmt.Errorf("chunk of %q at %d has offset %d, size %d", h.Name, n, ce.ChunkOffset, ce.ChunkSize)
		}
		if n > 0 {
			c := s.entries[s.next]
			s.next++
			if c.Type != "chunk" || c.ChunkOffset != n {
				return fmt.Errorf("TOC entry %d is not the chunk of %q at %d", s.next-1, h.Name, n)
			}
		}
		v, err := s.ev.Verifier(ce)
		if err != nil {
			return fmt.Errorf("verifier for %q at %d: %w", h.Name, n, err)
		}
		if _, err := io.CopyN(v, content, ce.ChunkSize); err != nil {
			return fmt.Errorf("reading %q: %w", h.Name, err)
		}
		if !v.Verified() {
			return fmt.Errorf("chunk digest mismatch for %q at %d", h.Name, n)
		}
		s.chunks++
		n += ce.ChunkSize
	}
	got := digest.NewDigest(digest.SHA256, whole)
	if e.Digest != got.String() {
		return fmt.Errorf("digest of %q is %s, TOC says %s", h.Name, got, e.Digest)
	}
	if h.Size == 0 {
		return nil
	}
	fr, err := s.r.OpenFile(name)
	if err != nil {
		return fmt.Errorf("OpenFile(%q): %w", h.Name, err)
	}
	back := sha256.New()
	if _, err := io.Copy(back, io.NewSectionReader(fr, 0, fr.Size())); err != nil {
		return fmt.Errorf("reading %q through the TOC: %w", h.Name, err)
	}
	if d := digest.NewDigest(digest.SHA256, back); d != got {
		return fmt.Errorf("%q read through the TOC offsets has digest %s, want %s", h.Name, d, got)
	}
	return nil
}

func compareHeader(h *tar.Header, e *estargz.TOCEntry) error {
	types := map[byte]string{tar.TypeReg: "reg", tar.TypeLink: "hardlink", tar.TypeSymlink: "symlink",
		tar.TypeChar: "char", tar.TypeBlock: "block", tar.TypeDir: "dir", tar.TypeFifo: "fifo"}
	want := estargz.TOCEntry{
		Name:        jsonName(h.Name),
		Type:        types[h.Typeflag],
		Mode:        h.Mode,
		UID:         h.Uid,
		GID:         h.Gid,
		Uname:       jsonName(h.Uname),
		Gname:       jsonName(h.Gname),
		ModTime3339: formatModtime(h.ModTime),
		Offset:      e.Offset,
		Digest:      e.Digest,
		ChunkOffset: e.ChunkOffset,
		ChunkSize:   e.ChunkSize,
		ChunkDigest: e.ChunkDigest,
	}
	if want.Type == "" {
		return fmt.Errorf("tar type %q", h.Typeflag)
	}
	switch h.Typeflag {
	case tar.TypeReg:
		want.Size = h.Size
	case tar.TypeLink, tar.TypeSymlink:
		want.LinkName = jsonName(h.Linkname)
	case tar.TypeChar, tar.TypeBlock:
		want.DevMajor = int(h.Devmajor)
		want.DevMinor = int(h.Devminor)
	}
	for k, v := range h.PAXRecords {
		if x := strings.TrimPrefix(k, "SCHILY.xattr."); x != k {
			if want.Xattrs == nil {
				want.Xattrs = map[string][]byte{}
			}
			want.Xattrs[jsonName(x)] = []byte(v)
		}
	}
	got := *e
	if len(got.Xattrs) == 0 {
		got.Xattrs = nil
	}
	if !reflect.DeepEqual(want, got) {
		w, _ := json.Marshal(want)
		g, _ := json.Marshal(got)
		return fmt.Errorf("differs from the tar header:\n  tar %s\n  toc %s", w, g)
	}
	if e.Type == "reg" && e.Size > 0 && (e.Offset == 0 || e.ChunkDigest == "") {
		return errors.New("regular file without offset or chunkDigest")
	}
	if e.Type != "reg" && (e.Offset != 0 || e.Digest != "" || e.ChunkDigest != "") {
		return errors.New("data fields on a non-regular entry")
	}
	return nil
}

// jsonName is what a string becomes after a trip through JSON: Go's encoder turns every
// byte that is not valid UTF-8 into U+FFFD.
func jsonName(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// formatModtime is the reference writer's rule: none for the epoch, else UTC to the second.
func formatModtime(t time.Time) string {
	if t.IsZero() || t.Unix() == 0 {
		return ""
	}
	return t.UTC().Round(time.Second).Format(time.RFC3339)
}

type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
