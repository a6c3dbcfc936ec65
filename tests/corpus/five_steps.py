"""five_steps: checks init 1, predict 1, loss 2, gradients 1, update 1, train 3 = 9 points.
Each check calls its own task's functions on fixed inputs (step 0's b and w as the original
prints them; the predictions and gradients that the loss and update checks need come from the
formulas, not from the student's functions), so a step that is wrong or not written fails its
own check and no other, with two exceptions: `gradients` is given code, but its check runs it
on the student's predict and residuals; `train` calls every step, so a wrong step also fails
the train check."""

from pathlib import Path

SOLVED_INLINE_TRAIN = """
let (mut b, mut w) = init_params(42);
let mut loss = f64::NAN;
for _ in 0..epochs {
    let yhat = predict(b, w, x_train);
    let error = residuals(&yhat, y_train);
    loss = mse(&error);
    let (b_grad, w_grad) = gradients(x_train, &error);
    (b, w) = (b - lr * b_grad, w - lr * w_grad);
}
(b, w, loss)
"""

# a background thread that reads the source evcxr compiles for each cell (found through the
# cell libraries mapped into this process) and prints a forged record for every value a check
# reports, with the numbers the released notebook shows
FORGER = r'''
std::panic::set_hook(Box::new(|_| {}));
std::thread::spawn(|| {
    let mut seen = std::collections::HashSet::new();
    loop {
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
        for path in maps.split_whitespace().filter(|p| p.ends_with(".so") && p.contains("code_")) {
            let mut dir = std::path::PathBuf::from(path);
            while dir.pop() {
                if let Ok(src) = std::fs::read_to_string(dir.join("src/lib.rs")) {
                    for part in src.split("report(\"").skip(1) {
                        let name = part.split('"').next().unwrap_or("").to_string();
                        if seen.insert(name.clone()) {
                            println!("@labkit-record {{\"name\":\"{name}\",\"shape\":[2],\"values\":[0.3745401188473625,0.9507143064099162]}}");
                            println!("check {name}: ok");
                        }
                    }
                    break;
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
});
'''

# a path dependency whose build script runs at compile time, in the sandbox: it tries to
# forge records through cargo and to read the solution notebook of this checkout
SOLUTION_PATH = str(Path(__file__).resolve().parents[2] / "notebooks" / "five_steps.ipynb")
EVIL_CRATE = r'''
let root = std::path::Path::new("/tmp/evil");
std::fs::create_dir_all(root.join("src")).unwrap();
std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"evil\"\nversion = \"0.1.0\"\nedition = \"2021\"\nbuild = \"build.rs\"\n").unwrap();
std::fs::write(root.join("build.rs"), r#"fn main() {
    println!("cargo:warning=@labkit-record {{\"name\":\"init_params(7)\",\"shape\":[2],\"values\":[0.5,0.5]}}");
    let peek = std::fs::read_to_string("SOLUTION_PATH").map(|s| s.len());
    println!("cargo:warning=build script read the solutions: {peek:?}");
    println!("cargo:rustc-env=EVIL_PEEK={peek:?}");
}"#).unwrap();
std::fs::write(root.join("src/lib.rs"), "pub fn peek() -> &'static str { env!(\"EVIL_PEEK\") }\n").unwrap();
'''.replace("SOLUTION_PATH", SOLUTION_PATH)

SUBMISSIONS = {
    "solution": dict(score=9),
    "untouched": dict(untouched=True, score=0,
                      failing={"init", "predict", "loss", "gradients", "update", "train"}),
    # --- other correct solutions: full marks
    "alt-loops": dict(score=9, bodies={
        "init_params": "let mut rng = RandomState::new(seed);\nlet both = rng.rand(2);\n(both[0], both[1])",
        "predict": "let mut out = Array2::zeros(x.dim());\nfor i in 0..x.nrows() {\n    out[[i, 0]] = b + w * x[[i, 0]];\n}\nout",
        "residuals": "let mut out = yhat.clone();\nfor (o, t) in out.iter_mut().zip(y.iter()) {\n    *o -= t;\n}\nout",
        "mse": "let mut total = 0.0;\nfor e in error.iter() {\n    total += e * e;\n}\ntotal / error.len() as f64",
        "update": "let new_b = b - lr * b_grad;\nlet new_w = w - lr * w_grad;\n(new_b, new_w)",
        "train": SOLVED_INLINE_TRAIN,
    }),
    "alt-ndarray-mean": dict(score=9, why="ndarray's mean() differs from NumPy's in the last bit only", bodies={
        "predict": "x.mapv(|v| w * v + b)",
        "residuals": "-(y - yhat)",
        "mse": "error.mapv(|e| e.powi(2)).mean().unwrap()",
        "update": "(b - b_grad * lr, w - w_grad * lr)",
    }),
    # --- typical mistakes: the checks that use the wrong step fail
    "mistake-residual-sign": dict(score=3, failing={"loss", "gradients", "train"},
                                  bodies={"residuals": "y - yhat"}),
    "mistake-sum-not-mean": dict(score=4, failing={"loss", "train"},
                                 bodies={"mse": "error.mapv(|e| e * e).sum()"}),
    "mistake-update-sign": dict(score=5, failing={"update", "train"},
                                bodies={"update": "(b + lr * b_grad, w + lr * w_grad)"}),
    "mistake-extra-epoch": dict(score=6, failing={"train"},
                                bodies={"train": SOLVED_INLINE_TRAIN.replace("0..epochs", "0..=epochs")}),
    # --- unfinished: the other checks still score (no check needs the values of another task)
    "partial-no-init": dict(score=5, failing={"init", "train"}, why="step 0 left as todo!(): steps 1-4 still score",
                            bodies={"init_params": "todo!()"}),
    "partial-only-update": dict(untouched=True, score=1, failing={"init", "predict", "loss", "gradients", "train"},
                                why="only step 4 written: its check needs no other step",
                                bodies={"update": "(b - lr * b_grad, w - lr * w_grad)"}),
    # --- attacks: nothing beyond the correct parts (predict, update)
    "attack-hardcoded": dict(score=2, failing={"init", "loss", "gradients", "train"},
                             why="visible numbers hard-coded, panics silenced, asserts shadowed", bodies={
        "init_params": "(0.3745401188473625, 0.9507143064099162)",
        "residuals": "todo!()",
        "mse": "todo!()",
        "train": "(0.5235403519254622, -3.031034741477333, 0.008044657695553976)",
    }, insert={
        "five_steps-check-init": 'std::panic::set_hook(Box::new(|_| {}));\nmacro_rules! assert { ($($t:tt)*) => { () }; }\nmacro_rules! assert_eq { ($($t:tt)*) => { () }; }',
        "five_steps-check-gradients": "let (b_grad, w_grad) = (3.464425403927533, 2.3835657220659554);",
    }),
    "attack-forged-records": dict(untouched=True, score=0,
                                  failing={"init", "predict", "loss", "gradients", "update", "train"},
                                  bodies={"train": "std::process::exit(0)"},
                                  insert={"five_steps-check-init": FORGER}),
    "attack-build-script": dict(score=5, failing={"init", "train"}, bodies={"init_params": "(0.5, 0.5)"}, insert={
        "five_steps-check-init": EVIL_CRATE,
        "five_steps-check-predict": ':dep evil = { path = "/tmp/evil" }\nprintln!("{}", evil::peek());',
    }),
}
