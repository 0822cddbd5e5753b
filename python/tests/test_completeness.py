"""Every exported numkern_* function has a Python wrapper (or is listed here
with the reason it has none); every public function has a docstring and a stub."""

import ast
import inspect
import re
from pathlib import Path

import numkern as nk
from numkern import _core

HEADER = Path(__file__).resolve().parents[2] / "include" / "numkern.h"

# C functions with no Python wrapper, and why.
NOT_WRAPPED = {
    # Descriptor constructors and view operations: NumPy's own indexing,
    # .T, reshape, np.expand_dims, np.squeeze and np.broadcast_to already make
    # the same zero-copy views, and numkern takes them as they are.
    "numkern_array_init": "descriptors are built from NumPy arrays",
    "numkern_permute": "np.transpose(x, axes) is the same view",
    "numkern_transpose": "x.T is the same view",
    "numkern_reshape": "x.reshape is the same view",
    "numkern_slice": "x[start:stop:step] is the same view",
    "numkern_expand_dims": "np.expand_dims is the same view",
    "numkern_squeeze": "np.squeeze is the same view",
    "numkern_broadcast_to": "np.broadcast_to is the same view",
    # The CBLAS feature's error hook, for C programs.
    "numkern_cblas_report": "the cblas_xerbla hook of the CBLAS drop-in",
}


def header_functions():
    return sorted(set(re.findall(r"\b(numkern_\w+)\(", HEADER.read_text())))


def test_every_c_function_has_a_wrapper():
    missing = [f for f in header_functions() if f not in _core.WRAPPED and f not in NOT_WRAPPED]
    assert not missing, f"numkern_* functions without a Python wrapper: {missing}"
    stale = [f for f in NOT_WRAPPED if f not in header_functions()]
    assert not stale, f"listed as not wrapped but gone from the header: {stale}"


def test_wrapped_names_are_real_functions():
    unknown = [c for c in _core.WRAPPED if c not in header_functions()]
    assert not unknown, f"wrappers name C functions the header does not have: {unknown}"


def test_every_public_function_has_a_docstring_and_a_stub():
    stub = ast.parse((Path(nk.__file__).parent / "__init__.pyi").read_text())
    stubbed = {node.name for node in stub.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    for name in nk.__all__:
        obj = getattr(nk, name)
        assert (obj.__doc__ or "").strip(), f"{name} has no docstring"
        assert name in stubbed, f"{name} is not in __init__.pyi"
        if inspect.isfunction(obj):
            stub_fn = next(n for n in stub.body if isinstance(n, ast.FunctionDef) and n.name == name)
            stub_params = [a.arg for a in stub_fn.args.args + stub_fn.args.kwonlyargs]
            real = [p for p in inspect.signature(obj).parameters if not p.startswith("_")
                    and inspect.signature(obj).parameters[p].kind != inspect.Parameter.VAR_POSITIONAL]
            assert stub_params == real, (name, stub_params, real)
    assert (Path(nk.__file__).parent / "py.typed").exists()
