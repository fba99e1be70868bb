package model

// ImageFacts describe an image file's logical end (analyze/image).
type ImageFacts struct {
	Format     string   `json:"format"` // png, jpeg, gif, ico, bmp
	Width      int      `json:"width,omitempty"`
	Height     int      `json:"height,omitempty"`
	LogicalEnd int64    `json:"logical_end"` // where the image format says the data ends
	Trailer    *Trailer `json:"trailer,omitempty"`
}

// Trailer is data after an image's logical end.
type Trailer struct {
	Offset  int64   `json:"offset"`
	Size    int64   `json:"size"`
	Entropy float64 `json:"entropy"`
	// Class is what the trailer looks like: "base64" (after a '$' or
	// alone), "executable" (MZ/ELF/Mach-O magic), "high-entropy",
	// "zero-padding", "text", "data".
	Class   string `json:"class"`
	Preview string `json:"preview,omitempty"` // first bytes, printable only
}
