//! Double-double references (about 106 bits) for the f64 activations whose
//! error bounds need a reference better than f64: gelu (erf form) and
//! gelu_tanh. A value is returned scaled, `m * 2^k` with `m` a pair near
//! 1, so tails far into the subnormal range keep their relative accuracy.
//! Constants from 250-bit values (mpmath), each as its f64 rounding and the rest.

#[derive(Clone, Copy, Debug)]
pub struct DD {
    pub hi: f64,
    pub lo: f64,
}

const LN2: DD = DD { hi: 0.6931471805599453, lo: 2.3190468138462996e-17 };
const SQRT_PI: DD = DD { hi: 1.772453850905516, lo: -7.666586499825799e-17 };
const TWO_OVER_SQRT_PI: DD = DD { hi: 1.1283791670955126, lo: 1.533545961316588e-17 };
/// 2 sqrt(2/pi) and 0.044715 times it.
const GT_C1: DD = DD { hi: 1.5957691216057308, lo: -9.96930880911092e-17 };
const GT_C2: DD = DD { hi: 0.07135481627260025, lo: -6.175149918155315e-19 };

impl DD {
    pub fn new(x: f64) -> DD {
        DD { hi: x, lo: 0.0 }
    }
    fn two_sum(a: f64, b: f64) -> DD {
        let s = a + b;
        let bb = s - a;
        DD { hi: s, lo: (a - (s - bb)) + (b - bb) }
    }
    fn renorm(hi: f64, lo: f64) -> DD {
        let s = hi + lo;
        DD { hi: s, lo: lo - (s - hi) }
    }
    pub fn add(self, o: DD) -> DD {
        let s = DD::two_sum(self.hi, o.hi);
        let t = DD::two_sum(self.lo, o.lo);
        let s = DD::renorm(s.hi, s.lo + t.hi);
        DD::renorm(s.hi, s.lo + t.lo)
    }
    pub fn neg(self) -> DD {
        DD { hi: -self.hi, lo: -self.lo }
    }
    pub fn mul(self, o: DD) -> DD {
        let p = self.hi * o.hi;
        let e = self.hi.mul_add(o.hi, -p);
        DD::renorm(p, e + (self.hi * o.lo + self.lo * o.hi))
    }
    pub fn div(self, o: DD) -> DD {
        let q1 = self.hi / o.hi;
        let r = self.add(o.mul(DD::new(q1)).neg());
        let q2 = r.hi / o.hi;
        let r = r.add(o.mul(DD::new(q2)).neg());
        let q3 = r.hi / o.hi;
        DD::renorm(q1, q2).add(DD::new(q3))
    }
    pub fn scale(self, k: i32) -> DD {
        DD { hi: ldexp(self.hi, k), lo: ldexp(self.lo, k) }
    }
}

fn ldexp(x: f64, k: i32) -> f64 {
    // In steps, so neither the factor nor an intermediate overflows early.
    let mut x = x;
    let mut k = k;
    while k > 1000 {
        x *= f64::from_bits(2000u64 << 52); // 2^977
        k -= 977;
    }
    while k < -1000 {
        x *= f64::from_bits(46u64 << 52); // 2^-977
        k += 977;
    }
    x * f64::from_bits(((k + 1023) as u64) << 52)
}

/// e^x = m 2^k (x finite, |x| < 2^30).
pub fn exp_scaled(x: DD) -> (DD, i32) {
    let n = (x.hi / LN2.hi).round();
    let r = x.add(LN2.mul(DD::new(n)).neg());
    // e^r, |r| <= 0.35, by Taylor to r^30 / 30! < 2^-110.
    let (mut sum, mut term) = (DD::new(1.0), DD::new(1.0));
    for i in 1..=30 {
        term = term.mul(r).div(DD::new(i as f64));
        sum = sum.add(term);
    }
    (sum, n as i32)
}

/// A scaled value `m 2^k`, as the f64 it rounds to is compared with.
#[derive(Clone, Copy, Debug)]
pub struct Scaled {
    pub m: DD,
    pub k: i32,
}

impl Scaled {
    pub fn value(self) -> f64 {
        ldexp(self.m.hi + self.m.lo, self.k)
    }
    /// The error of `y` in ULPs of the exact value (f64 format, subnormal
    /// spacing below 2^-1022); +inf for a wrong sign, NaN or infinity.
    pub fn ulp_err(self, y: f64) -> f64 {
        if !y.is_finite() {
            return f64::INFINITY;
        }
        let v = self.m.hi;
        if v == 0.0 {
            return if y == 0.0 { 0.0 } else { f64::INFINITY };
        }
        // log2 |m 2^k|, then the spacing of f64 there, scaled by 2^-k.
        let e = (v.abs().log2().floor() as i32) + self.k;
        let ulp_exp = e.max(-1022) - 52 - self.k;
        let diff = (ldexp(y, -self.k) - self.m.hi) - self.m.lo;
        diff.abs() / ldexp(1.0, ulp_exp)
    }
}

/// gelu_tanh(x) = x sigmoid(z), z = x (c1 + c2 x^2), for finite x.
pub fn gelu_tanh(x: f64) -> Scaled {
    let xd = DD::new(x);
    let z = xd.mul(GT_C1.add(GT_C2.mul(xd.mul(xd))));
    // sigmoid(z) = 1 / (1 + e^-z) (z >= 0) or e^z / (1 + e^z) (z < 0).
    let (m, k) = exp_scaled(DD { hi: -z.hi.abs(), lo: if z.hi < 0.0 { z.lo } else { -z.lo } });
    let e = m.scale(k);
    let d = DD::new(1.0).add(e);
    if z.hi >= 0.0 {
        Scaled { m: xd.div(d), k: 0 }
    } else {
        Scaled { m: xd.mul(m).div(d), k }
    }
}

/// erfc(a) = m 2^k for a >= 0, given a^2 exactly as a pair: the series of
/// erf up to a = 4 (its largest term is ~1e5, so 1 - erf keeps ~2^-80 of
/// erfc(4) = 1.5e-8), beyond it Laplace's continued fraction.
fn erfc_scaled(a: DD, a2: DD) -> Scaled {
    if a.hi <= 4.0 {
        // erf(a) = 2/sqrt(pi) sum (-1)^n a^(2n+1) / (n! (2n+1)).
        let mut sum = DD::new(0.0);
        let mut power = a; // (-1)^n a^(2n+1) / n!
        let mut n = 0;
        loop {
            let term = power.div(DD::new((2 * n + 1) as f64));
            sum = sum.add(term);
            if term.hi.abs() < 1e-40 * sum.hi.abs().max(1e-300) || n > 400 {
                break;
            }
            n += 1;
            power = power.mul(a2).div(DD::new(-(n as f64)));
        }
        let erf = TWO_OVER_SQRT_PI.mul(sum);
        return Scaled { m: DD::new(1.0).add(erf.neg()), k: 0 };
    }
    // erfc(a) = e^-a^2 / (sqrt(pi) (a + (1/2) / (a + 1 / (a + (3/2) / (a + ...))))).
    let mut t = a;
    for j in (1..=4000).rev() {
        t = a.add(DD::new(j as f64 * 0.5).div(t));
    }
    let (m, k) = exp_scaled(a2.neg());
    Scaled { m: m.div(SQRT_PI.mul(t)), k }
}

/// gelu(x) = x Phi(x) = x erfc(-x / sqrt 2) / 2, for finite x.
pub fn gelu(x: f64) -> Scaled {
    let xd = DD::new(x);
    // a^2 = x^2 / 2 exactly; a = |x| / sqrt 2 to a pair's precision.
    let x2 = xd.mul(xd);
    let a2 = DD { hi: x2.hi * 0.5, lo: x2.lo * 0.5 };
    let a = DD::new(x.abs()).mul(DD { hi: 0.7071067811865476, lo: -4.833646656726457e-17 });
    let c = erfc_scaled(a, a2);
    if x < 0.0 {
        Scaled { m: xd.mul(c.m).mul(DD::new(0.5)), k: c.k }
    } else {
        // Phi(x) = 1 - erfc(a) / 2.
        let phi = DD::new(1.0).add(c.m.scale(c.k).mul(DD::new(-0.5)));
        Scaled { m: xd.mul(phi), k: 0 }
    }
}
