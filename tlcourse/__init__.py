"""tlcourse: the helpers behind the transfer-learning course's notebooks.

Each public function names the notebook that teaches it in its docstring.
"""

from __future__ import annotations

import os as _os

# Keras 3 on TensorFlow, with TensorFlow's C++ start-up chatter off (it would make
# notebook outputs differ from run to run).
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tlcourse.config import FAST, SEED, data_dir, environment_report, fast_or_full, seed_everything

__version__ = "0.1.0"

__all__ = [
    "FAST",
    "SEED",
    "data_dir",
    "environment_report",
    "fast_or_full",
    "seed_everything",
]
