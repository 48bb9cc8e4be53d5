//! A JPEG's structure, walked marker by marker without decoding a pixel: where the image ends
//! (whatever follows is never read), and the image rewritten with nothing but what draws it —
//! what keeps a phone photo as it was taken, its compressed data untouched, without its EXIF,
//! GPS, XMP, ICC profile, comments, embedded thumbnails or trailer.

use std::ops::Range;

use bytes::Bytes;

use super::image::Refusal;

/// What the walk meets, in file order (the start-of-image marker excepted), as ranges of the
/// walked bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece {
    /// A marker and, unless it stands alone (a restart, `TEM`), its segment: the bytes from
    /// its `0xFF` through its payload.
    Segment(u8, Range<usize>),
    /// The entropy-coded data after a start-of-scan segment, restart markers included.
    Entropy(Range<usize>),
}

fn truncated() -> Refusal {
    Refusal::Corrupt("the JPEG ends before its end-of-image marker".to_owned())
}

/// Walks `bytes` (which start with the start-of-image marker) and returns the offset just past
/// the end-of-image marker. A file cut off before it (a truncated upload) is refused here,
/// because a decoder would quietly fill the missing rows with grey.
pub(super) fn walk(bytes: &[u8], mut each: impl FnMut(Piece)) -> Result<usize, Refusal> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(Refusal::Corrupt(
            "the JPEG does not start with its start-of-image marker".to_owned(),
        ));
    }
    let mut at = 2;
    loop {
        // Markers may be padded with 0xFF fill bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(truncated());
        };
        let start = at;
        at += 2;
        match marker {
            0xD9 => return Ok(at),
            0x01 | 0xD0..=0xD7 => {
                each(Piece::Segment(marker, start..at));
                continue;
            }
            _ => {}
        }
        let (Some(&hi), Some(&lo)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(truncated());
        };
        let length = usize::from(u16::from_be_bytes([hi, lo]));
        if length < 2 || at + length > bytes.len() {
            return Err(truncated());
        }
        at += length;
        each(Piece::Segment(marker, start..at));
        if marker == 0xDA {
            // Entropy-coded data: runs until a marker that is neither stuffing nor a restart.
            let data = at;
            loop {
                let Some(offset) = memchr::memchr(0xFF, &bytes[at..]) else {
                    return Err(truncated());
                };
                at += offset;
                match bytes.get(at + 1) {
                    None => return Err(truncated()),
                    Some(0x00 | 0xD0..=0xD7 | 0xFF) => at += 1,
                    Some(_) => break,
                }
            }
            each(Piece::Entropy(data..at));
        }
    }
}

/// Scans a progressive photo has at most before it is not kept as it is: cameras write about
/// ten; each scan is a pass over the whole image, so thousands of them are a way to make a
/// small file cost minutes of decoding.
const MAX_SCANS: usize = 64;

/// What a JPEG's markers say, read in one walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// The offset just past the end-of-image marker: the image (whatever follows is a trailer,
    /// never read).
    pub end: usize,
    /// Baseline, extended sequential or progressive Huffman coding of 8-bit samples, with one
    /// (grey) or three (colour) components, one frame, at most [`MAX_SCANS`] scans, and no
    /// marker other than tables, the frame, scans, restarts and application or comment segments:
    /// what may be kept as it is.
    pub keepable: bool,
    /// A progressive frame (its decoder keeps every coefficient until the last scan).
    pub progressive: bool,
    /// A JFIF marker is present (it says how a reader takes the colours).
    jfif: bool,
    /// The colour transform of the first Adobe marker.
    adobe: Option<u8>,
}

impl Frame {
    /// Whether a reader takes three components as RGB rather than YCbCr: an Adobe marker's
    /// transform 0, or (without one) components named R, G and B.
    pub(super) fn rgb(&self, component_ids: &[u8]) -> bool {
        match self.adobe {
            Some(transform) => transform == 0,
            None => component_ids == b"RGB",
        }
    }
}

/// Reads what [`Frame`] says from the markers of `bytes`.
pub(super) fn frame(bytes: &[u8]) -> Result<Frame, Refusal> {
    let (mut frames, mut scans) = (0, 0);
    let (mut keepable, mut progressive, mut jfif, mut adobe) = (true, false, false, None);
    let end = walk(bytes, |piece| {
        let Piece::Segment(marker, range) = piece else {
            return;
        };
        let whole = &bytes[range];
        match marker {
            // Start of frame (0xC4, 0xC8 and 0xCC, in the same range, are not).
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                frames += 1;
                progressive |= matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE);
                // FF Cn, length (2), precision, height (2), width (2), components.
                keepable &= marker <= 0xC2
                    && whole.get(4) == Some(&8)
                    && matches!(whole.get(9), Some(1 | 3));
            }
            0xDA => scans += 1,
            0xE0 if whole.get(4..9) == Some(b"JFIF\0") => jfif = true,
            0xEE if whole.len() >= 16 && whole.get(4..9) == Some(b"Adobe") => {
                adobe = adobe.or(Some(whole[15]));
            }
            0xC4 | 0xDB | 0xDD | 0xD0..=0xD7 | 0xE0..=0xEF | 0xFE => {}
            // Arithmetic coding, lossless and hierarchical frames, line counts, anything
            // reserved: rare enough that the full decode and re-encode decide.
            _ => keepable = false,
        }
    })?;
    Ok(Frame {
        end,
        keepable: keepable && frames == 1 && (1..=MAX_SCANS).contains(&scans),
        progressive,
        jfif,
        adobe,
    })
}

/// A JFIF segment that says nothing but "JFIF 1.01, no density, no thumbnail".
const JFIF: [u8; 18] = [
    0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
    0x00, 0x00,
];

/// The start of a JPEG written from `frame`'s: the start-of-image marker and what decides how
/// its colours read (a bare JFIF marker, an Adobe marker's colour transform alone).
pub(super) fn head(frame: &Frame) -> Vec<u8> {
    let mut head = vec![0xFF, 0xD8];
    // The colour markers go first, where every reader looks for them.
    if frame.jfif {
        head.extend_from_slice(&JFIF);
    }
    if let Some(transform) = frame.adobe {
        head.extend_from_slice(&[
            0xFF, 0xEE, 0x00, 0x0E, b'A', b'd', b'o', b'b', b'e', 0x00, 0x64, 0x00, 0x00, 0x00,
            0x00, transform,
        ]);
    }
    head
}

/// A [`Frame::keepable`] JPEG rewritten with its tables, frame and scans as they are, and
/// nothing else: no application segment (EXIF, GPS, XMP, ICC, maker notes, embedded
/// thumbnails), no comment, nothing after the end, except what decides how its colours read —
/// a JFIF marker (replaced by a bare one) and an Adobe marker's colour transform (kept alone).
/// Every viewer draws the same pixels from both. The pieces are slices of `bytes` (no copy).
pub(super) fn stripped(bytes: &Bytes, frame: &Frame) -> Result<Vec<Bytes>, Refusal> {
    let mut pieces = vec![Bytes::from(head(frame))];
    // Runs of kept bytes, each one slice.
    let mut run: Option<Range<usize>> = None;
    walk(&bytes[..frame.end], |piece| {
        let kept = match piece {
            Piece::Segment(0xE0..=0xEF | 0xFE, _) => return,
            Piece::Segment(_, range) | Piece::Entropy(range) => range,
        };
        match &mut run {
            Some(current) if current.end == kept.start => current.end = kept.end,
            _ => {
                if let Some(done) = run.replace(kept) {
                    pieces.push(bytes.slice(done));
                }
            }
        }
    })?;
    pieces.extend(run.map(|done| bytes.slice(done)));
    pieces.push(Bytes::from_static(&[0xFF, 0xD9]));
    Ok(pieces)
}

/// The pieces of [`stripped`] read as one stream.
#[derive(Debug)]
pub(super) struct Reader<'a> {
    pieces: &'a [Bytes],
    offset: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(pieces: &'a [Bytes]) -> Self {
        Self { pieces, offset: 0 }
    }
}

impl std::io::Read for Reader<'_> {
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // The decoder reads a byte at a time.
        if let ([out], Some(&byte)) = (
            &mut *buf,
            self.pieces.first().and_then(|p| p.get(self.offset)),
        ) {
            *out = byte;
            self.offset += 1;
            return Ok(1);
        }
        while let Some((first, rest)) = self.pieces.split_first() {
            let left = &first[self.offset..];
            if left.is_empty() {
                (self.pieces, self.offset) = (rest, 0);
                continue;
            }
            let n = left.len().min(buf.len());
            buf[..n].copy_from_slice(&left[..n]);
            self.offset += n;
            return Ok(n);
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::DynamicImage;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let mut jpeg = Vec::new();
        DynamicImage::new_rgb8(width, height)
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut jpeg, 80,
            ))
            .expect("encode");
        jpeg
    }

    /// `jpeg` with `segment` inserted after its start-of-image marker.
    fn with_segment(jpeg: &[u8], segment: &[u8]) -> Vec<u8> {
        [&jpeg[..2], segment, &jpeg[2..]].concat()
    }

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let length = u16::try_from(payload.len() + 2).expect("short");
        [&[0xFF, marker][..], &length.to_be_bytes(), payload].concat()
    }

    fn end(bytes: &[u8]) -> Result<usize, Refusal> {
        walk(bytes, |_| {})
    }

    fn joined(pieces: &[Bytes]) -> Vec<u8> {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut Reader::new(pieces), &mut out).expect("reads");
        assert_eq!(out, pieces.concat());
        out
    }

    #[test]
    fn a_jpeg_cut_anywhere_has_no_end() {
        let jpeg = jpeg(40, 30);
        assert_eq!(end(&jpeg), Ok(jpeg.len()));
        for cut in [3, 20, jpeg.len() / 2, jpeg.len() - 1] {
            assert!(end(&jpeg[..cut]).is_err(), "cut at {cut}");
        }
        let mut tailed = jpeg.clone();
        tailed.extend_from_slice(b"<html>\xFF\xD9</html>");
        assert_eq!(end(&tailed), Ok(jpeg.len()));
    }

    #[test]
    fn stripping_keeps_the_image_and_drops_everything_else() {
        let plain = jpeg(40, 30);
        let exif = segment(0xE1, b"Exif\0\0MM\0*\0\0\0\x08GPS secret");
        let comment = segment(0xFE, b"shot at home");
        let icc = segment(0xE2, b"ICC_PROFILE\0\x01\x01profile");
        let mut dressed = with_segment(&with_segment(&with_segment(&plain, &icc), &comment), &exif);
        dressed.extend_from_slice(b"PK\x03\x04 a zip after the end");
        let dressed = Bytes::from(dressed);
        let walked = frame(&dressed).expect("walks");
        assert!(walked.keepable);
        let pieces = stripped(&dressed, &walked).expect("strips");
        // The start with its colour marker, the image as one slice of the upload, the end.
        assert_eq!(pieces.len(), 3, "{pieces:?}");
        let kept = joined(&pieces);
        for secret in [&b"GPS"[..], b"shot at home", b"ICC_PROFILE", b"PK\x03\x04"] {
            assert!(!kept.windows(secret.len()).any(|w| w == secret));
        }
        // The image encoder writes JFIF: a bare JFIF segment stands in for it.
        assert!(kept.windows(5).any(|w| w == b"JFIF\0"));
        let decoded = image::load_from_memory(&kept).expect("decodes").to_rgb8();
        let original = image::load_from_memory(&plain).expect("decodes").to_rgb8();
        assert_eq!(decoded, original, "the same pixels");
        // Stripping what is stripped changes nothing.
        let kept = Bytes::from(kept);
        let again = stripped(&kept, &frame(&kept).expect("walks")).expect("strips");
        assert_eq!(joined(&again), kept);
    }

    #[test]
    fn only_plain_huffman_jpegs_are_kept_as_they_are() {
        let plain = jpeg(16, 16);
        let frame_of = |bytes: &[u8]| frame(bytes).expect("walks");
        let plain_frame = frame_of(&plain);
        assert!(plain_frame.keepable && !plain_frame.progressive && plain_frame.jfif);
        assert_eq!(plain_frame.end, plain.len());
        // A line-count marker (or anything this walk does not know) goes the long way.
        let odd = with_segment(&plain, &segment(0xDC, &[0, 16]));
        assert!(!frame_of(&odd).keepable);
        // Two frames.
        let sof = {
            let at = plain
                .windows(2)
                .position(|w| w == [0xFF, 0xC0])
                .expect("a baseline frame");
            let length = usize::from(u16::from_be_bytes([plain[at + 2], plain[at + 3]]));
            plain[at..at + 2 + length].to_vec()
        };
        assert!(!frame_of(&with_segment(&plain, &sof)).keepable);
    }
}
