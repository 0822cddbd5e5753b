"""A threadpoolctl controller for numkern's thread pool.

threadpoolctl finds shared libraries loaded in the process by file name
prefix and drives them through their C API: here numkern_get_num_threads,
numkern_set_num_threads and numkern_version (through threadpoolctl's own
ctypes handle of libnumkern.so, the same library numkern's calls use).
"""

import ctypes

from threadpoolctl import LibController
from threadpoolctl import register as _register


class NumkernController(LibController):
    user_api = "numkern"
    internal_api = "numkern"
    filename_prefixes = ("libnumkern",)
    check_symbols = ("numkern_set_num_threads", "numkern_get_num_threads")

    def get_num_threads(self):
        return self.dynlib.numkern_get_num_threads()

    def set_num_threads(self, num_threads):
        return self.dynlib.numkern_set_num_threads(int(num_threads))

    def get_version(self):
        version = self.dynlib.numkern_version
        version.restype = ctypes.c_char_p
        return version().decode()


def register():
    _register(NumkernController)
