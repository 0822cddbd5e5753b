"""The two seed tutorials (NumPy Essentials for Machine Learning; Made With
ML's NumPy lesson) cell by cell, with numkern doing the work.

numkern creates the arrays (zeros, eye, seeded random data), indexes,
selects, joins and computes; NumPy writes the literal inputs of a cell
and checks the results. Each cell returns (label, numkern result, NumPy
result) triples; run this file to print and check them all
(python/tests/test_tutorials.py runs it under pytest). numkern's random
numbers are its own (Philox): seeded and reproducible, not NumPy's
values, so NumPy's side of a random cell is computed on numkern's data.
Views (slices, .T, reshape, expand_dims) are NumPy's zero-copy views,
which numkern takes as they are and materializes with numkern.copy.
"""

import numpy as np

import numkern as nk

CELLS = []


def cell(fn):
    CELLS.append(fn)
    return fn


# ----------------------------------------------------- NumPy Essentials for ML


@cell
def array_creation():
    rng = nk.default_rng(42)
    data = rng.standard_normal((100, 5))
    again = nk.default_rng(42).standard_normal((100, 5))
    return [("zeros((3, 4))", nk.zeros((3, 4)), np.zeros((3, 4))), ("ones((2, 3))", nk.ones((2, 3)), np.ones((2, 3))),
            ("eye(3)", nk.eye(3), np.eye(3)), ("arange(0, 10, 2)", nk.arange(0, 10, 2), np.arange(0, 10, 2)),
            ("linspace(0, 1, 5)", nk.linspace(0, 1, 5), np.linspace(0, 1, 5)),
            ("randn(100, 5): seeded, reproducible", data, again),
            ("randn(100, 5) mean near 0", abs(float(nk.mean(data))) < 0.2, True),
            ("randn(100, 5) std near 1", abs(float(nk.std(data)) - 1) < 0.1, True)]


@cell
def indexing_views_of_a_batch_of_images():
    pixels = nk.default_rng(42).integers(0, 256, size=(8, 28, 28, 3), dtype=np.uint8)
    batch_images = np.empty(pixels.shape, np.float32)
    nk.copyto(batch_images, pixels)  # randint(0, 256) images as float32
    return [
        ("pixels in [0, 256)", (float(nk.min(batch_images)), float(nk.max(batch_images))), (0.0, 255.0)),
        ("first image", nk.copy(batch_images[0]), batch_images[0]),
        ("mini-batch", nk.copy(batch_images[:4]), batch_images[:4]),
        ("red channel", nk.copy(batch_images[:, :, :, 0]), batch_images[:, :, :, 0]),
        ("center crop", nk.copy(batch_images[:, 7:21, 7:21, :]), batch_images[:, 7:21, 7:21, :]),
        ("red channel mean", nk.mean(batch_images[:, :, :, 0]), batch_images[:, :, :, 0].mean()),
    ]


@cell
def boolean_masks():
    scores = np.array([85, 92, 78, 96, 88, 73, 91, 82], dtype=np.float64)
    names = np.array(["Alice", "Bob", "Charlie", "Diana", "Eve", "Frank", "Grace", "Henry"])
    high = nk.greater(scores, 85.0)
    band = nk.logical_and(nk.greater_equal(scores, 80.0), nk.less_equal(scores, 90.0))
    # Fixed-size strings select as rows of bytes.
    name_rows = names.view(np.uint8).reshape(len(names), -1)
    picked = nk.mask_select(name_rows, high).view(names.dtype).ravel()
    return [
        ("scores > 85", high, scores > 85),
        ("scores[scores > 85]", nk.mask_select(scores, high), scores[scores > 85]),
        ("names[high_performers]", picked, names[scores > 85]),
        ("scores[(scores >= 80) & (scores <= 90)]", nk.mask_select(scores, band), scores[(scores >= 80) & (scores <= 90)]),
        ("(scores >= 80) & (scores <= 90)", band, (scores >= 80) & (scores <= 90)),
        ("count in band", nk.count_nonzero(band), np.count_nonzero((scores >= 80) & (scores <= 90))),
    ]


@cell
def elementwise_operations():
    a = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float64)
    b = np.array([[2, 2, 2], [3, 3, 3]], dtype=np.float64)
    return [("a + b", nk.add(a, b), a + b), ("a * b", nk.multiply(a, b), a * b),
            ("a / b", nk.divide(a, b), a / b), ("a ** 2", nk.power(a, 2.0), a ** 2),
            ("sqrt(a)", nk.sqrt(a), np.sqrt(a))]


@cell
def activation_functions():
    x = np.array([-2, -1, 0, 1, 2], dtype=np.float64)
    return [("ReLU", nk.relu(x), np.maximum(0, x)), ("sigmoid", nk.sigmoid(x), 1 / (1 + np.exp(-x))),
            ("tanh", nk.tanh(x), np.tanh(x))]


@cell
def broadcasting_a_bias():
    rng = nk.default_rng(0)
    features = rng.standard_normal((100, 5))
    bias = np.array([0.1, -0.2, 0.3, -0.1, 0.2])
    return [("features + bias", nk.add(features, bias), features + bias)]


@cell
def normalizing_features():
    rng = nk.default_rng(1)
    data = rng.standard_normal((1000, 3)) * 10 + 5
    mean, std = nk.mean(data, axis=0), nk.std(data, axis=0)
    centered = data.copy()
    nk.subtract(centered, mean, out=centered)  # in place, as data -= mean
    normalized = nk.standardize(data, axis=0)
    return [("mean(axis=0)", mean, np.mean(data, axis=0)), ("std(axis=0)", std, np.std(data, axis=0)),
            ("data - mean", centered, data - np.mean(data, axis=0)),
            ("(data - mean) / std", normalized, (data - data.mean(axis=0)) / data.std(axis=0)),
            ("normalized means", nk.mean(normalized, axis=0), np.zeros(3)),
            ("normalized stds", nk.std(normalized, axis=0), np.ones(3))]


@cell
def broadcasting_rules():
    cases = [((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1))]
    out = []
    for s1, s2 in cases:
        a, b = np.ones(s1), np.ones(s2)
        out.append((f"{s1} + {s2}", nk.add(a, b), a + b))
    return out


@cell
def a_neural_network_layer():
    rng = nk.default_rng(42)
    X, W, b = rng.standard_normal((32, 10)), rng.standard_normal((10, 5)), rng.standard_normal(5)
    Y = nk.add(nk.matmul(X, W), b)
    return [("X @ W + b", Y, np.dot(X, W) + b), ("linear(X, W, b, activation=None)", nk.linear(X, W, b, activation=None), X @ W + b),
            ("sigmoid(X @ W + b), fused", nk.linear(X, W, b, "sigmoid"), 1 / (1 + np.exp(-(X @ W + b)))),
            ("float32 layer", nk.linear(X.astype(np.float32), W.astype(np.float32), b.astype(np.float32), "relu"),
             np.maximum(X.astype(np.float32) @ W.astype(np.float32) + b.astype(np.float32), 0))]


@cell
def matrix_operations():
    rng = nk.default_rng(3)
    A, B = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    S = rng.standard_normal((3, 3))
    return [("A @ B", nk.matmul(A, B), A @ B), ("A.T materialized", nk.copy(A.T), A.T),
            ("A.T @ A.T.T", nk.matmul(A.T, A), A.T @ A),
            ("S * S (elementwise)", nk.multiply(S, S), S * S), ("S @ S", nk.matmul(S, S), S @ S),
            ("Frobenius norm", nk.norm_l2(A), np.linalg.norm(A, "fro")),
            ("symmetric A + A.T", nk.add(S, S.T), S + S.T)]


@cell
def statistics_of_predictions():
    rng = nk.default_rng(4)
    predictions = rng.standard_normal((100, 5))
    return [("mean", nk.mean(predictions), np.mean(predictions)), ("std", nk.std(predictions), np.std(predictions)),
            ("min", nk.min(predictions), np.min(predictions)), ("max", nk.max(predictions), np.max(predictions)),
            ("mean per class", nk.mean(predictions, axis=0), np.mean(predictions, axis=0)),
            ("mean per sample", nk.mean(predictions, axis=1), np.mean(predictions, axis=1)),
            ("max keepdims", nk.max(predictions, axis=1, keepdims=True), np.max(predictions, axis=1, keepdims=True))]


@cell
def softmax_and_accuracy():
    rng = nk.default_rng(5)
    logits = rng.standard_normal((5, 3))
    exp_x = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    probabilities = exp_x / np.sum(exp_x, axis=1, keepdims=True)
    true_labels = np.array([0, 1, 2, 1, 0])
    ours = nk.softmax(logits, axis=1)
    return [("softmax", ours, probabilities), ("rows sum to 1", nk.sum(ours, axis=1), np.ones(5)),
            ("argmax", nk.argmax(ours, axis=1), np.argmax(probabilities, axis=1)),
            ("accuracy", nk.accuracy(logits, true_labels, axis=1),
             np.mean(true_labels == np.argmax(probabilities, axis=1)))]


@cell
def loss_functions():
    y_true = np.array([1.5, 2.3, 3.1, 4.2, 5.0])
    y_pred = np.array([1.2, 2.1, 3.4, 4.0, 5.2])
    rng = nk.default_rng(6)
    logits = rng.standard_normal((4, 3))
    labels = np.array([0, 2, 1, 2])
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    onehot = nk.take(nk.eye(3), labels)  # np.eye(3)[labels]
    seed_ce = -np.sum(onehot * np.log(np.clip(probs, 1e-15, 1 - 1e-15))) / len(labels)
    return [("MSE", nk.mse(y_pred, y_true), np.mean((y_true - y_pred) ** 2)),
            ("RMSE", nk.rmse(y_pred, y_true), np.sqrt(np.mean((y_true - y_pred) ** 2))),
            ("MAE", nk.mae(y_pred, y_true), np.mean(np.abs(y_true - y_pred))),
            ("cross-entropy from logits", nk.cross_entropy(logits, labels), seed_ce)]


@cell
def reshaping_and_axes():
    rng = nk.default_rng(7)
    sequences = rng.standard_normal((32, 50, 128)).astype(np.float32)
    swapped = np.transpose(sequences, (0, 2, 1))  # a view; numkern materializes it
    return [("transpose(0, 2, 1) materialized", nk.copy(swapped), swapped),
            ("sum over the new axis", nk.sum(np.expand_dims(sequences, 0), axis=0), sequences)]


@cell
def concatenate_and_stack():
    rng = nk.default_rng(8)
    batches = [rng.standard_normal((16, 10)) for _ in range(3)]
    f1, f2 = rng.standard_normal((100, 5)), rng.standard_normal((100, 3))
    return [("concatenate", nk.concatenate(batches, axis=0), np.concatenate(batches, axis=0)),
            ("stack", nk.stack(batches, axis=0), np.stack(batches, axis=0)),
            ("hstack", nk.hstack([f1, f2]), np.hstack([f1, f2]))]


@cell
def train_validation_split():
    rng = nk.default_rng(42)
    X, y = rng.standard_normal((1000, 5)), rng.integers(0, 3, size=1000)
    perm = rng.permutation(1000)
    X_train, X_val = nk.take(X, perm[:800]), nk.take(X, perm[800:])
    y_train, y_val = nk.take(y, perm[:800]), nk.take(y, perm[800:])
    again = nk.default_rng(42)
    again.standard_normal((1000, 5)), again.integers(0, 3, size=1000)
    return [("80/20 shapes", (X_train.shape, X_val.shape), ((800, 5), (200, 5))),
            ("X_train", X_train, X[perm[:800]]), ("y_val", y_val, y[perm[800:]]),
            ("labels follow their rows", nk.take(y, perm), y[perm]),
            ("every sample once", np.sort(perm), np.arange(1000)),
            ("the same seed, the same split", again.permutation(1000), perm),
            ("y_train count", len(y_train), 800)]


# ------------------------------------------------- Made With ML: NumPy lesson


@cell
def mwml_creating_tensors():
    r = nk.default_rng(0).random((2, 2))
    return [("np.zeros((2,2))", nk.zeros((2, 2)), np.zeros((2, 2))), ("np.ones((2,2))", nk.ones((2, 2)), np.ones((2, 2))),
            ("np.eye((2))", nk.eye(2), np.eye(2)), ("np.random.random((2,2)) in [0, 1)", bool(np.all((r >= 0) & (r < 1))), True)]


@cell
def mwml_indexing():
    x = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], dtype=np.float64)
    small = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float64)
    mask = nk.greater(small, 2.0)
    return [("column 1", nk.copy(x[:, 1]), x[:, 1]), ("row 0", nk.copy(x[0, :]), x[0, :]),
            ("rows 0,1 & cols 1,2", nk.copy(x[:2, 1:3]), x[:2, 1:3]),
            ("x[rows, cols]", nk.gather(x, ([0, 1, 2], [0, 2, 1])), [1.0, 7.0, 10.0]),
            ("x > 2", mask, small > 2), ("x[x > 2]", nk.mask_select(small, mask), small[small > 2])]


@cell
def mwml_arithmetic_and_dot():
    x = np.array([[1, 2], [3, 4]], dtype=np.float64)
    a = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float64)
    b = np.array([[7, 8], [9, 10], [11, 12]], dtype=np.float64)
    return [("x + y", nk.add(x, x), x + x), ("x - y", nk.subtract(x, x), x - x), ("x * y", nk.multiply(x, x), x * x),
            ("(2, 3) . (3, 2)", nk.matmul(a, b), np.array([[58.0, 64.0], [139.0, 154.0]]))]


@cell
def mwml_axis_operations():
    x = np.array([[1, 2], [3, 4]], dtype=np.float64)
    y = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float64)
    return [("sum all", nk.sum(x), 10.0), ("sum axis=0", nk.sum(x, axis=0), [4.0, 6.0]),
            ("sum axis=1", nk.sum(x, axis=1), [3.0, 7.0]), ("min", nk.min(y), 1.0), ("max", nk.max(y), 6.0),
            ("min axis=0", nk.min(y, axis=0), [1.0, 2.0, 3.0]), ("min axis=1", nk.min(y, axis=1), [1.0, 4.0])]


@cell
def mwml_broadcast_transpose_reshape():
    x = np.array([1, 2], dtype=np.float64)
    t = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float64)
    u = np.array([[[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]],
                  [[10, 10, 10, 10], [20, 20, 20, 20], [30, 30, 30, 30]]], dtype=np.float64)
    correct = nk.copy(np.transpose(u, (1, 0, 2))).reshape(3, 8)  # transpose, then a free reshape
    return [("z = x + 3", nk.add(x, 3.0), [4.0, 5.0]), ("x.T", nk.copy(t.T), t.T),
            ("z_correct", correct, np.transpose(u, (1, 0, 2)).reshape(3, 8))]


@cell
def mwml_joining():
    rng = nk.default_rng(9)
    x = rng.random((2, 3))
    return [("concatenate([x, x], axis=0)", nk.concatenate([x, x], axis=0), np.concatenate([x, x], axis=0)),
            ("stack([x, x], axis=0)", nk.stack([x, x], axis=0), np.stack([x, x], axis=0))]


def check(label, got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{label}: shape {got.shape}, NumPy {want.shape}"
    if got.dtype.kind in "fc" or want.dtype.kind in "fc":
        tol = 1e-5 if np.float32 in (got.dtype.type, want.dtype.type) else 1e-10
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=label)
    else:
        np.testing.assert_array_equal(got, want, err_msg=label)


def main():
    for fn in CELLS:
        print(f"== {fn.__name__}")
        for label, got, want in fn():
            check(label, got, want)
            text = np.array2string(np.asarray(got), threshold=8, precision=4).replace("\n", " ")
            print(f"   {label}: {text[:90]}  (= NumPy)")
    print(f"all {len(CELLS)} cells match NumPy")


if __name__ == "__main__":
    main()
