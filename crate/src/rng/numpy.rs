//! NumPy's legacy generator `np.random.RandomState`, the one behind `np.random.seed`.

use super::{c_order, Mt19937};
use ndarray::{Array, Dimension, ShapeBuilder};
use rand::distr::Distribution;
use rand::Rng;
use rand_core::RngCore;

/// NumPy's 53-bit uniform double in [0, 1) from two 32-bit draws `a`, `b`:
///
/// x = ((a ≫ 5) · 2²⁶ + (b ≫ 6)) / 2⁵³
///
/// As a [`Distribution`] it makes `ndarray-rand` draw exactly `np.random.rand`'s stream:
/// `Array::random_using(m, NumpyUniform, &mut rng)` is `np.random.rand(m)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct NumpyUniform;

impl Distribution<f64> for NumpyUniform {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let a = f64::from(rng.next_u32() >> 5); // 27 random bits
        let b = f64::from(rng.next_u32() >> 6); // 26 random bits
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }
}

/// NumPy's legacy `RandomState`: an `Mt19937` plus the cached second value of the
/// polar method, so that
/// ```python
/// np.random.seed(42); x = np.random.rand(100, 1); eps = .1 * np.random.randn(100, 1)
/// ```
/// becomes `let mut rng = RandomState::new(42); let x = rng.rand((100, 1)); let eps = 0.1 * rng.randn((100, 1));`
/// with the same numbers, bit for bit.
#[derive(Clone, Debug)]
pub struct RandomState {
    mt: Mt19937,
    gauss: Option<f64>,
}

impl RandomState {
    /// `np.random.seed(seed)`: a fresh generator with an empty Gaussian cache.
    pub fn new(seed: u32) -> Self {
        RandomState { mt: Mt19937::new(seed), gauss: None }
    }

    /// `np.random.random_sample()` (one `rand()`): a [`NumpyUniform`] draw in [0, 1).
    fn random_sample(&mut self) -> f64 {
        NumpyUniform.sample(&mut self.mt)
    }

    /// `np.random.standard_normal()` (one `randn()`), Marsaglia's polar method: draw
    /// x₁, x₂ uniform in (-1, 1) until 0 < r² = x₁² + x₂² < 1, let f = √(-2 ln r² / r²),
    /// return f·x₂ and keep f·x₁ for the next call.
    fn standard_normal(&mut self) -> f64 {
        if let Some(cached) = self.gauss.take() {
            return cached;
        }
        loop {
            let x1 = 2.0 * self.random_sample() - 1.0;
            let x2 = 2.0 * self.random_sample() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.gauss = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// `np.random.rand(*shape)`: uniforms in [0, 1), filled in row-major order.
    pub fn rand<Sh: ShapeBuilder<Dim = D>, D: Dimension>(&mut self, shape: Sh) -> Array<f64, D> {
        c_order(shape, |n| (0..n).map(|_| self.random_sample()).collect())
    }

    /// `np.random.randn(*shape)`: standard normals, filled in row-major order.
    pub fn randn<Sh: ShapeBuilder<Dim = D>, D: Dimension>(&mut self, shape: Sh) -> Array<f64, D> {
        c_order(shape, |n| (0..n).map(|_| self.standard_normal()).collect())
    }

    /// `np.random.uniform(low, high, shape)`: `low + (high - low) * rand()` per element.
    pub fn uniform<Sh: ShapeBuilder<Dim = D>, D: Dimension>(&mut self, low: f64, high: f64, shape: Sh) -> Array<f64, D> {
        c_order(shape, |n| (0..n).map(|_| low + (high - low) * self.random_sample()).collect())
    }

    /// `np.random.shuffle(a)` for a 1-D array: Fisher–Yates from the end, swapping item i
    /// (i = n-1, …, 1) with item j drawn uniformly from 0..=i.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.interval(i as u64) as usize;
            items.swap(i, j);
        }
    }

    /// NumPy's `random_interval(max)`: an integer in 0..=max by masked rejection — keep
    /// the low bits of a draw (mask = smallest 2ᵏ-1 ≥ max) until the value is ≤ max.
    fn interval(&mut self, max: u64) -> u64 {
        let mask = u64::MAX >> max.leading_zeros();
        let one_word = max <= u64::from(u32::MAX); // NumPy draws 32 bits when they are enough
        loop {
            let value = (if one_word { u64::from(self.mt.next_u32()) } else { self.mt.next_u64() }) & mask;
            if value <= max {
                return value;
            }
        }
    }
}

/// Raw 32-bit draws from the underlying `Mt19937` (for `rand`'s and `ndarray-rand`'s samplers).
impl RngCore for RandomState {
    fn next_u32(&mut self) -> u32 {
        self.mt.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.mt.next_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.mt.fill_bytes(dest)
    }
}
