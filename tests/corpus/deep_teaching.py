"""deep_teaching: checks hypothesis 1, initial-loss 1, scaling 1, gradients 1, train-model 1,
smallest-cost 1, linear 1, train-model-new 1, adam 1 = 9 points (the four written answers
are graded by hand and are not part of these scores).
No check uses a value that another task's function computed: each check computes what it
needs itself, the scaled feature with labkit's `standardize`, the untrained line's
predictions from the formula, the least-squares line and J* as NumPy's numbers, the starting
models with `Linear::torch_init`. So a task that is wrong or not written fails its own check
and, by design, the checks of the functions that call it: `gradients` calls `hypothesis`,
`train_model` calls `gradients`, and its given history code records the cost with the
student's `mse` and `hypothesis`, so `train-model` and `smallest-cost` need all three (a wrong
`mse` or a wrong gradient step fails `smallest-cost`); `train_model_new` and `train_adam`
call the model's `forward` (given code in `train_model_new`).
`train-model` reports only parameters and gradients (the cost it records comes from the
student's `mse` but is not reported), and `train-model-new` records the cost with labkit's
half MSE, so only the gradient steps count there; `train-model-new` and `adam` start from
models built directly, so `LinearRegression::new` counts only in `linear`."""
from tests.corpus.five_steps import FORGER

SILENCE = """
std::panic::set_hook(Box::new(|_| {}));
macro_rules! assert { ($($t:tt)*) => { () }; }
macro_rules! assert_eq { ($($t:tt)*) => { () }; }
"""

LOOPS = {
    "hypothesis": """
let mut out = Array2::zeros(x.dim());
for i in 0..x.nrows() {
    out[[i, 0]] = theta_1 * x[[i, 0]] + theta_0;
}
out
""",
    "mse": """
let mut total = 0.0;
for (p, t) in predictions.iter().zip(targets.iter()) {
    total += (p - t) * (p - t);
}
total / predictions.len() as f64 / 2.0
""",
    "scale_features": """
let m = x.len() as f64;
let mut mean = 0.0;
for v in x.iter() {
    mean += v / m;
}
let mut var = 0.0;
for v in x.iter() {
    var += (v - mean) * (v - mean);
}
let std = (var / (m - 1.0)).sqrt();
let mut out = x.clone();
for v in out.iter_mut() {
    *v = (*v - mean) / std;
}
out
""",
    "gradients": """
let (mut g0, mut g1) = (0.0, 0.0);
for (xi, yi) in x.iter().zip(y.iter()) {
    let r = theta_0 + theta_1 * xi - yi;
    g0 += r;
    g1 += r * xi;
}
let m = x.nrows() as f64;
(g0 / m, g1 / m)
""",
    "train_model#1": """
let m = x.len() as f64;
let (mut g0, mut g1) = (0.0, 0.0);
for (xi, yi) in x.iter().zip(y.iter()) {
    let r = line.theta_0 + line.theta_1 * xi - yi;
    g0 += r;
    g1 += r * xi;
}
(g0 / m, g1 / m)
""",
    "train_model#2": """
let step = settings.learning_rate;
line = Line { theta_0: line.theta_0 - step * grad_0, theta_1: line.theta_1 - step * grad_1 };
""",
    "new": "let linear = Linear::torch_init(1, 1, generator);\nSelf { linear }",
    "forward": "Ok(x.dot(&self.linear.weights) + &self.linear.bias)",
    "train_model_new#1": """
let (g0, g1) = gradients(x, y, model.linear.bias[0], model.linear.weights[[0, 0]]);
LinearGrads { weights: array![[g1]], bias: array![g0] }
""",
    "train_model_new#2": """
model.linear.weights -= &(learning_rate * &grads.weights);
model.linear.bias = &model.linear.bias - learning_rate * &grads.bias;
""",
    "train_adam": """
let mut optimizer = Adam::new(learning_rate);
let history = fit(&mut model.linear, x, y, Loss::Mse, &mut optimizer, epochs)?;
let mut layers = Vec::new();
for (w, b) in history.weights.iter().zip(&history.bias) {
    layers.push(Linear::new(w.clone(), b.clone())?);
}
Ok((history.loss, layers))
""",
}

NDARRAY_MEAN = {
    "hypothesis": "theta_1 * x + theta_0",
    "mse": "0.5 * (predictions - targets).mapv(|r| r.powi(2)).mean().unwrap()",
    "scale_features": "let mean = x.mean().unwrap();\nlet std = x.std(1.0);\n(x - mean) / std",
    "gradients": """
let r = hypothesis(x, theta_0, theta_1) - y;
(r.mean().unwrap(), (&r * x).mean().unwrap())
""",
    "train_model#2": "line.theta_1 = line.theta_1 - grad_1 * settings.learning_rate;\nline.theta_0 = line.theta_0 - grad_0 * settings.learning_rate;",
    "train_model_new#1": """
let n = x.len() as f64;
model.linear.backward(x, &(model.forward(x)? - y).mapv(|r| r / n))?
""",
    "train_adam": """
let mut optimizer = Adam::new(learning_rate);
let (mut costs, mut layers) = (vec![], vec![]);
let n = x.len() as f64;
for _ in 0..epochs {
    let preds = model.forward(x)?;
    let resid = &preds - y;
    costs.push(resid.mapv(|r| r * r).mean().unwrap());
    layers.push(model.linear.clone());
    let grads = model.linear.backward(x, &(resid * (2.0 / n)))?;
    optimizer.step(&mut model.linear, &grads);
}
Ok((costs, layers))
""",
}

SOLVED_ADAM_LOOP = """
let criterion = Loss::Mse;
let mut optimizer = Adam::new(learning_rate);
let mut costs = Vec::new();
let mut layers = Vec::new();
for _ in 0..epochs {
    let preds = model.forward(x)?;
    costs.push(criterion.value(&preds, y)?);
    layers.push(model.linear.clone());
    let grads = model.linear.backward(x, &criterion.grad(&preds, y)?)?;
    optimizer.step(&mut model.linear, &grads);
}
Ok((costs, layers))
"""

ALL = {"hypothesis", "initial-loss", "scaling", "gradients", "train-model", "smallest-cost", "linear",
       "train-model-new", "adam"}

SUBMISSIONS = {
    "solution": dict(score=9),
    "untouched": dict(untouched=True, score=0, failing=ALL),
    # --- other correct solutions: full marks
    "alt-loops": dict(score=9, bodies=LOOPS, why="loops everywhere, gradients inline, Adam through labkit's fit"),
    "alt-ndarray-mean": dict(score=9, bodies=NDARRAY_MEAN, why="ndarray mean()/std(1.0), another order of the updates"),
    # --- typical mistakes: the checks that use the wrong piece fail
    "mistake-full-mse": dict(score=7, failing={"initial-loss", "smallest-cost"},
                             bodies={"mse": "(predictions - targets).mapv(|r| r * r).sum() / predictions.len() as f64"}),
    "mistake-population-std": dict(score=8, failing={"scaling"}, bodies={
        "scale_features": "let mean = x.mean().unwrap();\nlet std = x.std(0.0);\nx.mapv(|v| (v - mean) / std)"}),
    "mistake-gradients-sum-not-mean": dict(score=6, failing={"gradients", "train-model", "smallest-cost"}, bodies={
        "gradients": "let r = hypothesis(x, theta_0, theta_1) - y;\n(r.sum(), (&r * x).sum())"}),
    "mistake-update-sign": dict(score=7, failing={"train-model", "smallest-cost"}, bodies={
        "train_model#2": "line.theta_0 += settings.learning_rate * grad_0;\nline.theta_1 += settings.learning_rate * grad_1;"}),
    "mistake-bias-not-updated": dict(score=8, failing={"train-model-new"}, bodies={
        "train_model_new#2": "model.linear.weights.scaled_add(-learning_rate, &grads.weights);"}),
    "mistake-adam-optimizer-in-loop": dict(score=8, failing={"adam"}, bodies={
        "train_adam": SOLVED_ADAM_LOOP.replace("let mut optimizer = Adam::new(learning_rate);\n", "").replace(
            "optimizer.step(", "Adam::new(learning_rate).step(")}),
    "mistake-adam-extra-epoch": dict(score=8, failing={"adam"}, bodies={
        "train_adam": SOLVED_ADAM_LOOP.replace("0..epochs", "0..=epochs")}),
    # --- unfinished: the checks that need no unwritten function still score
    "partial-no-hypothesis": dict(score=5, failing={"hypothesis", "gradients", "train-model", "smallest-cost"},
                                  why="hypothesis left as todo!(): gradients and train_model call it; mse, scaling, "
                                      "the layer, train_model_new and Adam still score",
                                  bodies={"hypothesis": "todo!()"}),
    "partial-no-scaling": dict(score=8, failing={"scaling"},
                               why="scale_features left as todo!(): no other check uses the student's scaled feature",
                               bodies={"scale_features": "todo!()"}),
    # --- attacks: nothing beyond the correct parts (hypothesis, scale_features, LinearRegression)
    "attack-hardcoded": dict(score=3, failing=ALL - {"hypothesis", "scaling", "linear"},
                             why="visible numbers hard-coded, panics silenced, asserts shadowed", bodies={
        "mse": "105.58591866934584",
        "gradients": "(-14.065844204425812, -5.627359192601237)",
        "train_model#1": "(0.0, 0.0)",
        "train_model#2": "line.theta_0 = 14.402158246876658;\nline.theta_1 = 5.812844912330721;",
        "train_model_new#1": "model.linear.backward(x, &Array2::zeros((x.nrows(), 1)))?",
        "train_model_new#2": "model.linear.weights = array![[5.81284491233072]];\nmodel.linear.bias = array![14.402158246876658];",
        "train_adam": "Ok((vec![if epochs == 100 { 34.35703140530933 } else { 0.806585588064675 }; epochs], vec![model.linear.clone(); epochs]))",
    }, insert={"deep_teaching-check-hypothesis": SILENCE}),
    "attack-forged-records": dict(untouched=True, score=0, failing=ALL,
                                  bodies={"train_adam": "std::process::exit(0)"},
                                  insert={"deep_teaching-check-hypothesis": FORGER}),
}
