"""Reading and writing the vector file formats the benchmark uses.

    .fvecs  TEXMEX / ANN-benchmarks: per row, int32 little-endian dimension d,
            then d float32 values.
    .ivecs  the same with int32 values (ground-truth neighbour ids).
    .npy    NumPy 2-D arrays: float32 for vectors, int32 for ground truth.

Only numpy is needed here, so report.py can use it without faiss.
"""

import os

import numpy as np


def _read_xvecs(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    if raw.size == 0:
        raise ValueError(f"{path}: empty file")
    d = int(raw[0])
    if d <= 0 or raw.size % (d + 1) != 0:
        raise ValueError(f"{path}: not a valid {os.path.splitext(path)[1]} file "
                         f"(first dimension {d}, {raw.size * 4} bytes)")
    rows = raw.reshape(-1, d + 1)
    if not np.all(rows[:, 0] == d):
        bad = int(np.argmax(rows[:, 0] != d))
        raise ValueError(f"{path}: row {bad} has dimension {rows[bad, 0]}, expected {d}")
    return np.ascontiguousarray(rows[:, 1:]).view(dtype)


def read_vectors(path, mmap=False):
    """float32 (n, d) from .fvecs or .npy."""
    if path.endswith(".fvecs"):
        return _read_xvecs(path, np.float32)
    if path.endswith(".npy"):
        a = np.load(path, mmap_mode="r" if mmap else None)
        if a.ndim != 2 or a.dtype != np.float32:
            raise ValueError(f"{path}: expected a 2-D float32 array, got {a.dtype} {a.shape}")
        return a if mmap else np.ascontiguousarray(a)
    raise ValueError(f"{path}: unknown vector format (want .fvecs or .npy)")


def read_ids(path):
    """int32 (n, k) from .ivecs or .npy."""
    if path.endswith(".ivecs"):
        return _read_xvecs(path, np.int32)
    if path.endswith(".npy"):
        a = np.load(path)
        if a.ndim != 2 or a.dtype != np.int32:
            raise ValueError(f"{path}: expected a 2-D int32 array, got {a.dtype} {a.shape}")
        return a
    raise ValueError(f"{path}: unknown id format (want .ivecs or .npy)")


class XvecsWriter:
    """Append rows to a .fvecs/.ivecs file chunk by chunk."""

    def __init__(self, path, d, dtype):
        self.f = open(path, "wb")
        self.d = d
        self.dtype = np.dtype(dtype)

    def write(self, rows):
        rows = np.ascontiguousarray(rows, dtype=self.dtype)
        assert rows.ndim == 2 and rows.shape[1] == self.d
        out = np.empty((rows.shape[0], self.d + 1), dtype=np.int32)
        out[:, 0] = self.d
        out[:, 1:] = rows.view(np.int32)
        out.tofile(self.f)

    def close(self):
        self.f.close()


def write_xvecs(path, rows, dtype):
    w = XvecsWriter(path, rows.shape[1], dtype)
    try:
        w.write(rows)
    finally:
        w.close()
