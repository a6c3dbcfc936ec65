"""Independent references for the notebook tests: PyTorch's CPU random stream rewritten in
NumPy (so lab04's and the article's data can be rebuilt without PyTorch and without labkit),
the labs' computations redone in NumPy on those data, and a bound for how far a result can
move when the data are only known to within a few millionths.

Written from the description of PyTorch's generator in the course's reference notes
(MT19937 with init_genrand(seed); `rand`, `normal_fill`, the double normal with its cache,
`_standard_gamma` by Marsaglia and Tsang, `nn.Linear(1, 1)`'s U(-1, 1) init), not from
labkit's Rust code. NumPy's legacy `RandomState(seed)` is the same MT19937 seeded the same
way, and `randint(0, 2**32, dtype=uint32)` returns its raw 32-bit outputs one by one.
The tests check the results against the numbers PyTorch itself printed.

Float32 results are returned as float64 arrays holding float32 values. `normal_fill` is
computed here in float64 and rounded once; PyTorch evaluates it with SIMD float32 `log`,
`sin` and `cos`, so values agree to about 2e-7 (4e-7 for |z| up to 3), not bit for bit.
"""
import math

import numpy as np

F32 = np.float32


class TorchStream:
    def __init__(self, seed):
        self._mt = np.random.RandomState(seed)
        self._normal_cache = None  # at::normal_distribution<double> keeps its second value

    def _u32(self, n):
        return self._mt.randint(0, 2**32, size=n, dtype=np.uint32).astype(np.uint64)

    def rand(self, n):
        """torch.rand(n): float32 (u32 & 0xFFFFFF) · 2⁻²⁴."""
        return ((self._u32(n) & 0xFFFFFF).astype(np.float64) * 2.0**-24).astype(F32)

    def _uniform_double(self):
        """uniform_real_distribution<double>(0, 1): 53 bits of a 64-bit draw (hi << 32 | lo)."""
        hi, lo = (int(v) for v in self._u32(2))
        return ((hi << 32 | lo) & ((1 << 53) - 1)) * 2.0**-53

    def _normal_double(self):
        """normal_distribution<double>(0, 1): Box–Muller, r·cos θ now and r·sin θ next time."""
        if self._normal_cache is not None:
            z, self._normal_cache = self._normal_cache, None
            return z
        u1, u2 = self._uniform_double(), self._uniform_double()
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self._normal_cache = r * math.sin(theta)
        return r * math.cos(theta)

    def randn(self, n):
        """torch.randn(n) for n >= 16 (normal_fill): n float32 uniforms, Box–Muller on blocks of
        16 (u1 = 1 − d[j], u2 = d[j+8]); if 16 does not divide n, the last 16 are drawn again."""
        assert n >= 16
        d = self.rand(n).astype(np.float64)

        def block(b):
            u1, u2 = 1.0 - b[:8], b[8:]
            radius, theta = np.sqrt(-2.0 * np.log(u1)), 2.0 * np.pi * u2
            return np.concatenate([radius * np.cos(theta), radius * np.sin(theta)])

        for i in range(0, n - 15, 16):
            d[i:i + 16] = block(d[i:i + 16])
        if n % 16:
            d[n - 16:] = block(self.rand(16).astype(np.float64))
        return d.astype(F32)

    def standard_gamma(self, alpha, n):
        """torch._standard_gamma (alpha >= 1): Marsaglia–Tsang in double, d and c from float32 constants."""
        assert alpha >= 1
        d = float(F32(alpha) - F32(1.0) / F32(3.0))
        c = 1.0 / math.sqrt(9.0 * d)
        out = np.empty(n, dtype=F32)
        for i in range(n):
            while True:
                while True:
                    x = self._normal_double()
                    y = 1.0 + c * x
                    if y > 0:
                        break
                v = y * y * y
                u = 1.0 - self._uniform_double()
                xx = x * x
                if u < 1.0 - float(F32(0.0331)) * xx * xx or math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
                    out[i] = max(F32(d * v), np.finfo(F32).tiny)
                    break
        return out

    def student_t(self, df, n):
        """StudentT(df).sample((n,)): normal_fill(n) · rsqrt(Chi2(df) / df), Chi2 = Gamma(df/2) / 0.5."""
        z = self.randn(n)
        chi2 = np.maximum(self.standard_gamma(df / 2, n) / F32(0.5), np.finfo(F32).tiny).astype(F32)
        return (z * (F32(1.0) / np.sqrt(chi2 / F32(df)))).astype(F32)

    def linear_1_1(self):
        """nn.Linear(1, 1): weight, then bias, each U(-1, 1) as float32 x·(b − a) + a."""
        w, b = self.rand(2)
        return float(w * F32(2.0) + F32(-1.0)), float(b * F32(2.0) + F32(-1.0))


def lab04_data():
    """lab04: torch.manual_seed(0); x = rand(100); noise = StudentT(2).sample(x.shape);
    y_true = 4·x + noise + (−1), in float32. Returns (x, noise, y) as float64."""
    t = TorchStream(0)
    x = t.rand(100)
    noise = t.student_t(2.0, 100)
    y = (F32(4.0) * x + noise) + F32(-1.0)
    return x.astype(np.float64), noise.astype(np.float64), y.astype(np.float64)


def article_data():
    """The article: torch.manual_seed(42); X = randn(100, 1); y = 2.5·X + 1 + randn(100, 1)·0.5
    (float32). Returns (x, y, stream), the stream positioned after the data (for nn.Linear)."""
    t = TorchStream(42)
    x = t.randn(100)
    noise = t.randn(100)
    y = (x * F32(2.5) + F32(1.0)) + noise * F32(0.5)
    return x.astype(np.float64), y.astype(np.float64), t


# ---------------------------------------------------------------- how far a result can move
def first_order_bound(f, x, y, dx, dy):
    """How far each result of f(x, y) can move, to first order, when every element of x may be
    off by up to dx and every element of y by up to dy, all in the worst directions at once:
    Σᵢ |f(x + dx·eᵢ, y) − f(x, y)| + Σᵢ |f(x, y + dy·eᵢ) − f(x, y)|.
    f takes (k, n) arrays, one variant of the data per row, and returns (k, m)."""
    n = len(x)
    rows_x, rows_y = [x], [y]
    if dx:
        rows_x += [x + dx * np.eye(n)]
        rows_y += [np.tile(y, (n, 1))]
    rows_x += [np.tile(x, (n, 1))]
    rows_y += [y + dy * np.eye(n)]
    out = f(np.vstack(rows_x), np.vstack(rows_y))
    return np.abs(out[1:] - out[0]).sum(axis=0)


# ---------------------------------------------------------------- lab04, redone in NumPy
LAB04 = ["mse at 3.5", "mae at 3.5", "gradient at 3.5", "slope after one step", "closed-form slope", "final slope"]


def lab04_numpy(x, y):
    """lab04's numbers for data rows x, y (k, n): MSE and MAE of the line 3.5·x, dMSE/dslope =
    2·mean((3.5x − y)x) there, one step of lr 0.01, w* = Σxy/Σx², and 1500 steps of lr 0.01 from 3.5."""
    r = y - 3.5 * x
    gradient = 2 * np.mean((3.5 * x - y) * x, axis=-1)
    slope = np.full(len(x), 3.5)
    for _ in range(1500):
        slope = slope - 0.01 * 2 * np.mean((slope[:, None] * x - y) * x, axis=-1)
    return np.stack([np.mean(r * r, axis=-1), np.mean(np.abs(r), axis=-1), gradient, 3.5 - 0.01 * gradient,
                     (x * y).sum(-1) / (x * x).sum(-1), slope], axis=-1)


# ---------------------------------------------------------------- the article, redone in NumPy
def article_models():
    """nn.Linear(1, 1) (weight, bias) for the article's first model and the sweep's three
    (the stream after the data: the first model, then one per learning rate)."""
    _, _, stream = article_data()
    return [stream.linear_1_1() for _ in range(4)]


def article_names():
    names = ["lstsq weight", "lstsq bias", "weight 100", "bias 100", "weight 1000", "bias 1000"]
    for epochs in (100, 1000):
        for lr in (0.001, 0.01, 0.1):
            names += [f"sweep {epochs} lr {lr} weight", f"sweep {epochs} lr {lr} bias"]
    return names


def article_numpy(x, y, models):
    """The article's numbers for data rows x, y (k, n), in the order of article_names():
    least squares (b, w), then full-batch gradient descent on nn.MSELoss (dw = mean(2r·x),
    db = mean(2r), r = w·x + b − y) with SGD: the first model with lr 0.01 after 100 and 1000
    updates; the sweep's models with lr 0.001, 0.01, 0.1, whose logs hold the parameters
    *before* each epoch's update, so the last of E epochs is after E − 1 updates."""
    xm, ym = x.mean(-1, keepdims=True), y.mean(-1, keepdims=True)
    w_star = ((x - xm) * (y - ym)).sum(-1) / ((x - xm) ** 2).sum(-1)
    cols = [w_star, ym[:, 0] - w_star * xm[:, 0]]

    def descend(w, b, lr, stops):
        w, b, out = np.full(len(x), w), np.full(len(x), b), {}
        for step in range(1, max(stops) + 1):
            r = w[:, None] * x + b[:, None] - y
            w, b = w - lr * np.mean(2 * r * x, axis=-1), b - lr * np.mean(2 * r, axis=-1)
            if step in stops:
                out[step] = (w, b)
        return out

    first = descend(*models[0], 0.01, (100, 1000))
    cols += [*first[100], *first[1000]]
    sweep = [descend(*model, lr, (99, 999)) for model, lr in zip(models[1:], (0.001, 0.01, 0.1))]
    for updates in (99, 999):
        for run in sweep:
            cols += [*run[updates]]
    return np.stack(cols, axis=-1)


def article_loss_log(x, y, w, b, epochs=1000, lr=0.01):
    """nn.MSELoss before each of `epochs` updates of the first model (one row of data)."""
    log = []
    for _ in range(epochs):
        r = w * x + b - y
        log.append(np.mean(r * r))
        w, b = w - lr * np.mean(2 * r * x), b - lr * np.mean(2 * r)
    return np.array(log)
