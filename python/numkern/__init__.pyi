"""Type stubs for numkern (NumPy-shaped kernels over the numkern C ABI)."""

from typing import Any, Literal, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

ArrayLike = Union[npt.ArrayLike, Any]  # NumPy arrays, DLPack tensors, scalars, sequences
Axis = Union[None, int, Tuple[int, ...]]
Activation = Optional[Literal["none", "relu", "gelu", "gelu_tanh", "sigmoid", "tanh", "silu"]]

__version__: str

class Error(Exception):
    status: Optional[int]

class NullPointerError(Error, ValueError): ...

class BadDescriptorError(Error, ValueError): ...

class ShapeError(Error, ValueError): ...

class DTypeError(Error, TypeError): ...

class AxisError(Error, np.exceptions.AxisError): ...

class EmptyReductionError(Error, ValueError): ...

class OutOfMemoryError(Error, MemoryError): ...

class InvalidArgumentError(Error, ValueError): ...

class UnsupportedError(Error, NotImplementedError): ...

class InternalError(Error, RuntimeError): ...

def broadcast_shapes(*shapes: Sequence[int]) -> Tuple[int, ...]:
    """The shape the given shapes broadcast to (NumPy's rules and message)."""

def negative(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """-x, elementwise (exact)."""

def abs(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """|x|, elementwise (exact)."""

def square(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """x*x, elementwise (rounded once)."""

def sqrt(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """The square root, correctly rounded."""

def reciprocal(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """1/x, correctly rounded."""

def exp(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """e**x, within 1 ULP."""

def expm1(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """e**x - 1, accurate near 0."""

def log(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """The natural logarithm."""

def log1p(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """log(1 + x), accurate near 0."""

def tanh(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """The hyperbolic tangent."""

def sigmoid(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """1 / (1 + e**-x), the logistic function, without overflow."""

def relu(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """max(x, 0) (NaN stays NaN)."""

def gelu(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """x * Phi(x), the exact GELU (erf form)."""

def gelu_tanh(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """The tanh approximation of GELU (as PyTorch's approximate='tanh')."""

def silu(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """x * sigmoid(x) (SiLU, swish)."""

def softplus(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """log(1 + e**x), without overflow."""

def isnan(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """True where x is NaN."""

def isfinite(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """True where x is neither infinite nor NaN."""

def logical_not(x: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """True where x is false."""

def leaky_relu(x: ArrayLike, alpha: float = 0.01, out: Optional[ArrayLike] = None) -> np.ndarray:
    """x where x > 0, else alpha*x. x float32/float64; out optional (x's shape and dtype)."""

def clip(x: ArrayLike, a_min: float, a_max: float, out: Optional[ArrayLike] = None) -> np.ndarray:
    """min(max(x, a_min), a_max), as np.clip with scalar bounds (NaN stays NaN)."""

def affine(x: ArrayLike, scale: float, shift: float, out: Optional[ArrayLike] = None) -> np.ndarray:
    """x*scale + shift, one fused multiply-add per element."""

def add(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a + b."""

def subtract(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a - b."""

def multiply(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a * b."""

def divide(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a / b."""

def power(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a ** b."""

def maximum(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """The larger of a and b (NaN propagates)."""

def minimum(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """The smaller of a and b (NaN propagates)."""

def greater(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a > b."""

def greater_equal(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a >= b."""

def less(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a < b."""

def less_equal(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a <= b."""

def equal(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a == b."""

def not_equal(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a != b."""

def logical_and(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a and b."""

def logical_or(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a or b."""

def logical_xor(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a xor b."""

def where(condition: ArrayLike, a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a where condition is true, else b (np.where with three arguments). condition:"""

def copyto(dst: ArrayLike, src: ArrayLike) -> None:
    """dst[...] = src converted to dst's dtype, src broadcast to dst's shape (np.copyto):"""

def astype(x: ArrayLike, dtype: npt.DTypeLike, order: Literal["C", "F"] = 'C') -> np.ndarray:
    """A new array of x's values converted to `dtype` (x.astype(dtype)), in C"""

def copy(x: ArrayLike, order: Literal["C", "F"] = 'C') -> np.ndarray:
    """A new array with x's values, in C ("C") or Fortran ("F") order (np.copy;"""

def matmul(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """a @ b with np.matmul's rules: 1-D operands are a row / a column, batch"""

def linear(x: ArrayLike, w: ArrayLike, bias: Optional[ArrayLike] = None, activation: Activation = 'relu', out: Optional[ArrayLike] = None) -> np.ndarray:
    """activation(x @ w + bias), the fused linear layer: the bias add and the"""

def gemm(a: ArrayLike, b: ArrayLike, out: Optional[ArrayLike] = None, alpha: float = 1.0, beta: float = 0.0) -> np.ndarray:
    """out = alpha * a @ b + beta * out for 2-D a (m, k), b (k, n) (BLAS GEMM);"""

def gemv(a: ArrayLike, x: ArrayLike, y: Optional[ArrayLike] = None, alpha: float = 1.0, beta: float = 0.0) -> np.ndarray:
    """y = alpha * a @ x + beta * y for 2-D a (m, n), 1-D x (n,) (BLAS GEMV); a"""

def dot(a: ArrayLike, b: ArrayLike) -> Any:
    """sum(a * b) for 1-D a and b of one length, as a NumPy scalar of their dtype."""

def axpy(alpha: float, x: ArrayLike, y: ArrayLike) -> np.ndarray:
    """y += alpha * x in place for 1-D x and y (BLAS AXPY), one fused multiply-add"""

def sum(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The sum, accumulated in float64 in a fixed order (bitwise the same for any thread count, tier and layout); integers exactly."""

def prod(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The product, in float64."""

def mean(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The mean (the float64 sum divided once); NaN over no elements."""

def var(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None, ddof: float = 0) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The variance with `ddof` (one pass, pairwise Chan updates in float64)."""

def std(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None, ddof: float = 0) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The standard deviation with `ddof` (the square root of var)."""

def min(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The smallest element (NaN propagates)."""

def max(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The largest element (NaN propagates)."""

def ptp(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """max - min (np.ptp)."""

def nansum(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The sum of the non-NaN elements."""

def nanmean(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The mean of the non-NaN elements."""

def nanmin(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The smallest non-NaN element."""

def nanmax(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The largest non-NaN element."""

def norm_l1(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The L1 norm, sum |x|."""

def norm_l2(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The L2 norm, sqrt(sum x**2), without overflow or underflow."""

def norm_max(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The max-abs norm, max |x|."""

def logsumexp(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None, dtype: npt.DTypeLike = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """log(sum(exp(x))) without overflow (as scipy.special.logsumexp)."""

def argmin(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The index of the first smallest element (the first NaN wins), int64; over several axes, the C-order position among the reduced elements."""

def argmax(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """The index of the first largest element (the first NaN wins), int64."""

def any(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """True where any element is non-zero (NaN counts as non-zero)."""

def all(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """True where every element is non-zero."""

def count_nonzero(x: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """How many elements are non-zero, int64."""

def softmax(x: ArrayLike, axis: int = -1, out: Optional[ArrayLike] = None, masked_rows: Literal["nan", "zero"] = 'nan') -> np.ndarray:
    """exp(x - max) / sum(exp(x - max)) along `axis`, the stable softmax (each output within about 3 ULP)."""

def log_softmax(x: ArrayLike, axis: int = -1, out: Optional[ArrayLike] = None, masked_rows: Literal["nan", "zero"] = 'nan') -> np.ndarray:
    """x - max - log(sum(exp(x - max))) along `axis`, never the log of a rounded probability."""

def mse(predictions: ArrayLike, targets: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """mean((predictions - targets)**2), the mean squared error."""

def rmse(predictions: ArrayLike, targets: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """sqrt(mean((predictions - targets)**2))."""

def mae(predictions: ArrayLike, targets: ArrayLike, axis: Axis = None, keepdims: bool = False, out: Optional[ArrayLike] = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """mean(|predictions - targets|), the mean absolute error."""

def cross_entropy(logits: ArrayLike, labels: ArrayLike, axis: int = -1, weights: Optional[ArrayLike] = None, ignore_index: int = -100, label_smoothing: float = 0.0, reduction: Literal["mean", "sum", "none"] = 'mean', out: Optional[ArrayLike] = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """Cross-entropy from logits (PyTorch's cross_entropy): per row, w[y] *"""

def binary_cross_entropy_with_logits(logits: ArrayLike, targets: ArrayLike, reduction: Literal["mean", "sum", "none"] = 'mean', out: Optional[ArrayLike] = None) -> Any:  # an ndarray, or a NumPy scalar for a 0-d result
    """Binary cross-entropy from logits z against targets y (broadcast to z):"""

def accuracy(logits: ArrayLike, labels: ArrayLike, axis: int = -1) -> float:
    """The fraction of rows whose argmax along `axis` equals the label, as a float"""

def standardize(x: ArrayLike, axis: Axis = None, eps: float = 0.0, out: Optional[ArrayLike] = None) -> np.ndarray:
    """(x - mean) / sqrt(var + eps) with the statistics over `axis` (None: all):"""

def standardize_with(x: ArrayLike, mean: ArrayLike, std: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """(x - mean) / std with given statistics broadcast to x (train statistics on"""

def layer_norm(x: ArrayLike, normalized_ndim: int = 1, gamma: Optional[ArrayLike] = None, beta: Optional[ArrayLike] = None, eps: float = 1e-05, out: Optional[ArrayLike] = None) -> np.ndarray:
    """(x - mean) / sqrt(var + eps) * gamma + beta over the trailing"""

def rms_norm(x: ArrayLike, normalized_ndim: int = 1, gamma: Optional[ArrayLike] = None, eps: float = 1e-06, out: Optional[ArrayLike] = None) -> np.ndarray:
    """x / sqrt(mean(x**2) + eps) * gamma over the trailing `normalized_ndim` axes (RMSNorm)."""

def set_num_threads(n: int) -> None:
    """Sets how many threads numkern calls use (0: the default, NUMKERN_NUM_THREADS"""

def get_num_threads() -> int:
    """The number of threads numkern calls use now."""

def set_isa(name: str) -> None:
    """Selects the SIMD tier by name ("portable", "neon", "avx2", "avx512"), never"""

def get_isa() -> str:
    """The SIMD tier calls use now, e.g. "avx512"."""

def detected_isa() -> str:
    """The best SIMD tier this CPU supports."""

def version() -> str:
    """The library's version, "MAJOR.MINOR.PATCH"."""
def full(shape: Union[int, Sequence[int]], fill_value: float, dtype: npt.DTypeLike = None, out: Optional[ArrayLike] = None) -> np.ndarray:
    """An array of `shape` filled with `fill_value` (np.full), or `out` filled."""

def zeros(shape: Union[int, Sequence[int]], dtype: npt.DTypeLike = ..., out: Optional[ArrayLike] = None) -> np.ndarray:
    """np.zeros, filled by numkern."""

def ones(shape: Union[int, Sequence[int]], dtype: npt.DTypeLike = ..., out: Optional[ArrayLike] = None) -> np.ndarray:
    """np.ones, filled by numkern."""

def eye(N: int, M: Optional[int] = None, k: int = 0, dtype: npt.DTypeLike = ..., out: Optional[ArrayLike] = None) -> np.ndarray:
    """Ones on the k-th diagonal of an N x M array, zeros elsewhere (np.eye)."""

def identity(n: int, dtype: npt.DTypeLike = ...) -> np.ndarray:
    """The n x n identity (np.identity)."""

def arange(start: float, stop: Optional[float] = None, step: float = 1, dtype: npt.DTypeLike = None, out: Optional[ArrayLike] = None) -> np.ndarray:
    """start + i * step for i in range(ceil((stop - start) / step)) (np.arange)."""

def linspace(start: float, stop: float, num: int = 50, endpoint: bool = True, dtype: npt.DTypeLike = ..., out: Optional[ArrayLike] = None) -> np.ndarray:
    """num evenly spaced values from start to stop (np.linspace)."""

def tril(m: ArrayLike, k: int = 0, out: Optional[ArrayLike] = None) -> np.ndarray:
    """m with the elements above the k-th diagonal of its last two axes zeroed (np.tril)."""

def triu(m: ArrayLike, k: int = 0, out: Optional[ArrayLike] = None) -> np.ndarray:
    """m with the elements below the k-th diagonal of its last two axes zeroed (np.triu)."""

class Generator:
    """numkern's seeded, counter-based generator (Philox4x32-10)."""
    seed: int
    stream: int
    def __init__(self, seed: int = 0, stream: int = 0) -> None: ...
    @staticmethod
    def fill_uniform(out: ArrayLike, seed: int, stream: int = 0, offset: int = 0, low: float = 0.0, high: float = 1.0) -> np.ndarray: ...
    @staticmethod
    def fill_normal(out: ArrayLike, seed: int, stream: int = 0, offset: int = 0, loc: float = 0.0, scale: float = 1.0) -> np.ndarray: ...
    @staticmethod
    def fill_integers(out: ArrayLike, seed: int, stream: int = 0, offset: int = 0, low: int = 0, high: int = 2) -> np.ndarray: ...
    @staticmethod
    def fill_bernoulli(out: ArrayLike, seed: int, stream: int = 0, offset: int = 0, p: float = 0.5) -> np.ndarray: ...
    def random(self, size: Any = None, dtype: npt.DTypeLike = ..., out: Optional[ArrayLike] = None) -> Any: ...
    def uniform(self, low: float = 0.0, high: float = 1.0, size: Any = None, dtype: npt.DTypeLike = ..., out: Optional[ArrayLike] = None) -> Any: ...
    def standard_normal(self, size: Any = None, dtype: npt.DTypeLike = ..., out: Optional[ArrayLike] = None) -> Any: ...
    def normal(self, loc: float = 0.0, scale: float = 1.0, size: Any = None, dtype: npt.DTypeLike = ..., out: Optional[ArrayLike] = None) -> Any: ...
    def integers(self, low: int, high: Optional[int] = None, size: Any = None, dtype: npt.DTypeLike = ..., out: Optional[ArrayLike] = None) -> Any: ...
    def bernoulli(self, p: float, size: Any = None, out: Optional[ArrayLike] = None) -> Any: ...
    def permutation(self, x: Union[int, ArrayLike], axis: int = 0) -> np.ndarray: ...
    def shuffle(self, x: ArrayLike, axis: int = 0) -> None: ...

def default_rng(seed: int = 0) -> Generator:
    """numkern.Generator(seed)."""

def concatenate(arrays: Sequence[ArrayLike], axis: int = 0, out: Optional[ArrayLike] = None) -> np.ndarray:
    """np.concatenate(arrays, axis, out=out)."""

def stack(arrays: Sequence[ArrayLike], axis: int = 0, out: Optional[ArrayLike] = None) -> np.ndarray:
    """np.stack(arrays, axis, out=out)."""

def hstack(arrays: Sequence[ArrayLike], out: Optional[ArrayLike] = None) -> np.ndarray:
    """np.hstack."""

def vstack(arrays: Sequence[ArrayLike], out: Optional[ArrayLike] = None) -> np.ndarray:
    """np.vstack."""

def split(x: ArrayLike, indices_or_sections: Union[int, Sequence[int]], axis: int = 0) -> list:
    """np.split as views."""

def take(x: ArrayLike, indices: ArrayLike, axis: int = 0, out: Optional[ArrayLike] = None, mode: str = "raise") -> np.ndarray:
    """np.take."""

def gather(x: ArrayLike, indices: Union[ArrayLike, Tuple[ArrayLike, ...]], out: Optional[ArrayLike] = None, mode: str = "raise") -> np.ndarray:
    """x[rows, cols]: integer-array indexing of x's leading axes."""

def put(a: ArrayLike, indices: ArrayLike, values: ArrayLike, axis: int = 0, mode: str = "raise") -> np.ndarray:
    """a[..., indices, ...] = values along axis, in place; the last repeated index wins."""

def count_nonzero_mask(mask: ArrayLike) -> int:
    """The number of non-zero mask elements."""

def mask_select(x: ArrayLike, mask: ArrayLike, out: Optional[ArrayLike] = None) -> np.ndarray:
    """x[mask]."""

def compress(condition: ArrayLike, a: ArrayLike, axis: int = 0, out: Optional[ArrayLike] = None) -> np.ndarray:
    """np.compress."""

def nonzero(x: ArrayLike) -> Tuple[np.ndarray, ...]:
    """np.nonzero."""
