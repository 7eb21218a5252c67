"""The subcommands of `gradwork`: train, evaluate, predict, info.

The networks come from `gradwork.applications`, the datasets from `data_sources`, a predicted input
from `inputs` and the pictures of a run from `reports`; this file turns the command line into calls.
"""
import argparse
import os
import time

import numpy as np

from .. import applications, memory, models, optimizers, random
from ..callbacks import BackupAndRestore, CSVLogger
from ..data import split_sizes
from ..models import Sequential
from ..nn import Rescaling
from .data_sources import UsageError, load_folder, load_source
from .inputs import check_images, read_folder, read_input
from .reports import write_plots

MODELS = ("mlp", "linear", "cnn", "cnn-bn")
CNN_MODELS = ("cnn", "cnn-bn")


def build_model(kind: str, input_shape: tuple, n_classes: int, hidden: tuple | list = (),
                pixel_scale: float = 1.0, augment: bool = False, dropout: float = 0.5,
                shift: float = 0.1) -> Sequential:
    """The network for `--model kind` (one of MODELS), from `gradwork.applications`.

    Parameters
    ----------
    kind : "mlp", "linear", "cnn" or "cnn-bn"
    input_shape : tuple of int
        One sample's shape, without the batch axis.
    n_classes : int
        Outputs of shape (N, n_classes).
    hidden : sequence of int
        The mlp's hidden layer sizes.
    pixel_scale : float
        Multiplies the raw inputs inside the model.
    augment, shift
        Random shifts (up to `shift` of the image size) and flips of the training images.
    dropout : float
        The rate before the last layer of the cnn models.
    """
    inputs = {"rescale": pixel_scale, "augment": augment, "shift": shift}
    if kind == "mlp":
        return applications.mlp(input_shape, n_classes, hidden_units=hidden, **inputs)
    if kind == "linear":
        return applications.linear(input_shape, n_classes, **inputs)
    builder = applications.cnn_bn if kind == "cnn-bn" else applications.cnn
    return builder(input_shape, n_classes, dropout=dropout, **inputs)


def make_optimizer(name: str, lr: float, schedule: str = "constant",
                   total_steps: int = 1) -> optimizers.Optimizer:
    """The optimizer `name` created at rate `lr`, constant or decaying along a cosine to 0 over
    `total_steps`."""
    if schedule == "cosine":
        lr = optimizers.schedules.CosineDecay(lr, decay_steps=max(total_steps, 1))
    return optimizers.get({"class_name": name, "config": {"learning_rate": lr}})


def _run_data(args, source):
    """What `fit` and the report take from the source: (fit's arguments, evaluate's arguments, one
    sample's shape, optimizer steps per epoch, a line describing the splits)."""
    if source.streamed:  # an image folder: validation images are held out by the dataset itself
        train, test = source.train, source.test
        described = f"{len(train.file_paths)} training and {len(test.file_paths)} validation images"
        return {"x": train, "validation_data": test}, {"x": test}, train[0][0].shape[1:], len(train), described
    (x_train, y_train), (x_test, y_test) = source.train, source.test
    fit_data = {"x": x_train.astype(np.float32), "y": y_train, "batch_size": args.batch_size,
                "validation_split": args.validation_split}
    test_data = {"x": x_test.astype(np.float32), "y": y_test, "batch_size": 1024}
    kept, held_out = split_sizes(len(x_train), args.validation_split)
    if kept == 0 or (args.validation_split and held_out == 0):
        raise UsageError(f"--validation-split {args.validation_split} of {len(x_train)} training samples leaves "
                         f"{kept} to train on and {held_out} to validate on; both must be at least 1")
    steps = -(-kept // args.batch_size)
    return fit_data, test_data, x_train.shape[1:], steps, f"{len(x_train)} training and {len(x_test)} test samples"


def _load_train_source(args):
    """The Source of `gradwork train`: an image folder (read lazily) or one of `load_source`'s."""
    if os.path.isdir(args.dataset):
        if args.limit:
            raise UsageError("--limit applies to array datasets, not to an image folder")
        source = load_folder(args.dataset, args.image_size, args.color_mode, args.batch_size,
                             args.validation_split, args.seed)
        check_images(source.train.file_paths + source.test.file_paths)
        return source
    source = load_source(args.dataset, args.subset, args.target, args.seed)
    if args.limit:
        _limit(source, args.limit)
    return source


def _limit(source, count):
    """Keep the first `count` training and test samples (the hidden --limit, for quick checks)."""
    (x_train, y_train), (x_test, y_test) = source.train, source.test
    source.train, source.test = (x_train[:count], y_train[:count]), (x_test[:count], y_test[:count])


def _callbacks(args):
    """The CSV log, and with --backup a `BackupAndRestore` (a resumed run appends to the log)."""
    if args.backup is None:
        return [CSVLogger(os.path.join(args.out, "history.csv"))]
    backup = BackupAndRestore(args.backup)
    if os.path.exists(backup.path):
        print(f"resuming from the backup in {args.backup}")
    return [CSVLogger(os.path.join(args.out, "history.csv"), append=os.path.exists(backup.path)), backup]


def _data_options(args):
    """The data options of a training run, as `evaluate` reuses them without --dataset (a file or
    folder by its absolute path)."""
    dataset = os.path.abspath(args.dataset) if os.path.exists(args.dataset) else args.dataset
    options = {"dataset": dataset, "subset": args.subset, "target": args.target, "seed": args.seed}
    return {key: value for key, value in options.items() if value is not None}


def _recorded_data(args, model):
    """evaluate's --dataset, --subset, --target and --seed: those given, else the model's training ones."""
    recorded = model.metadata.get("data")
    if args.dataset is None:
        if not isinstance(recorded, dict) or not isinstance(recorded.get("dataset"), str):
            raise UsageError(f"{args.model} does not record the dataset it was trained on; pass --dataset")
        args.dataset, args.subset = recorded["dataset"], args.subset or recorded.get("subset")
        args.target = args.target or recorded.get("target")
    if args.seed is None:
        args.seed = recorded.get("seed", 0) if isinstance(recorded, dict) else 0
    return args


def train_command(args: argparse.Namespace) -> None:
    """`gradwork train`: build, train, evaluate and save a model; write its history and plots to --out."""
    source = _load_train_source(args)
    kind = args.model or ("cnn" if source.streamed else "mlp")
    if args.dropout is not None and kind not in CNN_MODELS:
        raise UsageError(f"--dropout applies to the cnn models ({', '.join(CNN_MODELS)}), not --model {kind}")
    memory.keep_freed_memory()  # a whole process of training steps: reuse freed pages (15-25% faster)
    random.seed(args.seed)
    fit_data, test_data, sample_shape, steps, described = _run_data(args, source)
    print(f"dataset {source.name}: {described}, {len(source.class_names)} classes")
    augment = kind == "cnn-bn" if args.augment is None else args.augment
    if augment and (not source.is_image or len(sample_shape) not in (2, 3)):
        raise UsageError(
            f"--augment shifts and flips images; {source.name} holds samples of shape {tuple(sample_shape)}"
        )
    model = build_model(
        kind,
        sample_shape,
        len(source.class_names),
        args.hidden,
        source.pixel_scale,
        augment=augment,
        dropout=0.5 if args.dropout is None else args.dropout,
        shift=args.shift,
    )
    model.metadata = {"dataset": source.name, "class_names": source.class_names, "augment": augment,
                      "data": _data_options(args)}
    model.compile(
        optimizer=make_optimizer(args.optimizer, args.lr, args.lr_schedule, args.epochs * steps),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.summary()
    os.makedirs(args.out, exist_ok=True)
    start = time.perf_counter()
    history = model.fit(**fit_data, epochs=args.epochs, verbose=args.verbose, callbacks=_callbacks(args))
    print(f"training time: {time.perf_counter() - start:.1f} s")
    test_loss, test_accuracy = model.evaluate(**test_data, verbose=0)
    print(f"test accuracy: {test_accuracy:.4f}   test loss: {test_loss:.4f}")
    model_path = os.path.join(args.out, "model.gw")
    model.save(model_path)
    written = [model_path, os.path.join(args.out, "history.csv")]
    if not args.no_plots:
        written += write_plots(model, history, source, args.out)
    print("wrote " + ", ".join(written))


def evaluate_command(args: argparse.Namespace) -> None:
    """`gradwork evaluate`: print a saved model's loss and metrics on a dataset's test split."""
    model = models.load_model(args.model)
    args = _recorded_data(args, model)
    if os.path.isdir(args.dataset):  # every image of the folder, read as the model takes them
        data = read_folder(args.dataset, model.build_input_shape[1:])
        title, count, test_data = os.path.basename(os.path.normpath(args.dataset)), len(data.file_paths), {"x": data}
    else:
        source = load_source(args.dataset, args.subset, args.target, args.seed)
        x_test, y_test = source.test
        title, count = f"{source.name} test split", len(x_test)
        test_data = {"x": x_test.astype(np.float32), "y": y_test, "batch_size": 1024}
    logs = model.evaluate(**test_data, verbose=0, return_dict=True)
    ordered = sorted(logs.items(), key=lambda item: item[0] == "loss")  # metrics first, as train prints
    shown = ", ".join(f"{name} {value:.4f}" for name, value in ordered)
    print(f"{title}: {shown} ({count} samples)")


def predict_command(args: argparse.Namespace) -> None:
    """`gradwork predict`: print the top classes of each sample of an image or .npy file."""
    model = models.load_model(args.model)
    x = read_input(args.input, model.build_input_shape[1:], pixel_scale(model), args.input_range)
    probabilities = model.predict(x, verbose=0)
    names = model.metadata.get("class_names") or [str(i) for i in range(probabilities.shape[-1])]
    for i, p in enumerate(probabilities):
        top = np.argsort(p)[::-1][: args.top]
        ranked = ", ".join(f"{names[k]} {p[k]:.3f}" for k in top)
        print(f"sample {i}: {names[top[0]]}   ({ranked})")


def pixel_scale(model: models.Model) -> float:
    """What the model multiplies its inputs by: its first Rescaling layer's scale (1/255 for 8-bit
    pixels), 1 without one."""
    return next((layer.scale for layer in model.layers if isinstance(layer, Rescaling)), 1.0)


def info_command(args: argparse.Namespace) -> None:
    """`gradwork info`: print a saved model's summary and metadata."""
    model = models.load_model(args.model)
    model.summary()
    for key, value in model.metadata.items():
        print(f"{key}: {value}")
