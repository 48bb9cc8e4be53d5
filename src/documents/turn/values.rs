//! The nonzero AC coefficients of a turn's blocks, kept compactly while the scan is read and
//! read back in order when the turned scan is written.

/// The byte that says a value does not fit in one: its two bytes follow (little-endian).
const ESCAPE: u8 = 0x80;

/// The nonzero AC values of every block in the order they were read: one byte each for the
/// values from −127 to 127 (nearly all of a photo's: they are quantised), [`ESCAPE`] and two
/// bytes for the others. Half the memory of `i16`s, and the largest part of a turn's.
#[derive(Debug)]
pub(super) struct Values {
    bytes: Vec<u8>,
}

impl Values {
    /// Room for every value a scan of `scan_len` bytes can hold, so the store never grows by
    /// copying (a copy held both at once): each nonzero coefficient takes two bits or more of
    /// the scan (a code and a magnitude bit) and one byte here, a value past ±127 nine bits or
    /// more and three bytes. Only the pages written to count against the process's memory.
    pub(super) fn for_scan(scan_len: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(scan_len.saturating_mul(4)),
        }
    }

    #[inline]
    pub(super) fn push(&mut self, value: i16) {
        match i8::try_from(value) {
            Ok(small) if small != i8::MIN => self.bytes.push(small.to_ne_bytes()[0]),
            _ => {
                self.bytes.push(ESCAPE);
                self.bytes.extend_from_slice(&value.to_le_bytes());
            }
        }
    }

    pub(super) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The values from the byte offset `start` on (a block's start).
    #[inline]
    pub(super) fn from(&self, start: usize) -> ValuesFrom<'_> {
        ValuesFrom {
            bytes: self.bytes.get(start..).unwrap_or_default(),
        }
    }
}

/// Values read back in order (see [`Values`]).
pub(super) struct ValuesFrom<'a> {
    bytes: &'a [u8],
}

impl Iterator for ValuesFrom<'_> {
    type Item = i16;

    #[inline]
    fn next(&mut self) -> Option<i16> {
        let (&first, rest) = self.bytes.split_first()?;
        if first != ESCAPE {
            self.bytes = rest;
            return Some(i16::from(i8::from_ne_bytes([first])));
        }
        let (pair, rest) = rest.split_at_checked(2)?;
        self.bytes = rest;
        Some(i16::from_le_bytes([pair[0], pair[1]]))
    }
}

#[cfg(test)]
mod tests {
    use super::Values;

    #[test]
    fn small_values_take_a_byte_and_the_rest_come_back_whole() {
        let all = [
            0,
            1,
            -1,
            127,
            -127,
            -128,
            128,
            300,
            -1024,
            i16::MAX,
            i16::MIN,
            5,
        ];
        let mut values = Values::for_scan(all.len());
        let mut starts = Vec::new();
        for v in all {
            starts.push(values.len());
            values.push(v);
        }
        assert_eq!(values.from(0).collect::<Vec<_>>(), all);
        // From any value's start on, the rest in order.
        for (i, &start) in starts.iter().enumerate() {
            assert_eq!(values.from(start).collect::<Vec<_>>(), all[i..]);
        }
        // One byte each but for −128, 128, 300, −1024 and the two extremes (three each).
        assert_eq!(values.len(), all.len() + 2 * 6);
    }
}
