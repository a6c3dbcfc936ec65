//! PyTorch's CPU generator: what `torch.manual_seed(seed)` starts.

use super::{c_order, Mt19937};
use ndarray::{Array, Dimension, ShapeBuilder};
use rand::distr::Distribution;
use rand::Rng;
use rand_core::RngCore;

/// `torch.rand`'s float32 in [0, 1) from one 32-bit draw `u`: x = (u & (2²⁴-1)) · 2⁻²⁴.
/// With `ndarray-rand`, `Array::random_using(n, TorchUniform, &mut rng)` is `torch.rand(n)`
/// (extension point: like [`NumpyUniform`](crate::NumpyUniform), it brings the stream to `rand`'s API).
#[derive(Clone, Copy, Debug, Default)]
pub struct TorchUniform;

impl Distribution<f32> for TorchUniform {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f32 {
        (rng.next_u32() & 0x00ff_ffff) as f32 / 16_777_216.0
    }
}

/// PyTorch's default CPU generator: an `Mt19937` plus the cached second value of the
/// double-precision Box–Muller transform, so that
/// ```python
/// torch.manual_seed(42); X = torch.randn(100, 1); model = nn.Linear(1, 1)
/// ```
/// becomes `let mut rng = TorchGenerator::new(42); let x = rng.randn((100, 1)); let model = Linear::torch_init(1, 1, &mut rng);`.
/// Results are float32, as PyTorch's default dtype.
#[derive(Clone, Debug)]
pub struct TorchGenerator {
    mt: Mt19937,
    next_normal: Option<f64>,
}

impl TorchGenerator {
    /// `torch.manual_seed(seed)`; like PyTorch's MT19937, only the low 32 bits of `seed` count.
    pub fn new(seed: u64) -> Self {
        TorchGenerator { mt: Mt19937::new(seed as u32), next_normal: None }
    }

    /// float64 uniform in [0, 1): the low 53 bits of a 64-bit draw, times 2⁻⁵³.
    fn uniform_f64(&mut self) -> f64 {
        (self.mt.next_u64() & ((1 << 53) - 1)) as f64 / 9_007_199_254_740_992.0
    }

    /// ATen's `normal_distribution<double>`: Box–Muller with u₁, u₂ from `uniform_f64`,
    /// r = √(-2 ln(1 - u₂)) (as `log1p(-u₂)`), θ = 2π u₁; returns r cos θ and caches r sin θ.
    fn normal_f64(&mut self) -> f64 {
        if let Some(cached) = self.next_normal.take() {
            return cached;
        }
        let u1 = self.uniform_f64();
        let u2 = self.uniform_f64();
        let r = (-2.0 * (-u2).ln_1p()).sqrt();
        let theta = 2.0 * std::f64::consts::PI * u1;
        self.next_normal = Some(r * theta.sin());
        r * theta.cos()
    }

    /// `normal_()` on n float32 elements: [`Self::normal_f64`] each below 16, else `normal_fill`.
    fn normal(&mut self, n: usize) -> Vec<f32> {
        if n < 16 { (0..n).map(|_| self.normal_f64() as f32).collect() } else { self.normal_fill(n) }
    }

    /// ATen's `normal_fill` (tensors of ≥ 16 elements): n float32 uniforms, then
    /// Box–Muller on each block of 16 with u₁ = 1 - d[j], u₂ = d[j+8] (j < 8). When 16 does
    /// not divide n, the last 16 uniforms are drawn again and that block redone.
    fn normal_fill(&mut self, n: usize) -> Vec<f32> {
        fn box_muller_16(d: &mut [f32]) {
            for j in 0..8 {
                let radius = (-2.0 * (1.0 - d[j]).ln()).sqrt();
                let theta = 2.0 * std::f32::consts::PI * d[j + 8];
                d[j] = radius * theta.cos();
                d[j + 8] = radius * theta.sin();
            }
        }
        let mut data: Vec<f32> = (0..n).map(|_| TorchUniform.sample(&mut self.mt)).collect();
        for block in data.chunks_exact_mut(16) {
            box_muller_16(block);
        }
        if !n.is_multiple_of(16) {
            let tail = &mut data[n - 16..];
            tail.iter_mut().for_each(|x| *x = TorchUniform.sample(&mut self.mt));
            box_muller_16(tail);
        }
        data
    }

    /// `torch.rand(*shape)`: float32 [`TorchUniform`] draws in row-major order.
    pub fn rand<Sh: ShapeBuilder<Dim = D>, D: Dimension>(&mut self, shape: Sh) -> Array<f32, D> {
        c_order(shape, |n| (0..n).map(|_| TorchUniform.sample(&mut self.mt)).collect())
    }

    /// `torch.randn(*shape)`. Below 16 elements each value is a cached double Box–Muller
    /// normal rounded to float32; from 16 on, PyTorch's block `normal_fill` in float32
    /// (PyTorch evaluates it with SIMD `log`/`sin`/`cos`, so these agree to about 2e-7).
    pub fn randn<Sh: ShapeBuilder<Dim = D>, D: Dimension>(&mut self, shape: Sh) -> Array<f32, D> {
        c_order(shape, |n| self.normal(n))
    }

    /// `torch._standard_gamma(torch.full(shape, alpha))`: Gamma(α, 1) samples by Marsaglia
    /// and Tsang's method, in double precision as ATen's `sample_gamma`:
    /// d = α - 1/3, c = 1/√(9d); draw a normal x until y = 1 + c·x > 0, let v = y³ and
    /// u = 1 - uniform; accept d·v if u < 1 - 0.0331 x⁴ or ln u < x²/2 + d(1 - v + ln v).
    /// For α < 1 the sample for α + 1 is scaled by (1 - uniform)^(1/α). Results are
    /// clamped to at least `f32::MIN_POSITIVE`, as PyTorch does.
    pub(super) fn standard_gamma<Sh: ShapeBuilder<Dim = D>, D: Dimension>(&mut self, alpha: f64, shape: Sh) -> Array<f32, D> {
        let alpha = alpha as f32; // PyTorch holds α in a float32 tensor
        c_order(shape, |n| (0..n).map(|_| self.sample_gamma(alpha).max(f32::MIN_POSITIVE)).collect())
    }

    /// One Marsaglia–Tsang draw (see [`TorchGenerator::standard_gamma`]); the float32/float64
    /// mix of the constants follows ATen's C++ line by line.
    fn sample_gamma(&mut self, mut alpha: f32) -> f32 {
        let mut scale = 1.0_f64;
        if alpha < 1.0 {
            if alpha == 0.0 {
                return 0.0;
            }
            scale *= (1.0 - self.uniform_f64()).powf(f64::from(1.0 / alpha));
            alpha += 1.0;
        }
        let d = f64::from(alpha - 1.0 / 3.0);
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let (x, y) = loop {
                let x = self.normal_f64();
                let y = 1.0 + c * x;
                if y > 0.0 {
                    break (x, y);
                }
            };
            let v = y * y * y;
            let u = 1.0 - self.uniform_f64();
            let xx = x * x;
            if u < 1.0 - f64::from(0.0331_f32) * xx * xx || u.ln() < 0.5 * xx + d * (1.0 - v + v.ln()) {
                return (scale * d * v) as f32;
            }
        }
    }

    /// `torch.distributions.StudentT(df).sample(shape)`: Y = X / √(Z/df) with X standard
    /// normal (drawn first, by `normal_`) and Z ~ χ²(df) = Gamma(df/2, 1) / 0.5, in float32.
    pub fn student_t<Sh: ShapeBuilder<Dim = D>, D: Dimension>(&mut self, df: f64, shape: Sh) -> Array<f32, D> {
        let df = df as f32;
        let x: Array<f32, D> = c_order(shape, |n| self.normal(n));
        let gamma = self.standard_gamma(f64::from(0.5 * df), x.raw_dim());
        let chi2 = gamma.mapv_into(|g| (g / 0.5).max(f32::MIN_POSITIVE));
        x * chi2.mapv_into(|z| 1.0 / (z / df).sqrt())
    }
}

/// Raw 32-bit draws from the underlying `Mt19937` (`next_u64` is PyTorch's `random64()`).
impl RngCore for TorchGenerator {
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
