//! The 24-tap quadrature mirror filter bank of G.722 (transmit and receive QMF).
//!
//! Both filters run over a window of 24 samples in time order, oldest first; the
//! caller slides the window by two samples (one sample pair) per step. Because the
//! coefficients are symmetric, the spec's "even" and "odd" accumulators become sums
//! over the odd and even window positions, and each output is one dot product of the
//! window with a fixed coefficient vector (16-bit by 16-bit into 32-bit sums, which
//! the compiler maps onto multiply-add vector instructions).

use super::tables::QMF;

/// Number of past samples a filter window needs besides the newest pair.
pub(super) const HISTORY: usize = 22;

/// Builds a coefficient vector: `QMF[k]` scaled by `even` at even and `odd` at odd `k`.
const fn weighted(even: i32, odd: i32) -> [i16; 24] {
    let mut t = [0i16; 24];
    let mut k = 0;
    while k < 24 {
        t[k] = (QMF[k] * if k % 2 == 0 { even } else { odd }) as i16;
        k += 1;
    }
    t
}

/// All coefficients: the lower sub-band (odd + even sums).
static SUM: [i16; 24] = weighted(1, 1);
/// The higher sub-band (odd - even sums).
static DIFFERENCE: [i16; 24] = weighted(-1, 1);
/// Odd positions only.
static ODD: [i16; 24] = weighted(0, 1);
/// Even positions only.
static EVEN: [i16; 24] = weighted(1, 0);

/// `Σ c[k] * w[k]`; |result| ≤ 12964 · 32768 < 2^29, so it cannot overflow.
#[inline(always)]
fn dot(c: &[i16; 24], w: &[i16; 24]) -> i32 {
    c.iter()
        .zip(w)
        .map(|(&c, &w)| i32::from(c) * i32::from(w))
        .sum()
}

/// Transmit QMF: splits the window ending with a sample pair into the lower and higher
/// sub-band samples XL, XH, each limited to 15 bits.
#[inline(always)]
pub(super) fn analysis(w: &[i16; 24]) -> (i32, i32) {
    let xl = (dot(&SUM, w) >> 14).clamp(-16384, 16383);
    let xh = (dot(&DIFFERENCE, w) >> 14).clamp(-16384, 16383);
    (xl, xh)
}

/// Receive QMF: the window holds the interleaved stream `RL + RH`, `RL - RH`, one pair
/// per sample period; returns the two output samples of the newest pair, in time order.
#[inline(always)]
pub(super) fn synthesis(w: &[i16; 24]) -> (i16, i16) {
    let first = (dot(&ODD, w) >> 11).clamp(-32768, 32767) as i16;
    let second = (dot(&EVEN, w) >> 11).clamp(-32768, 32767) as i16;
    (first, second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dc_goes_to_the_lower_band() {
        let w = [1000; 24];
        // Each half of the bank has gain 2^12: XL = 2 * 4096 * 1000 >> 14.
        assert_eq!(analysis(&w), (500, 0));
    }

    #[test]
    fn nyquist_goes_to_the_higher_band() {
        let mut w = [0; 24];
        for (i, x) in w.iter_mut().enumerate() {
            *x = if i % 2 == 0 { -1000 } else { 1000 };
        }
        assert_eq!(analysis(&w), (0, 500));
    }

    #[test]
    fn full_scale_saturates_instead_of_wrapping() {
        let (xl, xh) = analysis(&[i16::MAX; 24]);
        assert_eq!((xl, xh), (16383, 0));
        assert_eq!(synthesis(&[i16::MAX; 24]), (i16::MAX, i16::MAX));
        assert_eq!(synthesis(&[i16::MIN; 24]), (i16::MIN, i16::MIN));
    }
}
