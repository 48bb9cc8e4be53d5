//! A baseline scan's entropy-coded data read into its quantised DCT coefficients: Huffman
//! decoding only (no dequantisation, no inverse DCT), which is all a lossless turn needs. Every
//! coded block is read, so a damaged or cut-off photo is found here as the full decode would
//! find it.

use super::header::{Header, HuffmanSpec};
use super::place::Placement;
use crate::documents::image::Refusal;

fn damaged(why: &str) -> Refusal {
    Refusal::Corrupt(format!("the JPEG's scan data is damaged: {why}"))
}

/// One component's blocks as the turned image has them, in its MCU-padded grid of
/// `blocks_w × blocks_h`: each block's DC coefficient, the positions of its nonzero AC
/// coefficients (bit `k` for zigzag position `k`), and where their values start in
/// [`Coefficients::values`] (in the order of their positions). Most coefficients of a photo are
/// zero: this holds a tenth of the 64 per block a full array would.
#[derive(Debug)]
pub(super) struct Plane {
    pub blocks_w: usize,
    pub blocks_h: usize,
    pub blocks: Vec<Block>,
}

/// A block as [`Plane`] holds it (together, so that storing one touches one cache line).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Block {
    pub nonzero: u64,
    pub start: u32,
    pub dc: i16,
}

/// Every component's blocks, and the nonzero AC values of all of them.
#[derive(Debug)]
pub(super) struct Coefficients {
    pub planes: Vec<Plane>,
    pub values: super::values::Values,
}

/// The grid of blocks each component's scan codes, and how many MCUs across and down.
pub(super) fn grid(header: &Header) -> (Vec<(usize, usize)>, (usize, usize)) {
    let (mcu_w, mcu_h) = header.mcu_size();
    let mcus = (header.width.div_ceil(mcu_w), header.height.div_ceil(mcu_h));
    let planes = header
        .components
        .iter()
        .map(|c| (mcus.0 * c.h, mcus.1 * c.v))
        .collect();
    (planes, mcus)
}

/// The bytes of memory [`coefficients`] holds for a `file_bytes` JPEG of `header`: per block
/// its DC, mask and start; per nonzero AC value two bytes (each takes at least two bits of the
/// file: a code and a sign).
pub(super) fn size(header: &Header, file_bytes: u64) -> u64 {
    let (planes, _) = grid(header);
    let blocks: u64 = planes.iter().map(|&(w, h)| (w * h) as u64).sum();
    blocks * std::mem::size_of::<Block>() as u64 + (blocks * 63).min(file_bytes * 4) * 2
}

/// A Huffman table for decoding: codes of up to [`FAST`] bits looked up at once, longer ones by
/// length (ITU T.81 Annex F.2.2.3).
struct Table {
    /// `length << 8 | symbol` for every `FAST`-bit prefix that starts with a short code; 0 for
    /// the others.
    fast: [u16; 1 << FAST],
    /// For an AC table: `value << 16 | run << 8 | length` for every `FAST`-bit prefix that holds
    /// a whole coefficient (its code and its value's bits); 0 for the others.
    coefficient: [i32; 1 << FAST],
    /// The largest code of each length (-1: none), the first code, and where its symbols start.
    max_code: [i32; 17],
    min_code: [i32; 17],
    first: [usize; 17],
    symbols: Vec<u8>,
}

const FAST: u32 = 10;

impl Table {
    fn new(spec: &HuffmanSpec) -> Result<Self, Refusal> {
        let mut table = Table {
            fast: [0; 1 << FAST],
            coefficient: [0; 1 << FAST],
            max_code: [-1; 17],
            min_code: [0; 17],
            first: [0; 17],
            symbols: spec.symbols.clone(),
        };
        let (mut code, mut k) = (0u32, 0usize);
        for length in 1..=16u32 {
            let count = usize::from(spec.counts[length as usize - 1]);
            table.first[length as usize] = k;
            table.min_code[length as usize] = code as i32;
            for _ in 0..count {
                if length <= FAST {
                    let shift = FAST - length;
                    let start = (code << shift) as usize;
                    let entry = (length as u16) << 8 | u16::from(spec.symbols[k]);
                    table.fast[start..start + (1 << shift)].fill(entry);
                }
                code += 1;
                k += 1;
            }
            if code > 1 << length {
                return Err(damaged("a Huffman table with more codes than bits"));
            }
            if count > 0 {
                table.max_code[length as usize] = code as i32 - 1;
            }
            code <<= 1;
        }
        for (prefix, slot) in table.coefficient.iter_mut().enumerate() {
            let entry = table.fast[prefix];
            let (length, run, size) = (
                u32::from(entry >> 8),
                i32::from(entry as u8 >> 4),
                u32::from(entry as u8 & 15),
            );
            if entry != 0 && size > 0 && length + size <= FAST {
                let bits = (prefix as u32 >> (FAST - length - size)) & ((1 << size) - 1);
                *slot = extend(bits, size) << 16 | run << 8 | (length + size) as i32;
            }
        }
        Ok(table)
    }
}

/// The scan's bits, most significant first, with the stuffed zero bytes taken out. At a marker
/// (a restart, or the end) it feeds zeros and counts them, so that reading past the data is
/// found.
struct Bits<'a> {
    data: &'a [u8],
    at: usize,
    /// `count` bits waiting, at the top of `acc`.
    acc: u64,
    count: u32,
    /// How many of the waiting bits are zeros fed at a marker.
    fed: u32,
}

impl<'a> Bits<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            at: 0,
            acc: 0,
            count: 0,
            fed: 0,
        }
    }

    /// Tops the waiting bits up to at least 57.
    #[inline]
    fn refill(&mut self) {
        // Eight bytes at once where none of them is 0xFF (nearly everywhere).
        if let Some(word) = self.data.get(self.at..self.at + 8) {
            let word = u64::from_be_bytes(word.try_into().unwrap_or_default());
            let inverted = !word;
            let has_ff =
                inverted.wrapping_sub(0x0101_0101_0101_0101) & !inverted & 0x8080_8080_8080_8080
                    != 0;
            if !has_ff && self.fed == 0 {
                let n = (64 - self.count) / 8;
                self.acc |= (word >> (64 - 8 * n)) << (64 - self.count - 8 * n);
                self.count += 8 * n;
                self.at += n as usize;
                return;
            }
        }
        while self.count <= 56 {
            let byte = match (self.data.get(self.at), self.data.get(self.at + 1)) {
                _ if self.fed > 0 => None,
                (Some(&0xFF), Some(&0x00)) => {
                    self.at += 2;
                    Some(0xFF)
                }
                // A marker (or 0xFF at the very end): the data stops here.
                (Some(&0xFF), _) | (None, _) => None,
                (Some(&byte), _) => {
                    self.at += 1;
                    Some(byte)
                }
            };
            let byte = byte.unwrap_or_else(|| {
                self.fed += 8;
                0
            });
            self.acc |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
    }

    #[inline(always)]
    fn consume(&mut self, n: u32) {
        self.acc <<= n;
        self.count -= n;
    }

    /// The next `n` (1–16) bits; at least `n` bits must be waiting.
    #[inline(always)]
    fn take(&mut self, n: u32) -> u32 {
        let value = (self.acc >> (64 - n)) as u32;
        self.consume(n);
        value
    }

    /// The next symbol of `table`; at least 16 bits must be waiting.
    #[inline(always)]
    fn symbol(&mut self, table: &Table) -> Result<u8, Refusal> {
        let entry = table.fast[(self.acc >> (64 - FAST)) as usize];
        if entry != 0 {
            self.consume(u32::from(entry >> 8));
            return Ok(entry as u8);
        }
        for length in FAST + 1..=16 {
            let code = (self.acc >> (64 - length)) as i32;
            if code <= table.max_code[length as usize] {
                self.consume(length);
                let at = table.first[length as usize]
                    + usize::try_from(code - table.min_code[length as usize]).unwrap_or(0);
                return table
                    .symbols
                    .get(at)
                    .copied()
                    .ok_or_else(|| damaged("a Huffman code without a symbol"));
            }
        }
        Err(damaged("a bit pattern that is no Huffman code"))
    }

    /// Whether zeros fed at a marker were read as data.
    fn overran(&self) -> bool {
        self.count < self.fed
    }

    /// Skips to past the next restart marker and starts afresh there.
    fn restart(&mut self) -> Result<(), Refusal> {
        if self.overran() {
            return Err(damaged("an interval runs into its restart marker"));
        }
        (self.acc, self.count, self.fed) = (0, 0, 0);
        // What is left before the marker is the last byte's padding.
        while let Some(&byte) = self.data.get(self.at) {
            if byte == 0xFF && matches!(self.data.get(self.at + 1), Some(0xD0..=0xD7)) {
                self.at += 2;
                return Ok(());
            }
            self.at += 1;
        }
        Err(damaged("a restart marker is missing"))
    }
}

/// A difference or coefficient of `size` bits as the scan codes it (T.81 F.2.2.1, EXTEND).
#[inline(always)]
fn extend(bits: u32, size: u32) -> i32 {
    if bits < 1 << (size - 1) {
        bits as i32 - (1 << size) + 1
    } else {
        bits as i32
    }
}

/// Reads one block: its DC coefficient, and its AC coefficients into `turned` at their turned
/// positions with their turned signs (only the positions of the mask returned are written).
#[inline(always)]
fn block(
    bits: &mut Bits,
    (dc, ac): (&Table, &Table),
    predictor: &mut i32,
    placement: &Placement,
    turned: &mut [i16; 64],
) -> Result<(i16, u64), Refusal> {
    if bits.count < 32 {
        bits.refill();
    }
    let size = u32::from(bits.symbol(dc)?);
    if size > 11 {
        return Err(damaged("a DC difference of more than 11 bits"));
    }
    if size > 0 {
        *predictor += extend(bits.take(size), size);
    }
    // What 8-bit samples quantise to (a DC of 8 × (mean − 128) / Q, Q ≥ 1).
    if !(-1024..=1023).contains(predictor) {
        return Err(damaged("a DC coefficient out of range"));
    }
    let mut nonzero = 0u64;
    let mut k = 1;
    while k < 64 {
        if bits.count < 32 {
            bits.refill();
        }
        // A short code and its value at once (most of a photo's coefficients).
        let whole = ac.coefficient[(bits.acc >> (64 - FAST)) as usize];
        if whole != 0 {
            bits.consume((whole & 0xFF) as u32);
            k += ((whole >> 8) & 0xFF) as usize;
            if k > 63 {
                return Err(damaged("an AC coefficient out of the block"));
            }
            let to = placement.to[k] & 63;
            turned[to] = (whole >> 16) as i16 * placement.sign[k];
            nonzero |= 1 << to;
            k += 1;
            continue;
        }
        let symbol = bits.symbol(ac)?;
        let (run, size) = (usize::from(symbol >> 4), u32::from(symbol & 15));
        if size == 0 {
            if run == 15 {
                k += 16;
                continue;
            }
            break;
        }
        k += run;
        if k > 63 || size > 10 {
            return Err(damaged("an AC coefficient out of the block"));
        }
        let to = placement.to[k] & 63;
        turned[to] = extend(bits.take(size), size) as i16 * placement.sign[k];
        nonzero |= 1 << to;
        k += 1;
    }
    Ok((*predictor as i16, nonzero))
}

/// Reads the scan of `jpeg` (the bytes `header` was parsed from) into one plane per component,
/// every block stored where `placement` puts it (the trimmed edge's read and dropped).
#[inline(never)]
pub(super) fn coefficients(
    jpeg: &[u8],
    header: &Header,
    placement: &Placement,
) -> Result<Coefficients, Refusal> {
    let spec = |tables: &[Option<HuffmanSpec>; 4], id: usize| {
        tables[id]
            .as_ref()
            .ok_or_else(|| damaged("a missing Huffman table"))
            .and_then(Table::new)
    };
    let tables = header
        .components
        .iter()
        .map(|c| Ok((spec(&header.dc, c.td)?, spec(&header.ac, c.ta)?)))
        .collect::<Result<Vec<_>, Refusal>>()?;
    let (_, (mcus_w, mcus_h)) = grid(header);
    let mut planes: Vec<Plane> = placement
        .grids
        .iter()
        .map(|&(blocks_w, blocks_h)| Plane {
            blocks_w,
            blocks_h,
            blocks: vec![Block::default(); blocks_w * blocks_h],
        })
        .collect();
    let mut values = super::values::Values::for_scan(header.scan.len());
    let mut bits = Bits::new(&jpeg[header.scan.clone()]);
    let mut predictors = vec![0i32; planes.len()];
    let mut turned = [0i16; 64];
    for mcu in 0..mcus_w * mcus_h {
        if header.restart_interval > 0 && mcu > 0 && mcu % header.restart_interval == 0 {
            bits.restart()?;
            predictors.fill(0);
        }
        let (mx, my) = (mcu % mcus_w, mcu / mcus_w);
        for (i, plane) in planes.iter_mut().enumerate() {
            let (h, v) = (header.components[i].h, header.components[i].v);
            let (dc, ac) = &tables[i];
            for y in 0..v {
                for x in 0..h {
                    let (dc, mut nonzero) = block(
                        &mut bits,
                        (dc, ac),
                        &mut predictors[i],
                        placement,
                        &mut turned,
                    )?;
                    // A block of the trimmed edge is read (the data runs on) and dropped.
                    let Some(at) = placement.destination(i, mx * h + x, my * v + y) else {
                        continue;
                    };
                    let start = u32::try_from(values.len())
                        .map_err(|_| damaged("more coefficients than a photo has"))?;
                    let slot = plane
                        .blocks
                        .get_mut(at)
                        .ok_or_else(|| damaged("a block out of place"))?;
                    *slot = Block { nonzero, start, dc };
                    while nonzero != 0 {
                        values.push(turned[nonzero.trailing_zeros() as usize]);
                        nonzero &= nonzero - 1;
                    }
                }
            }
        }
    }
    if bits.overran() {
        return Err(damaged("the data ends before the last block"));
    }
    Ok(Coefficients { planes, values })
}
