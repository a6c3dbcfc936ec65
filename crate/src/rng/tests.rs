//! The streams checked against numbers printed by NumPy 2.4 (legacy `RandomState`) and
//! PyTorch 2.15 (CPU generator); each float is the exact decimal of the library's value.

use super::*;
use approx::assert_abs_diff_eq;
use ndarray::{Array, Array1};
use ndarray_rand::RandomExt;
use rand_core::RngCore;

/// Bit-identical comparison of float32 results with the printed (widened) float32 values.
fn assert_f32_bits(actual: impl IntoIterator<Item = f32>, expected: &[f64]) {
    let actual: Vec<f64> = actual.into_iter().take(expected.len()).map(f64::from).collect();
    assert_eq!(actual, expected);
}

/// Elementwise |actual - expected| <= tol.
fn assert_f32_close(actual: impl IntoIterator<Item = f32>, expected: &[f64], tol: f64) {
    let actual: Vec<f32> = actual.into_iter().take(expected.len()).collect();
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(expected) {
        assert_abs_diff_eq!(f64::from(*a), *e, epsilon = tol);
    }
}

fn first10(x: &Array1<f64>) -> Vec<f64> {
    x.iter().take(10).copied().collect()
}

// ---------- NumPy (np.random.seed(42)) ----------

#[rustfmt::skip]
const NP_RAND_42: [f64; 10] = [0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366, 0.15601864044243652, 0.15599452033620265, 0.05808361216819946, 0.8661761457749352, 0.6011150117432088, 0.7080725777960455];
#[rustfmt::skip]
const NP_RANDN_42: [f64; 10] = [0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.23415337472333597, -0.23413695694918055, 1.5792128155073915, 0.7674347291529088, -0.4694743859349521, 0.5425600435859647];
#[rustfmt::skip]
const NP_UNIFORM_0_10_42: [f64; 10] = [3.745401188473625, 9.50714306409916, 7.319939418114051, 5.986584841970366, 1.5601864044243652, 1.5599452033620265, 0.5808361216819946, 8.661761457749352, 6.011150117432088, 7.080725777960454];
#[rustfmt::skip]
const DEEP_TEACHING_X_F32: [f64; 10] = [3.74540114402771, 9.507143020629883, 7.319939613342285, 5.986584663391113, 1.5601863861083984, 1.5599452257156372, 0.5808361172676086, 8.661761283874512, 6.011149883270264, 7.08072566986084];
/// randn(100) after rand(100) or uniform(0, 10, 100) from seed 42 (deep.TEACHING noise, five-steps).
#[rustfmt::skip]
const NP_RANDN_AFTER_100: [f64; 10] = [0.08704706823817122, -0.29900735046586746, 0.0917607765355023, -1.9875689146008928, -0.21967188783751193, 0.3571125715117464, 1.477894044741516, -0.5182702182736474, -0.8084936028931876, -0.5017570435845365];
#[rustfmt::skip]
const FIVE_STEPS_EPS: [f64; 10] = [0.008704706823817123, -0.029900735046586746, 0.00917607765355023, -0.1987568914600893, -0.021967188783751194, 0.035711257151174645, 0.14778940447415162, -0.05182702182736474, -0.08084936028931877, -0.05017570435845366];
#[rustfmt::skip]
const FIVE_STEPS_IDX: [usize; 100] = [76, 83, 80, 98, 2, 77, 71, 84, 89, 50, 40, 51, 67, 86, 37, 49, 4, 10, 69, 81, 9, 54, 55, 87, 64, 44, 90, 75, 33, 30, 93, 95, 14, 61, 11, 13, 15, 7, 0, 19, 35, 6, 12, 65, 70, 88, 56, 58, 28, 38, 91, 42, 8, 73, 39, 85, 25, 92, 41, 26, 1, 22, 21, 46, 74, 79, 78, 72, 57, 53, 24, 17, 66, 32, 31, 62, 59, 52, 82, 23, 36, 5, 45, 99, 43, 16, 48, 94, 34, 3, 18, 47, 60, 68, 63, 27, 96, 29, 20, 97];

#[test]
fn mt19937_matches_cpp_standard() {
    // C++ [rand.predef]: the 10000th output of std::mt19937 (seed 5489) is 4123659995.
    let mut mt = Mt19937::new(5489);
    let last = (0..10_000).map(|_| mt.next_u32()).last();
    assert_eq!(last, Some(4_123_659_995));
}

#[test]
fn mt19937_next_u64_and_fill_bytes_use_successive_words() {
    let (mut a, mut b) = (Mt19937::new(7), Mt19937::new(7));
    let (hi, lo) = (a.next_u32(), a.next_u32());
    assert_eq!(b.next_u64(), (u64::from(hi) << 32) | u64::from(lo));
    let mut bytes = [0u8; 6];
    b.fill_bytes(&mut bytes);
    let (w1, w2) = (a.next_u32().to_le_bytes(), a.next_u32().to_le_bytes());
    assert_eq!(bytes, [w1[0], w1[1], w1[2], w1[3], w2[0], w2[1]]);
}

// Exact: NumPy's algorithms use only IEEE +, -, *, /, sqrt and log; tolerance 0 (assert_eq on f64).
#[test]
fn rand_matches_numpy() {
    assert_eq!(first10(&RandomState::new(42).rand(100)), NP_RAND_42);
}

#[test]
fn randn_matches_numpy() {
    assert_eq!(first10(&RandomState::new(42).randn(100)), NP_RANDN_42);
}

#[test]
fn uniform_matches_numpy() {
    assert_eq!(first10(&RandomState::new(42).uniform(0.0, 10.0, 100)), NP_UNIFORM_0_10_42);
}

#[test]
fn deep_teaching_data_matches_numpy() {
    // X = np.random.uniform(0, 10, 100).astype(np.float32); noise = np.random.randn(100)
    let mut rng = RandomState::new(42);
    let x = rng.uniform(0.0, 10.0, 100).mapv(|v| v as f32);
    assert_f32_bits(x, &DEEP_TEACHING_X_F32);
    assert_eq!(first10(&rng.randn(100)), NP_RANDN_AFTER_100);
}

#[test]
fn five_steps_data_and_split_match_numpy() {
    // np.random.seed(42); x = rand(100, 1); eps = .1 * randn(100, 1); shuffle(arange(100))
    let mut rng = RandomState::new(42);
    let x = rng.rand((100, 1));
    let z = rng.randn((100, 1));
    let eps = 0.1 * &z;
    assert_eq!(x.column(0).iter().take(10).copied().collect::<Vec<_>>(), NP_RAND_42);
    assert_eq!(z.column(0).iter().take(10).copied().collect::<Vec<_>>(), NP_RANDN_AFTER_100);
    assert_eq!(eps.column(0).iter().take(10).copied().collect::<Vec<_>>(), FIVE_STEPS_EPS);

    let mut idx: Vec<usize> = (0..100).collect();
    rng.shuffle(&mut idx);
    assert_eq!(idx, FIVE_STEPS_IDX);
}

#[test]
fn numpy_uniform_with_ndarray_rand_equals_rand() {
    let from_rand_ext = Array::random_using((4, 5), NumpyUniform, &mut RandomState::new(3));
    assert_eq!(from_rand_ext, RandomState::new(3).rand((4, 5)));
}

#[test]
fn fills_are_row_major_even_for_fortran_shapes() {
    use ndarray::ShapeBuilder;
    assert_eq!(RandomState::new(1).rand((3, 2).f()), RandomState::new(1).rand((3, 2)));
}

// ---------- PyTorch ----------

#[rustfmt::skip]
const TORCH_RAND_0: [f64; 10] = [0.49625658988952637, 0.7682217955589294, 0.08847743272781372, 0.13203048706054688, 0.30742281675338745, 0.6340786814689636, 0.4900934100151062, 0.8964447379112244, 0.455627977848053, 0.6323062777519226];
#[rustfmt::skip]
const STUDENT_T_2: [f64; 10] = [-2.4238176345825195, -2.9796528816223145, -0.41236597299575806, 0.36963629722595215, 0.2165355235338211, 1.3598593473434448, 0.5625829100608826, 0.2673245072364807, 0.22936759889125824, -0.720670759677887];
#[rustfmt::skip]
const STUDENT_T_NORMAL_PART: [f64; 10] = [-2.6133224964141846, -1.6964744329452515, -0.22824178636074066, 0.2799549996852875, 0.0732460469007492, 1.1133184432983398, 0.2822672426700592, 0.4342256486415863, 0.4569401443004608, -0.8653713464736938];
#[rustfmt::skip]
const STUDENT_T_GAMMA_PART: [f64; 10] = [1.1624819040298462, 0.32416290044784546, 0.306354820728302, 0.5736238956451416, 0.11442213505506516, 0.670271635055542, 0.25173747539520264, 2.6384778022766113, 3.9687561988830566, 1.4418871402740479];
#[rustfmt::skip]
const DEEP_TEACHING_THETAS: [f64; 4] = [0.33669036626815796, 0.12880940735340118, 0.23446236550807953, 0.23033303022384644];
#[rustfmt::skip]
const ARTICLE_X: [f64; 10] = [1.9269152879714966, 1.4872840642929077, 0.9007171988487244, -2.1055209636688232, 0.6784184575080872, -1.2345448732376099, -0.04306747764348984, -1.6046669483184814, -0.7521352767944336, 1.6487230062484741];
#[rustfmt::skip]
const ARTICLE_NOISE: [f64; 10] = [0.7261772155761719, 0.09115186333656311, -0.3890652060508728, 0.5279164910316467, 1.031091570854187, -0.7047650218009949, 1.013148307800293, -0.330817848443985, 1.095009684562683, 0.3398909568786621];

/// PyTorch's `normal_fill` uses SIMD float32 log/sin/cos (exact re-implementation agrees to
/// ~2e-7); StudentT and its gamma part agree to ~2e-6. Tolerance for all of them: 1e-5.
const TORCH_SIMD_TOL: f64 = 1e-5;

#[test]
fn torch_rand_matches_pytorch() {
    assert_f32_bits(TorchGenerator::new(0).rand(100), &TORCH_RAND_0);
}

#[test]
fn torch_uniform_with_ndarray_rand_equals_rand() {
    let from_rand_ext = Array::random_using((4, 5), TorchUniform, &mut TorchGenerator::new(3));
    assert_eq!(from_rand_ext, TorchGenerator::new(3).rand((4, 5)));
}

#[test]
fn small_randn_matches_pytorch_bit_for_bit() {
    // Exact (bit-identical): double Box–Muller with the cached sin value.
    let mut rng = TorchGenerator::new(42);
    let thetas = [
        rng.randn((1, 1))[[0, 0]],
        rng.randn((1, 1))[[0, 0]],
        rng.randn(1)[0],
        rng.randn((1, 1))[[0, 0]],
    ];
    assert_f32_bits(thetas, &DEEP_TEACHING_THETAS);
}

#[test]
fn large_randn_matches_pytorch_within_simd_rounding() {
    let mut rng = TorchGenerator::new(42);
    assert_f32_close(rng.randn((100, 1)), &ARTICLE_X, TORCH_SIMD_TOL);
    assert_f32_close(rng.randn((100, 1)), &ARTICLE_NOISE, TORCH_SIMD_TOL);
}

#[test]
fn student_t_matches_pytorch() {
    let mut rng = TorchGenerator::new(0);
    rng.rand(100);
    assert_f32_close(rng.student_t(2.0, 100), &STUDENT_T_2, TORCH_SIMD_TOL);
}

#[test]
fn student_t_parts_match_pytorch_normal_and_standard_gamma() {
    // StudentT(2).sample((100,)) = normal_() of 100, then _standard_gamma(1.0) of 100.
    let mut rng = TorchGenerator::new(0);
    rng.rand(100);
    assert_f32_close(rng.randn(100), &STUDENT_T_NORMAL_PART, TORCH_SIMD_TOL);
    assert_f32_close(rng.standard_gamma(1.0, 100), &STUDENT_T_GAMMA_PART, TORCH_SIMD_TOL);
}
