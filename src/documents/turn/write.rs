//! Quantised DCT coefficients written back as a baseline JPEG: the typical Huffman tables of
//! ITU T.81 Annex K.3 (they code every symbol 8-bit samples can give), one interleaved scan, no
//! restart markers.

/// Code lengths (how many codes of each length 1–16) and symbols of the typical tables.
const DC_LUMA: ([u8; 16], &[u8]) = (
    [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
);
const DC_CHROMA: ([u8; 16], &[u8]) = (
    [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
    &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
);
const AC_LUMA: ([u8; 16], &[u8]) = (
    [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D],
    &[
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61,
        0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52,
        0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25,
        0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45,
        0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64,
        0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83,
        0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99,
        0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6,
        0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3,
        0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8,
        0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
    ],
);
const AC_CHROMA: ([u8; 16], &[u8]) = (
    [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
    &[
        0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61,
        0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33,
        0x52, 0xF0, 0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18,
        0x19, 0x1A, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44,
        0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63,
        0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A,
        0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
        0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4,
        0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA,
        0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7,
        0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
    ],
);

/// A Huffman table for encoding: each symbol's code and its length.
struct Codes {
    code: [u32; 256],
    length: [u32; 256],
}

impl Codes {
    fn new((counts, symbols): ([u8; 16], &[u8])) -> Self {
        let mut codes = Codes {
            code: [0; 256],
            length: [0; 256],
        };
        let (mut code, mut k) = (0u32, 0usize);
        for (length, &count) in (1..=16u32).zip(counts.iter()) {
            for _ in 0..count {
                let symbol = usize::from(symbols[k]);
                (codes.code[symbol], codes.length[symbol]) = (code, length);
                code += 1;
                k += 1;
            }
            code <<= 1;
        }
        codes
    }
}

/// The DHT segment of the four typical tables: DC and AC of luminance (id 0), then of
/// chrominance (id 1) when `colour`.
fn huffman_segment(out: &mut Vec<u8>, colour: bool) {
    let mut tables = vec![(0x00, DC_LUMA), (0x10, AC_LUMA)];
    if colour {
        tables.extend([(0x01, DC_CHROMA), (0x11, AC_CHROMA)]);
    }
    let length: usize = 2 + tables.iter().map(|(_, (_, s))| 17 + s.len()).sum::<usize>();
    out.extend_from_slice(&[0xFF, 0xC4]);
    out.extend_from_slice(&(length as u16).to_be_bytes());
    for (class_id, (counts, symbols)) in tables {
        out.push(class_id);
        out.extend_from_slice(&counts);
        out.extend_from_slice(symbols);
    }
}

/// Room for the bytes gathered before they are appended: a block adds at most 432 (64 codes of
/// 27 bits, every byte stuffed), so it is appended once less than [`BLOCK_BYTES`] is left.
const GATHERED: usize = 4096;
const BLOCK_BYTES: usize = 512;

/// Bits written most significant first, a zero byte stuffed after every 0xFF: gathered in
/// `buffer`, appended to `out` a few blocks at a time.
struct Bits {
    out: Vec<u8>,
    buffer: [u8; GATHERED],
    pending: Pending,
}

/// What waits to be written: `count` bits at the bottom of `acc`, and the bytes of the buffer
/// in use. Copied into a block's coding and back, so that it stays in registers.
#[derive(Debug, Clone, Copy, Default)]
struct Pending {
    acc: u64,
    count: u32,
    used: usize,
}

impl Pending {
    /// Adds `length` (at most 32) bits of `value`.
    #[inline(always)]
    fn put(&mut self, buffer: &mut [u8; GATHERED], value: u32, length: u32) {
        self.acc = (self.acc << length) | u64::from(value);
        self.count += length;
        if self.count >= 32 {
            self.count -= 32;
            let word = (self.acc >> self.count) as u32;
            let inverted = !word;
            let at = self.used.min(GATHERED - 8);
            if inverted.wrapping_sub(0x0101_0101) & !inverted & 0x8080_8080 == 0 {
                buffer[at..at + 4].copy_from_slice(&word.to_be_bytes());
                self.used = at + 4;
            } else {
                self.used = at;
                for byte in word.to_be_bytes() {
                    self.push(buffer, byte);
                }
            }
        }
    }

    #[inline]
    fn push(&mut self, buffer: &mut [u8; GATHERED], byte: u8) {
        let at = self.used.min(GATHERED - 2);
        buffer[at] = byte;
        self.used = at + 1;
        if byte == 0xFF {
            buffer[at + 1] = 0;
            self.used = at + 2;
        }
    }
}

impl Bits {
    /// Appends the gathered bytes to the file once another block might not fit (`all`: now).
    #[inline]
    fn flush(&mut self, all: bool) {
        if all || self.pending.used > GATHERED - BLOCK_BYTES {
            self.out
                .extend_from_slice(&self.buffer[..self.pending.used]);
            self.pending.used = 0;
        }
    }

    /// Pads the last byte with ones and writes what waits.
    fn finish(mut self) -> Vec<u8> {
        let mut pending = self.pending;
        let pad = (8 - pending.count % 8) % 8;
        pending.acc = (pending.acc << pad) | ((1 << pad) - 1);
        pending.count += pad;
        while pending.count > 0 {
            pending.count -= 8;
            pending.push(&mut self.buffer, (pending.acc >> pending.count) as u8);
        }
        self.pending = pending;
        self.flush(true);
        self.out
    }
}

/// For each value from −2048 to 2047 (at `value + 2048`): the number of bits of its magnitude
/// `<< 16 |` the bits the scan codes for it (T.81 F.1.2.1).
static MAGNITUDES: [u32; 4096] = magnitudes();

const fn magnitudes() -> [u32; 4096] {
    let mut table = [0u32; 4096];
    let mut i = 0;
    while i < 4096 {
        let value = i as i32 - 2048;
        let size = 32 - value.unsigned_abs().leading_zeros();
        let coded = if value < 0 { value - 1 } else { value };
        table[i] = size << 16 | (coded as u32 & ((1u32 << size) - 1));
        i += 1;
    }
    table
}

/// The number of bits of `value`'s magnitude (−2047 to 2047), and the bits the scan codes for it.
#[inline(always)]
fn magnitude(value: i32) -> (u32, u32) {
    let entry = MAGNITUDES[((value + 2048) & 4095) as usize];
    (entry >> 16, entry & 0xFFFF)
}

/// The entropy coder of one scan, fed blocks in scan order.
pub(super) struct Scan {
    bits: Bits,
    tables: [(Codes, Codes); 2],
    predictors: Vec<i32>,
}

impl Scan {
    /// A scan of `components` components, written after `out` (which holds the headers).
    pub(super) fn new(out: Vec<u8>, components: usize) -> Self {
        Scan {
            bits: Bits {
                out,
                buffer: [0; GATHERED],
                pending: Pending::default(),
            },
            tables: [
                (Codes::new(DC_LUMA), Codes::new(AC_LUMA)),
                (Codes::new(DC_CHROMA), Codes::new(AC_CHROMA)),
            ],
            predictors: vec![0; components],
        }
    }

    /// Codes a block of `component`: its DC coefficient, and its nonzero AC coefficients
    /// (`values`, in the order of their zigzag positions, bit `k` of `nonzero` for each).
    #[inline]
    pub(super) fn block(
        &mut self,
        component: usize,
        dc_value: i16,
        mut nonzero: u64,
        mut values: super::values::ValuesFrom<'_>,
    ) {
        let (dc, ac) = &self.tables[usize::from(component > 0)];
        let buffer = &mut self.bits.buffer;
        let mut pending = self.bits.pending;
        let value = i32::from(dc_value);
        let (size, bits) = magnitude(value - self.predictors[component]);
        self.predictors[component] = value;
        let symbol = size as usize;
        pending.put(
            buffer,
            dc.code[symbol] << size | bits,
            dc.length[symbol] + size,
        );
        let mut last = 0;
        while nonzero != 0 {
            let k = nonzero.trailing_zeros();
            nonzero &= nonzero - 1;
            let mut run = k - last - 1;
            while run >= 16 {
                pending.put(buffer, ac.code[0xF0], ac.length[0xF0]);
                run -= 16;
            }
            let (size, bits) = magnitude(i32::from(values.next().unwrap_or(0)));
            let symbol = ((run << 4 | size) & 0xFF) as usize;
            pending.put(
                buffer,
                ac.code[symbol] << size | bits,
                ac.length[symbol] + size,
            );
            last = k;
        }
        if last < 63 {
            pending.put(buffer, ac.code[0], ac.length[0]);
        }
        self.bits.pending = pending;
        self.bits.flush(false);
    }

    /// The file with this scan's data and the end-of-image marker.
    pub(super) fn finish(self) -> Vec<u8> {
        let mut out = self.bits.finish();
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }
}

/// The segments before the scan data: quantisation tables, frame, Huffman tables, scan header.
/// `components` are (id, h, v, quantisation table); `quant` the tables by id (zigzag order).
pub(super) fn headers(
    out: &mut Vec<u8>,
    (width, height): (usize, usize),
    components: &[(u8, usize, usize, usize)],
    quant: &[Option<[u16; 64]>; 4],
) {
    let used: Vec<usize> = (0..4)
        .filter(|id| components.iter().any(|c| c.3 == *id))
        .collect();
    let sixteen = used
        .iter()
        .any(|&id| quant[id].is_some_and(|q| q.iter().any(|&v| v > 255)));
    for &id in &used {
        let Some(table) = quant[id] else { continue };
        let wide = table.iter().any(|&v| v > 255);
        let length = 3 + if wide { 128 } else { 64 };
        out.extend_from_slice(&[0xFF, 0xDB]);
        out.extend_from_slice(&(length as u16).to_be_bytes());
        out.push(u8::from(wide) << 4 | id as u8);
        for value in table {
            if wide {
                out.extend_from_slice(&value.to_be_bytes());
            } else {
                out.push(value as u8);
            }
        }
    }
    // Baseline unless a table needs 16-bit entries (extended sequential, Huffman).
    out.extend_from_slice(&[0xFF, if sixteen { 0xC1 } else { 0xC0 }]);
    out.extend_from_slice(&(8 + 3 * components.len() as u16).to_be_bytes());
    out.push(8);
    out.extend_from_slice(&(height as u16).to_be_bytes());
    out.extend_from_slice(&(width as u16).to_be_bytes());
    out.push(components.len() as u8);
    for &(id, h, v, tq) in components {
        out.extend_from_slice(&[id, (h as u8) << 4 | v as u8, tq as u8]);
    }
    huffman_segment(out, components.len() > 1);
    out.extend_from_slice(&[0xFF, 0xDA]);
    out.extend_from_slice(&(6 + 2 * components.len() as u16).to_be_bytes());
    out.push(components.len() as u8);
    for (i, &(id, ..)) in components.iter().enumerate() {
        let table = u8::from(i > 0);
        out.extend_from_slice(&[id, table << 4 | table]);
    }
    out.extend_from_slice(&[0, 63, 0]);
}
