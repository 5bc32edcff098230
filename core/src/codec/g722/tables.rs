//! Constants of ITU-T G.722 (11/1988, §6 "Computational details"), and the lookup
//! tables derived from them at compile time.
//!
//! The spec's tables index magnitudes through small code-to-level maps plus a sign
//! table; the derived tables fold those into one signed value per code word so that
//! the hot loops do a single masked load.

/// QMF coefficients h0..h23 (G.722 table 12), symmetric: `H[i] == H[23 - i]`.
pub(super) const QMF: [i32; 24] = [
    3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876, 3876, 951, -805, -210, 362, 32,
    -156, 12, 53, -11, -11, 3,
];

/// Decision levels Q6 of the 6-bit lower sub-band quantiser (table 14), index 0..=30.
const Q6: [i32; 31] = [
    0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940,
    1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919, 3200,
];

/// Lower sub-band code for a negative difference in quantiser interval `mil` (1..=30).
const ILN: [u8; 31] = [
    0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11,
    10, 9, 8, 7, 6, 5, 4,
];
/// Lower sub-band code for a positive difference in quantiser interval `mil` (1..=30).
const ILP: [u8; 31] = [
    0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39,
    38, 37, 36, 35, 34, 33, 32,
];

/// Output levels of the 4-bit inverse quantiser (table 15, QQ4), by level number.
const OQ4: [i32; 8] = [0, 150, 323, 530, 786, 1121, 1612, 2557];
/// Level number of each 4-bit code (RIL4).
const RIL4: [usize; 16] = [0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0];
/// Output levels of the 5-bit inverse quantiser (QQ5), by level number.
const OQ5: [i32; 16] = [
    0, 35, 110, 190, 276, 370, 473, 587, 714, 858, 1023, 1219, 1458, 1765, 2195, 2919,
];
/// Level number of each 5-bit code (RIL5).
const RIL5: [usize; 32] = [
    1, 1, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4,
    3, 2, 1, 1,
];
/// Output levels of the 6-bit inverse quantiser (QQ6), by level number.
const OQ6: [i32; 31] = [
    0, 17, 54, 91, 130, 170, 211, 254, 300, 347, 396, 447, 501, 558, 618, 682, 750, 822, 899, 982,
    1072, 1170, 1279, 1399, 1535, 1689, 1873, 2088, 2376, 2738, 3101,
];
/// Level number of each 6-bit code (RIL6).
const RIL6: [usize; 64] = [
    1, 1, 1, 1, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10,
    9, 8, 7, 6, 5, 4, 3, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13,
    12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 2, 1,
];

/// Log scale factor multipliers of the lower sub-band (table 16, WL), by 4-bit level.
const WL: [i32; 8] = [-60, -30, 58, 172, 334, 538, 1198, 3042];
/// Log scale factor multipliers of the higher sub-band (table 17, WH), by 2-bit level.
const WH: [i32; 3] = [0, -214, 798];
/// Output levels of the 2-bit higher sub-band inverse quantiser (QQ2).
const OQ2: [i32; 3] = [0, 202, 926];
/// Level number of each 2-bit higher sub-band code (RIH2).
const RIH2: [usize; 4] = [2, 1, 2, 1];

/// Decision level of the 2-bit higher sub-band quantiser (table 13), already scaled by 8.
pub(super) const Q2: i32 = 564 << 3;

/// Upper limit of the lower sub-band log scale factor NBL.
pub(super) const NBL_MAX: i32 = 18432;
/// Upper limit of the higher sub-band log scale factor NBH.
pub(super) const NBH_MAX: i32 = 22528;

/// The antilog table ILA of SCALEL/SCALEH: `ILA[i] ≈ 2^(i/32 + 1) - 1`, i = 0..=352.
const ILA: [i32; 353] = [
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6,
    7, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10, 11, 11, 11, 11, 12, 12, 12, 13,
    13, 13, 13, 14, 14, 15, 15, 15, 16, 16, 16, 17, 17, 18, 18, 18, 19, 19, 20, 20, 21, 21, 22, 22,
    23, 23, 24, 24, 25, 25, 26, 27, 27, 28, 28, 29, 30, 31, 31, 32, 33, 33, 34, 35, 36, 37, 37, 38,
    39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 54, 55, 56, 57, 58, 60, 61, 63, 64, 65,
    67, 68, 70, 71, 73, 75, 76, 78, 80, 82, 83, 85, 87, 89, 91, 93, 95, 97, 99, 102, 104, 106, 109,
    111, 113, 116, 118, 121, 124, 127, 129, 132, 135, 138, 141, 144, 147, 151, 154, 157, 161, 165,
    168, 172, 176, 180, 184, 188, 192, 196, 200, 205, 209, 214, 219, 223, 228, 233, 238, 244, 249,
    255, 260, 266, 272, 278, 284, 290, 296, 303, 310, 316, 323, 331, 338, 345, 353, 361, 369, 377,
    385, 393, 402, 411, 420, 429, 439, 448, 458, 468, 478, 489, 500, 511, 522, 533, 545, 557, 569,
    582, 594, 607, 621, 634, 648, 663, 677, 692, 707, 723, 739, 755, 771, 788, 806, 823, 841, 860,
    879, 898, 918, 938, 958, 979, 1001, 1023, 1045, 1068, 1092, 1115, 1140, 1165, 1190, 1216, 1243,
    1270, 1298, 1327, 1356, 1386, 1416, 1447, 1479, 1511, 1544, 1578, 1613, 1648, 1684, 1721, 1759,
    1797, 1837, 1877, 1918, 1960, 2003, 2047, 2092, 2138, 2185, 2232, 2281, 2331, 2382, 2434, 2488,
    2542, 2598, 2655, 2713, 2773, 2833, 2895, 2959, 3024, 3090, 3157, 3227, 3297, 3370, 3443, 3519,
    3596, 3675, 3755, 3837, 3921, 4007, 4095,
];

/// Number of distinct lower sub-band scale factors: `nbl >> 6` is 0..=288.
pub(super) const SCALE_L_STEPS: usize = (NBL_MAX >> 6) as usize + 1;

/// QUANTL's decision thresholds for every lower sub-band scale factor:
/// `THRESHOLDS_L[k][i] = ((Q6[i] << 3) * DETL) >> 15` with `DETL = SCALE_L[k]`.
/// Entry 31 repeats entry 30 so that rows are 32 wide (64 bytes).
pub(super) static THRESHOLDS_L: [[i16; 32]; SCALE_L_STEPS] = {
    let mut t = [[0i16; 32]; SCALE_L_STEPS];
    let mut k = 0;
    while k < SCALE_L_STEPS {
        let det = SCALE_L[k];
        let mut i = 0;
        while i < 32 {
            let q = if i < 31 { Q6[i] } else { Q6[30] };
            t[k][i] = (((q << 3) * det) >> 15) as i16;
            i += 1;
        }
        k += 1;
    }
    t
};

/// Lower sub-band code by `[sign][mil]`: sign 0 for a negative difference, 1 otherwise;
/// `mil` is 0..=31 (entries 0 and 31 are unused by the quantiser).
pub(super) static IL_BY_SIGN: [[u8; 32]; 2] = {
    let mut t = [[0u8; 32]; 2];
    let mut i = 0;
    while i < 31 {
        t[0][i] = ILN[i];
        t[1][i] = ILP[i];
        i += 1;
    }
    t
};

/// INVQAL's level (QQ4 signed, scaled by 8) for each QUANTL outcome `[sign][mil]`,
/// so that the encoder gets from the interval to the difference with one load.
pub(super) static QQ4_BY_INTERVAL: [[i32; 32]; 2] = {
    let mut t = [[0i32; 32]; 2];
    let mut s = 0;
    while s < 2 {
        let mut i = 0;
        while i < 32 {
            t[s][i] = signed_4bit((IL_BY_SIGN[s][i] >> 2) as usize);
            i += 1;
        }
        s += 1;
    }
    t
};

/// LOGSCL's increment for each QUANTL interval `mil` (the same for both signs).
pub(super) static WL_BY_INTERVAL: [i32; 32] = {
    let mut t = [0i32; 32];
    let mut i = 0;
    while i < 32 {
        t[i] = WL[RIL4[(IL_BY_SIGN[1][i] >> 2) as usize]];
        i += 1;
    }
    t
};

/// Signed level of a 4-bit code of `oq` scaled by 8 (INVQAL / mode-3 INVQBL).
const fn signed_4bit(code: usize) -> i32 {
    let v = OQ4[RIL4[code]] << 3;
    if code < 8 && code != 0 { -v } else { v }
}

/// 4-bit inverse quantiser, signed and scaled by 8, indexed by the 4-bit code `il >> 2`.
pub(super) static QQ4: [i32; 16] = {
    let mut t = [0i32; 16];
    let mut i = 0;
    while i < 16 {
        t[i] = signed_4bit(i);
        i += 1;
    }
    t
};

/// Lower sub-band log scale factor increments, indexed by the 4-bit code `il >> 2`.
pub(super) static WL4: [i32; 16] = {
    let mut t = [0i32; 16];
    let mut i = 0;
    while i < 16 {
        t[i] = WL[RIL4[i]];
        i += 1;
    }
    t
};

/// Decoder inverse quantiser of the reconstructed signal (INVQBL), signed and scaled by
/// 8, indexed by the full 6-bit code, for modes 1 (64 kbit/s, 6 bits), 2 (56 kbit/s,
/// the code's LSB ignored) and 3 (48 kbit/s, the two LSBs ignored).
pub(super) static INVQBL: [[i32; 64]; 3] = {
    let mut t = [[0i32; 64]; 3];
    let mut i = 0;
    while i < 64 {
        let v6 = OQ6[RIL6[i]] << 3;
        t[0][i] = if i < 32 || i >= 62 { -v6 } else { v6 };
        let c5 = i >> 1;
        let v5 = OQ5[RIL5[c5]] << 3;
        t[1][i] = if c5 < 16 || c5 == 31 { -v5 } else { v5 };
        t[2][i] = signed_4bit(i >> 2);
        i += 1;
    }
    t
};

/// Higher sub-band inverse quantiser, signed and scaled by 8, by 2-bit code.
pub(super) static QQ2: [i32; 4] = {
    let mut t = [0i32; 4];
    let mut i = 0;
    while i < 4 {
        let v = OQ2[RIH2[i]] << 3;
        t[i] = if i < 2 { -v } else { v };
        i += 1;
    }
    t
};

/// Higher sub-band log scale factor increments, by 2-bit code.
pub(super) static WH2: [i32; 4] = [WH[RIH2[0]], WH[RIH2[1]], WH[RIH2[2]], WH[RIH2[3]]];

/// Lower sub-band quantiser scale (SCALEL): `(ILA[(nbl >> 6) + 64] + 1) << 2`, indexed
/// by `nbl >> 6` (0..=288); padded to 512 so that a masked index needs no bounds check.
pub(super) static SCALE_L: [i32; 512] = scale_table(64);
/// Higher sub-band quantiser scale (SCALEH): `(ILA[nbh >> 6] + 1) << 2`, indexed by
/// `nbh >> 6` (0..=352); padded to 512.
pub(super) static SCALE_H: [i32; 512] = scale_table(0);

const fn scale_table(offset: usize) -> [i32; 512] {
    let mut t = [0i32; 512];
    let mut i = 0;
    while i < 512 {
        let mut k = i + offset;
        if k > 352 {
            k = 352;
        }
        t[i] = (ILA[k] + 1) << 2;
        i += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qmf_is_symmetric_with_unit_gain() {
        for i in 0..24 {
            assert_eq!(QMF[i], QMF[23 - i]);
        }
        // The even and odd halves each sum to 2^12, the passband gain of the bank.
        let even: i32 = QMF.iter().step_by(2).sum();
        let odd: i32 = QMF.iter().skip(1).step_by(2).sum();
        assert_eq!((even, odd), (4096, 4096));
    }

    #[test]
    fn antilog_table_is_monotonic_and_tracks_powers_of_two() {
        assert!(ILA.windows(2).all(|w| w[0] <= w[1]));
        for (i, &v) in ILA.iter().enumerate() {
            let exact = 2f64.powf(i as f64 / 32.0 + 1.0) - 1.0;
            assert!((f64::from(v) - exact).abs() <= 1.0, "ILA[{i}] = {v}");
        }
        // Reset values: DETL = 32, DETH = 8.
        assert_eq!(SCALE_L[0], 32);
        assert_eq!(SCALE_H[0], 8);
        assert_eq!(SCALE_L[(NBL_MAX >> 6) as usize], 16384);
        assert_eq!(SCALE_H[(NBH_MAX >> 6) as usize], 16384);
    }

    #[test]
    fn code_maps_cover_each_code_once() {
        let mut seen = [0u8; 64];
        for mil in 1..=30 {
            seen[IL_BY_SIGN[0][mil] as usize] += 1;
            seen[IL_BY_SIGN[1][mil] as usize] += 1;
        }
        // 60 codes; 0..=3 are never produced (mode-6 "1,1,1,1" aliases).
        assert_eq!(seen.iter().filter(|&&n| n == 1).count(), 60);
        assert!(seen[..4].iter().all(|&n| n == 0));
    }

    #[test]
    fn inverse_quantisers_are_odd_symmetric() {
        // Each quantiser interval's code gets a level of the right sign and size.
        for (&neg, &pos) in IL_BY_SIGN[0][1..31].iter().zip(&IL_BY_SIGN[1][1..31]) {
            let (neg, pos) = (usize::from(neg), usize::from(pos));
            assert_eq!(INVQBL[0][neg], -INVQBL[0][pos], "codes {neg} / {pos}");
            assert!(INVQBL[0][pos] > 0);
            assert_eq!(QQ4[neg >> 2], -QQ4[pos >> 2]);
        }
        for mil in 1..31 {
            for sign in 0..2 {
                let il4 = usize::from(IL_BY_SIGN[sign][mil] >> 2);
                assert_eq!(QQ4_BY_INTERVAL[sign][mil], QQ4[il4]);
                assert_eq!(WL_BY_INTERVAL[mil], WL4[il4]);
            }
        }
        assert_eq!(QQ2, [-7408, -1616, 7408, 1616]);
        assert_eq!(WH2, [798, -214, 798, -214]);
    }
}
