//! The labs' datasets, drawn from the same random streams as the original Python code; NASA's
//! temperature record is in `gistemp` (feature `polars`). Each function quotes the lab's lines. Where the lab
//! computes in float32 (PyTorch, or NumPy after `dtype=np.float32`), so does the Rust code, in
//! the same order, widening to `f64` only at the end: the `f64` is exactly the lab's number.

use crate::rng::{RandomState, TorchGenerator};
use ndarray::{Array1, Array2, Axis, Zip};

#[cfg(feature = "download")]
mod download;
#[cfg(feature = "polars")]
pub mod gistemp;

/// The lab04 dataset: a line with heavy-tailed (Student-t) noise, so some points are outliers.
#[derive(Debug, Clone)]
pub struct Lab04 {
    /// 100 inputs in [0, 1).
    pub x: Array1<f64>,
    /// Targets `4 x + η − 1`, η Student-t noise with 2 degrees of freedom.
    pub y: Array1<f64>,
}

/// lab04's data, computed in float32 as PyTorch does and widened to f64:
///
/// ```python
/// torch.manual_seed(0)
/// x = torch.rand(100)                                         # x ~ U[0, 1)
/// noise = torch.distributions.studentT.StudentT(2.0).sample(x.shape)
/// y_true = true_weights * x + noise + true_bias               # (4·x + noise) + (−1)
/// ```
pub fn lab04() -> Lab04 {
    let mut rng = TorchGenerator::new(0);
    let x: Array1<f32> = rng.rand(100);
    let noise: Array1<f32> = rng.student_t(2.0, 100);
    let y = (&x * 4.0_f32 + &noise) + (-1.0_f32);
    Lab04 { x: x.mapv(f64::from), y: y.mapv(f64::from) }
}

/// The deep.TEACHING dataset: `y = 5 + 2 x + η`, η standard normal.
#[derive(Debug, Clone)]
pub struct DeepTeaching {
    /// 100 inputs in [0, 10), float32 values.
    pub x: Array1<f64>,
    /// Targets, float32 values.
    pub y: Array1<f64>,
}

/// deep.TEACHING's data. Both arrays hold float32 values, widened to f64:
///
/// ```python
/// np.random.seed(42)
/// X = np.random.uniform(low=0, high=10, size=(m))   # float64 ...
/// X = np.array(X, dtype=np.float32)                 # ... rounded to float32
/// y = 5 + 2 * X + np.random.randn(len(X))           # 5 + 2·X stays float32; + noise is float64
/// y = np.array(y, dtype=np.float32)                 # rounded to float32
/// ```
pub fn deep_teaching() -> DeepTeaching {
    let mut rng = RandomState::new(42);
    let x: Array1<f32> = rng.uniform(0.0, 10.0, 100).mapv(|v| v as f32);
    let noise: Array1<f64> = rng.randn(100);
    let y = Zip::from(&x).and(&noise).map_collect(|&x, &eta| (f64::from(5.0_f32 + 2.0 * x) + eta) as f32);
    DeepTeaching { x: x.mapv(f64::from), y: y.mapv(f64::from) }
}

/// The "five steps" dataset with its shuffled 80/20 train/validation split.
#[derive(Debug, Clone)]
pub struct FiveSteps {
    /// All 100 inputs, shape (100, 1).
    pub x: Array2<f64>,
    /// All 100 targets `0.5 − 3 x + ε`, shape (100, 1).
    pub y: Array2<f64>,
    /// The first 80 shuffled indices.
    pub train_idx: Vec<usize>,
    /// The last 20 shuffled indices.
    pub val_idx: Vec<usize>,
    /// `x[train_idx]`, shape (80, 1).
    pub x_train: Array2<f64>,
    /// `y[train_idx]`, shape (80, 1).
    pub y_train: Array2<f64>,
    /// `x[val_idx]`, shape (20, 1).
    pub x_val: Array2<f64>,
    /// `y[val_idx]`, shape (20, 1).
    pub y_val: Array2<f64>,
}

/// The "five steps" data, in float64 and bit-identical to NumPy:
///
/// ```python
/// np.random.seed(42)
/// x = np.random.rand(N, 1)
/// epsilon = (.1 * np.random.randn(N, 1))
/// y = true_b + true_w * x + epsilon                 # 0.5 + (−3·x) + ε
/// idx = np.arange(N); np.random.shuffle(idx)
/// train_idx, val_idx = idx[:int(N*.8)], idx[int(N*.8):]
/// x_train, y_train = x[train_idx], y[train_idx]     # rows picked by index
/// ```
pub fn five_steps() -> FiveSteps {
    let mut rng = RandomState::new(42);
    let x: Array2<f64> = rng.rand((100, 1));
    let epsilon = 0.1 * rng.randn((100, 1));
    let y = (0.5 + -3.0 * &x) + &epsilon;
    let mut idx: Vec<usize> = (0..100).collect();
    rng.shuffle(&mut idx);
    let (train_idx, val_idx) = (idx[..80].to_vec(), idx[80..].to_vec());
    let (x_train, y_train) = (x.select(Axis(0), &train_idx), y.select(Axis(0), &train_idx));
    let (x_val, y_val) = (x.select(Axis(0), &val_idx), y.select(Axis(0), &val_idx));
    FiveSteps { x, y, train_idx, val_idx, x_train, y_train, x_val, y_val }
}

/// The dataset of the article "Basics of Supervised Learning - Linear Regression" (the
/// learning-rates lab), plus the generator, ready to draw `nn.Linear`'s initial weights.
#[derive(Debug, Clone)]
pub struct Article {
    /// 100 standard-normal inputs, shape (100, 1), float32 values.
    pub x: Array2<f64>,
    /// Targets `2.5 x + 1 + 0.5 η`, shape (100, 1), float32 values.
    pub y: Array2<f64>,
    /// The generator after the data: `Linear::torch_init(1, 1, &mut rng)` gives the article's
    /// `nn.Linear(1, 1)`.
    pub rng: TorchGenerator,
}

/// The article's data, computed in float32 as PyTorch does and widened to f64:
///
/// ```python
/// torch.manual_seed(42)
/// X = torch.randn(NUM_SAMPLES, NUM_FEATURES)                                 # (100, 1)
/// y = REAL_WEIGHT * X + REAL_BIAS + torch.randn(NUM_SAMPLES, 1) * 0.5        # (2.5·X + 1) + 0.5·η
/// model = nn.Linear(NUM_FEATURES, 1)      # continues the same stream: see `rng`
/// ```
pub fn article() -> Article {
    let mut rng = TorchGenerator::new(42);
    let x: Array2<f32> = rng.randn((100, 1));
    let eta: Array2<f32> = rng.randn((100, 1));
    let y = (&x * 2.5_f32 + 1.0_f32) + &(eta * 0.5_f32);
    Article { x: x.mapv(f64::from), y: y.mapv(f64::from), rng }
}
