//! The 24-tap quadrature mirror filter bank of G.722 (transmit and receive QMF).
//!
//! Both filters run over a window of 24 samples in time order, oldest first; the
//! caller slides the window by two samples (one sample pair) per step. Because the
//! coefficients are symmetric, the spec's "even" and "odd" accumulators become sums
//! over the odd and even window positions.

use super::tables::QMF;

/// Number of past samples a filter window needs besides the newest pair.
pub(super) const HISTORY: usize = 22;

/// Sums `h[j] * w[j]` over the even and the odd positions of the window.
#[inline(always)]
fn split_dot(w: &[i32; 24]) -> (i32, i32) {
    let mut even = 0;
    let mut odd = 0;
    for k in 0..12 {
        even += QMF[2 * k] * w[2 * k];
        odd += QMF[2 * k + 1] * w[2 * k + 1];
    }
    (even, odd)
}

/// Transmit QMF: splits the window ending with a sample pair into the lower and higher
/// sub-band samples XL, XH, each limited to 15 bits.
///
/// Bounds: |Σ h·x| ≤ 12964 · 32768 < 2^29, so no accumulator saturates.
#[inline(always)]
pub(super) fn analysis(w: &[i32; 24]) -> (i32, i32) {
    let (even, odd) = split_dot(w);
    let xl = ((odd + even) >> 14).clamp(-16384, 16383);
    let xh = ((odd - even) >> 14).clamp(-16384, 16383);
    (xl, xh)
}

/// Receive QMF: the window holds the interleaved stream `RL + RH`, `RL - RH`, one pair
/// per sample period; returns the two output samples of the newest pair, in time order.
#[inline(always)]
pub(super) fn synthesis(w: &[i32; 24]) -> (i16, i16) {
    let (even, odd) = split_dot(w);
    let first = (odd >> 11).clamp(-32768, 32767) as i16;
    let second = (even >> 11).clamp(-32768, 32767) as i16;
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
        let w = [i32::from(i16::MAX); 24];
        let (xl, xh) = analysis(&w);
        assert_eq!((xl, xh), (16383, 0));
        let (a, b) = synthesis(&w);
        assert_eq!((a, b), (i16::MAX, i16::MAX));
        let (a, b) = synthesis(&[i32::from(i16::MIN); 24]);
        assert_eq!((a, b), (i16::MIN, i16::MIN));
    }
}
