//! Where a turn puts each stored block and each of its coefficients: the orientation as moves
//! of the stored image (mirror its columns, its rows, then transpose), and the map the reader
//! uses to store every block straight into its upright place (so the writer reads them in
//! order).

use image::metadata::Orientation;

use super::header::Header;

/// Zigzag position → natural (row-major) position in an 8×8 block.
const NATURAL: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// An EXIF orientation as moves of the stored image: mirror its columns, its rows, then
/// transpose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Turn {
    pub(super) mirror_x: bool,
    pub(super) mirror_y: bool,
    pub(super) transpose: bool,
}

impl Turn {
    /// The moves that make an image of `orientation` upright; `None` when it is upright.
    pub(super) fn of(orientation: Orientation) -> Option<Self> {
        let (mirror_x, mirror_y, transpose) = match orientation {
            Orientation::NoTransforms => return None,
            Orientation::FlipHorizontal => (true, false, false),
            Orientation::Rotate180 => (true, true, false),
            Orientation::FlipVertical => (false, true, false),
            Orientation::Rotate90FlipH => (false, false, true),
            Orientation::Rotate90 => (false, true, true),
            Orientation::Rotate270FlipH => (true, true, true),
            Orientation::Rotate270 => (true, false, true),
        };
        Some(Turn {
            mirror_x,
            mirror_y,
            transpose,
        })
    }

    /// `(a, b)` as the turned image has it: swapped by a transpose.
    pub(super) fn swap<T>(self, (a, b): (T, T)) -> (T, T) {
        if self.transpose { (b, a) } else { (a, b) }
    }

    /// For each zigzag position of a stored block, the zigzag position it takes in the turned
    /// block and the sign it takes it with (a mirrored axis negates its odd frequencies; a
    /// transpose swaps the two frequencies).
    pub(super) fn coefficients(self) -> ([usize; 64], [i16; 64]) {
        let mut zigzag = [0; 64];
        for (k, &n) in NATURAL.iter().enumerate() {
            zigzag[n] = k;
        }
        let (mut to, mut sign) = ([0; 64], [1; 64]);
        for (k, &n) in NATURAL.iter().enumerate() {
            let (row, column) = (n / 8, n % 8);
            let (turned_row, turned_column) = self.swap((row, column));
            to[k] = zigzag[turned_row * 8 + turned_column];
            if (self.mirror_x && column % 2 == 1) ^ (self.mirror_y && row % 2 == 1) {
                sign[k] = -1;
            }
        }
        (to, sign)
    }
}

/// Where each stored block of each component goes in the turned image's grid of blocks.
#[derive(Debug, Clone)]
pub(super) struct Placement {
    turn: Turn,
    /// Per component: the stored blocks within the kept area (what a mirror counts from).
    extent: Vec<(usize, usize)>,
    /// Per component: the turned image's grid of blocks (MCU-padded, as its scan codes it).
    pub grids: Vec<(usize, usize)>,
    /// The turned image's MCUs across and down.
    pub mcus: (usize, usize),
    /// Per component: its sampling factors in the turned image.
    pub sampling: Vec<(usize, usize)>,
    /// Per stored zigzag position: the turned position, and the sign.
    pub to: [usize; 64],
    pub sign: [i16; 64],
}

impl Placement {
    /// The placement of `header`'s blocks for `turn`, the stored image trimmed to `kept`.
    pub(super) fn new(header: &Header, turn: Turn, kept: (usize, usize)) -> Self {
        let (max_h, max_v) = header.max_sampling();
        let extent = header
            .components
            .iter()
            .map(|c| {
                (
                    (kept.0 * c.h).div_ceil(max_h).div_ceil(8),
                    (kept.1 * c.v).div_ceil(max_v).div_ceil(8),
                )
            })
            .collect();
        let sampling: Vec<(usize, usize)> = header
            .components
            .iter()
            .map(|c| turn.swap((c.h, c.v)))
            .collect();
        let (width, height) = turn.swap(kept);
        let (mcu_w, mcu_h) = turn.swap((8 * max_h, 8 * max_v));
        let mcus = (width.div_ceil(mcu_w), height.div_ceil(mcu_h));
        let grids = sampling
            .iter()
            .map(|&(h, v)| (mcus.0 * h, mcus.1 * v))
            .collect();
        let (to, sign) = turn.coefficients();
        Placement {
            turn,
            extent,
            grids,
            mcus,
            sampling,
            to,
            sign,
        }
    }

    /// Where stored block `(x, y)` of component `c` goes (its index in the turned grid), or
    /// `None` for a block of the trimmed edge.
    #[inline]
    pub(super) fn destination(&self, c: usize, x: usize, y: usize) -> Option<usize> {
        let (extent_x, extent_y) = self.extent[c];
        let x = if self.turn.mirror_x {
            extent_x.checked_sub(x + 1)?
        } else {
            x
        };
        let y = if self.turn.mirror_y {
            extent_y.checked_sub(y + 1)?
        } else {
            y
        };
        let (x, y) = self.turn.swap((x, y));
        let (w, h) = self.grids[c];
        (x < w && y < h).then_some(y * w + x)
    }
}
