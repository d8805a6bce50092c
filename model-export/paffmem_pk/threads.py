"""Thread budget of the command-line tools, set when a tool starts (nothing happens on import).

torch runs its intra-op work on ``n`` threads; OpenBLAS, which Debian's numpy and torch call for BLAS,
runs on one, so the two thread pools do not compete for the same cores.
"""
import ctypes


def configure_threads(n: int) -> None:
    """torch intra-op threads = n (at least 1); OpenBLAS, when loaded, one thread."""
    import torch

    torch.set_num_threads(max(1, int(n)))
    _openblas_threads(1)


def _openblas_threads(n: int) -> None:
    # OpenBLAS reads OPENBLAS_NUM_THREADS only when it is loaded; once loaded (by numpy or torch) its own
    # openblas_set_num_threads is the way: call it on the library this process has mapped, if any
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "libopenblas" in line}
    except OSError:
        return
    for path in paths:
        try:
            ctypes.CDLL(path).openblas_set_num_threads(int(n))
        except (OSError, AttributeError):
            pass
