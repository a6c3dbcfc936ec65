//! One full-batch gradient-descent step of `Linear` + MSE:
//! forward, loss, loss gradient, backward, SGD update.
//!
//!     cargo bench -p labkit --bench gd_step
//!
//! n = 10⁴, 10⁶, 10⁷ samples (f64) with 1 and 8 features. Throughput is reported in
//! samples per second, so sizes compare directly.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use labkit::{Array2, Linear, Loss, Optimizer, RandomState, Sgd};

fn gd_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("gd_step");
    group.sample_size(10);
    for features in [1usize, 8] {
        for n in [10_000usize, 1_000_000, 10_000_000] {
            let mut rng = RandomState::new(42);
            let x: Array2<f64> = rng.rand((n, features));
            let y: Array2<f64> = x.sum_axis(labkit::Axis(1)).insert_axis(labkit::Axis(1)) * 2.0 + 1.0;
            let mut layer = Linear::zeros(features, 1);
            let mut opt = Sgd::new(0.01);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new(format!("{features}-feature"), n), &n, |b, _| {
                b.iter(|| {
                    let y_pred = layer.forward(&x).unwrap();
                    let loss = Loss::Mse.value(&y_pred, &y).unwrap();
                    let grads = layer.backward(&x, &Loss::Mse.grad(&y_pred, &y).unwrap()).unwrap();
                    opt.step(&mut layer, &grads);
                    loss
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, gd_step);
criterion_main!(benches);
