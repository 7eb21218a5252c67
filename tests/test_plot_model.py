"""plot_model: the layer graph of a functional model as a PNG, and the graph it draws from."""
import numpy as np
import pytest

import gradwork as gw
from gradwork import nn


def _residual():
    inputs = gw.Input(shape=(16, 16, 3), name="img")
    block = nn.MaxPooling2D(2)(nn.Conv2D(8, 3, activation="relu")(inputs))
    x = nn.Conv2D(8, 3, padding="same", activation="relu")(block)
    x = nn.Conv2D(8, 3, padding="same")(x)
    out = nn.Dense(10)(nn.GlobalAveragePooling2D()(nn.add([x, block])))
    return gw.Model(inputs, out, name="resnet_block")


def _two_by_two():
    a, b = gw.Input(shape=(4,), name="left"), gw.Input(shape=(6,), name="right")
    h = nn.Concatenate()([nn.Dense(5)(a), nn.Dense(5)(b)])
    return gw.Model([a, b], [nn.Dense(3, name="cls")(h), nn.Dense(1, name="reg")(h)], name="two_by_two")


def test_the_graph_has_the_skip_connection_and_rows_by_depth():
    layers, edges, depth = gw.plot.model_graph(_residual())
    names = [layer.name for layer in layers]
    add = next(n for n in names if n.startswith("add"))
    pool = next(n for n in names if n.startswith("max_pooling2d"))
    assert (pool, add) in edges and sum(1 for _, target in edges if target == add) == 2
    assert depth[add] == depth[pool] + 3 and depth["img"] == 0
    layers, edges, depth = gw.plot.model_graph(_two_by_two())
    assert depth["left"] == depth["right"] == 0 and depth["cls"] == depth["reg"] == 3
    sequential = gw.Sequential([nn.Input(shape=(3,)), nn.Dense(4), nn.Dense(2)])
    chain = gw.plot.model_graph(sequential)[1]
    assert len(chain) == 1                                   # the two Dense layers in a chain


@pytest.mark.parametrize("make, rankdir", [(_residual, "TB"), (_two_by_two, "LR"), (_two_by_two, "TB")])
def test_plot_model_writes_a_png(tmp_path, make, rankdir):
    pytest.importorskip("matplotlib")
    import matplotlib.image

    path = gw.plot.plot_model(make(), tmp_path / "model.png", show_shapes=True, rankdir=rankdir)
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and min(image.shape[:2]) > 150
    assert np.unique(image.reshape(-1, image.shape[-1]), axis=0).shape[0] > 10   # something was drawn


def test_plot_model_errors():
    with pytest.raises(ValueError, match='rankdir must be "TB" or "LR"'):
        gw.plot.plot_model(_two_by_two(), "x.png", rankdir="BT")
    with pytest.raises(ValueError, match="is not built yet"):
        gw.plot.plot_model(gw.Sequential([nn.Dense(2)]), "x.png")
