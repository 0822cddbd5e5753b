"""Derives the polynomial coefficients used in src/math (run: python3 fit_coefficients.py).

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
