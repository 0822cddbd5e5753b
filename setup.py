"""Builds the numkern wheel: the Rust library plus its cffi declarations.

Why setuptools and not maturin's `bindings = "cffi"`: maturin regenerates
the header with its own cbindgen settings and hands it to cffi's `cdef`,
which rejects C-only constants such as `#define NUMKERN_NONE INT64_MIN`.
Here the one committed header (include/numkern.h) is the only source: its
declarations, minus preprocessor lines cffi cannot read, become an
out-of-line ABI-mode module (`numkern/_ffi.py`, no C compiler needed), and
`cargo rustc` builds `libnumkern.so` beside it. No Rust code is specific to
Python: everything goes through the C ABI.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70
    from wheel.bdist_wheel import bdist_wheel

ROOT = Path(__file__).resolve().parent


def cdef_from_header(text):
    """The header's declarations as cffi's cdef accepts them: integer
    #defines kept, every other preprocessor line and the C++ guard dropped."""
    out, in_cplusplus = [], False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#ifdef __cplusplus"):
            in_cplusplus = True
            continue
        if in_cplusplus:
            in_cplusplus = not s.startswith("#endif")
            continue
        if s.startswith("#"):
            if re.fullmatch(r"#define NUMKERN_\w+ -?\d+", s):
                out.append(s)
            continue
        out.append(line)
    return "\n".join(out)


def write_ffi_module(path):
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(cdef_from_header((ROOT / "include" / "numkern.h").read_text()))
    ffi.set_source("numkern._ffi", None)
    ffi.emit_python_code(str(path))


def build_library():
    """libnumkern.so for the baseline target of this machine's platform."""
    env = dict(os.environ)
    # A target-cpu=native in the caller's flags would make a wheel that
    # dies with SIGILL on older CPUs; the library dispatches at run time.
    flags = env.get("RUSTFLAGS", "")
    env["RUSTFLAGS"] = re.sub(r"-C\s*target-cpu=\S+", "", flags).strip()
    target = Path(env.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.check_call(
        ["cargo", "rustc", "--profile", "dist", "--lib", "--crate-type", "cdylib",
         "--manifest-path", str(ROOT / "Cargo.toml")],
        env=env,
    )
    return target / "dist" / "libnumkern.so"


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        package = Path(self.build_lib) / "numkern"
        package.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(build_library(), package / "libnumkern.so")
        write_ffi_module(package / "_ffi.py")


class BinaryDistribution(Distribution):
    """A platform wheel (it holds a shared library)."""

    def has_ext_modules(self):
        return True


class AnyPythonWheel(bdist_wheel):
    """The library is loaded in cffi's ABI mode (no CPython extension): one wheel per
    platform serves every CPython 3 version."""

    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", plat


setup(
    cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": AnyPythonWheel},
    distclass=BinaryDistribution,
)
