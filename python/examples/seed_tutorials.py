"""The two seed tutorials (NumPy Essentials for Machine Learning; Made With
ML's NumPy lesson) cell by cell, with numkern doing the work.

NumPy only creates the inputs and checks the results. Each cell returns
(label, numkern result, NumPy result) triples; run this file to print and
check them all (python/tests/test_tutorials.py runs it under pytest).
numkern computes in float32/float64: integer data from the tutorials is
converted once, explicitly, where it is created. Array creation, fancy
indexing and compaction are NumPy's until numkern has them (issue 22);
views (slices, .T, reshape, expand_dims) are NumPy's zero-copy views, which
numkern takes as they are and materializes with numkern.copy.
"""

import numpy as np

import numkern as nk

CELLS = []


def cell(fn):
    CELLS.append(fn)
    return fn


# ----------------------------------------------------- NumPy Essentials for ML


@cell
def creation_by_filling():
    weights = np.empty((3, 4))
    nk.copyto(weights, 0.0)  # a 0-d source broadcast to every element
    identity = np.empty((3, 3))
    nk.copyto(identity, 0.0)
    nk.copyto(identity.reshape(-1)[::4], 1.0)  # the diagonal, as a strided view
    return [("zeros((3, 4))", weights, np.zeros((3, 4))), ("eye(3)", identity, np.eye(3))]


@cell
def indexing_views_of_a_batch_of_images():
    rng = np.random.default_rng(42)
    batch_images = rng.integers(0, 256, size=(8, 28, 28, 3)).astype(np.float32)
    return [
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
    return [
        ("scores > 85", high, scores > 85),
        ("names[high_performers]", names[high], names[scores > 85]),
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
    rng = np.random.default_rng(0)
    features = rng.standard_normal((100, 5))
    bias = np.array([0.1, -0.2, 0.3, -0.1, 0.2])
    return [("features + bias", nk.add(features, bias), features + bias)]


@cell
def normalizing_features():
    rng = np.random.default_rng(1)
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
    rng = np.random.default_rng(42)
    X, W, b = rng.standard_normal((32, 10)), rng.standard_normal((10, 5)), rng.standard_normal(5)
    Y = nk.add(nk.matmul(X, W), b)
    return [("X @ W + b", Y, np.dot(X, W) + b), ("linear(X, W, b, activation=None)", nk.linear(X, W, b, activation=None), X @ W + b),
            ("sigmoid(X @ W + b), fused", nk.linear(X, W, b, "sigmoid"), 1 / (1 + np.exp(-(X @ W + b)))),
            ("float32 layer", nk.linear(X.astype(np.float32), W.astype(np.float32), b.astype(np.float32), "relu"),
             np.maximum(X.astype(np.float32) @ W.astype(np.float32) + b.astype(np.float32), 0))]


@cell
def matrix_operations():
    rng = np.random.default_rng(3)
    A, B = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    S = rng.standard_normal((3, 3))
    return [("A @ B", nk.matmul(A, B), A @ B), ("A.T materialized", nk.copy(A.T), A.T),
            ("A.T @ A.T.T", nk.matmul(A.T, A), A.T @ A),
            ("S * S (elementwise)", nk.multiply(S, S), S * S), ("S @ S", nk.matmul(S, S), S @ S),
            ("Frobenius norm", nk.norm_l2(A), np.linalg.norm(A, "fro")),
            ("symmetric A + A.T", nk.add(S, S.T), S + S.T)]


@cell
def statistics_of_predictions():
    rng = np.random.default_rng(4)
    predictions = rng.standard_normal((100, 5))
    return [("mean", nk.mean(predictions), np.mean(predictions)), ("std", nk.std(predictions), np.std(predictions)),
            ("min", nk.min(predictions), np.min(predictions)), ("max", nk.max(predictions), np.max(predictions)),
            ("mean per class", nk.mean(predictions, axis=0), np.mean(predictions, axis=0)),
            ("mean per sample", nk.mean(predictions, axis=1), np.mean(predictions, axis=1)),
            ("max keepdims", nk.max(predictions, axis=1, keepdims=True), np.max(predictions, axis=1, keepdims=True))]


@cell
def softmax_and_accuracy():
    rng = np.random.default_rng(5)
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
    rng = np.random.default_rng(6)
    logits = rng.standard_normal((4, 3))
    labels = np.array([0, 2, 1, 2])
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    onehot = np.eye(3)[labels]
    seed_ce = -np.sum(onehot * np.log(np.clip(probs, 1e-15, 1 - 1e-15))) / len(labels)
    return [("MSE", nk.mse(y_pred, y_true), np.mean((y_true - y_pred) ** 2)),
            ("RMSE", nk.rmse(y_pred, y_true), np.sqrt(np.mean((y_true - y_pred) ** 2))),
            ("MAE", nk.mae(y_pred, y_true), np.mean(np.abs(y_true - y_pred))),
            ("cross-entropy from logits", nk.cross_entropy(logits, labels), seed_ce)]


@cell
def reshaping_and_axes():
    rng = np.random.default_rng(7)
    sequences = rng.standard_normal((32, 50, 128)).astype(np.float32)
    swapped = np.transpose(sequences, (0, 2, 1))  # a view; numkern materializes it
    return [("transpose(0, 2, 1) materialized", nk.copy(swapped), swapped),
            ("sum over the new axis", nk.sum(np.expand_dims(sequences, 0), axis=0), sequences)]


@cell
def concatenate_and_stack():
    rng = np.random.default_rng(8)
    batches = [rng.standard_normal((16, 10)) for _ in range(3)]
    combined = np.empty((48, 10))
    stacked = np.empty((3, 16, 10))
    for i, batch in enumerate(batches):
        nk.copyto(combined[16 * i:16 * (i + 1)], batch)
        nk.copyto(stacked[i], batch)
    f1, f2 = rng.standard_normal((100, 5)), rng.standard_normal((100, 3))
    hstacked = np.empty((100, 8))
    nk.copyto(hstacked[:, :5], f1)
    nk.copyto(hstacked[:, 5:], f2)
    return [("concatenate", combined, np.concatenate(batches, axis=0)),
            ("stack", stacked, np.stack(batches, axis=0)), ("hstack", hstacked, np.hstack([f1, f2]))]


# ------------------------------------------------- Made With ML: NumPy lesson


@cell
def mwml_creating_tensors():
    zeros, ones = np.empty((2, 2)), np.empty((2, 2))
    nk.copyto(zeros, 0.0)
    nk.copyto(ones, 1.0)
    return [("np.zeros((2,2))", zeros, np.zeros((2, 2))), ("np.ones((2,2))", ones, np.ones((2, 2)))]


@cell
def mwml_indexing():
    x = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], dtype=np.float64)
    small = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float64)
    mask = nk.greater(small, 2.0)
    return [("column 1", nk.copy(x[:, 1]), x[:, 1]), ("row 0", nk.copy(x[0, :]), x[0, :]),
            ("rows 0,1 & cols 1,2", nk.copy(x[:2, 1:3]), x[:2, 1:3]),
            ("x[rows, cols] (NumPy gathers; numkern sums)", nk.sum(x[[0, 1, 2], [0, 2, 1]]), 18.0),
            ("x > 2", mask, small > 2), ("x[x > 2]", small[mask], small[small > 2])]


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
    rng = np.random.default_rng(9)
    x = rng.random((2, 3))
    cat, stack = np.empty((4, 3)), np.empty((2, 2, 3))
    for i in range(2):
        nk.copyto(cat[2 * i:2 * i + 2], x)
        nk.copyto(stack[i], x)
    return [("concatenate([x, x], axis=0)", cat, np.concatenate([x, x], axis=0)),
            ("stack([x, x], axis=0)", stack, np.stack([x, x], axis=0))]


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
