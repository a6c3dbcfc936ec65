//! The synthetic datasets against values printed by NumPy 2.4 and PyTorch 2.x running the
//! labs' own lines (copied here; nothing is read from outside the crate).

use approx::assert_abs_diff_eq;
use labkit::{article, deep_teaching, five_steps, lab04, Linear};

/// torch.manual_seed(0); torch.rand(100)[:10] (float32, exact).
const TORCH_RAND_SEED0: [f64; 10] = [
    0.49625658988952637,
    0.7682217955589294,
    0.08847743272781372,
    0.13203048706054688,
    0.30742281675338745,
    0.6340786814689636,
    0.4900934100151062,
    0.8964447379112244,
    0.455627977848053,
    0.6323062777519226,
];
/// ... then StudentT(2.0).sample((100,))[:10].
const STUDENT_T: [f64; 10] = [
    -2.4238176345825195,
    -2.9796528816223145,
    -0.41236597299575806,
    0.36963629722595215,
    0.2165355235338211,
    1.3598593473434448,
    0.5625829100608826,
    0.2673245072364807,
    0.22936759889125824,
    -0.720670759677887,
];

#[test]
fn lab04_x_matches_torch_rand() {
    let data = lab04();
    assert_eq!(data.x.len(), 100);
    for (got, want) in data.x.iter().zip(TORCH_RAND_SEED0) {
        assert_eq!(*got, want);
    }
}

#[test]
fn lab04_y_matches_torch_within_1e_5() {
    // PyTorch's vectorised float32 log/sin/cos agree with exact maths to about 2e-6.
    let data = lab04();
    for i in 0..10 {
        let want = 4.0 * TORCH_RAND_SEED0[i] as f32 + STUDENT_T[i] as f32 - 1.0;
        assert_abs_diff_eq!(data.y[i], f64::from(want), epsilon = 1e-5);
    }
}

#[test]
fn deep_teaching_x_is_numpy_uniform_rounded_to_float32() {
    let want = [
        3.74540114402771,
        9.507143020629883,
        7.319939613342285,
        5.986584663391113,
        1.5601863861083984,
        1.5599452257156372,
        0.5808361172676086,
        8.661761283874512,
        6.011149883270264,
        7.08072566986084,
    ];
    let data = deep_teaching();
    assert_eq!(data.x.len(), 100);
    assert!(data.x.iter().all(|&x| (0.0..10.0).contains(&x)));
    assert_eq!(data.x.as_slice().unwrap()[..10], want);
}

#[test]
fn deep_teaching_y_matches_numpy_exactly() {
    // NumPy 2.4.6: y = np.array(5 + 2 * X + np.random.randn(100), dtype=np.float32)
    let head = [
        12.577849388122559,
        23.71527862548828,
        19.731639862060547,
        14.985600471496582,
        7.90070104598999,
        8.47700309753418,
        7.639565944671631,
        21.805252075195312,
        16.213808059692383,
        18.65969467163086,
    ];
    let tail = [13.891972541809082, 5.785073757171631, 7.985011577606201];
    let y = deep_teaching().y;
    assert_eq!(y.as_slice().unwrap()[..10], head);
    assert_eq!(y.as_slice().unwrap()[97..], tail);
}

#[test]
fn five_steps_split_matches_numpy_shuffle() {
    let idx = [
        76, 83, 80, 98, 2, 77, 71, 84, 89, 50, 40, 51, 67, 86, 37, 49, 4, 10, 69, 81, 9, 54, 55, 87, 64, 44, 90, 75,
        33, 30, 93, 95, 14, 61, 11, 13, 15, 7, 0, 19, 35, 6, 12, 65, 70, 88, 56, 58, 28, 38, 91, 42, 8, 73, 39, 85, 25,
        92, 41, 26, 1, 22, 21, 46, 74, 79, 78, 72, 57, 53, 24, 17, 66, 32, 31, 62, 59, 52, 82, 23, 36, 5, 45, 99, 43,
        16, 48, 94, 34, 3, 18, 47, 60, 68, 63, 27, 96, 29, 20, 97,
    ];
    let data = five_steps();
    assert_eq!(data.train_idx, idx[..80]);
    assert_eq!(data.val_idx, idx[80..]);
    assert_eq!((data.x_train.dim(), data.y_train.dim()), ((80, 1), (80, 1)));
    assert_eq!((data.x_val.dim(), data.y_val.dim()), ((20, 1), (20, 1)));
    assert_eq!(data.x_train[[0, 0]], data.x[[76, 0]]);
    assert_eq!(data.y_val[[19, 0]], data.y[[97, 0]]);
}

#[test]
fn five_steps_data_is_bit_identical_to_numpy() {
    let data = five_steps();
    // np.random.seed(42); np.random.rand(100, 1)[:5]
    let x = [0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366, 0.15601864044243652];
    // NumPy 2.4.6: y = .5 + -3 * x + .1 * randn(100, 1)
    let y = [-0.6149156497182704, -2.3820436542763352, -1.686805747780665, -1.494732344051199, 0.009976889888939251];
    for i in 0..5 {
        assert_eq!((data.x[[i, 0]], data.y[[i, 0]]), (x[i], y[i]));
    }
    assert_eq!(data.y[[99, 0]], 0.259044043923689);
    assert_eq!(data.y_train[[0, 0]], -1.8818135122156865);
}

#[test]
fn article_x_matches_torch_randn_within_1e_5() {
    let x = [
        1.9269152879714966,
        1.4872840642929077,
        0.9007171988487244,
        -2.1055209636688232,
        0.6784184575080872,
        -1.2345448732376099,
        -0.04306747764348984,
        -1.6046669483184814,
        -0.7521352767944336,
        1.6487230062484741,
    ];
    let noise = [
        0.7261772155761719,
        0.09115186333656311,
        -0.3890652060508728,
        0.5279164910316467,
        1.031091570854187,
        -0.7047650218009949,
        1.013148307800293,
        -0.330817848443985,
        1.095009684562683,
        0.3398909568786621,
    ];
    let data = article();
    assert_eq!((data.x.dim(), data.y.dim()), ((100, 1), (100, 1)));
    for i in 0..10 {
        assert_abs_diff_eq!(data.x[[i, 0]], x[i], epsilon = 1e-5);
        assert_abs_diff_eq!(data.y[[i, 0]], 2.5 * x[i] + 1.0 + 0.5 * noise[i], epsilon = 1e-5);
    }
}

#[test]
fn article_generator_continues_to_nn_linear_init() {
    // torch: after X and the noise, nn.Linear(1, 1) has weight 0.48010575771331787, bias 0.8415044546127319.
    let mut data = article();
    let layer = Linear::torch_init(1, 1, &mut data.rng);
    assert_abs_diff_eq!(layer.weights[[0, 0]], 0.48010575771331787, epsilon = 1e-6);
    assert_abs_diff_eq!(layer.bias[0], 0.8415044546127319, epsilon = 1e-6);
}
