// Package photo prepares an uploaded photo or scan (an applicant's ID proof) for storage: it refuses what is not a
// JPEG or PNG or would take too much memory to decode (checked from the header, before decoding), turns the pixels
// as the camera's EXIF orientation says, scales the picture down so that its longest side is at most MaxSide pixels
// and encodes it again — which leaves every metadata block (EXIF, GPS location, camera serial …) behind.
//
// A phone photo of 3–10 MB (4000×3000 pixels and more) becomes a JPEG of a few hundred kilobytes that is still
// legible; what the officer needs is the document on it, not the camera's resolution.
package photo

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"github.com/disintegration/imaging"
)

// MaxSide is the longest side, in pixels, of a stored picture.
const MaxSide = 2000

// JPEGQuality is the quality stored JPEGs are encoded with.
const JPEGQuality = 85

// MaxPixels is the largest picture (width × height) decoded: 50 megapixels, more than any phone camera's default
// and about 200 MB of memory once decoded. A header declaring more is refused without decoding the pixels.
const MaxPixels = 50_000_000

// maxDimension is the longest side accepted in a header, whatever the other side.
const maxDimension = 20_000

// decodeSlots bounds the pictures decoded at once to one: a 50-megapixel picture takes some 300 MB while it is
// decoded, turned and scaled (a phone's usual 12 megapixels, some 80 MB, in about a second). Uploads are rate-limited
// per client, so the queue stays short.
var decodeSlots = make(chan struct{}, 1)

// Error is a picture refused, with a message (in Chinese) that says what to do.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

func refuse(format string, args ...any) error { return &Error{Message: fmt.Sprintf(format, args...)} }

// Normalize returns the picture in data as it should be stored, with its content type ("image/jpeg" or
// "image/png", the format it came in): turned upright as its EXIF orientation says, at most MaxSide pixels on its
// longest side, without any metadata. It refuses (with *Error) data that is not a JPEG or PNG picture, a damaged
// one, and one whose declared size exceeds MaxPixels — the last from the header alone, before any decoding.
func Normalize(data []byte) ([]byte, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", refuse("上传的图片已损坏或格式不正确，请重新拍摄或扫描")
	}
	if format != "jpeg" && format != "png" {
		return nil, "", refuse("只能上传 JPG 或 PNG 图片")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxDimension || cfg.Height > maxDimension || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, "", refuse("图片尺寸过大（%d×%d 像素，上限约 5000 万像素），请缩小后重新上传", cfg.Width, cfg.Height)
	}
	decodeSlots <- struct{}{}
	defer func() { <-decodeSlots }()
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, "", refuse("上传的图片已损坏或不完整，请重新拍摄或扫描")
	}
	if b := img.Bounds(); b.Dx() > MaxSide || b.Dy() > MaxSide {
		img = imaging.Fit(img, MaxSide, MaxSide, imaging.CatmullRom)
	}
	var out bytes.Buffer
	if format == "png" {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img)
		return out.Bytes(), "image/png", err
	}
	if n, ok := img.(*image.NRGBA); ok && n.Opaque() {
		// The same bytes as RGBA when every pixel is opaque (a JPEG's always are), which the encoder reads in rows
		// rather than pixel by pixel through At (a quarter of the time of the whole).
		img = &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
	}
	err = jpeg.Encode(&out, img, &jpeg.Options{Quality: JPEGQuality})
	return out.Bytes(), "image/jpeg", err
}
