"""check_npy.py FILE SHAPE DTYPE: prints ok when FILE is a finite array of that shape and dtype."""
import sys

import numpy as np

array = np.load(sys.argv[1])
shape = tuple(int(d) for d in sys.argv[2].split("x"))
if array.shape != shape or str(array.dtype) != sys.argv[3] or not np.isfinite(array).all():
    print(f"bad: {array.shape} {array.dtype}")
    sys.exit(1)
print("ok")
