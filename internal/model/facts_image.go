package model

// ImageFacts describe an image file's logical end (analyze/image).
type ImageFacts struct {
	Format string `json:"format"` // png, jpeg, gif, ico, cur, bmp
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	// Frames counts the images a multi-image format holds: GIF frames,
	// JPEG images chained one after another (MPF, gain maps).
	Frames int `json:"frames,omitempty"`
	// LogicalEnd is where the image format says the data ends. It is 0
	// when the walk failed before reaching the end (the file's error says
	// why).
	LogicalEnd int64 `json:"logical_end"`
	// Unterminated is set when the data stops at a block boundary without
	// the format's end marker (a GIF without its 0x3B), which decoders
	// accept; the logical end is then the end of the last block.
	Unterminated bool     `json:"unterminated,omitempty"`
	Trailer      *Trailer `json:"trailer,omitempty"`
	// Entries are the images of an ICO/CUR directory, in directory order.
	Entries []IconEntry `json:"entries,omitempty"`
	// Gaps are regions before the logical end that no structure refers
	// to (ICO: bytes between the directory and the entries), classified
	// like trailers.
	Gaps []Trailer `json:"gaps,omitempty"`
}

// IconEntry is one image of an ICO/CUR directory.
type IconEntry struct {
	Width  int    `json:"width"` // 256 when the directory byte is 0
	Height int    `json:"height"`
	Format string `json:"format"` // "png", "bmp" (a DIB without file header), "unknown"
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
	// Trailer is data inside the entry after its embedded image ends.
	Trailer *Trailer `json:"trailer,omitempty"`
}

// Trailer is data after an image's logical end.
type Trailer struct {
	Offset  int64   `json:"offset"`
	Size    int64   `json:"size"`
	Entropy float64 `json:"entropy"`
	// Class is what the trailer looks like: "base64" (after a '$' or
	// alone), "executable" (MZ+PE, ELF or Mach-O magic), "archive" (zip,
	// 7z, rar, gzip, xz, bzip2, zstd magic), "high-entropy",
	// "zero-padding", "whitespace", "text", "data".
	Class string `json:"class"`
	// Marker is the prefix the class was recognised after, e.g. "$" for
	// the 3CX stage-2 icons, or the executable/archive format name.
	Marker  string `json:"marker,omitempty"`
	Preview string `json:"preview,omitempty"` // first bytes, non-printable ones as '.'
}
