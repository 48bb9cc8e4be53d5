//! What a baseline JPEG's markers say that turning it needs: its quantisation and Huffman
//! tables, its frame (size, components, sampling), the restart interval, and where its one scan's
//! entropy-coded data lies. Anything this route does not turn (progressive or arithmetic coding,
//! 12-bit samples, several scans, four components, 4:1:1 sampling) is [`Unturnable`]: the photo
//! is then decoded and re-encoded instead.

use std::ops::Range;

use super::super::jpeg::{self, Piece};

/// A photo this route does not turn (the other route does), and why, for the logs and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::documents) struct Unturnable(pub &'static str);

/// A component of the frame, with the tables its one scan names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Component {
    pub id: u8,
    /// Horizontal and vertical sampling factors (1 or 2).
    pub h: usize,
    pub v: usize,
    /// Quantisation table.
    pub tq: usize,
    /// DC and AC Huffman tables.
    pub td: usize,
    pub ta: usize,
}

/// A Huffman table as the DHT segment gives it: how many codes of each length (1–16), and the
/// symbols in code order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct HuffmanSpec {
    pub counts: [u8; 16],
    pub symbols: Vec<u8>,
}

/// The markers of a JPEG this route turns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::documents) struct Header {
    pub(super) width: usize,
    pub(super) height: usize,
    pub(super) components: Vec<Component>,
    /// Quantisation tables, in zigzag order as the DQT segment gives them.
    pub(super) quant: [Option<[u16; 64]>; 4],
    pub(super) dc: [Option<HuffmanSpec>; 4],
    pub(super) ac: [Option<HuffmanSpec>; 4],
    /// MCUs between restart markers (0: none).
    pub(super) restart_interval: usize,
    /// The scan's entropy-coded data (restart markers included).
    pub(super) scan: Range<usize>,
}

fn be16(bytes: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *bytes.get(at)?,
        *bytes.get(at + 1)?,
    ])))
}

impl Header {
    /// The largest sampling factors.
    pub(super) fn max_sampling(&self) -> (usize, usize) {
        let h = self.components.iter().map(|c| c.h).max().unwrap_or(1);
        let v = self.components.iter().map(|c| c.v).max().unwrap_or(1);
        (h, v)
    }

    /// The width and height of an MCU in pixels (a block for one component, whose factors
    /// [`Header::parse`] sets to 1).
    pub(super) fn mcu_size(&self) -> (usize, usize) {
        let (h, v) = self.max_sampling();
        (8 * h, 8 * v)
    }

    /// Reads the markers of `bytes` (a JPEG up to its end-of-image marker).
    pub(in crate::documents) fn parse(bytes: &[u8]) -> Result<Self, Unturnable> {
        let mut header = Header {
            width: 0,
            height: 0,
            components: Vec::new(),
            quant: [None; 4],
            dc: Default::default(),
            ac: Default::default(),
            restart_interval: 0,
            scan: 0..0,
        };
        let mut problem: Option<&'static str> = None;
        let (mut frames, mut scans) = (0, 0);
        let walked = jpeg::walk(bytes, |piece| {
            if problem.is_some() {
                return;
            }
            let outcome = match piece {
                Piece::Entropy(range) => {
                    header.scan = range;
                    Ok(())
                }
                Piece::Segment(marker, range) => {
                    let payload = &bytes[range.start + 4.min(range.len())..range.end];
                    if scans > 0 && matches!(marker, 0xC4 | 0xDB | 0xDD) {
                        problem = Some("tables after the scan");
                        return;
                    }
                    match marker {
                        0xC0 | 0xC1 => {
                            frames += 1;
                            header.frame(payload)
                        }
                        0xDB => header.quantisation(payload),
                        0xC4 => header.huffman(payload),
                        0xDD => be16(payload, 0)
                            .map(|n| header.restart_interval = n)
                            .ok_or("a short restart interval"),
                        0xDA => {
                            scans += 1;
                            header.start_of_scan(payload)
                        }
                        0xD0..=0xD7 | 0xE0..=0xEF | 0xFE => Ok(()),
                        _ => Err("a marker this route does not turn"),
                    }
                }
            };
            if let Err(why) = outcome {
                problem = Some(why);
            }
        });
        if walked.is_err() {
            return Err(Unturnable("the markers do not walk"));
        }
        if let Some(why) = problem {
            return Err(Unturnable(why));
        }
        if frames != 1 || scans != 1 {
            return Err(Unturnable("not one frame and one scan"));
        }
        Ok(header)
    }

    fn frame(&mut self, payload: &[u8]) -> Result<(), &'static str> {
        if !self.components.is_empty() {
            return Err("two frames");
        }
        let (Some(&precision), Some(height), Some(width), Some(&count)) = (
            payload.first(),
            be16(payload, 1),
            be16(payload, 3),
            payload.get(5),
        ) else {
            return Err("a short frame");
        };
        if precision != 8 {
            return Err("not 8-bit samples");
        }
        if width == 0 || height == 0 {
            return Err("no size in the frame");
        }
        if !matches!(count, 1 | 3) {
            return Err("neither one nor three components");
        }
        let specs = payload
            .get(6..6 + 3 * usize::from(count))
            .ok_or("a short frame")?;
        for spec in specs.chunks_exact(3) {
            let (h, v, tq) = (
                usize::from(spec[1] >> 4),
                usize::from(spec[1] & 15),
                usize::from(spec[2]),
            );
            if !(1..=2).contains(&h) || !(1..=2).contains(&v) || tq > 3 {
                return Err("sampling or tables this route does not turn");
            }
            if self.components.iter().any(|c| c.id == spec[0]) {
                return Err("two components with one id");
            }
            self.components.push(Component {
                id: spec[0],
                h,
                v,
                tq,
                td: 0,
                ta: 0,
            });
        }
        if count == 1 {
            // One component is coded block by block whatever its factors say.
            self.components[0].h = 1;
            self.components[0].v = 1;
        }
        let (max_h, max_v) = self.max_sampling();
        if self
            .components
            .iter()
            .any(|c| max_h % c.h != 0 || max_v % c.v != 0)
        {
            return Err("sampling factors that do not divide");
        }
        (self.width, self.height) = (width, height);
        Ok(())
    }

    fn quantisation(&mut self, mut payload: &[u8]) -> Result<(), &'static str> {
        while let Some((&pq_tq, rest)) = payload.split_first() {
            let (sixteen, id) = (pq_tq >> 4 == 1, usize::from(pq_tq & 15));
            if pq_tq >> 4 > 1 || id > 3 {
                return Err("a quantisation table this route does not read");
            }
            let size = if sixteen { 128 } else { 64 };
            let values = rest.get(..size).ok_or("a short quantisation table")?;
            let mut table = [0u16; 64];
            for (k, slot) in table.iter_mut().enumerate() {
                *slot = if sixteen {
                    u16::from_be_bytes([values[2 * k], values[2 * k + 1]])
                } else {
                    u16::from(values[k])
                };
            }
            if table.contains(&0) {
                return Err("a zero in a quantisation table");
            }
            self.quant[id] = Some(table);
            payload = &rest[size..];
        }
        Ok(())
    }

    fn huffman(&mut self, mut payload: &[u8]) -> Result<(), &'static str> {
        while let Some((&tc_th, rest)) = payload.split_first() {
            let (class, id) = (tc_th >> 4, usize::from(tc_th & 15));
            if class > 1 || id > 3 {
                return Err("a Huffman table this route does not read");
            }
            let counts: [u8; 16] = rest
                .get(..16)
                .and_then(|c| c.try_into().ok())
                .ok_or("a short Huffman table")?;
            let total: usize = counts.iter().map(|&n| usize::from(n)).sum();
            if total > 256 {
                return Err("a Huffman table with too many codes");
            }
            let symbols = rest
                .get(16..16 + total)
                .ok_or("a short Huffman table")?
                .to_vec();
            let spec = Some(HuffmanSpec { counts, symbols });
            if class == 0 {
                self.dc[id] = spec;
            } else {
                self.ac[id] = spec;
            }
            payload = &rest[16 + total..];
        }
        Ok(())
    }

    fn start_of_scan(&mut self, payload: &[u8]) -> Result<(), &'static str> {
        let count = usize::from(*payload.first().ok_or("a short scan header")?);
        if count != self.components.len() {
            return Err("a scan without every component");
        }
        let specs = payload.get(1..1 + 2 * count).ok_or("a short scan header")?;
        for (component, spec) in self.components.iter_mut().zip(specs.chunks_exact(2)) {
            if spec[0] != component.id {
                return Err("a scan's components out of the frame's order");
            }
            (component.td, component.ta) = (usize::from(spec[1] >> 4), usize::from(spec[1] & 15));
            if component.td > 3 || component.ta > 3 {
                return Err("a scan naming a table that cannot exist");
            }
        }
        if payload.get(1 + 2 * count..4 + 2 * count) != Some(&[0, 63, 0][..]) {
            return Err("not a sequential scan of every coefficient");
        }
        for c in &self.components {
            if self.quant[c.tq].is_none() || self.dc[c.td].is_none() || self.ac[c.ta].is_none() {
                return Err("a scan naming a table not given before it");
            }
        }
        Ok(())
    }
}
