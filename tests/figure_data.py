"""Reading plotly 7 figure JSON: arrays may be base64-encoded typed arrays ({"dtype", "bdata"})."""

from __future__ import annotations

import base64

import numpy as np


def trace_values(value) -> list:
    """A trace array as a plain list, decoding plotly's ``bdata`` encoding where used."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return array.tolist()
    return list(value)
