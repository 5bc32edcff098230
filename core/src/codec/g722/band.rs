//! The ADPCM sub-band machinery of G.722 shared by encoder and decoder: the
//! quantisers, the scale factor adaptation (LOGSCL/SCALEL, LOGSCH/SCALEH) and the
//! adaptive pole-zero predictor ("block 4": RECONS, PARREC, UPZERO, UPPOL2, UPPOL1,
//! FILTEZ, FILTEP, PREDIC).
//!
//! Arithmetic follows the spec's 16-bit fixed point exactly; values are held in `i32`
//! and saturated to 16 bits wherever the spec's operators saturate and the range
//! analysis below does not rule it out.

use super::tables::{
    IL_BY_SIGN, INVQBL, NBH_MAX, NBL_MAX, Q2, Q6_X16, QQ2, QQ4, SCALE_H, SCALE_L, WH2, WL4,
};

/// Saturates to the 16-bit range, as the spec's `add`/`sub`/`shl` operators do.
#[inline(always)]
pub(super) fn sat16(x: i32) -> i32 {
    x.clamp(-32768, 32767)
}

/// The spec's `mult(a, b)`: `(a * b) >> 15` (no operand here is ever -32768 twice).
#[inline(always)]
fn mult(a: i32, b: i32) -> i32 {
    (a * b) >> 15
}

/// The adaptive predictor of one sub-band (block 4 of G.722).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Predictor {
    /// Signal estimate S = SP + SZ for the next sample.
    pub(super) s: i32,
    /// Zero-section output SZ.
    sz: i32,
    /// Pole coefficients A1, A2.
    a: [i32; 2],
    /// Zero coefficients B1..B6.
    b: [i32; 6],
    /// Past quantised differences D(n-1)..D(n-6).
    d: [i32; 6],
    /// Past partially reconstructed signals P(n-1), P(n-2).
    p: [i32; 2],
    /// Past reconstructed signals R(n-1), R(n-2).
    r: [i32; 2],
}

impl Predictor {
    /// Adapts the predictor to the quantised difference `d0` of the current sample and
    /// computes the estimate for the next one; returns the reconstructed signal R(n).
    ///
    /// Ranges (why only some sums saturate): |d0| ≤ 10228, |B| ≤ 32768 by construction
    /// of UPZERO, |A1| ≤ 27648, |A2| ≤ 12288; R and P are saturated sums.
    #[inline(always)]
    pub(super) fn update(&mut self, d0: i32) -> i32 {
        let p0 = sat16(d0 + self.sz); // PARREC
        let r0 = sat16(self.s + d0); // RECONS

        // UPZERO: sign-sign LMS on B1..B6 with leakage 1 - 2^-8.
        let step = if d0 == 0 { 0 } else { 128 };
        let mut b = self.b;
        for (bi, &di) in b.iter_mut().zip(&self.d) {
            let g = if (d0 ^ di) >= 0 { step } else { -step };
            *bi = g + mult(*bi, 32640);
        }
        let d = [d0, self.d[0], self.d[1], self.d[2], self.d[3], self.d[4]];

        // UPPOL2, then UPPOL1 (which is limited by the new A2).
        let same1 = (p0 ^ self.p[0]) >= 0;
        let same2 = (p0 ^ self.p[1]) >= 0;
        let wd1 = sat16(self.a[0] << 2);
        let wd2 = if same1 { sat16(-wd1) } else { wd1 } >> 7;
        let wd3 = if same2 { 128 } else { -128 };
        let a2 = (wd2 + wd3 + mult(self.a[1], 32512)).clamp(-12288, 12288);
        let wd1 = if same1 { 192 } else { -192 };
        let lim = 15360 - a2;
        let a1 = (wd1 + mult(self.a[0], 32640)).min(lim).max(-lim);

        // FILTEZ: the spec accumulates B6·D6 first, saturating at every step.
        let mut sz = 0;
        for i in (0..6).rev() {
            sz = sat16(sz + mult(d[i] << 1, b[i]));
        }
        // FILTEP on the new R(n) and R(n-1).
        let sp = sat16(mult(a1, sat16(r0 << 1)) + mult(a2, sat16(self.r[0] << 1)));

        self.b = b;
        self.d = d;
        self.a = [a1, a2];
        self.p = [p0, self.p[0]];
        self.r = [r0, self.r[0]];
        self.sz = sz;
        self.s = sat16(sp + sz); // PREDIC
        r0
    }
}

/// Lower sub-band ADPCM state: predictor plus quantiser scale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct LowBand {
    pred: Predictor,
    /// Log scale factor NBL (0..=18432).
    nb: i32,
    /// Quantiser scale factor DETL.
    det: i32,
}

impl Default for LowBand {
    fn default() -> Self {
        LowBand {
            pred: Predictor::default(),
            nb: 0,
            det: SCALE_L[0],
        }
    }
}

impl LowBand {
    /// Adapts the scale factor and predictor to the 6-bit code `il`.
    #[inline(always)]
    fn adapt(&mut self, il: usize) {
        let il4 = (il >> 2) & 15;
        let dlt = mult(self.det, QQ4[il4]); // INVQAL
        self.nb = (mult(self.nb, 32512) + WL4[il4]).clamp(0, NBL_MAX); // LOGSCL
        self.det = SCALE_L[(self.nb >> 6) as usize & 511]; // SCALEL
        self.pred.update(dlt);
    }

    /// Encodes one lower sub-band sample `xl` to its 6-bit code (SUBTRA, QUANTL).
    #[inline(always)]
    pub(super) fn encode(&mut self, xl: i32) -> u8 {
        let el = sat16(xl - self.pred.s);
        let magnitude = el ^ (el >> 31);
        // Count the decision levels at or below the magnitude (branch-free; the
        // compiler turns it into a few vector multiplies and compares).
        let det = self.det as u32;
        let mut count = 0u32;
        for &q in &Q6_X16 {
            count += u32::from(((u32::from(q) * det) >> 16) as i32 <= magnitude);
        }
        let mil = count.min(30) as usize;
        let il = IL_BY_SIGN[usize::from(el >= 0)][mil & 31];
        self.adapt(usize::from(il));
        il
    }

    /// Decodes the 6-bit code `il`; `mode` selects the inverse quantiser (0: 6 bits,
    /// 1: 5 bits, 2: 4 bits). Returns the reconstructed sample, limited to 15 bits.
    #[inline(always)]
    pub(super) fn decode(&mut self, il: usize, mode: usize) -> i32 {
        let table = &INVQBL[mode.min(2)];
        let dl = mult(self.det, table[il & 63]); // INVQBL
        let rl = sat16(self.pred.s + dl);
        self.adapt(il);
        rl.clamp(-16384, 16383) // LIMIT
    }
}

/// Higher sub-band ADPCM state: predictor plus quantiser scale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct HighBand {
    pred: Predictor,
    /// Log scale factor NBH (0..=22528).
    nb: i32,
    /// Quantiser scale factor DETH.
    det: i32,
}

impl Default for HighBand {
    fn default() -> Self {
        HighBand {
            pred: Predictor::default(),
            nb: 0,
            det: SCALE_H[0],
        }
    }
}

impl HighBand {
    /// Adapts to the 2-bit code `ih`; returns the reconstructed signal RH.
    #[inline(always)]
    fn adapt(&mut self, ih: usize) -> i32 {
        let ih = ih & 3;
        let dh = mult(QQ2[ih], self.det); // INVQAH
        self.nb = (mult(self.nb, 32512) + WH2[ih]).clamp(0, NBH_MAX); // LOGSCH
        self.det = SCALE_H[(self.nb >> 6) as usize & 511]; // SCALEH
        self.pred.update(dh)
    }

    /// Encodes one higher sub-band sample `xh` to its 2-bit code (SUBTRA, QUANTH).
    #[inline(always)]
    pub(super) fn encode(&mut self, xh: i32) -> u8 {
        let eh = sat16(xh - self.pred.s);
        let magnitude = eh ^ (eh >> 31);
        let outer = magnitude >= mult(Q2, self.det);
        // Negative: 1 (inner) / 0 (outer); positive: 3 (inner) / 2 (outer).
        let ih = (u8::from(eh >= 0) << 1) | u8::from(!outer);
        self.adapt(usize::from(ih));
        ih
    }

    /// Decodes the 2-bit code `ih`; returns the reconstructed sample, limited to 15 bits.
    #[inline(always)]
    pub(super) fn decode(&mut self, ih: usize) -> i32 {
        self.adapt(ih).clamp(-16384, 16383)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_state_matches_the_spec() {
        let low = LowBand::default();
        let high = HighBand::default();
        assert_eq!((low.det, low.nb, low.pred.s), (32, 0, 0));
        assert_eq!((high.det, high.nb, high.pred.s), (8, 0, 0));
    }

    #[test]
    fn silence_stays_near_silence() {
        let mut low = LowBand::default();
        let mut high = HighBand::default();
        let mut low_dec = LowBand::default();
        let mut high_dec = HighBand::default();
        for _ in 0..1000 {
            let il = low.encode(0);
            let ih = high.encode(0);
            // The reconstruction of silence stays within a few LSBs of zero.
            assert!(low_dec.decode(usize::from(il), 0).abs() <= 16);
            assert!(high_dec.decode(usize::from(ih)).abs() <= 16);
        }
        // The idle channel keeps a small, bounded scale.
        assert!(low.nb < NBL_MAX / 4 && high.nb < NBH_MAX / 4);
    }

    #[test]
    fn decoder_tracks_encoder_state() {
        // Feeding the encoder's codes to a decoder keeps both in lock step.
        let mut enc = LowBand::default();
        let mut dec = LowBand::default();
        let mut henc = HighBand::default();
        let mut hdec = HighBand::default();
        for n in 0..4000i32 {
            let x = ((n * 7919) % 20000) - 10000;
            let il = enc.encode(x);
            dec.decode(usize::from(il), 0);
            let ih = henc.encode(x / 3);
            hdec.decode(usize::from(ih));
            assert_eq!(enc, dec);
            assert_eq!(henc, hdec);
        }
    }

    #[test]
    fn extreme_inputs_stay_in_range() {
        let mut low = LowBand::default();
        let mut high = HighBand::default();
        for n in 0..20000 {
            let x = if (n / 3) % 2 == 0 { 16383 } else { -16384 };
            low.encode(x);
            high.encode(-x);
            assert!((0..=NBL_MAX).contains(&low.nb));
            assert!((0..=NBH_MAX).contains(&high.nb));
            assert!(low.pred.a[0].abs() <= 27648 && low.pred.a[1].abs() <= 12288);
        }
        let mut dec = LowBand::default();
        for n in 0..20000usize {
            let y = dec.decode((n * 37) % 64, n % 3);
            assert!((-16384..=16383).contains(&y));
        }
    }
}
