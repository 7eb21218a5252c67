"""The subcommands of `gradwork`."""

import os
import time

import numpy as np

from .. import memory, models, optimizers, random
from ..callbacks import CSVLogger
from ..models.training import split_sizes
from ..nn import (
    Activation,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Input,
    MaxPooling2D,
    Rescaling,
    Reshape,
)
from ..nn.layers.augmentation import RandomFlip, RandomTranslation
from .data_sources import UsageError, describe_load_error, load_source


MODELS = ("mlp", "linear", "cnn", "cnn-bn")
CNN_MODELS = ("cnn", "cnn-bn")


def augmentation_layers(shift=0.1):
    """Random shifts of up to `shift` of the image size (black fill; none for 0) and left-right flips,
    while training only."""
    shifts = [RandomTranslation(shift, shift, fill_mode="constant")] if shift else []
    return shifts + [RandomFlip("horizontal")]


def build_model(kind, input_shape, n_classes, hidden=(), pixel_scale=1.0, augment=False, dropout=0.5, shift=0.1):
    """The network for `--model`: an MLP (ReLU hidden layers), a linear softmax classifier, or a CNN.

    augment : put the augmentation layers (random shifts of up to `shift` and flips, images only)
        right after the input.
    """
    if kind in CNN_MODELS:
        return build_cnn(input_shape, n_classes, pixel_scale, kind == "cnn-bn", augment, dropout, shift)
    layers = [Input(shape=input_shape)]
    if augment:
        layers += augmentation_layers(shift)
    if pixel_scale != 1:
        layers.append(Rescaling(pixel_scale))
    if len(input_shape) > 1:
        layers.append(Flatten())
    if kind == "mlp":
        layers += [Dense(units, activation="relu") for units in hidden]
    layers.append(Dense(n_classes, activation="softmax"))
    return models.Sequential(layers, name=kind)


def build_cnn(input_shape, n_classes, pixel_scale=1.0, batch_norm=False, augment=False, dropout=0.5, shift=0.1):
    """Two convolution blocks and a dense head, for (H, W) or (H, W, C) images:

    Conv2D(32, 3, same, relu) -> MaxPooling2D -> Conv2D(64, 3, same, relu) -> MaxPooling2D -> Flatten
    -> Dense(128, relu) -> Dropout(dropout) -> Dense(n_classes, softmax).

    batch_norm : each convolution (without its bias, which the normalization's beta replaces) is
        followed by BatchNormalization and then the ReLU. Its moving statistics use momentum 0.9
        (an average over about the last 10 batches): Keras's 0.99 takes several hundred steps to
        forget the initial variance of 1, far more than the first convolution's outputs have
        (about 0.003), so a short run would be scored with wrong statistics.
    augment : random shifts (up to `shift` of the image size) and flips of the training images, before
        the pixels are rescaled.
    Grey images (H, W) get a channel axis first, by a Reshape layer.
    """
    if len(input_shape) not in (2, 3):
        raise UsageError(
            f"a CNN needs images of shape (height, width) or (height, width, channels), "
            f"got samples of shape {tuple(input_shape)}"
        )
    layers = [Input(shape=input_shape)]
    if len(input_shape) == 2:
        layers.append(Reshape(tuple(input_shape) + (1,)))
    if augment:
        layers += augmentation_layers(shift)
    if pixel_scale != 1:
        layers.append(Rescaling(pixel_scale))
    for filters in (32, 64):
        if batch_norm:
            layers += [
                Conv2D(filters, 3, padding="same", use_bias=False),
                BatchNormalization(momentum=0.9),
                Activation("relu"),
            ]
        else:
            layers.append(Conv2D(filters, 3, padding="same", activation="relu"))
        layers.append(MaxPooling2D())
    layers += [Flatten(), Dense(128, activation="relu"), Dropout(dropout), Dense(n_classes, activation="softmax")]
    return models.Sequential(layers, name="cnn_bn" if batch_norm else "cnn")


def _hidden_sizes(text):
    try:
        sizes = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UsageError(f"--hidden must be comma-separated integers like 256,128, got {text!r}") from None
    if any(s <= 0 for s in sizes):
        raise UsageError(f"--hidden sizes must be positive, got {text!r}")
    return sizes


def _make_optimizer(name, lr, schedule="constant", total_steps=1):
    """The optimizer `name` at rate `lr`, constant or decaying along a cosine to 0 over `total_steps`."""
    optimizer = optimizers.get(name)
    if schedule == "cosine":
        lr = optimizers.schedules.CosineDecay(lr, decay_steps=max(total_steps, 1))
    optimizer.learning_rate = lr
    return optimizer


def _total_steps(args, n_samples):
    """The number of optimizer steps `fit` will take (validation samples held out)."""
    n_train = split_sizes(n_samples, args.validation_split)[0]
    return args.epochs * -(-n_train // args.batch_size)


def _limit(source, count):
    """Keep the first `count` training and test samples (the hidden --limit, for quick checks)."""
    (x_train, y_train), (x_test, y_test) = source.train, source.test
    source.train, source.test = (x_train[:count], y_train[:count]), (x_test[:count], y_test[:count])


def train_command(args):
    if args.dropout is not None and args.model not in CNN_MODELS:
        raise UsageError(f"--dropout applies to the cnn models ({', '.join(CNN_MODELS)}), not --model {args.model}")
    memory.keep_freed_memory()  # a whole process of training steps: reuse freed pages (15-25% faster)
    random.seed(args.seed)
    source = load_source(args.dataset, args.subset, args.target, args.seed)
    if args.limit:
        _limit(source, args.limit)
    (x_train, y_train), (x_test, y_test) = source.train, source.test
    print(
        f"dataset {source.name}: {len(x_train)} training and {len(x_test)} test samples, "
        f"{len(source.class_names)} classes"
    )
    augment = args.model == "cnn-bn" if args.augment is None else args.augment
    if augment and (not source.is_image or len(x_train.shape) not in (3, 4)):
        raise UsageError(
            f"--augment shifts and flips images; {source.name} holds samples of shape {x_train.shape[1:]}"
        )
    model = build_model(
        args.model,
        x_train.shape[1:],
        len(source.class_names),
        _hidden_sizes(args.hidden),
        source.pixel_scale,
        augment=augment,
        dropout=0.5 if args.dropout is None else args.dropout,
        shift=args.shift,
    )
    model.metadata = {"dataset": source.name, "class_names": source.class_names, "augment": augment}
    model.compile(
        optimizer=_make_optimizer(args.optimizer, args.lr, args.lr_schedule, _total_steps(args, len(x_train))),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.summary()
    os.makedirs(args.out, exist_ok=True)
    start = time.perf_counter()
    history = model.fit(
        x_train.astype(np.float32),
        y_train,
        batch_size=args.batch_size,
        epochs=args.epochs,
        validation_split=args.validation_split,
        verbose=args.verbose,
        callbacks=[CSVLogger(os.path.join(args.out, "history.csv"))],
    )
    print(f"training time: {time.perf_counter() - start:.1f} s")
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
    from ..plot.features import plot_feature_maps, plot_filters

    y_pred = model.predict(x_test.astype(np.float32), batch_size=1024, verbose=0).argmax(axis=-1)
    paths = [
        plot.plot_history(history, os.path.join(out, "curves.png")),
        plot.plot_confusion_matrix(
            y_test, y_pred, os.path.join(out, "confusion_matrix.png"), source.class_names
        ),
    ]
    if source.is_image:
        paths.append(
            plot.plot_predictions(
                x_test[:32],
                y_test[:32],
                y_pred[:32],
                os.path.join(out, "predictions.png"),
                source.class_names,
            )
        )
    convs = [layer for layer in model.layers if isinstance(layer, Conv2D)]
    if convs:
        paths.append(
            plot_filters(
                convs[0].kernel,
                os.path.join(out, "filters.png"),
                title=f"first-layer filters ({convs[0].name})",
            )
        )
        true_name = source.class_names[int(y_test[0])]
        predicted = source.class_names[int(y_pred[0])]
        paths.append(
            plot_feature_maps(
                model,
                x_test[0],
                os.path.join(out, "feature_maps.png"),
                layers=_block_outputs(model),
                title=f"test image 0: {true_name} (predicted {predicted})",
            )
        )
    return paths


def _block_outputs(model):
    """The output of each convolution block: the layer just before each pooling layer."""
    stack = model.layers
    return [layer for layer, after in zip(stack, stack[1:]) if isinstance(after, MaxPooling2D)]


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
            raise UsageError(
                "reading images needs Pillow (pip install pillow), or pass a .npy array"
            ) from None
        with Image.open(path) as image:
            height, width = input_shape[0], input_shape[1] if len(input_shape) > 1 else input_shape[0]
            x = np.asarray(image.convert("L").resize((width, height)), dtype=np.float32)
    if tuple(x.shape) == tuple(input_shape):
        x = x[None]
    if tuple(x.shape[1:]) != tuple(input_shape):
        raise UsageError(
            f"{path}: the model expects samples of shape {tuple(input_shape)}, got an array of shape {x.shape}"
        )
    return x.astype(np.float32)


def predict_command(args):
    model = models.load_model(args.model)
    x = _read_input(args.input, model.build_input_shape[1:])
    probabilities = model.predict(x, verbose=0)
    names = model.metadata.get("class_names") or [str(i) for i in range(probabilities.shape[-1])]
    for i, p in enumerate(probabilities):
        top = np.argsort(p)[::-1][: args.top]
        ranked = ", ".join(f"{names[k]} {p[k]:.3f}" for k in top)
        print(f"sample {i}: {names[top[0]]}   ({ranked})")


def info_command(args):
    model = models.load_model(args.model)
    model.summary()
    for key, value in model.metadata.items():
        print(f"{key}: {value}")
