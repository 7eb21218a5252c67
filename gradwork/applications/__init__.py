"""Ready-made networks: builder functions that return a `Sequential` model, untrained and uncompiled
(the idea of Keras's `keras.applications`, at the size of the course).

>>> model = gw.applications.cnn_bn(input_shape=(28, 28), classes=10, rescale=1 / 255, augment=True)
>>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])  # doctest: +SKIP

- `mlp`, `linear`: dense classifiers (`mlp.py`);
- `cnn`, `cnn_bn`: two convolution blocks and a dense head, without and with batch normalization
  (`cnn.py`);
- `input_layers`, `augmentation_layers`: the first layers every builder starts with (`inputs.py`).

`gradwork train --model mlp|linear|cnn|cnn-bn` trains these networks.
"""
from .cnn import cnn, cnn_bn
from .inputs import augmentation_layers, input_layers
from .mlp import linear, mlp

__all__ = ["augmentation_layers", "cnn", "cnn_bn", "input_layers", "linear", "mlp"]
