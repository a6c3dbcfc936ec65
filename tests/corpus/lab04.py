"""lab04: checks losses 2, gradient 2, descent-step 1, descent-loop 1 = 6 points (the six
written answers, the outlier question among them, are graded by hand and not counted here).
`losses` tests residuals, mse and mae; `gradient` tests mse_at (which calls residuals and
mse), numerical_slope_gradient and analytic_slope_gradient; `descent-step` tests
descent_step alone; `descent-loop` tests descend, whose slopes come from the analytic
gradient and descent_step and whose losses from mse_at. A wrong mse therefore also fails
`gradient` and `descent-loop`; a wrong residual sign does not (it is squared away).
No check uses a value that another task's function computed: the gradient and MSE that the
descent-step check needs come from their formulas, and the descent-loop check runs descend
itself, so a task left unwritten fails its own check and those of the functions that call it."""
from tests.corpus.five_steps import FORGER

SUBMISSIONS = {
    "solution": dict(score=6),
    "untouched": dict(untouched=True, score=0,
                      failing={"losses", "gradient", "descent-step", "descent-loop"}),
    # --- other correct solutions: full marks
    "alt-loops": dict(score=6, why="element loops everywhere, mse_at and the gradient inline", bodies={
        "residuals": "let mut out = Array1::zeros(y_true.len());\nfor i in 0..y_true.len() {\n    out[i] = y_true[i] - y_pred[i];\n}\nout",
        "mse": "let mut total = 0.0;\nfor r in resid.iter() {\n    total += r * r;\n}\ntotal / resid.len() as f64",
        "mae": "let mut total = 0.0;\nfor r in resid {\n    total += r.abs();\n}\ntotal / resid.len() as f64",
        "mse_at": "let mut total = 0.0;\nfor (xi, yi) in x.iter().zip(y_true) {\n    let r = yi - slope * xi;\n    total += r * r;\n}\ntotal / x.len() as f64",
        "numerical_slope_gradient": "let up = mse_at(slope + h, x, y_true);\nlet down = mse_at(slope - h, x, y_true);\n(up - down) / 2.0 / h",
        "analytic_slope_gradient": "let mut total = 0.0;\nfor i in 0..x.len() {\n    total += (slope * x[i] - y_true[i]) * x[i];\n}\n2.0 * total / x.len() as f64",
        "descent_step": "let step = learning_rate * gradient;\nslope - step",
        "descend": ("let mut current = slope;\nfor _ in 0..steps {\n    let mut g = 0.0;\n    for (xi, yi) in x.iter().zip(y_true.iter()) {\n"
                    "        g += (current * xi - yi) * xi;\n    }\n    current -= learning_rate * 2.0 * g / x.len() as f64;\n"
                    "    slopes.push(current);\n    losses.push(mse_at(current, x, y_true));\n}\n(slopes, losses)"),
    }),
    "alt-ndarray-mean": dict(score=6, why="ndarray's mean() and mapv, another order of the same arithmetic", bodies={
        "residuals": "-(y_pred - y_true)",
        "mse": "resid.mapv(|r| r.powi(2)).mean().unwrap()",
        "mae": "resid.mapv(f64::abs).mean().unwrap()",
        "mse_at": "mse(&residuals(y_true, &x.mapv(|v| v * slope)))",
        "numerical_slope_gradient": "(mse_at(slope + h, x, y_true) - mse_at(slope - h, x, y_true)) / (h + h)",
        "analytic_slope_gradient": "2.0 * ((slope * x - y_true) * x).mean().unwrap()",
        "descent_step": "slope - gradient * learning_rate",
    }),
    "alt-dot-products": dict(score=6, why="sums as dot products; the gradient as 2(w·Σx² − Σxy)/n", bodies={
        "mse": "resid.dot(resid) / resid.len() as f64",
        "mae": "resid.iter().map(|r| r.abs()).sum::<f64>() / resid.len() as f64",
        "analytic_slope_gradient": "let n = x.len() as f64;\n2.0 * (slope * x.dot(x) - x.dot(y_true)) / n",
        "descend": ("let mut w = slope;\nfor _ in 1..=steps {\n    w = descent_step(w, analytic_slope_gradient(w, x, y_true), learning_rate);\n"
                    "    slopes.push(w);\n    losses.push(mse_at(w, x, y_true));\n}\n(slopes, losses)"),
    }),
    # --- typical mistakes: the checks that use the wrong step fail
    "mistake-residual-sign": dict(score=4, failing={"losses"}, why="squared in mse_at, so only residuals' own record fails",
                                  bodies={"residuals": "y_pred - y_true"}),
    "mistake-mae-no-abs": dict(score=4, failing={"losses"},
                               bodies={"mae": "resid.sum() / resid.len() as f64"}),
    "mistake-sum-not-mean": dict(score=1, failing={"losses", "gradient", "descent-loop"},
                                 bodies={"mse": "resid.mapv(|r| r * r).sum()"}),
    "mistake-gradient-missing-2": dict(score=3, failing={"gradient", "descent-loop"},
                                       bodies={"analytic_slope_gradient": "let error = slope * x - y_true;\n(&error * x).sum() / x.len() as f64"}),
    "mistake-forward-difference": dict(score=4, failing={"gradient"},
                                       bodies={"numerical_slope_gradient": "(mse_at(slope + h, x, y_true) - mse_at(slope, x, y_true)) / h"}),
    "mistake-step-sign": dict(score=4, failing={"descent-step", "descent-loop"},
                              bodies={"descent_step": "slope + learning_rate * gradient"}),
    "mistake-extra-step": dict(score=5, failing={"descent-loop"}, bodies={
        "descend": ("let mut slope = slope;\nfor _ in 0..=steps {\n    slope = descent_step(slope, analytic_slope_gradient(slope, x, y_true), learning_rate);\n"
                    "    slopes.push(slope);\n    losses.push(mse_at(slope, x, y_true));\n}\n(slopes, losses)"),
    }),
    # --- unfinished: the other checks still score
    "partial-no-descend": dict(score=5, failing={"descent-loop"}, bodies={"descend": "todo!()"}),
    # --- attacks: nothing beyond the correct parts (residuals, descent_step)
    "attack-hardcoded": dict(score=1, failing={"losses", "gradient", "descent-loop"},
                             why="visible numbers hard-coded, panics silenced, asserts shadowed", bodies={
        "mse": "5.709782696630473",
        "mae": "1.4175837224721908",
        "numerical_slope_gradient": "1.3647902481358",
        "analytic_slope_gradient": "1.3647902481358",
        "descend": "slopes.resize(steps + 1, 1.396750477659017);\nlosses.resize(steps + 1, 5.709782696630473);\n(slopes, losses)",
    }, insert={
        "lab04-check-losses": 'std::panic::set_hook(Box::new(|_| {}));\nmacro_rules! assert { ($($t:tt)*) => { () }; }\nmacro_rules! assert_eq { ($($t:tt)*) => { () }; }',
    }),
    "attack-forged-records": dict(untouched=True, score=0,
                                  failing={"losses", "gradient", "descent-step", "descent-loop"},
                                  bodies={"descend": "std::process::exit(0)"},
                                  insert={"lab04-check-losses": FORGER}),
}
