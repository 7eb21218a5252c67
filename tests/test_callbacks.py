"""Tests for gradwork.callbacks, driven by a fake model through scripted epochs (no real training)."""
import csv
import io
import math

import numpy as np
import pytest

from gradwork.callbacks import (
    Callback, CallbackList, CSVLogger, EarlyStopping, History, LambdaCallback, LearningRateScheduler,
    ModelCheckpoint, ProgbarLogger, ReduceLROnPlateau, TerminateOnNaN,
)
from gradwork.callbacks import _console, _format, _progress
from gradwork.callbacks._monitor import resolve_mode


# --------------------------------------------------------------------------- fakes and a fit driver
class FakeOptimizer:
    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate


class FakeModel:
    """The model contract the callbacks rely on; weights are changed in place each epoch."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.weights = [np.zeros(3), np.zeros((2, 2))]
        self.optimizer = FakeOptimizer(learning_rate)
        self.saved = []

    def get_weights(self):
        return list(self.weights)          # the live arrays, as a careless model might return

    def set_weights(self, weights):
        for w, new in zip(self.weights, weights):
            w[...] = new

    def save(self, path):
        self.saved.append(("save", path))

    def save_weights(self, path):
        self.saved.append(("save_weights", path))


class TTYStream(io.StringIO):
    def isatty(self):
        return True


def fit(callbacks, epoch_logs, model=None, steps=2, verbose=0, batch_logs=None):
    """Drive callbacks like a fit loop: epoch e sets every weight to e, batch logs hold 'loss'."""
    model = model or FakeModel()
    cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=model,
                       verbose=verbose, epochs=len(epoch_logs), steps=steps)
    cbs.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        cbs.on_epoch_begin(epoch)
        for w in model.weights:
            w[...] = epoch
        for batch in range(steps or 3):
            cbs.on_train_batch_begin(batch)
            blogs = batch_logs(epoch, batch) if batch_logs else {"loss": logs.get("loss", 1.0)}
            cbs.on_train_batch_end(batch, blogs)
            if model.stop_training:
                break
        cbs.on_epoch_end(epoch, dict(logs))
        if model.stop_training:
            break
    cbs.on_train_end()
    return model, cbs


def val_losses(*values):
    return [{"loss": 1.0, "val_loss": v} for v in values]


# --------------------------------------------------------------------------- Callback and CallbackList
def test_base_callback_hooks_are_noops_and_batch_aliases_forward():
    calls = []

    class Old(Callback):
        def on_batch_begin(self, batch, logs=None):
            calls.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            calls.append(("end", batch))

    cb = Old()
    for hook in ("on_train_begin", "on_train_end", "on_test_begin", "on_test_end", "on_predict_begin",
                 "on_predict_end"):
        assert getattr(Callback(), hook)(None) is None
    cb.on_train_batch_begin(0)
    cb.on_train_batch_end(0, {"loss": 1.0})
    assert calls == [("begin", 0), ("end", 0)]
    assert cb.model is None and cb.params is None


def test_callback_list_adds_defaults_once_and_wires_model_and_params():
    model = FakeModel()
    cbs = CallbackList([], add_history=True, add_progbar=True, model=model, verbose=1, epochs=3, steps=5)
    kinds = [type(cb) for cb in cbs]
    assert kinds == [ProgbarLogger, History]
    assert model.history is cbs.callbacks[1]
    assert all(cb.model is model for cb in cbs)
    assert all(cb.params == {"verbose": 1, "epochs": 3, "steps": 5} for cb in cbs)

    mine_h, mine_p = History(), ProgbarLogger()
    cbs = CallbackList([mine_p, mine_h], add_history=True, add_progbar=True, model=model)
    assert cbs.callbacks == [mine_p, mine_h] and model.history is mine_h
    assert len(CallbackList(None)) == 0
    with pytest.raises(TypeError):
        CallbackList([object()])


def test_callback_list_calls_hooks_positionally_and_shares_one_logs_dict():
    seen = []

    class Renamed(Callback):             # parameter names differ from the base's
        def on_epoch_end(self, e, log):
            seen.append((e, dict(log)))

    class Adds(Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["extra"] = 1.0

    model, cbs = fit([Adds(), Renamed()], [{"loss": 0.5}])
    assert seen == [(0, {"loss": 0.5, "extra": 1.0})]
    assert model.history.history["extra"] == [1.0]      # History comes after user callbacks


def test_callback_list_forwards_every_hook():
    calls = []
    hooks = ["on_train_begin", "on_train_end", "on_test_begin", "on_test_end", "on_predict_begin",
             "on_predict_end"]
    indexed = ["on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
               "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end"]
    cb = LambdaCallback(**{h: (lambda logs, h=h: calls.append(h)) for h in hooks},
                        **{h: (lambda i, logs, h=h: calls.append(h)) for h in indexed})
    cbs = CallbackList([cb])
    for h in hooks:
        getattr(cbs, h)()
    for h in indexed:
        getattr(cbs, h)(0)
    assert calls == hooks + indexed


# --------------------------------------------------------------------------- History
def test_history_records_epoch_logs_and_is_model_history():
    model, cbs = fit([], [{"loss": 1.0, "accuracy": 0.5, "val_loss": 1.2},
                          {"loss": 0.8, "accuracy": 0.6, "val_loss": 1.1}])
    h = model.history
    assert isinstance(h, History)
    assert h.epoch == [0, 1]
    assert h.history == {"loss": [1.0, 0.8], "accuracy": [0.5, 0.6], "val_loss": [1.2, 1.1]}
    h.on_train_begin()
    assert h.history == {} and h.epoch == []


# --------------------------------------------------------------------------- formatting
@pytest.mark.parametrize("value, text", [
    (0.43214, "0.4321"), (12.0, "12.0000"), (-0.5, "-0.5000"), (1.23456e-5, "1.2346e-05"),
    (0.0, "0.0000"), (float("nan"), "nan"), (float("inf"), "inf"), (np.float32(0.25), "0.2500"),
])
def test_format_value_like_keras(value, text):
    assert _format.format_value(value) == text


def test_format_durations():
    assert _format.format_eta(7.4) == "7s"
    assert _format.format_eta(125) == "2:05"
    assert _format.format_eta(3725) == "1:02:05"
    assert _format.format_elapsed(0.3404) == "340ms"
    assert _format.format_per_step(0.015) == "15ms/step"
    assert _format.format_per_step(8e-5) == "80us/step"
    assert _format.format_per_step(2.2) == "2s/step"
    metrics = _format.format_metrics({"loss": 0.43214, "accuracy": 0.87654})
    assert metrics == " - loss: 0.4321 - accuracy: 0.8765"


# --------------------------------------------------------------------------- ProgbarLogger
EPOCHS = [{"loss": 0.43214, "accuracy": 0.87654, "val_loss": 0.5, "val_accuracy": 0.8},
          {"loss": 0.3, "accuracy": 0.9, "val_loss": 0.45, "val_accuracy": 0.85}]


def batch_logs(epoch, batch):
    return {"loss": 0.5 - 0.01 * batch, "accuracy": 0.8}


def test_progbar_non_tty_writes_one_plain_line_per_epoch_at_its_end():
    out = io.StringIO()
    seen_mid_epoch = []
    probe = LambdaCallback(on_train_batch_end=lambda b, logs: seen_mid_epoch.append(out.getvalue()))
    fit([probe, ProgbarLogger(stream=out)], EPOCHS, steps=4, verbose=1, batch_logs=batch_logs)
    text = out.getvalue()
    assert "\r" not in text and "\x1b" not in text and "\b" not in text
    lines = text.splitlines()
    assert len(lines) == 2 and text.endswith("\n")
    assert lines[0].startswith("Epoch 1/2 - 4/4 - ")
    assert lines[0].endswith(" - loss: 0.4321 - accuracy: 0.8765 - val_loss: 0.5000 - val_accuracy: 0.8000")
    assert "ms/step" in lines[0] or "us/step" in lines[0]
    assert lines[1].startswith("Epoch 2/2 - 4/4 - ")
    assert seen_mid_epoch[:4] == ["", "", "", ""]        # nothing is written during the epoch


def test_progbar_verbose_2_is_one_line_even_on_a_terminal_and_verbose_0_is_silent():
    out = TTYStream()
    fit([ProgbarLogger(stream=out)], EPOCHS, steps=3, verbose=2)
    assert "\r" not in out.getvalue() and len(out.getvalue().splitlines()) == 2
    out = TTYStream()
    fit([ProgbarLogger(stream=out)], EPOCHS, steps=3, verbose=0)
    assert out.getvalue() == ""


def test_progbar_default_stream_is_current_stdout(capsys):
    fit([], EPOCHS, steps=2, verbose=1)       # added by CallbackList; pytest's capture is not a TTY
    captured = capsys.readouterr().out
    assert captured.count("\n") == 2 and "\r" not in captured and captured.startswith("Epoch 1/2 - 2/2")


def test_progbar_unknown_step_count_non_tty():
    out = io.StringIO()
    fit([ProgbarLogger(stream=out)], EPOCHS[:1], steps=None, verbose=1)
    assert out.getvalue().startswith("Epoch 1/1 - 3/3 - ")


def test_plain_bar_on_a_terminal_without_tqdm(monkeypatch):
    monkeypatch.setattr(_progress, "find_tqdm", lambda: None)
    out = TTYStream()
    fit([ProgbarLogger(stream=out)], EPOCHS, steps=4, verbose=1, batch_logs=batch_logs)
    text = out.getvalue()
    assert text.startswith("Epoch 1/2\n\r")
    assert "\x1b" not in text
    epoch1 = text.split("Epoch 2/2\n")[0]
    final = epoch1.rstrip("\n").split("\r")[-1]
    assert final.startswith("4/4 [" + "=" * _progress.BAR_WIDTH + "] - ")
    assert final.rstrip().endswith(
        "loss: 0.4321 - accuracy: 0.8765 - val_loss: 0.5000 - val_accuracy: 0.8000")
    first = epoch1.split("\r")[1]
    assert first.startswith("1/4 [=======>") and "ETA:" in first
    assert "loss: 0.5000 - accuracy: 0.8000" in first
    assert text.count("\n") == 4                # two headers, two finished bars


def test_plain_bar_redraws_at_most_ten_times_a_second(monkeypatch):
    monkeypatch.setattr(_progress, "find_tqdm", lambda: None)
    clock = {"t": 100.0}
    monkeypatch.setattr(_progress, "_now", lambda: clock["t"])

    def advance(epoch, batch):
        clock["t"] += 0.01                     # 100 batches per second
        return {"loss": 1.0}

    out = TTYStream()
    fit([ProgbarLogger(stream=out)], [{"loss": 1.0}], steps=200, verbose=1, batch_logs=advance)
    draws = out.getvalue().count("\r")
    # 2 s of batches -> about 20 throttled redraws, plus the last step and the end of the epoch
    assert 18 <= draws <= 24


def test_plain_bar_unknown_steps_and_message_breaks_open_line(monkeypatch, capsys):
    monkeypatch.setattr(_progress, "find_tqdm", lambda: None)
    import sys
    out = TTYStream()
    monkeypatch.setattr(sys, "stdout", out)
    shout = LambdaCallback(on_train_batch_end=lambda b, logs: _console.print_msg("note") if b == 1 else None)
    fit([ProgbarLogger(), shout], [{"loss": 1.0}], steps=None, verbose=1)
    text = out.getvalue()
    assert "1/Unknown" in text and "\nnote\n" in text
    assert text.endswith("\n") and text.rstrip("\n").split("\r")[-1].startswith("3/3 [=")


def test_tqdm_bar_on_a_terminal():
    pytest.importorskip("tqdm")
    out = TTYStream()
    fit([ProgbarLogger(stream=out)], EPOCHS, steps=4, verbose=1, batch_logs=batch_logs)
    text = out.getvalue()
    assert text.startswith("Epoch 1/2\n") and "Epoch 2/2\n" in text
    final = text.split("Epoch 2/2\n")[0].rstrip("\n").split("\r")[-1]
    assert final.startswith("4/4 [") and final.rstrip().endswith("val_accuracy: 0.8000")
    assert "loss: 0.4321 - accuracy: 0.8765" in final
    out = TTYStream()
    fit([ProgbarLogger(stream=out)], EPOCHS[:1], steps=None, verbose=1)
    assert "/Unknown" in out.getvalue() and out.getvalue().endswith("\n")


def test_progbar_evaluate_and_predict_outside_fit_but_silent_validation_inside_fit():
    out = io.StringIO()
    cbs = CallbackList([ProgbarLogger(stream=out)], verbose=1, steps=3)
    cbs.on_test_begin()
    for b in range(3):
        cbs.on_test_batch_end(b, {"loss": 0.2})
    cbs.on_test_end({"loss": 0.25, "accuracy": 0.5})
    cbs.on_predict_begin()
    for b in range(3):
        cbs.on_predict_batch_end(b, {"outputs": np.zeros((2, 2))})
    cbs.on_predict_end()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("3/3 - ") and lines[0].endswith(" - loss: 0.2500 - accuracy: 0.5000")
    assert lines[1].startswith("3/3 - ") and "outputs" not in lines[1] and len(lines) == 2

    # inside fit, a validation pass (test hooks between train batches) draws nothing
    out = io.StringIO()
    pb = ProgbarLogger(stream=out)

    class Validation(Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                pb.on_test_begin()
                pb.on_test_batch_end(0, {"loss": 9.0})
                pb.on_test_end({"loss": 9.0})

    fit([Validation(), pb], [{"loss": 1.0, "val_loss": 9.0}], steps=2, verbose=1)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Epoch 1/1 - 2/2 - ")
    assert lines[0].endswith(" - loss: 1.0000 - val_loss: 9.0000")


# --------------------------------------------------------------------------- EarlyStopping
def test_resolve_mode():
    assert resolve_mode("val_loss", "auto", "x") == "min"
    assert resolve_mode("val_mean_squared_error", "auto", "x") == "min"
    assert resolve_mode("val_accuracy", "auto", "x") == "max"
    assert resolve_mode("binary_accuracy", "auto", "x") == "max"
    assert resolve_mode("val_auc_1", "auto", "x") == "max"
    for better in ("val_mean_io_u", "one_hot_io_u", "binary_io_u_2", "val_output_1_auc", "out_f1_score",
                   "val_precision_at_recall", "sensitivity_at_specificity_1", "val_pearson_correlation"):
        assert resolve_mode(better, "auto", "x") == "max", better  # the metrics' default names
    for worse in ("val_output_1_loss", "false_positives", "val_root_mean_squared_error", "val_kl_divergence"):
        assert resolve_mode(worse, "auto", "x") == "min", worse
    assert resolve_mode("val_accuracy", "min", "x") == "min"
    with pytest.raises(ValueError):
        resolve_mode("loss", "minimum", "x")


def test_early_stopping_stops_after_patience_and_restores_best_weights(capsys):
    es = EarlyStopping(patience=2, restore_best_weights=True, verbose=1)
    model, _ = fit([es], val_losses(1.0, 0.8, 0.9, 0.85, 0.7, 0.6))
    assert es.stopped_epoch == 3 and model.stop_training
    assert model.history.epoch == [0, 1, 2, 3]
    assert es.best == 0.8 and es.best_epoch == 1
    assert all(np.all(w == 1) for w in model.weights)       # the weights of epoch 1, not 3
    out = capsys.readouterr().out
    assert "Epoch 4: early stopping" in out and "best epoch: 2." in out


def test_early_stopping_restores_best_weights_when_training_ends_first():
    es = EarlyStopping(patience=5, restore_best_weights=True)
    model, _ = fit([es], val_losses(1.0, 0.5, 0.6, 0.7))
    assert es.stopped_epoch == 0 and not model.stop_training
    assert all(np.all(w == 1) for w in model.weights)
    # without restore_best_weights the last epoch's weights stay
    model, _ = fit([EarlyStopping(patience=5)], val_losses(1.0, 0.5, 0.6, 0.7))
    assert all(np.all(w == 3) for w in model.weights)


def test_early_stopping_patience_zero_mode_max_and_min_delta():
    es = EarlyStopping(monitor="val_accuracy")               # auto -> max
    logs = [{"val_accuracy": a} for a in (0.5, 0.6, 0.55, 0.9)]
    model, _ = fit([es], logs)
    assert es.mode == "max" and es.stopped_epoch == 2 and es.best == 0.6

    es = EarlyStopping(min_delta=0.1, patience=2)          # improvements smaller than 0.1 don't count
    fit([es], val_losses(1.0, 0.95, 0.92, 0.5))
    assert es.stopped_epoch == 2 and es.best == 1.0


def test_early_stopping_baseline_and_start_from_epoch():
    es = EarlyStopping(patience=2, baseline=0.5)            # improving, but not beating the baseline
    fit([es], val_losses(0.9, 0.8, 0.7, 0.6, 0.4))
    assert es.stopped_epoch == 1 and es.best == 0.8

    es = EarlyStopping(patience=2, baseline=0.5)            # beaten at epoch 1: normal patience after
    fit([es], val_losses(0.9, 0.4, 0.45, 0.46, 0.3))
    assert es.stopped_epoch == 3 and es.best == 0.4

    es = EarlyStopping(patience=1, start_from_epoch=3, restore_best_weights=True)
    model, _ = fit([es], val_losses(0.1, 0.2, 0.3, 0.9, 0.8, 0.85, 0.95))
    assert es.stopped_epoch == 5 and es.best == 0.8
    assert all(np.all(w == 4) for w in model.weights)


def test_early_stopping_missing_monitor_warns_and_never_stops():
    es = EarlyStopping(monitor="val_loss")
    with pytest.warns(UserWarning, match="val_loss"):
        model, _ = fit([es], [{"loss": 1.0}, {"loss": 2.0}])
    assert not model.stop_training and es.best is None


def test_early_stopping_resets_between_fits():
    es = EarlyStopping(patience=0)
    fit([es], val_losses(1.0, 2.0))
    assert es.stopped_epoch == 1
    model, _ = fit([es], val_losses(5.0, 4.0, 3.0))
    assert es.stopped_epoch == 0 and es.best == 3.0 and not model.stop_training


# --------------------------------------------------------------------------- ReduceLROnPlateau
def test_reduce_lr_on_plateau_with_cooldown_and_min_lr(capsys):
    cb = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, min_lr=0.2, verbose=1)
    model, _ = fit([cb], val_losses(*[1.0] * 12), model=FakeModel(learning_rate=1.0))
    assert model.history.history["learning_rate"] == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25,
                                                      0.2, 0.2, 0.2]
    assert model.optimizer.learning_rate == 0.2
    assert "Epoch 3: ReduceLROnPlateau reducing learning rate to 0.5." in capsys.readouterr().out


def test_reduce_lr_on_plateau_improvement_resets_wait_and_min_delta():
    cb = ReduceLROnPlateau(factor=0.1, patience=2, min_delta=0.01)
    # 0.995 is not better than 1.0 by more than min_delta; 0.5 is
    model, _ = fit([cb], val_losses(1.0, 0.995, 0.5, 0.6, 0.55, 0.7), model=FakeModel(learning_rate=1.0))
    lrs = model.history.history["learning_rate"]
    assert lrs[:5] == [1.0] * 5 and math.isclose(lrs[5], 0.1)
    with pytest.raises(ValueError):
        ReduceLROnPlateau(factor=1.0)


def test_reduce_lr_on_plateau_accuracy_is_maximised():
    cb = ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=1)
    model, _ = fit([cb], [{"val_accuracy": a} for a in (0.5, 0.6, 0.7, 0.65)], model=FakeModel(1.0))
    assert model.history.history["learning_rate"] == [1.0, 1.0, 1.0, 1.0]
    assert model.optimizer.learning_rate == 0.5


class FakeSchedule:
    def __call__(self, step):
        return 0.1


class PropertyOptimizer:
    """Like gradwork's optimizers: the getter evaluates a stored schedule, the setter refuses numbers."""

    def __init__(self, learning_rate):
        self._learning_rate = learning_rate

    @property
    def learning_rate(self):
        lr = self._learning_rate
        return float(lr(0)) if callable(lr) else lr

    @learning_rate.setter
    def learning_rate(self, value):
        if callable(self._learning_rate):
            raise TypeError("no")
        self._learning_rate = value


@pytest.mark.parametrize("make", [lambda: ReduceLROnPlateau(patience=0),
                                  lambda: LearningRateScheduler(lambda e, lr: lr)])
@pytest.mark.parametrize("holder", ["attribute", "property"])
def test_lr_callbacks_reject_a_schedule_object(make, holder):
    model = FakeModel()
    if holder == "attribute":
        model.optimizer.learning_rate = FakeSchedule()
    else:
        model.optimizer = PropertyOptimizer(FakeSchedule())
    seen = []
    with pytest.raises(TypeError, match="schedule \\(FakeSchedule\\)"):
        fit([make(), LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e))], val_losses(1.0, 1.0),
            model=model)
    assert seen == []                  # raised before the first epoch finished


def test_lr_callbacks_work_with_a_property_optimizer_holding_a_float():
    model = FakeModel()
    model.optimizer = PropertyOptimizer(1.0)
    model, _ = fit([ReduceLROnPlateau(patience=1, factor=0.5)], val_losses(1.0, 1.0), model=model)
    assert model.optimizer.learning_rate == 0.5
    model.optimizer = None
    with pytest.raises(ValueError, match="optimizer"):
        fit([ReduceLROnPlateau()], val_losses(1.0), model=model)


# --------------------------------------------------------------------------- LearningRateScheduler
def test_learning_rate_scheduler_sets_lr_each_epoch_and_logs_it(capsys):
    calls = []

    def schedule(epoch, lr):
        calls.append((epoch, lr))
        return lr if epoch < 2 else lr * 0.5

    model, _ = fit([LearningRateScheduler(schedule, verbose=1)], val_losses(1, 1, 1, 1), model=FakeModel(0.8))
    assert calls == [(0, 0.8), (1, 0.8), (2, 0.8), (3, 0.4)]
    assert model.history.history["learning_rate"] == [0.8, 0.8, 0.4, 0.2]
    assert isinstance(model.optimizer.learning_rate, float)
    assert "Epoch 3: LearningRateScheduler setting learning rate to 0.4." in capsys.readouterr().out


def test_learning_rate_scheduler_one_argument_form_and_bad_return():
    model, _ = fit([LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))], val_losses(1, 1))
    assert model.history.history["learning_rate"] == [0.1, 0.05]
    model, _ = fit([LearningRateScheduler(lambda epoch: np.float32(0.5))], val_losses(1))
    assert model.optimizer.learning_rate == 0.5
    with pytest.raises(ValueError, match="float"):
        fit([LearningRateScheduler(lambda epoch, lr: "fast")], val_losses(1))
    with pytest.raises(TypeError):
        LearningRateScheduler(0.1)


# --------------------------------------------------------------------------- ModelCheckpoint
def test_model_checkpoint_save_best_only_formats_filename(tmp_path):
    pattern = str(tmp_path / "ckpt" / "{epoch:02d}-{val_loss:.2f}.gw")
    cb = ModelCheckpoint(pattern, save_best_only=True)
    model, _ = fit([cb], val_losses(0.5, 0.6, 0.4, 0.45))
    assert model.saved == [("save", str(tmp_path / "ckpt" / "01-0.50.gw")),
                           ("save", str(tmp_path / "ckpt" / "03-0.40.gw"))]
    assert (tmp_path / "ckpt").is_dir() and cb.best == 0.4


def test_model_checkpoint_every_epoch_weights_only_and_mode_max(tmp_path, capsys):
    cb = ModelCheckpoint(tmp_path / "w-{epoch}.gw", save_weights_only=True, verbose=1)
    model, _ = fit([cb], val_losses(0.5, 0.6))
    assert model.saved == [("save_weights", str(tmp_path / "w-1.gw")),
                           ("save_weights", str(tmp_path / "w-2.gw"))]
    assert "Epoch 2: saving model to" in capsys.readouterr().out

    cb = ModelCheckpoint(str(tmp_path / "best.gw"), monitor="val_accuracy", save_best_only=True, verbose=1)
    model, _ = fit([cb], [{"val_accuracy": a} for a in (0.5, 0.4, 0.7)])
    assert [p for _, p in model.saved] == [str(tmp_path / "best.gw")] * 2
    out = capsys.readouterr().out
    assert "val_accuracy did not improve from 0.50000" in out
    assert "val_accuracy improved from 0.50000 to 0.70000" in out


def test_model_checkpoint_save_freq_in_batches_and_threshold(tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "e{epoch}-b{batch}.gw"), save_freq=2)
    model, _ = fit([cb], val_losses(1.0, 1.0), steps=3)
    assert [p.rsplit("/", 1)[-1] for _, p in model.saved] == ["e1-b2.gw", "e2-b2.gw"]

    cb = ModelCheckpoint(str(tmp_path / "m.gw"), save_best_only=True, initial_value_threshold=0.45)
    model, _ = fit([cb], val_losses(0.5, 0.4))
    assert len(model.saved) == 1
    with pytest.raises(ValueError):
        ModelCheckpoint("x", save_freq=0)


def test_model_checkpoint_missing_format_field_is_a_clear_error(tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "{val_acc:.2f}.gw"))
    with pytest.raises(KeyError, match="val_acc"):
        fit([cb], val_losses(0.5))


# --------------------------------------------------------------------------- CSVLogger
def test_csv_logger_writes_header_and_rows(tmp_path):
    path = tmp_path / "log.csv"
    logs = [{"val_loss": 1.5, "loss": 1.0, "accuracy": 0.5}, {"loss": 0.5, "accuracy": 0.75}]
    fit([CSVLogger(path)], logs)
    assert path.read_text() == "epoch,accuracy,loss,val_loss\n0,0.5,1.0,1.5\n1,0.75,0.5,NA\n"

    fit([CSVLogger(path, append=True)], [{"loss": 0.25, "accuracy": 1.0, "val_loss": 0.1}])
    rows = list(csv.reader(path.read_text().splitlines()))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_loss"] and rows[-1] == ["0", "1.0", "0.25", "0.1"]
    assert len(rows) == 4

    fit([CSVLogger(path, separator=";")], [{"loss": np.float64(2.0), "lr": 1e-3}])
    assert path.read_text() == "epoch;loss;lr\n0;2.0;0.001\n"


def test_csv_logger_is_readable_during_training(tmp_path):
    path = tmp_path / "live.csv"
    snapshots = []
    probe = LambdaCallback(on_epoch_end=lambda e, logs: snapshots.append(path.read_text()))
    fit([CSVLogger(path), probe], [{"loss": 1.0}, {"loss": 0.5}])
    assert snapshots == ["epoch,loss\n0,1.0\n", "epoch,loss\n0,1.0\n1,0.5\n"]


# --------------------------------------------------------------------------- TerminateOnNaN, LambdaCallback
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), np.float32("-inf")])
def test_terminate_on_nan_stops_on_invalid_batch_loss(bad, capsys):
    def losses(epoch, batch):
        return {"loss": bad if (epoch, batch) == (1, 1) else 0.5}

    model, _ = fit([TerminateOnNaN()], [{"loss": 0.5}] * 4, steps=3, batch_logs=losses)
    assert model.stop_training and model.history.epoch == [0, 1]
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_ignores_finite_and_missing_losses():
    model, _ = fit([TerminateOnNaN()], [{"loss": 0.5}] * 2, batch_logs=lambda e, b: {"accuracy": 1.0})
    assert not model.stop_training and model.history.epoch == [0, 1]


def test_lambda_callback_calls_functions_however_logs_are_passed():
    events = []
    cb = LambdaCallback(on_epoch_end=lambda epoch, logs: events.append(("end", epoch, logs)),
                        on_train_begin=lambda logs: events.append(("begin", logs)),
                        on_test_end=lambda logs: events.append(("test", logs)))
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 1.0})
    cb.on_epoch_end(1, logs={"loss": 0.5})
    cb.on_epoch_end(2)
    cb.on_test_end({"loss": 2.0})
    cb.on_predict_end({"x": 1})                         # not given: the base no-op
    assert events == [("begin", None), ("end", 0, {"loss": 1.0}), ("end", 1, {"loss": 0.5}),
                      ("end", 2, None), ("test", {"loss": 2.0})]
    with pytest.raises(TypeError, match="on_epoch_ends"):
        LambdaCallback(on_epoch_ends=print)
    with pytest.raises(TypeError):
        LambdaCallback(on_epoch_end=3)


def test_without_tqdm_installed_the_terminal_gets_the_plain_bar(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "tqdm", None)       # makes `import tqdm` fail
    assert _progress.find_tqdm() is None
    out = TTYStream()
    fit([ProgbarLogger(stream=out)], EPOCHS[:1], steps=2, verbose=1)
    assert out.getvalue().startswith("Epoch 1/1\n\r1/2 [")


def test_plain_bar_live_lines_fit_the_terminal_but_the_summary_is_whole(monkeypatch):
    monkeypatch.setattr(_progress, "find_tqdm", lambda: None)
    monkeypatch.setattr(_progress, "_terminal_width", lambda stream: 40)
    out = TTYStream()
    fit([ProgbarLogger(stream=out)], EPOCHS[:1], steps=3, verbose=1, batch_logs=batch_logs)
    *live, final = out.getvalue().rstrip("\n").split("\r")[1:]
    assert live and all(len(part.rstrip()) <= 39 for part in live)
    assert final.rstrip().endswith("val_accuracy: 0.8000")
