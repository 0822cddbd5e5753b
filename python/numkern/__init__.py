"""numkern: hand-vectorized numerical kernels for machine learning, NumPy-shaped.

Every function takes NumPy arrays of any layout (C or Fortran order, sliced,
reversed, broadcast) or DLPack tensors on the CPU, without copying them, and
returns NumPy arrays (allocated by NumPy) unless `out=` is given. float32 and
float64 run natively; integer and bool arrays go where the function says so.
The GIL is released during every call. Errors raise `numkern.Error`
subclasses carrying the library's message.

    >>> import numpy as np, numkern as nk
    >>> x = np.linspace(-2, 2, 5, dtype=np.float32)
    >>> nk.sigmoid(x)
    array([0.11920292, 0.26894143, 0.5       , 0.7310586 , 0.8807971 ], dtype=float32)
"""

from . import _core
from ._core import (AxisError, BadDescriptorError, DTypeError, EmptyReductionError, Error,
                    InternalError, InvalidArgumentError, NullPointerError, OutOfMemoryError,
                    ShapeError, UnsupportedError, broadcast_shapes)
from ._create import *  # noqa: F401,F403
from ._create import __all__ as _create_all
from ._index import *  # noqa: F401,F403
from ._index import __all__ as _index_all
from ._join import *  # noqa: F401,F403
from ._join import __all__ as _join_all
from ._random import *  # noqa: F401,F403
from ._random import __all__ as _random_all
from ._elementwise import *  # noqa: F401,F403
from ._elementwise import __all__ as _elementwise_all
from ._linalg import *  # noqa: F401,F403
from ._linalg import __all__ as _linalg_all
from ._reduce import *  # noqa: F401,F403
from ._reduce import __all__ as _reduce_all
from ._runtime import *  # noqa: F401,F403
from ._runtime import __all__ as _runtime_all

__version__ = version()  # noqa: F405

# threadpoolctl.threadpool_limits(n) limits numkern too, as it limits BLAS.
try:
    from ._threadpoolctl import register as _register_threadpoolctl
except ImportError:  # threadpoolctl is not installed
    pass
else:
    _register_threadpoolctl()

__all__ = (["Error", "NullPointerError", "BadDescriptorError", "ShapeError", "DTypeError",
            "AxisError", "EmptyReductionError", "OutOfMemoryError", "InvalidArgumentError",
            "UnsupportedError", "InternalError", "broadcast_shapes"]
           + _create_all + _index_all + _join_all + _random_all + _elementwise_all + _linalg_all + _reduce_all + _runtime_all)
