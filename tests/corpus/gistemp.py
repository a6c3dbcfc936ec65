"""gistemp: checks step1 2, step2 3, step3 2, step4 2 = 9 points (the written answer about
the shapes is graded by hand and is not part of these scores).
Every step is one function with several solution regions: the loss and its gradient, the
update, and in step4 the initial layer; "stepN#k" fills the k-th region of stepN only.
Each check calls only its own step, so a mistake in one step fails that step's check alone.
Step 3's hidden data never makes a residual exactly 0, so an explicit sign (0 at 0) and
f64::signum (1 at 0) both get full marks."""

from corpus.five_steps import FORGER


SILENCE = """
std::panic::set_hook(Box::new(|_| {}));
macro_rules! assert { ($($t:tt)*) => { () }; }
macro_rules! assert_eq { ($($t:tt)*) => { () }; }
"""

MSE_LOOP = """
let n = y_true.len() as f64;
let mut loss = 0.0;
let mut grad = Array2::zeros(y_pred.dim());
for i in 0..y_true.nrows() {
    let r = y_true[[i, 0]] - y_pred[[i, 0]];
    loss += r * r;
    grad[[i, 0]] = -2.0 * r / n;
}
(loss / n, grad)
"""
MAE_LOOP_SIGNUM = """
let n = y_true.len() as f64;
let mut loss = 0.0;
let mut grad = Array2::zeros(y_pred.dim());
for i in 0..y_true.nrows() {
    let r = y_true[[i, 0]] - y_pred[[i, 0]];
    loss += r.abs();
    grad[[i, 0]] = -r.signum() / n;
}
(loss / n, grad)
"""
UPDATE_LOOP = """
for (w, g) in layer.weights.iter_mut().zip(grads.weights.iter()) {
    *w -= learning_rate * g;
}
for (b, g) in layer.bias.iter_mut().zip(grads.bias.iter()) {
    *b -= learning_rate * g;
}
"""
MSE_LABKIT = "(Loss::Mse.value(&y_pred, y_true)?, Loss::Mse.grad(&y_pred, y_true)?)"
MAE_LABKIT = "(Loss::Mae.value(&y_pred, y_true)?, Loss::Mae.grad(&y_pred, y_true)?)"
UPDATE_ARRAYS = """
layer.weights = &layer.weights - learning_rate * &grads.weights;
layer.bias = &layer.bias - learning_rate * &grads.bias;
"""
MSE_MEAN = """
let resid = y_true - &y_pred;
let n = resid.len() as f64;
(resid.mapv(|r| r.powi(2)).mean().unwrap(), -2.0 * resid / n)
"""
MAE_MEAN_SIGNUM = """
let resid = y_true - &y_pred;
let n = resid.len() as f64;
(resid.mapv(f64::abs).mean().unwrap(), resid.mapv(|r| -f64::signum(r)) / n)
"""
SOLVED_MSE = """
let resid = y_true - &y_pred;
let n = resid.len() as f64;
(resid.mapv(|r| r * r).sum() / n, resid * (-2.0 / n))
"""
UPDATE_BOTH = """
layer.weights.scaled_add(-learning_rate, &grads.weights);
layer.bias.scaled_add(-learning_rate, &grads.bias);
"""

ALL = {"step1", "step2", "step3", "step4"}

SUBMISSIONS = {
    "solution": dict(score=9),
    "untouched": dict(untouched=True, score=0, failing=ALL),
    # --- other correct solutions: full marks
    "alt-loops-signum": dict(score=9, why="loops, f64::signum for the MAE gradient", bodies={
        "step1#1": MSE_LOOP,
        "step1#2": "for (w, g) in layer.weights.iter_mut().zip(grads.weights.iter()) {\n    *w -= learning_rate * g;\n}",
        "step2#1": MSE_LOOP, "step2#2": UPDATE_LOOP,
        "step3#1": MAE_LOOP_SIGNUM, "step3#2": UPDATE_LOOP,
        "step4#1": "Linear::new(Array2::zeros((features.ncols(), 1)), Array1::zeros(1))?",
        "step4#2": MSE_LOOP, "step4#3": UPDATE_LOOP,
    }),
    "alt-labkit-losses": dict(score=9, why="labkit's Loss::Mse / Loss::Mae (2r/n, sign 0 at 0), arrays rebuilt", bodies={
        "step1#1": MSE_LABKIT, "step1#2": "layer.weights = &layer.weights - learning_rate * &grads.weights;",
        "step2#1": MSE_LABKIT, "step2#2": UPDATE_ARRAYS,
        "step3#1": MAE_LABKIT, "step3#2": UPDATE_ARRAYS,
        "step4#1": "Linear::new(array![[0.0], [0.0]], array![0.0])?",
        "step4#2": MSE_LABKIT, "step4#3": UPDATE_ARRAYS,
    }),
    "alt-mean-signum": dict(score=9, why="ndarray mean(), -2·resid/n, signum through mapv", bodies={
        "step1#1": MSE_MEAN, "step2#1": MSE_MEAN, "step3#1": MAE_MEAN_SIGNUM, "step4#2": MSE_MEAN,
        "step2#2": "layer.bias.scaled_add(-learning_rate, &grads.bias);\nlayer.weights.scaled_add(-learning_rate, &grads.weights);",
    }),
    # --- typical mistakes: the check of the wrong step fails
    "mistake-step1-bias-updated": dict(score=7, failing={"step1"}, bodies={"step1#2": UPDATE_BOTH}),
    "mistake-step2-bias-not-updated": dict(score=6, failing={"step2"}, bodies={
        "step2#2": "layer.weights.scaled_add(-learning_rate, &grads.weights);"}),
    "mistake-mae-gradient-sign": dict(score=7, failing={"step3"}, bodies={"step3#1": """
let resid = y_true - &y_pred;
let n = resid.len() as f64;
let sign = |r: f64| if r > 0.0 { 1.0 } else if r < 0.0 { -1.0 } else { 0.0 };
(resid.mapv(f64::abs).sum() / n, resid.mapv(|r| sign(r) / n))
"""}),
    "mistake-missing-factor-2": dict(score=2, failing={"step1", "step2", "step4"}, bodies={
        key: SOLVED_MSE.replace("-2.0 / n", "-1.0 / n") for key in ("step1#1", "step2#1", "step4#2")}),
    "mistake-step4-weights-transposed": dict(score=7, failing={"step4"}, bodies={"step4#1": "Linear::zeros(1, 2)"}),
    # --- attack: nothing beyond the correct parts (step2, step4)
    "attack-hardcoded": dict(score=5, failing={"step1", "step3"},
                             why="visible numbers hard-coded, panics silenced, asserts shadowed", bodies={
        "step1#1": "(0.0926528, Array2::zeros(y_pred.dim()))",
        "step1#2": "layer.weights = array![[0.25871825218200684]];",
        "step3#1": "(0.14860477987949058, Array2::zeros(y_pred.dim()))",
        "step3#2": "layer.weights = array![[0.764]];\nlayer.bias = array![-0.503];",
    }, insert={"gistemp-check-step1": SILENCE}),
    # a thread that reads each check's source as evcxr compiles it and prints forged records,
    # on an untouched base (so the expected 0 does not depend on its timing), ending in exit
    "attack-forged-records": dict(untouched=True, score=0, failing={"step1", "step2", "step3", "step4"},
                                  bodies={"step4#1": "std::process::exit(0)"},
                                  insert={"gistemp-check-step1": FORGER}),
}
