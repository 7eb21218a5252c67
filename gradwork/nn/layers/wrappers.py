"""Layers that wrap another layer: the `Wrapper` base, Bidirectional (an RNN both ways) and TimeDistributed
(per time step)."""

from typing import Any

from ...ops.shape_ops import concatenate
from ...tensor import as_tensor
from ...ops.nn.masking import boolean_mask
from ..layer import Layer, deserialize, serialize
from .recurrent import RNNBase
from .rnn import RNN

_RECURRENT = (RNNBase, RNN)

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _rebuilt(layer, name, **changes):
    """A fresh, unbuilt copy of `layer` from its config, renamed and with `changes`."""
    return type(layer).from_config({**layer.get_config(), "name": name, **changes})


def _strip(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


class Wrapper(Layer):
    """Base of the layers that wrap one other layer (Keras's `Wrapper`): it holds it as `layer` (so its
    weights are the wrapper's) and saves it inside its own config. A subclass writes `call`.

    Parameters
    ----------
    layer : Layer
    **kwargs : `Layer`'s arguments
    """

    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise TypeError(f"{type(self).__name__}: expected a Layer, got {layer!r}")
        super().__init__(**kwargs)
        self.layer = layer

    def get_config(self):
        return {**super().get_config(), "layer": serialize(self.layer)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        return cls(deserialize(config.pop("layer")), **config)


class Bidirectional(Layer):
    """Run a recurrent layer forwards and a copy of it backwards over the sequence, and merge.

    With return_sequences the backward outputs are put back in time order before merging, and
    masked steps output zeros (as Keras; done here, so the wrapped layers' own zero_output_for_mask
    is left as given); with return_state the result is [output, *forward states, *backward states];
    the call's `initial_state` is a list split the same way. The call's `mask` (batch, time) is
    passed to both RNNs.

    Parameters
    ----------
    layer : RNNBase or RNN
        A SimpleRNN, LSTM, GRU or RNN; the forward layer is a fresh copy of it.
    merge_mode : str or None, default "concat"
        "concat" (features side by side), "sum", "mul", "ave", or None (a list of both).
    backward_layer : RNNBase or RNN, optional
        Default: a copy of `layer` reading the other way.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, time, features)

    Output shape
    ------------
    (batch, 2 * units) with "concat", else (batch, units); with a time axis after the batch axis
    under return_sequences.

    Examples
    --------
    >>> gw.nn.Bidirectional(gw.nn.LSTM(4))(np.zeros((2, 5, 3))).shape
    (2, 8)
    """

    supports_masking = True

    def __init__(self, layer: RNNBase | RNN, merge_mode: str | None = "concat",
                 backward_layer: RNNBase | RNN | None = None, **kwargs: Any) -> None:
        if not isinstance(layer, _RECURRENT):
            raise TypeError(f"Bidirectional: expected a recurrent layer (SimpleRNN, LSTM, GRU, RNN), got {layer}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional: merge_mode must be one of {_MERGE_MODES}, got {merge_mode!r}")
        super().__init__(**kwargs)
        base = _strip(layer.name, "forward_")
        self.forward_layer = _rebuilt(layer, "forward_" + base)
        if backward_layer is None:
            backward_layer = _rebuilt(layer, "backward_" + base, go_backwards=not layer.go_backwards)
        if not isinstance(backward_layer, _RECURRENT) or backward_layer.go_backwards == layer.go_backwards:
            raise ValueError(f"{self.name}: backward_layer must be a recurrent layer with go_backwards="
                             f"{not layer.go_backwards}, got {backward_layer!r}")
        for flag in ("return_sequences", "return_state"):
            if getattr(backward_layer, flag) != getattr(layer, flag):
                raise ValueError(f"{self.name}: backward_layer.{flag} must equal the forward layer's "
                                 f"({getattr(layer, flag)})")
        self.backward_layer = backward_layer
        self.merge_mode = merge_mode
        self.return_sequences, self.return_state = layer.return_sequences, layer.return_state

    def call(self, inputs, initial_state=None, mask=None, training=None):
        forward_state = backward_state = None
        if initial_state is not None:
            if not isinstance(initial_state, (list, tuple)):
                raise TypeError(f"{self.name}: initial_state must be a list of states, the forward layer's "
                                f"then the backward layer's; got a {type(initial_state).__name__}")
            half = len(initial_state) // 2
            if len(initial_state) % 2:
                raise ValueError(f"{self.name}: initial_state needs the forward and the backward states, "
                                 f"an even number of arrays; got {len(initial_state)}")
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(inputs, initial_state=forward_state, mask=mask, training=training)
        y_rev = self.backward_layer(inputs, initial_state=backward_state, mask=mask, training=training)
        states = []
        if self.return_state:
            (y, *forward_states), (y_rev, *backward_states) = y, y_rev
            states = forward_states + backward_states
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]
            if mask is not None:  # zeros at the masked steps, whatever the layers' zero_output_for_mask
                keep = as_tensor(boolean_mask(mask, self.name)[:, :, None].astype(y.dtype))
                y, y_rev = y * keep, y_rev * keep
        output = self._merge(y, y_rev)
        if not self.return_state:
            return output
        return [*output, *states] if self.merge_mode is None else [output, *states]

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "mul":
            return y * y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) * 0.5
        return [y, y_rev]

    def compute_mask(self, inputs, mask=None):
        output_mask = mask if self.return_sequences else None
        masks = [output_mask] * (2 if self.merge_mode is None else 1)
        if self.return_state:  # the forward layer's masks: [output's, None per state]
            masks += [None] * (2 * (len(self.forward_layer.compute_mask(inputs, None)) - 1))
        return masks if len(masks) > 1 else masks[0]

    def get_config(self):
        return {**super().get_config(), "layer": serialize(self.forward_layer), "merge_mode": self.merge_mode,
                "backward_layer": serialize(self.backward_layer)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        layer = deserialize(config.pop("layer"))
        backward = config.pop("backward_layer", None)
        return cls(layer, backward_layer=None if backward is None else deserialize(backward), **config)


class TimeDistributed(Wrapper):
    """Apply `layer` to every time step, by folding time into the batch axis (one call of `layer` on
    batch*time samples, weights shared by all steps).

    A (batch, time) mask passes through unchanged; the wrapped layer does not see it.

    Parameters
    ----------
    layer : Layer
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, time, ...): at least 3 axes

    Output shape
    ------------
    (batch, time, ...), the wrapped layer's output per step

    Examples
    --------
    >>> frames = np.zeros((2, 4, 9, 9, 3))                  # (batch, frames, height, width, channels)
    >>> gw.nn.TimeDistributed(gw.nn.Conv2D(8, 3))(frames).shape
    (2, 4, 7, 7, 8)
    """

    supports_masking = True

    def call(self, inputs, training=None):
        if inputs.ndim < 3:
            raise ValueError(
                f"{self.name}: expected inputs of shape (batch, time, ...), at least 3 axes; "
                f"got {inputs.shape}"
            )
        batch, steps = inputs.shape[:2]
        out = self.layer(inputs.reshape((batch * steps,) + inputs.shape[2:]), training=training)
        return out.reshape((batch, steps) + out.shape[1:])
