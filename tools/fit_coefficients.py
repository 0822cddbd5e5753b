"""Derives the polynomial coefficients used in src/math (run: python3 tools/fit_coefficients.py).

Needs mpmath. Each fit is a Chebyshev (near-minimax) fit in high precision,
printed as Rust arrays, highest degree first (Horner order). The remaining
coefficients in src/math are Taylor coefficients (1/k!, atanh's 1/(2k+1),
erf's series), exact by construction.
"""
import mpmath as mp

mp.mp.dps = 50


def show(name, coeffs):
    print(f"const {name}: [f64; {len(coeffs)}] = [")
    for c in coeffs:
        print(f"    {mp.nstr(c, 20, min_fixed=-1, max_fixed=0)},")
    print("];")


def fit(f, lo, hi, degree):
    poly, err = mp.chebyfit(f, [lo, hi], degree + 1, error=True)
    return poly, err


# tanh(x) = x + x^3 * P(x^2) on |x| < 0.5493 (where tanh(x) < 0.5), for f32.
def tanh_p(z):
    if z == 0:
        return mp.mpf(-1) / 3
    x = mp.sqrt(z)
    return (mp.tanh(x) / x - 1) / z


p, err = fit(tanh_p, 0, mp.mpf("0.5493") ** 2, 6)
print(f"// tanh small-range P(z), max abs error {mp.nstr(err, 3)}")
show("TANH_F32_SMALL", p)

# erfc(t) = exp(-t^2) * w * K(v), w = 2 / (2 + t), v = (w - W_MID) * W_SCALE in [-1, 1],
# for t in [0.5, 28] (f64). The centred variable keeps the monomial
# coefficients small (sum |c| = 0.78 against K >= 0.28), so Horner is stable.
W_LO, W_HI = mp.mpf(2) / 30, mp.mpf(2) / mp.mpf("2.5")
print(f"// W_MID = {mp.nstr((W_LO + W_HI) / 2, 20)}, W_SCALE = {mp.nstr(2 / (W_HI - W_LO), 20)}")


def erfc_k(v):
    w = W_LO + (v + 1) * (W_HI - W_LO) / 2
    t = 2 / w - 2
    return mp.erfc(t) * mp.exp(t * t) / w


k, err = fit(erfc_k, -1, 1, 24)
print(f"// erfc K(v) degree 24, max rel error {mp.nstr(err / erfc_k(-1), 3)}")
show("ERFC_K", k)

# f32 exp (fast_f32.rs): 2^(j/16) as f32 hi + lo, the ln2 split, and
# (e^r - 1 - r) / r^2 ~ G0 + G1 r on |r| <= 0.022 (a little over ln2/32).
import struct


def f32(x):
    return struct.unpack("f", struct.pack("f", float(x)))[0]


hi = [f32(mp.power(2, mp.mpf(j) / 16)) for j in range(16)]
lo = [f32(mp.power(2, mp.mpf(j) / 16) - mp.mpf(h)) for j, h in enumerate(hi)]
print("EXP2_SIXTEENTHS_HI =", [repr(h) for h in hi])
print("EXP2_SIXTEENTHS_LO =", [repr(v) for v in lo])
c = mp.log(2)
print("LN2_HI =", repr(f32(c)), " LN2_LO =", repr(f32(c - mp.mpf(f32(c)))))


def exp_g(r):
    return mp.mpf(1) / 2 if r == 0 else (mp.exp(r) - 1 - r) / r**2


g, err = fit(exp_g, -mp.mpf("0.022"), mp.mpf("0.022"), 1)
print("G1, G0 =", [mp.nstr(v, 20) for v in g])

# f32 tanh on AVX-512 (fast_f32.rs, tanh_table.rs): intervals of |x| keyed by
# the exponent and top three mantissa bits of |x| + 1 (slot = bits(|x| + 1)
# >> 20, low five bits): widths 1/8 on [0, 1), 1/4 on [1, 3), 1/2 on [3, 7)
# and 1 above, 27 slots up to the clamp at 9.1. On each, tanh(c + r) = T +
# r Q(r) with Q of degree 4, the centre c chosen near the middle so that
# T = f32(tanh(c)) is as close as possible to tanh(c) (searched over c and
# over c = atanh(t) for f32 t near tanh(mid)); Q is a Chebyshev fit of
# (tanh(c + r) - tanh(c)) / r over the interval widened by 2^-20 (|x| + 1
# rounds, so a lane may land in the neighbouring slot). Below 3/8, c = 0 and
# the base is r = |x| itself: tanh(r) = r + r Q(r). The kernel takes the
# base as max(r, T), so T = -inf there (elsewhere T > 0.35 > |r|). 3/8 gave
# the smallest maximum error of 1/4, 3/8 and 1/2 (0.69, 0.61, 0.77 ULP).


def next_f32(x, d):
    b = struct.unpack("I", struct.pack("f", x))[0]
    return struct.unpack("f", struct.pack("I", b + d))[0]


def ulp_err(c):
    t = mp.tanh(c)
    t32 = f32(t)
    return abs(t - t32) / abs(next_f32(t32, 1) - t32), t32


TANH_DEGREE, TANH_CLAMP, TANH_BASE_R = 4, mp.mpf("9.1"), mp.mpf("0.375")
rows = {name: [0.0] * 32 for name in ["C", "T"] + [f"Q{j}" for j in range(TANH_DEGREE + 1)]}
rows["T"] = [1.0] * 32  # slots never used (|x| is clamped): tanh = 1
worst = []
for i in range(32):
    e, m = i // 8, i % 8
    lo, hi = mp.mpf(2) ** e * (1 + mp.mpf(m) / 8) - 1, mp.mpf(2) ** e * (1 + mp.mpf(m + 1) / 8) - 1
    slot = (127 * 8 + i) & 31
    if lo > TANH_CLAMP:
        continue
    hi = min(hi, TANH_CLAMP)
    if hi <= TANH_BASE_R:
        c, t = 0.0, -mp.inf  # the base max(r, T) is r
    else:
        mid = f32((lo + hi) / 2)
        cands = [next_f32(mid, d) for d in range(-3000, 3000)]
        tmid = f32(mp.tanh(mid))
        for d in range(-3000, 3000):
            tt = next_f32(tmid, d)
            if 0 < tt < 1:
                cc = f32(mp.atanh(tt))
                if lo <= cc <= hi:
                    cands.append(cc)
        c = min(cands, key=lambda cc: ulp_err(cc)[0])
        t = ulp_err(c)[1]
    tc = mp.tanh(c)

    # Below TANH_BASE_R the base is r = |x| itself (C = 0, T replaced by r),
    # so Q is tanh(r) / r - 1 and |r Q| < 0.08 r: the final FMA rounds once.
    def quotient(r):
        if hi <= TANH_BASE_R:
            return -(r**2) / 3 if r == 0 else mp.tanh(r) / r - 1
        return 1 - tc**2 if r == 0 else (mp.tanh(c + r) - tc) / r

    margin = mp.mpf(2) ** -20
    q, err = fit(quotient, max(lo - margin, 0) - c, hi + margin - c, TANH_DEGREE)
    rows["C"][slot], rows["T"][slot] = c, t
    for j, coef in enumerate(reversed(q)):
        rows[f"Q{j}"][slot] = f32(coef)
    # Q's error, times |r|, against tanh on the interval (for C = 0: r err
    # against tanh(r), with tanh(r) / r smallest at hi).
    if c == 0:
        rel = err * hi / mp.tanh(hi)
    else:
        rel = err * max(abs(lo - c), abs(hi - c)) / mp.tanh(lo)
    worst.append((float(rel * 2**24), float(ulp_err(c)[0]) if c else 0.0, float(lo), float(hi)))


def short_f32(v):
    """The shortest decimal that reads back as the same f32."""
    if mp.isinf(v):
        return "f32::NEG_INFINITY" if v < 0 else "f32::INFINITY"
    for digits in range(1, 12):
        text = f"{v:.{digits}g}"
        if f32(float(text)) == v:
            return text if any(ch in text for ch in ".e") else text + ".0"


print("// tanh fit error bound per interval (ULP), T's distance from tanh(c) (ULP), interval:")
for w in worst:
    print(f"//   {w[0]:.4f} {w[1]:.4f} [{w[2]:.4f}, {w[3]:.4f})")
print("// tanh tables (src/math/tanh_table.rs), indexed by slot")
for name, vals in rows.items():
    lines = [", ".join(short_f32(v) for v in vals[k : k + 8]) for k in range(0, 32, 8)]
    print(f"#[rustfmt::skip]\npub(super) const TANH_{name}: [f32; 32] = [")
    print("".join(f"    {line},\n" for line in lines) + "];")

# f32 sigmoid (fast_f32.rs): with n = round(16 x log2 e) = 16 k + j and
# s = x - n ln2 / 16, e^-x = 2^-(k+1) 2^((16-j)/16) e^-s, and the kernel
# takes sigmoid = uC / (uC + H[j] e^-s), u = 2^(k+1), with H[j] the f32
# nearest C 2^((16-j)/16). C is the f32 in [1, 2) whose 16 products land
# closest to f32 values (relative error 0.26 * 2^-24 at most, against 2^-24
# for C = 1), so H needs no low part. The search runs over all 2^23 choices
# in float64 with numpy (products exact to 2^-53); mpmath checks the winner.
import numpy as np

cand = 1.0 + np.arange(2**23, dtype=np.float64) / 2**23
worst_rel = np.zeros_like(cand)
for j in range(16):
    v = cand * 2.0 ** ((16 - j) / 16)
    worst_rel = np.maximum(worst_rel, np.abs(v - v.astype(np.float32)) / v)
C = f32(cand[np.argmin(worst_rel)])
H = [f32(C * mp.power(2, mp.mpf(16 - j) / 16)) for j in range(16)]
rel = max(abs(h - C * mp.power(2, mp.mpf(16 - j) / 16)) / h for j, h in enumerate(H))
print(f"// SIGMOID_C = {short_f32(C)} (bits {struct.unpack('I', struct.pack('f', C))[0]:#x}), "
      f"table relative error {mp.nstr(rel * 2**24, 3)} * 2^-24")
print("SIGMOID_EXP2_SCALED =", ", ".join(short_f32(h) for h in H))

# f32 GELU, erf form (fast_f32.rs). |x| <= 1: x Phi(x) = x (1/2 + x S(x^2)),
# S(w) = sum_n (-1)^n w^n / (sqrt(2 pi) 2^n n! (2n + 1)) (Taylor, 9 terms to
# 2^-30 on w <= 1), S's constant as hi + lo. |x| > 1, y = |x|: Phi(-y) =
# e^(-y^2/2) w K(u), w = C / (C + y), u = w - W_MID, K a Chebyshev fit of
# degree 9 over y in [1, 14.5] (below -14.5, x Phi(x) rounds to -0), K's
# constant as hi + lo. A single fit from y = 0 (degree 10, u twice as wide)
# lost 1.5 ULP to the rounding of its coefficients and Horner steps.
S = [mp.mpf(-1) ** n / (mp.sqrt(2 * mp.pi) * 2**n * mp.factorial(n) * (2 * n + 1)) for n in range(9)]
print("GELU_S0_HI =", short_f32(f32(S[0])), " GELU_S0_LO =", short_f32(f32(S[0] - mp.mpf(f32(S[0])))))
print("GELU_S =", ", ".join(short_f32(f32(c)) for c in reversed(S[1:])))
C = mp.mpf(f32(2 * mp.sqrt(2)))
W_LO, W_HI = C / (C + mp.mpf("14.5")), C / (C + 1)
W_MID = mp.mpf(f32((W_LO + W_HI) / 2))


def gelu_k(u):
    w = W_MID + u
    y = C / w - C
    return mp.erfc(y / mp.sqrt(2)) / 2 * mp.exp(y * y / 2) / w


k, err = fit(gelu_k, W_LO - W_MID, W_HI - W_MID, 9)
print(f"// GELU K(u) degree 9, max rel error 2^{mp.nstr(mp.log(err / gelu_k(W_LO - W_MID), 2), 3)}")
print("GELU_C =", short_f32(f32(C)), " GELU_W_MID =", short_f32(f32(W_MID)))
print("GELU_K0_HI =", short_f32(f32(k[-1])), " GELU_K0_LO =", short_f32(f32(k[-1] - mp.mpf(f32(k[-1])))))
print("GELU_K =", ", ".join(short_f32(f32(c)) for c in k[:-1]))

# f32 log (log_f32.rs): x = 2^k m, m in [1, 2) (frexp), n = round(15 m) in
# 15..30 keys a 16-entry table by n mod 16 (15 slots of width 1/15 and a
# half slot at 2, so the 16 residues are all distinct). Each entry's INVC is
# the multiple of 1/32 closest to 15/n, which keeps |m INVC - 1| < 1/16 over
# the slot, ties included: then r = fma(m, INVC, -1) is exact (24 bits from
# 2^-5 down to 2^-28). Slot 15 has INVC = 1 and slot 30 INVC = 1/2, so that
# x near 1 (k = 0, m near 1, or k = -1, m near 2) gets log(x) = log1p(r)
# with no cancellation. -log(INVC) is split hi + lo with hi a multiple of
# 2^-16, as LOG_LN2_HI is, so that k LOG_LN2_HI + hi is exact in f32 for
# every exponent k (|sum| < 2^7 needs 23 bits). log1p(r) = r + r^2 Q(r), Q
# a Chebyshev fit of degree 3 over the r range.
def q16(v):
    return mp.mpf(round(v * 2**16)) / 2**16


LOG_INVC, LOG_HI, LOG_LO = [0.0] * 16, [0.0] * 16, [0.0] * 16
r_lo, r_hi = mp.mpf(0), mp.mpf(0)
for n in range(15, 31):
    m0, m1 = max(mp.mpf(n - 0.5) / 15, 1), min(mp.mpf(n + 0.5) / 15, 2)
    inv = min((mp.mpf(j) / 32 for j in range(16, 33)), key=lambda v: max(abs(m0 * v - 1), abs(m1 * v - 1)))
    if n == 15:
        inv = mp.mpf(1)
    assert max(abs(m0 * inv - 1), abs(m1 * inv - 1)) < mp.mpf(1) / 16, n
    r_lo, r_hi = min(r_lo, m0 * inv - 1), max(r_hi, m1 * inv - 1)
    c = -mp.log(inv)
    LOG_INVC[n % 16], LOG_HI[n % 16], LOG_LO[n % 16] = float(inv), float(q16(c)), f32(c - q16(c))
print("LOG_INVC =", LOG_INVC)
print("LOG_C_HI =", LOG_HI)
print("LOG_C_LO =", LOG_LO)
ln2 = mp.log(2)
print("LOG_LN2_HI =", float(q16(ln2)), " LOG_LN2_LO =", f32(ln2 - q16(ln2)))


def log_q(r):
    return -mp.mpf(1) / 2 if r == 0 else (mp.log1p(r) - r) / r**2


q, err = fit(log_q, r_lo, r_hi, 3)
print(f"// log1p Q(r) on [{mp.nstr(r_lo, 5)}, {mp.nstr(r_hi, 5)}], degree 3, max abs error 2^{mp.nstr(mp.log(err, 2), 3)}")
print("LOG_Q =", ", ".join(short_f32(f32(c)) for c in q))
