package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"
	"time"
)

// exifAPP1 builds an EXIF APP1 segment (big-endian TIFF) with the orientation tag and a GPS IFD holding a latitude
// of 31°14'N — what a phone writes into a photo.
func exifAPP1(orientation uint16) []byte {
	var t bytes.Buffer
	be := binary.BigEndian
	w16 := func(v uint16) { binary.Write(&t, be, v) }
	w32 := func(v uint32) { binary.Write(&t, be, v) }
	t.WriteString("MM")
	w16(42)
	w32(8)
	// IFD0 at 8: two entries (12 bytes each), next-IFD offset; GPS IFD follows at 8+2+24+4 = 38.
	w16(2)
	w16(0x0112) // Orientation, SHORT, 1
	w16(3)
	w32(1)
	w16(orientation)
	w16(0)
	w16(0x8825) // GPSInfo IFD pointer, LONG, 1
	w16(4)
	w32(1)
	w32(38)
	w32(0)
	// GPS IFD at 38: two entries, next 0; the latitude's rationals follow at 38+2+24+4 = 68.
	w16(2)
	w16(0x0001) // GPSLatitudeRef, ASCII, 2: "N\0"
	w16(2)
	w32(2)
	t.WriteString("N\x00\x00\x00")
	w16(0x0002) // GPSLatitude, RATIONAL, 3
	w16(5)
	w32(3)
	w32(68)
	w32(0)
	for _, v := range []uint32{31, 1, 14, 1, 2742, 100} {
		w32(v)
	}
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// withEXIF inserts the APP1 segment right after a JPEG's SOI marker.
func withEXIF(jpg, app1 []byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

// halves is a w×h picture, red on the left half and blue on the right.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{220, 20, 20, 255}
			if x >= w/2 {
				c = color.RGBA{20, 20, 220, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func isRed(c color.Color) bool  { r, _, b, _ := c.RGBA(); return r > 0x9000 && b < 0x6000 }
func isBlue(c color.Color) bool { r, _, b, _ := c.RGBA(); return b > 0x9000 && r < 0x6000 }

func TestNormalizeTurnsByOrientationAndStripsEXIF(t *testing.T) {
	app1 := exifAPP1(6)
	in := withEXIF(encodeJPEG(t, halves(300, 200), 90), app1)
	if !bytes.Contains(in, []byte("Exif\x00\x00")) {
		t.Fatal("the test photo carries no EXIF")
	}
	out, ct, err := Normalize(in)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "image/jpeg" {
		t.Errorf("content type %q, want image/jpeg", ct)
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	// Orientation 6: the camera was held upright, the sensor stored it turned; turned 90° clockwise, the 300×200
	// picture stands 200×300 with its left (red) half on top.
	if b := img.Bounds(); b.Dx() != 200 || b.Dy() != 300 {
		t.Fatalf("size %dx%d, want 200x300 (turned by EXIF orientation 6)", b.Dx(), b.Dy())
	}
	if top, bottom := img.At(100, 20), img.At(100, 280); !isRed(top) || !isBlue(bottom) {
		t.Errorf("top %v, bottom %v: want red on top and blue below (turned clockwise)", top, bottom)
	}
	for _, leak := range [][]byte{[]byte("Exif"), {0x88, 0x25}, {0xFF, 0xE1}, {0, 0, 0x0A, 0xB6, 0, 0, 0, 0x64}} {
		if bytes.Contains(out, leak) {
			t.Errorf("output still holds % x (EXIF / GPS)", leak)
		}
	}
}

// phoneJPEG is a w×h photo-like JPEG (smooth gradients with noise) of a few MB, with EXIF orientation and GPS.
func phoneJPEG(t testing.TB, w, h int, orientation uint16) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			n := uint8(r.IntN(64))
			img.SetRGBA(x, y, color.RGBA{uint8(x*255/w) ^ n, uint8(y*255/h) + n, n * 3, 255})
		}
	}
	return withEXIF(encodeJPEG(t, img, 92), exifAPP1(orientation))
}

func TestNormalizeScalesPhonePhotoDown(t *testing.T) {
	in := phoneJPEG(t, 4000, 3000, 1)
	if len(in) < 3<<20 {
		t.Fatalf("test photo only %d bytes, want a phone-sized one (≥ 3 MB)", len(in))
	}
	start := time.Now()
	out, _, err := Normalize(in)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes → %d bytes in %v", len(in), len(out), time.Since(start))
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != MaxSide || cfg.Height != 1500 {
		t.Errorf("size %dx%d, want %dx1500", cfg.Width, cfg.Height, MaxSide)
	}
	if len(out) > len(in)/2 || len(out) > 2<<20 {
		t.Errorf("stored %d bytes from %d: want at most half and at most 2 MB", len(out), len(in))
	}
	if bytes.Contains(out, []byte("Exif")) {
		t.Error("output still holds EXIF")
	}
}

func TestNormalizeKeepsSmallPNG(t *testing.T) {
	var b bytes.Buffer
	png.Encode(&b, halves(40, 30))
	out, ct, err := Normalize(b.Bytes())
	if err != nil || ct != "image/png" {
		t.Fatalf("ct %q err %v", ct, err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil || img.Bounds().Dx() != 40 || !isRed(img.At(5, 5)) {
		t.Fatalf("png not kept: %v", err)
	}
}

// TestNormalizeRefusesBomb: a tiny file declaring 60000×60000 pixels (14 GB once decoded) is refused from its
// header, at once.
func TestNormalizeRefusesBomb(t *testing.T) {
	in := encodeJPEG(t, halves(16, 16), 80)
	// Patch the SOF0 frame header's height and width.
	i := bytes.Index(in, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(in[i+5:], 60000)
	binary.BigEndian.PutUint16(in[i+7:], 60000)
	start := time.Now()
	_, _, err := Normalize(in)
	var pe *Error
	if !errors.As(err, &pe) || !bytes.Contains([]byte(pe.Message), []byte("图片尺寸过大（60000×60000 像素")) {
		t.Fatalf("err %v, want the size refused", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("took %v: the header alone should decide", d)
	}
}

func TestNormalizeRefusesGarbage(t *testing.T) {
	for _, in := range [][]byte{[]byte("not a picture"), encodeJPEG(t, halves(64, 64), 80)[:300]} {
		_, _, err := Normalize(in)
		var pe *Error
		if !errors.As(err, &pe) || pe.Message == "" {
			t.Errorf("%q…: err %v, want a message", in[:8], err)
		}
	}
}

// BenchmarkNormalizePhonePhoto: an 8 MB, 4000×3000 phone photo turned (EXIF orientation 6), scaled to 2000 px and
// stored without EXIF.
func BenchmarkNormalizePhonePhoto(b *testing.B) {
	in := phoneJPEG(b, 4000, 3000, 6)
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := Normalize(in); err != nil {
			b.Fatal(err)
		}
	}
}
