"""learning_rates: checks hypothesis-cost 1, gradient 2, gradient-vs-backward 1,
gradient-descent 2, train-100 2, train-1000 1, sweep-100 2, sweep-1000 2 = 13 points.
`hypothesis-cost` tests hypothesis and cost; `gradient` and `gradient-vs-backward` both test
gradient (on general matrices, and on a design matrix with θ = (bias, weight));
`gradient-descent` tests gradient_descent, which calls the student's gradient (so a wrong
gradient fails it too, as it should: the loop trains with it, not with cost); `train-100`
and `train-1000` both test train (several losses, learning rates and epoch counts, then a
1000-epoch run); `sweep-100` and `sweep-1000` both test train_and_log_params (two calls on one
generator each). The solution's gradient does not call cost, and its train_and_log_params
uses labkit's fit, not train, so a mistake in one function fails only that function's checks.
Each check runs the functions it tests itself, on inputs from locked cells that call no
student function (the data, the initial model, the least-squares line), never on values that
another task's cell computed, and the gradient check's finite differences use the formula of
J, not the student's cost: a task that is not written fails only its own checks."""
from tests.corpus.five_steps import FORGER

# what the notebook prints at the end of each sweep (last logged weight and bias per rate)
HARDCODED_SWEEPS = """
let (w, b) = match (num_epochs, lr) {
    (100, lr) if lr == 0.001 => (0.8768213022798649, 0.4098836661387453),
    (100, lr) if lr == 0.01 => (2.1693803048350264, 0.8180082656810926),
    (1000, lr) if lr == 0.001 => (2.2300421592693125, 0.9468469743649778),
    _ => (2.5059053545521524, 1.017836957199596),
};
Ok((vec![0.0; num_epochs], vec![w; num_epochs], vec![b; num_epochs]))
"""

MANUAL_LOG = """
let mut model = Linear::torch_init(1, 1, rng);
let mut optimizer = Sgd::new(lr);
let (mut losses, mut weights, mut biases) = (Vec::new(), Vec::new(), Vec::new());
for _ in 0..num_epochs {
    let y_pred = model.forward(x)?;
    losses.push(Loss::Mse.value(&y_pred, y)?);
    weights.push(model.weights[[0, 0]]);
    biases.push(model.bias[0]);
    let grads = model.backward(x, &Loss::Mse.grad(&y_pred, y)?)?;
    optimizer.step(&mut model, &grads);
}
Ok((losses, weights, biases))
"""

SUBMISSIONS = {
    "solution": dict(score=13),
    "untouched": dict(untouched=True, score=0, failing={
        "hypothesis-cost", "gradient", "gradient-vs-backward", "gradient-descent", "train-100", "train-1000",
        "sweep-100", "sweep-1000"}),
    # --- other correct solutions: full marks
    "alt-loops": dict(score=13, why="index loops for the matrix formulas, while loops, a hand-written logging loop", bodies={
        "hypothesis": ("let mut out = Array2::zeros((x.nrows(), theta.ncols()));\nfor i in 0..x.nrows() {\n    for k in 0..theta.ncols() {\n"
                       "        let mut s = 0.0;\n        for j in 0..x.ncols() {\n            s += x[[i, j]] * theta[[j, k]];\n        }\n"
                       "        out[[i, k]] = s;\n    }\n}\nout"),
        "cost": ("let pred = hypothesis(x, theta);\nlet mut total = 0.0;\nfor i in 0..x.nrows() {\n    let r = pred[[i, 0]] - y[[i, 0]];\n"
                 "    total += r * r;\n}\ntotal / (2.0 * x.nrows() as f64)"),
        "gradient": ("let pred = hypothesis(x, theta);\nlet n = x.nrows();\nlet mut g = Array2::zeros((x.ncols(), 1));\nfor j in 0..x.ncols() {\n"
                     "    let mut s = 0.0;\n    for i in 0..n {\n        s += (pred[[i, 0]] - y[[i, 0]]) * x[[i, j]];\n    }\n"
                     "    g[[j, 0]] = s / n as f64;\n}\ng"),
        "gradient_descent": ("let mut theta = theta.to_owned();\nlet mut epoch = 0;\nwhile epoch < num_epochs {\n"
                             "    let g = gradient(x, y, &theta);\n    for j in 0..theta.nrows() {\n"
                             "        theta[[j, 0]] -= alpha * g[[j, 0]];\n    }\n    epoch += 1;\n}\ntheta"),
        "train": ("let mut loss_log = Vec::new();\nlet mut epoch = 0;\nwhile epoch < num_epochs {\n    let y_pred = model.forward(x)?;\n"
                  "    loss_log.push(loss_function.value(&y_pred, y)?);\n    let dloss = loss_function.grad(&y_pred, y)?;\n"
                  "    let grads = model.backward(x, &dloss)?;\n    optimizer.step(model, &grads);\n    epoch += 1;\n}\nOk(loss_log)"),
        "train_and_log_params": MANUAL_LOG,
    }),
    "alt-ndarray-mean": dict(score=13, why="mean(), products in another order, a fold, labkit's fit, gradient descent by hand", bodies={
        "hypothesis": "theta.t().dot(&x.t()).t().to_owned()",
        "cost": "let r = y - &hypothesis(x, theta);\n0.5 * r.mapv(|v| v * v).mean().unwrap()",
        "gradient": "let r = hypothesis(x, theta) - y;\nlet n = x.nrows() as f64;\nr.t().dot(x).t().to_owned() * (1.0 / n)",
        "gradient_descent": "(0..num_epochs).fold(theta.clone(), |t, _| {\n    let g = gradient(x, y, &t);\n    t - g * alpha\n})",
        "train": "Ok(fit(model, x, y, loss_function, optimizer, num_epochs)?.loss)",
        "train_and_log_params": """
let model = Linear::torch_init(NUM_FEATURES, 1, rng);
let (mut w, mut b) = (model.weights[[0, 0]], model.bias[0]);
let (mut losses, mut weights, mut biases) = (vec![], vec![], vec![]);
for _ in 0..num_epochs {
    let r = x.column(0).mapv(|v| w * v + b) - y.column(0);
    losses.push(r.mapv(|e| e * e).mean().unwrap());
    weights.push(w);
    biases.push(b);
    let w_grad = 2.0 * (&r * &x.column(0)).mean().unwrap();
    let b_grad = 2.0 * r.mean().unwrap();
    w -= lr * w_grad;
    b -= lr * b_grad;
}
Ok((losses, weights, biases))
""",
    }),
    # --- typical mistakes: the checks that use the wrong function fail
    "mistake-cost-no-half": dict(score=12, failing={"hypothesis-cost"}, why="1/n instead of the article's 1/(2n)",
                                 bodies={"cost": "let r = hypothesis(x, theta) - y;\nr.t().dot(&r)[[0, 0]] / x.nrows() as f64"}),
    "mistake-gradient-sum": dict(score=8, failing={"gradient", "gradient-vs-backward", "gradient-descent"}, why="Xᵀ(Xθ − y) without the 1/n",
                                 bodies={"gradient": "x.t().dot(&(hypothesis(x, theta) - y))"}),
    "mistake-gradient-sign": dict(score=8, failing={"gradient", "gradient-vs-backward", "gradient-descent"}, why="residual y − Xθ",
                                  bodies={"gradient": "x.t().dot(&(y - &hypothesis(x, theta))) / x.nrows() as f64"}),
    "mistake-gd-stale-gradient": dict(score=11, failing={"gradient-descent"},
                                      why="every step uses the gradient at the starting θ (the parameter, not the loop variable)",
                                      bodies={"gradient_descent": """
let mut theta_new = theta.clone();
for _ in 0..num_epochs {
    theta_new = &theta_new - alpha * gradient(x, y, theta);
}
theta_new
"""}),
    "mistake-train-always-mse": dict(score=11, failing={"train-100"},
                                     why="ignores loss_function: right for MSE (the notebook's runs), wrong for half MSE",
                                     bodies={"train": """
let mut loss_log = Vec::with_capacity(num_epochs);
for _ in 0..num_epochs {
    let y_pred = model.forward(x)?;
    let loss = Loss::Mse.value(&y_pred, y)?;
    let grads = model.backward(x, &Loss::Mse.grad(&y_pred, y)?)?;
    optimizer.step(model, &grads);
    loss_log.push(loss);
}
Ok(loss_log)
"""}),
    "mistake-train-extra-epoch": dict(score=10, failing={"train-100", "train-1000"},
                                      bodies={"train": "Ok(fit(model, x, y, loss_function, optimizer, num_epochs + 1)?.loss)"}),
    "mistake-log-after-update": dict(score=9, failing={"sweep-100", "sweep-1000"},
                                     why="weight and bias logged after the epoch's update",
                                     bodies={"train_and_log_params": MANUAL_LOG.replace(
                                         "    weights.push(model.weights[[0, 0]]);\n    biases.push(model.bias[0]);\n", "").replace(
                                         "    optimizer.step(&mut model, &grads);\n",
                                         "    optimizer.step(&mut model, &grads);\n    weights.push(model.weights[[0, 0]]);\n    biases.push(model.bias[0]);\n")}),
    "mistake-reseeded": dict(score=9, failing={"sweep-100", "sweep-1000"},
                             why="a new generator seeded 42 instead of the one passed in",
                             bodies={"train_and_log_params": MANUAL_LOG.replace(
                                 "Linear::torch_init(1, 1, rng)", "Linear::torch_init(1, 1, &mut TorchGenerator::new(42))")}),
    # --- unfinished: the other checks still score
    "partial-no-cost": dict(score=12, failing={"hypothesis-cost"}, bodies={"cost": "todo!()"}),
    "partial-no-gradient-descent": dict(score=11, failing={"gradient-descent"}, bodies={"gradient_descent": "todo!()"}),
    "partial-no-train": dict(score=10, failing={"train-100", "train-1000"}, bodies={"train": "todo!()"}),
    # --- attacks: nothing beyond the correct part (train)
    "attack-hardcoded": dict(score=3, failing={"hypothesis-cost", "gradient", "gradient-vs-backward", "gradient-descent",
                                               "sweep-100", "sweep-1000"},
                             why="visible numbers hard-coded, panics silenced, asserts shadowed", bodies={
        "cost": "if theta.iter().all(|&t| t == 0.0) { 35.0 / 6.0 } else { 0.0 }",
        "gradient": "array![[-3.0], [-13.0 / 3.0]]",
        "train_and_log_params": HARDCODED_SWEEPS,
    }, insert={
        "learning_rates-check-hypothesis-cost": 'std::panic::set_hook(Box::new(|_| {}));\nmacro_rules! assert { ($($t:tt)*) => { () }; }\nmacro_rules! assert_eq { ($($t:tt)*) => { () }; }',
    }),
    "attack-forged-records": dict(untouched=True, score=0, failing={
        "hypothesis-cost", "gradient", "gradient-vs-backward", "gradient-descent", "train-100", "train-1000",
        "sweep-100", "sweep-1000"},
                                  bodies={"train_and_log_params": "std::process::exit(0)"},
                                  insert={"learning_rates-check-hypothesis-cost": FORGER}),
}
