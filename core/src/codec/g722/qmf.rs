//! The 24-tap quadrature mirror filter bank of G.722 (transmit and receive QMF).
//!
//! The spec runs both filters over a 24-sample delay line and splits each sum into the
//! taps at even and odd positions. Since the line advances by one sample pair per step,
//! the even taps only ever see the first samples of the pairs and the odd taps the
//! second ones: each half is a 12-tap filter over its own stream of pairs' samples.
//! With symmetric coefficients the spec's "accumulator A" is the filter over the
//! second samples and "accumulator B" the one over the first samples. The dot products
//! are 16-bit by 16-bit into 32-bit sums, which the compiler maps onto multiply-add
//! vector instructions.

use super::tables::QMF;

/// Taps per stream.
pub(super) const TAPS: usize = 12;
/// Past samples of each stream that a filter needs besides the newest one.
pub(super) const HISTORY: usize = TAPS - 1;

/// Builds the coefficients at positions `first`, `first + 2`, ... of the QMF.
const fn every_other(first: usize) -> [i16; TAPS] {
    let mut t = [0i16; TAPS];
    let mut m = 0;
    while m < TAPS {
        t[m] = QMF[first + 2 * m] as i16;
        m += 1;
    }
    t
}

/// h0, h2, ..., h22: the taps over the pairs' first samples.
static H_EVEN: [i16; TAPS] = every_other(0);
/// h1, h3, ..., h23: the taps over the pairs' second samples.
static H_ODD: [i16; TAPS] = every_other(1);

/// `Σ c[m] * w[m]`; |result| ≤ 6482 · 32768 < 2^28, so it cannot overflow.
#[inline(always)]
fn dot(c: &[i16; TAPS], w: &[i16; TAPS]) -> i32 {
    c.iter()
        .zip(w)
        .map(|(&c, &w)| i32::from(c) * i32::from(w))
        .sum()
}

/// Transmit QMF: from the last 12 first samples and the last 12 second samples of the
/// input pairs (oldest first), the lower and higher sub-band samples XL, XH, each
/// limited to 15 bits: `XL = (A + B) >> 14`, `XH = (A - B) >> 14`.
#[inline(always)]
pub(super) fn analysis(first: &[i16; TAPS], second: &[i16; TAPS]) -> (i32, i32) {
    let b = dot(&H_EVEN, first);
    let a = dot(&H_ODD, second);
    let xl = ((a + b) >> 14).clamp(-16384, 16383);
    let xh = ((a - b) >> 14).clamp(-16384, 16383);
    (xl, xh)
}

/// Receive QMF: from the last 12 values of `RL + RH` and of `RL - RH` (oldest first),
/// the two output samples of the newest pair, in time order.
#[inline(always)]
pub(super) fn synthesis(sums: &[i16; TAPS], differences: &[i16; TAPS]) -> (i16, i16) {
    let first = (dot(&H_ODD, differences) >> 11).clamp(-32768, 32767) as i16;
    let second = (dot(&H_EVEN, sums) >> 11).clamp(-32768, 32767) as i16;
    (first, second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dc_goes_to_the_lower_band() {
        let w = [1000; TAPS];
        // Each half of the bank has gain 2^12: XL = 2 * 4096 * 1000 >> 14.
        assert_eq!(analysis(&w, &w), (500, 0));
    }

    #[test]
    fn nyquist_goes_to_the_higher_band() {
        // First samples -1000, second samples +1000: the highest frequency.
        assert_eq!(analysis(&[-1000; TAPS], &[1000; TAPS]), (0, 500));
    }

    #[test]
    fn full_scale_saturates_instead_of_wrapping() {
        let max = [i16::MAX; TAPS];
        assert_eq!(analysis(&max, &max), (16383, 0));
        assert_eq!(synthesis(&max, &max), (i16::MAX, i16::MAX));
        let min = [i16::MIN; TAPS];
        assert_eq!(synthesis(&min, &min), (i16::MIN, i16::MIN));
    }
}
