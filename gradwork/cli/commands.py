"""The subcommands of `gradwork`."""
import os

import numpy as np

from .. import models, optimizers, random
from ..callbacks import CSVLogger
from ..nn import Dense, Flatten, Input, Rescaling
from .data_sources import UsageError, describe_load_error, load_source


def build_model(kind, input_shape, n_classes, hidden, pixel_scale):
    """The network for `--model`: an MLP (ReLU hidden layers) or a linear softmax classifier."""
    layers = [Input(shape=input_shape)]
    if pixel_scale != 1:
        layers.append(Rescaling(pixel_scale))
    if len(input_shape) > 1:
        layers.append(Flatten())
    if kind == "mlp":
        layers += [Dense(units, activation="relu") for units in hidden]
    layers.append(Dense(n_classes, activation="softmax"))
    return models.Sequential(layers, name=kind)


def _hidden_sizes(text):
    try:
        sizes = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UsageError(f"--hidden must be comma-separated integers like 256,128, got {text!r}") from None
    if any(s <= 0 for s in sizes):
        raise UsageError(f"--hidden sizes must be positive, got {text!r}")
    return sizes


def _make_optimizer(name, lr):
    optimizer = optimizers.get(name)
    optimizer.learning_rate = lr
    return optimizer


def train_command(args):
    random.seed(args.seed)
    source = load_source(args.dataset, args.subset, args.target, args.seed)
    (x_train, y_train), (x_test, y_test) = source.train, source.test
    print(f"dataset {source.name}: {len(x_train)} training and {len(x_test)} test samples, "
          f"{len(source.class_names)} classes")
    model = build_model(args.model, x_train.shape[1:], len(source.class_names), _hidden_sizes(args.hidden),
                        source.pixel_scale)
    model.metadata = {"dataset": source.name, "class_names": source.class_names}
    model.compile(optimizer=_make_optimizer(args.optimizer, args.lr), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.summary()
    os.makedirs(args.out, exist_ok=True)
    history = model.fit(x_train.astype(np.float32), y_train, batch_size=args.batch_size, epochs=args.epochs,
                        validation_split=args.validation_split, verbose=args.verbose,
                        callbacks=[CSVLogger(os.path.join(args.out, "history.csv"))])
    test_loss, test_accuracy = model.evaluate(x_test.astype(np.float32), y_test, batch_size=1024, verbose=0)
    print(f"test accuracy: {test_accuracy:.4f}   test loss: {test_loss:.4f}")
    model_path = os.path.join(args.out, "model.gw")
    model.save(model_path)
    written = [model_path, os.path.join(args.out, "history.csv")]
    if not args.no_plots:
        written += _plots(model, history, source, x_test, y_test, args.out)
    print("wrote " + ", ".join(written))


def _plots(model, history, source, x_test, y_test, out):
    from .. import plot

    y_pred = model.predict(x_test.astype(np.float32), batch_size=1024, verbose=0).argmax(axis=-1)
    paths = [plot.plot_history(history, os.path.join(out, "curves.png")),
             plot.plot_confusion_matrix(y_test, y_pred, os.path.join(out, "confusion_matrix.png"), source.class_names)]
    if source.is_image:
        paths.append(plot.plot_predictions(x_test[:32], y_test[:32], y_pred[:32], os.path.join(out, "predictions.png"),
                                           source.class_names))
    return paths


def evaluate_command(args):
    model = models.load_model(args.model)
    source = load_source(args.dataset, args.subset, args.target, args.seed)
    x_test, y_test = source.test
    logs = model.evaluate(x_test.astype(np.float32), y_test, batch_size=1024, verbose=0, return_dict=True)
    ordered = sorted(logs.items(), key=lambda item: item[0] == "loss")  # metrics first, as train prints
    shown = ", ".join(f"{name} {value:.4f}" for name, value in ordered)
    print(f"{source.name} test split: {shown} ({len(x_test)} samples)")


def _read_input(path, input_shape):
    """An image file or .npy array as a batch matching the model's input shape (batch axis first)."""
    if not os.path.exists(path):
        raise UsageError(f"no such file: {path}")
    if path.endswith(".npy"):
        try:
            x = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as err:
            raise UsageError(f"{path}: not a .npy file of numbers ({describe_load_error(err)})") from None
    else:
        try:
            from PIL import Image
        except ImportError:
            raise UsageError("reading images needs Pillow (pip install pillow), or pass a .npy array") from None
        with Image.open(path) as image:
            height, width = input_shape[0], input_shape[1] if len(input_shape) > 1 else input_shape[0]
            x = np.asarray(image.convert("L").resize((width, height)), dtype=np.float32)
    if tuple(x.shape) == tuple(input_shape):
        x = x[None]
    if tuple(x.shape[1:]) != tuple(input_shape):
        raise UsageError(f"{path}: the model expects samples of shape {tuple(input_shape)}, got an array of shape {x.shape}")
    return x.astype(np.float32)


def predict_command(args):
    model = models.load_model(args.model)
    x = _read_input(args.input, model.build_input_shape[1:])
    probabilities = model.predict(x, verbose=0)
    names = model.metadata.get("class_names") or [str(i) for i in range(probabilities.shape[-1])]
    for i, p in enumerate(probabilities):
        top = np.argsort(p)[::-1][:args.top]
        ranked = ", ".join(f"{names[k]} {p[k]:.3f}" for k in top)
        print(f"sample {i}: {names[top[0]]}   ({ranked})")


def info_command(args):
    model = models.load_model(args.model)
    model.summary()
    for key, value in model.metadata.items():
        print(f"{key}: {value}")
