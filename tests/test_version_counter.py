"""The version counter: views share their root's, every in-place change counts, and backward refuses a
graph whose tensors changed since they were recorded (instead of giving a wrong gradient)."""
import numpy as np
import pytest

import gradwork as gw

MODIFIED = "was modified in place after the operation used it"


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def leaf(data):
    return gw.tensor(np.asarray(data, dtype=np.float64), requires_grad=True)


# ----- views and the counter ----------------------------------------------------------------------


@pytest.mark.parametrize("view", [
    lambda x: x[0], lambda x: x[:, 1:], lambda x: x.T, lambda x: x.reshape(-1), lambda x: x.detach(),
    lambda x: x[0][1:], lambda x: x.T[1], lambda x: x.broadcast_to((2, 3, 4)),
])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_a_view_names_its_root_and_shares_its_counter(view, requires_grad):
    x = gw.tensor(rand(3, 4), requires_grad=requires_grad)
    v = view(x)
    assert v._base is x and v._version == x._version == 0
    with gw.no_grad():
        x.add_(1)
    assert v._version == 1
    if v.data.flags.writeable:
        with gw.no_grad():
            v.mul_(2)
        assert x._version == 2
    np.testing.assert_array_equal(np.asarray(v), view(gw.tensor(x.data)).data)  # the view sees its root's changes


def test_computed_values_and_copies_are_no_views():
    x = leaf(rand(3, 4))
    for t in (x * 2, x.sum(), x[np.array([0, 2])], x[x.data > 0], x.T.reshape(-1), x.astype(np.float32), x.exp()):
        assert t._base is None and t._version == 0
    assert x._base is None


def test_a_view_of_a_view_names_the_root():
    x = gw.tensor(rand(3, 4))
    assert x[1:][0]._base is x and x.detach().T._base is x


def test_every_in_place_change_counts_once():
    t = gw.tensor(np.zeros(3))
    t.add_(1)
    t += 1
    t[0] = 5
    t.fill_(2).zero_()
    assert t._version == 5


# ----- backward refuses changed tensors -------------------------------------------------------------


def _modify(t):
    with gw.no_grad():
        t.add_(1)


def test_a_changed_input_of_mul_raises_at_backward_with_what_where_and_versions():
    x, w = leaf(rand(3, 4)), leaf(rand(3, 4, seed=1))
    z = x * w
    _modify(w)
    with pytest.raises(RuntimeError) as info:
        z.sum().backward()
    message = str(info.value)
    for part in ("gradient of Mul", "input 1, shape (3, 4)", MODIFIED, "version 0, now 1",
                 "optimizer step between forward and backward", "call backward() before the step"):
        assert part in message
    assert x.grad is None and w.grad is None


def test_a_changed_operand_of_matmul_raises():
    x, w = leaf(rand(2, 3)), leaf(rand(3, 4))
    z = x @ w
    _modify(x)
    with pytest.raises(RuntimeError, match=r"gradient of MatMul \(input 0, shape \(2, 3\)\)"):
        z.sum().backward()


def test_a_changed_constant_operand_raises_too():
    x, c = leaf(rand(3)), gw.tensor(rand(3))
    z = x * c  # x's gradient reads c
    c[0] = 100.0
    with pytest.raises(RuntimeError, match=r"Mul \(input 1"):
        z.sum().backward()


def test_a_changed_result_that_exp_reuses_raises():
    x = leaf(rand(3))
    y = x.exp()
    with gw.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match=r"gradient of Exp \(its output, shape \(3,\)\) " + MODIFIED):
        y.sum().backward()


def test_the_check_is_stricter_than_pytorch_for_operations_that_save_nothing():
    x, w = leaf(rand(3)), leaf(rand(3))
    z = x + w  # Add's backward reads neither input; PyTorch would let this pass
    _modify(w)
    with pytest.raises(RuntimeError, match="gradient of Add"):
        z.sum().backward()


def test_changing_a_view_counts_as_changing_its_root():
    x = leaf(rand(3, 4))
    z = (x * x).sum()
    v = x.detach()[0]
    v.add_(1)  # nothing requires grad: a plain write into x's memory
    assert x._version == 1
    with pytest.raises(RuntimeError, match=r"Mul \(input 0"):
        z.backward()
    x2 = leaf(rand(3, 4))
    z2 = x2.exp().sum()
    with gw.no_grad():
        x2[0].add_(1)
    with pytest.raises(RuntimeError, match="Exp"):
        z2.backward()


def test_a_view_made_before_a_rebase_keeps_counting_on_the_old_memory():
    x, w = leaf(rand(3, 4)), leaf(rand(4, seed=1))
    y = x * 2
    v = y[0]
    y.mul_(w)  # a rebase: y takes a new array, the Mul node keeps the old one for w's gradient
    assert y._version == 1 and v._version == 0
    with gw.no_grad():
        v.add_(5)  # writes the old memory
    with pytest.raises(RuntimeError, match=r"gradient of Mul \(input 0"):
        y.sum().backward()


def test_a_retained_graph_refuses_a_second_backward_after_a_change():
    x = leaf(rand(3))
    z = (x * x).sum()
    z.backward(retain_graph=True)
    _modify(x)
    with pytest.raises(RuntimeError, match=MODIFIED):
        z.backward()


def test_the_check_runs_under_create_graph():
    x = leaf(rand(3))
    y = x ** 3
    _modify(x)
    with pytest.raises(RuntimeError, match=r"Pow \(input 0"):
        gw.grad(y.sum(), [x], create_graph=True)


def test_a_graph_recorded_after_the_change_is_fine():
    x = leaf(rand(3))
    _modify(x)
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data)


# ----- writers inside gradwork count their changes ----------------------------------------------------


def test_an_optimizer_step_between_forward_and_backward_raises():
    layer = gw.nn.Dense(2)
    x = gw.tensor(rand(5, 3).astype(np.float32))
    opt = gw.optimizers.SGD(0.1)
    layer(x).sum().backward()
    pending = (layer(x) ** 2).sum()  # recorded with the weights before the step
    opt.step(layer.trainable_weights)
    with pytest.raises(RuntimeError, match=MODIFIED):
        pending.backward()


def test_an_optimizer_step_on_a_parameter_raises_at_a_retained_backward():
    p = gw.nn.Parameter(rand(3), dtype=np.float64)
    loss = (p * p).sum()
    loss.backward(retain_graph=True)
    gw.optimizers.SGD(0.1).step([p])
    with pytest.raises(RuntimeError, match=r"Mul \(input 0, shape \(3,\)\).*version 0, now 1"):
        loss.backward()


@pytest.mark.parametrize("make", [lambda: gw.optimizers.SGD(0.1, momentum=0.9),
                                  lambda: gw.optimizers.Adam(0.01, weight_decay=0.1)])
def test_the_normal_loop_is_unaffected_and_each_step_counts_once(make):
    layer = gw.nn.Dense(2)
    x = gw.tensor(rand(5, 3).astype(np.float32))
    opt = make()
    losses = []
    for _ in range(3):
        loss = (layer(x) ** 2).mean()
        loss.backward()
        opt.step(layer.trainable_weights)
        opt.zero_grad(layer.trainable_weights)
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    assert [p._version for p in layer.trainable_weights] == [3, 3]


def test_set_weights_load_state_dict_and_batch_norm_statistics_count():
    layer = gw.nn.Dense(2)
    x = gw.tensor(rand(5, 3).astype(np.float32))
    pending = layer(x).sum()
    layer.set_weights(layer.get_weights())
    layer.load_state_dict(layer.state_dict())
    assert [p._version for p in layer.weights] == [2, 2]
    with pytest.raises(RuntimeError, match=MODIFIED):
        pending.backward()
    bn = gw.nn.BatchNormalization()
    bn(x, training=True)
    assert bn.moving_mean._version == bn.moving_variance._version == 1
    bn(x, training=False)
    assert bn.moving_mean._version == 1
