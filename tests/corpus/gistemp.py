"""gistemp: checks mse 2, step1 2, step2 2 (gradient_descent), step2-range 1, mae 2,
step3 1, step4 2 = 12 points (the written answer about the shapes is graded by hand and is
not part of these scores).

The student writes each loss once (`mse`, `mae`: the loss and its gradient), the update in
`step1` and in `gradient_descent` (reused by Steps 3 and 4), Step 4's starting layer, and
chooses the learning rate and number of iterations of Steps 2, 3 and 4 (`stepN_settings`).
The range checks (step2-range, step3, step4) train again with the student's own functions
and settings and pass whenever the lab's range is reached, whatever the settings.
Every check calls the student's functions itself (none reads a run cell's variables), so a
task left unwritten fails its own check and those that train with it by design: step1 calls
mse, and the range checks train with gradient_descent and mse (step3: mae).
check-step2 runs gradient_descent with labkit's MSE, so a mistake in `mse` fails only the
checks that use it (mse, step1, and a range only if the range is then missed).
mae is graded on hidden data without a zero residual, plus one exact zero residual where any
gradient in [-1/n, 1/n] is accepted: an explicit sign (0 at 0) and f64::signum (1 at 0)
both get full marks."""

from tests.corpus.five_steps import FORGER


SILENCE = """
std::panic::set_hook(Box::new(|_| {}));
macro_rules! assert { ($($t:tt)*) => { () }; }
macro_rules! assert_eq { ($($t:tt)*) => { () }; }
"""

MSE_LOOP = """
let n = y_true.len() as f64;
let mut loss = 0.0;
let mut grad = Array2::zeros(y_pred.dim());
for ((g, p), t) in grad.iter_mut().zip(y_pred.iter()).zip(y_true.iter()) {
    let r = t - p;
    loss += r * r;
    *g = -2.0 * r / n;
}
Ok((loss / n, grad))
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
Ok((loss / n, grad))
"""
UPDATE_LOOP = """
for (w, g) in layer.weights.iter_mut().zip(grads.weights.iter()) {
    *w -= learning_rate * g;
}
for (b, g) in layer.bias.iter_mut().zip(grads.bias.iter()) {
    *b -= learning_rate * g;
}
"""
MSE_LABKIT = "Ok((Loss::Mse.value(y_pred, y_true)?, Loss::Mse.grad(y_pred, y_true)?))"
MAE_LABKIT = "Ok((Loss::Mae.value(y_pred, y_true)?, Loss::Mae.grad(y_pred, y_true)?))"
MSE_MEAN = """
let resid = y_true - y_pred;
let n = resid.len() as f64;
Ok((resid.mapv(|r| r.powi(2)).mean().unwrap(), -2.0 * resid / n))
"""
MAE_MEAN_SIGNUM = """
let resid = y_true - y_pred;
let n = resid.len() as f64;
Ok((resid.mapv(f64::abs).mean().unwrap(), resid.mapv(|r| -f64::signum(r)) / n))
"""
SCALED_ADD_BOTH = """
layer.weights.scaled_add(-learning_rate, &grads.weights);
layer.bias.scaled_add(-learning_rate, &grads.bias);
"""
SOLVED_MSE = """
let resid = y_true - y_pred;
let n = resid.len() as f64;
let loss = resid.mapv(|r| r * r).sum() / n;
let dloss_dpred = -2.0 * &resid / n;
Ok((loss, dloss_dpred))
"""

ALL = {"mse", "step1", "step2", "step2-range", "mae", "step3", "step4"}

SUBMISSIONS = {
    "solution": dict(score=12),
    "untouched": dict(untouched=True, score=0, failing=ALL),
    # --- other correct solutions, other settings that reach the ranges: full marks
    "alt-loops-signum": dict(score=12, why="loops, f64::signum for the MAE gradient, slow but enough settings", bodies={
        "mse": MSE_LOOP, "mae": MAE_LOOP_SIGNUM,
        "step1": "for (w, g) in layer.weights.iter_mut().zip(grads.weights.iter()) {\n    *w -= learning_rate * g;\n}",
        "gradient_descent": UPDATE_LOOP,
        "step2_settings": "(0.1, 200)",      # MSE 0.03191
        "step3_settings": "(0.05, 1000)",    # MAE 0.14861
        "hinge_start": "Linear { weights: Array2::zeros((2, 1)), bias: Array1::zeros(1) }",
        "step4_settings": "(0.3, 300)",      # MSE 0.0201
    }),
    "alt-labkit-losses": dict(score=12, why="labkit's Loss::Mse / Loss::Mae (sign 0 at 0), near the largest stable rates", bodies={
        "mse": MSE_LABKIT, "mae": MAE_LABKIT,
        "step2_settings": "(0.6, 100)",      # below 2/λmax = 0.639
        "step3_settings": "(0.3, 300)",
        "hinge_start": "Linear::new(array![[0.0], [0.0]], array![0.0]).expect(\"weights (2, 1) and bias (1) fit\")",
        "step4_settings": "(0.5, 300)",      # below 2/λmax = 0.590
    }),
    "alt-mean-signum": dict(score=12, why="ndarray mean(), signum through mapv, scaled_add, few iterations", bodies={
        "mse": MSE_MEAN, "mae": MAE_MEAN_SIGNUM,
        "gradient_descent": SCALED_ADD_BOTH,
        "step2_settings": "let learning_rate = 0.1;\nlet num_iter = 150;\n(learning_rate, num_iter)",   # MSE 0.03202
        "step4_settings": "(0.1, 100)",      # MSE 0.0237
    }),
    # --- typical mistakes: the checks of the wrong parts fail
    "mistake-step1-bias-updated": dict(score=10, failing={"step1"}, bodies={"step1": SCALED_ADD_BOTH}),
    # fit without the bias: Step 2 and 3 miss their ranges; the hinge model without a bias
    # still reaches MSE 0.0251, within Step 4's range
    "mistake-bias-not-updated": dict(score=8, failing={"step2", "step2-range", "step3"}, bodies={
        "gradient_descent": "layer.weights = &layer.weights - learning_rate * &grads.weights;"}),
    # the original's 50 iterations at 0.1: MSE 0.0419
    "mistake-too-few-iterations": dict(score=11, failing={"step2-range"}, bodies={"step2_settings": "(0.1, 50)"}),
    # beyond 2/λmax = 0.639 the MSE descent diverges
    "mistake-learning-rate-too-large": dict(score=11, failing={"step2-range"}, bodies={"step2_settings": "(1.0, 100)"}),
    # Step 2's fast settings reused for the MAE: its fixed-size steps jump around, MAE 0.33
    "mistake-mae-with-step2-settings": dict(score=11, failing={"step3"}, bodies={"step3_settings": "(0.5, 100)"}),
    # gradient ascent on the MAE: the MAE check and Step 3's range fail
    "mistake-mae-gradient-sign": dict(score=9, failing={"mae", "step3"}, bodies={"mae": """
let resid = y_true - y_pred;
let n = resid.len() as f64;
let sign = |r: f64| if r > 0.0 { 1.0 } else if r < 0.0 { -1.0 } else { 0.0 };
Ok((resid.mapv(f64::abs).sum() / n, resid.mapv(|r| sign(r) / n)))
"""}),
    # half the gradient: mse and step1 fail; with the solution's settings Steps 2 and 4 still
    # reach their ranges (like learning rates 0.25 and 0.05)
    "mistake-missing-factor-2": dict(score=8, failing={"mse", "step1"}, bodies={
        "mse": SOLVED_MSE.replace("-2.0 * &resid / n", "-1.0 * &resid / n")}),
    "mistake-step4-weights-transposed": dict(score=10, failing={"step4"}, bodies={"hinge_start": "Linear::zeros(1, 2)"}),
    # --- attack: nothing beyond the correct parts
    "attack-hardcoded": dict(score=7, failing={"step1", "mae", "step3"},
                             why="visible numbers hard-coded, panics silenced, asserts shadowed", bodies={
        "step1": "layer.weights = array![[0.25871825218200684]];",
        "mae": "Ok((0.14860477987949058, Array2::zeros(y_pred.dim())))",
    }, insert={"gistemp-check-step1": SILENCE}),
    # a thread that reads each check's source as evcxr compiles it and prints forged records,
    # on an untouched base (so the expected 0 does not depend on its timing), ending in exit
    "attack-forged-records": dict(untouched=True, score=0, failing=ALL,
                                  bodies={"hinge_start": "std::process::exit(0)"},
                                  insert={"gistemp-check-mse": FORGER}),
}
