"""The `gradwork` command (also `python -m gradwork`): train, evaluate, predict, info.

gradwork train --dataset fashion-mnist --model mlp --epochs 10 --batch-size 128 --lr 1e-3 --out runs/mlp
gradwork train --dataset fashion-mnist --model cnn-bn --epochs 15 --out runs/cnn
gradwork train --dataset photos/ --image-size 64 --color-mode rgb --out runs/photos   (one subfolder per class)
gradwork evaluate runs/mlp/model.gw --dataset fashion-mnist
gradwork evaluate runs/mlp/model.gw                     (the dataset the model was trained on)
gradwork predict runs/mlp/model.gw picture.png
gradwork info runs/mlp/model.gw

Every option is checked as it is parsed, before any work; every error, a bad option or file as much
as anything raised later, is one line `gradwork: error: ...` on stderr with exit status 1 (--debug
shows the traceback instead).
"""

import argparse
import sys

from .. import __version__
from .commands import MODELS, evaluate_command, info_command, predict_command, train_command
from .data_sources import UsageError
from .inputs import INPUT_RANGES
from .parser import HelpFormatter, Parser, fraction, hidden_sizes, image_size, integer, number, positive_float, \
    positive_int

COMMANDS = {
    "train": train_command,
    "evaluate": evaluate_command,
    "predict": predict_command,
    "info": info_command,
}
EXPECTED_ERRORS = (UsageError, OSError, ValueError, KeyError, TypeError, RuntimeError, ImportError, MemoryError)


def build_parser() -> Parser:
    """The argument parser of `gradwork` and its four subcommands (their options and help texts)."""
    parser = Parser(prog="gradwork", description="Train and use gradwork models from the command line.",
                    formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"gradwork {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    options = {"formatter_class": HelpFormatter}
    _train_options(sub.add_parser("train", help="train a model and write it, its history and plots to --out",
                                  **options))

    evaluate = sub.add_parser("evaluate", help="loss and accuracy of a saved model on a dataset's test split",
                              **options)
    evaluate.add_argument("model", help="a model file written by gradwork train (model.gw)")
    evaluate.add_argument("--dataset", help="as for train, or a folder of images (every image is scored); "
                          "default: the dataset the model was trained on, as recorded in the model")
    evaluate.add_argument("--subset", choices=["mini"], help="use the embedded Fashion-MNIST subset")
    evaluate.add_argument("--target", help="label column of a .csv dataset")
    evaluate.add_argument("--seed", type=integer(0, 2**32 - 1), help="seeds the train/test split "
                          "(default: the model's training seed, else 0)")

    predict = sub.add_parser("predict", help="class probabilities for an image (PNG/JPEG) or a .npy array",
                             **options)
    predict.add_argument("model", help="a model file written by gradwork train (model.gw)")
    predict.add_argument("input", help="an image file, or a .npy array of one sample or a batch")
    predict.add_argument("--top", type=positive_int, default=3, help="how many classes to list per sample")
    predict.add_argument(
        "--input-range", choices=INPUT_RANGES, default="auto",
        help="for a model trained on 8-bit pixels: raw, a .npy of pixel values 0-255; unit, values "
        "scaled to [0, 1] (multiplied by 255 before the model rescales them); auto, unit when every "
        "value of a float .npy lies in [0, 1], else raw (said on stderr)")

    info = sub.add_parser("info", help="print a saved model's summary", **options)
    info.add_argument("model", help="a model file written by gradwork train (model.gw)")
    parser.commands = dict(sub.choices)
    return parser


def _train_options(train: Parser) -> None:
    """The options of `gradwork train`."""
    train.add_argument(
        "--dataset", default="fashion-mnist",
        help="fashion-mnist, mnist, xor, spiral, moons, circles, blobs, FILE.csv, FILE.npz, or DIR: a folder "
        "with one subfolder of images per class, read batch by batch (needs Pillow)")
    train.add_argument("--image-size", type=image_size, default="28",
                       help="with a folder DIR: the size images are resized to, SIZE or HEIGHTxWIDTH")
    train.add_argument("--color-mode", default="rgb", choices=["grayscale", "rgb", "rgba"],
                       help="with a folder DIR: the channels images are read with")
    train.add_argument("--subset", choices=["mini"], help="use the embedded Fashion-MNIST subset")
    train.add_argument("--target", help="label column of a .csv dataset (required for one)")
    train.add_argument(
        "--model", choices=list(MODELS),
        help="network to train: mlp, linear, cnn (two convolution blocks) or cnn-bn (the cnn "
        "with batch normalization, trained on augmented images); default mlp, cnn for a folder DIR")
    train.add_argument("--hidden", type=hidden_sizes, default="256,128", help="hidden layer sizes of the mlp")
    train.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None,
                       help="shift and flip the training images at random (default: on for cnn-bn only)")
    train.add_argument("--shift", type=number(0, 1), default=0.1,
                       help="with --augment: the largest random shift, as a fraction of the image size "
                       "(0: flips only)")
    train.add_argument("--limit", type=positive_int, help=argparse.SUPPRESS)  # the first N samples (tests)
    train.add_argument("--dropout", type=fraction,
                       help="dropout rate before the last layer of the cnn models (default 0.5)")
    train.add_argument("--epochs", type=positive_int, default=10, help="passes over the training data")
    train.add_argument("--batch-size", type=positive_int, default=128, help="samples per training step")
    train.add_argument("--optimizer", default="adam", help="sgd, adam, adamw, rmsprop, ... (gw.optimizers.get)")
    train.add_argument("--lr", type=positive_float, default=1e-3, help="learning rate")
    train.add_argument("--lr-schedule", choices=["constant", "cosine"], default="constant",
                       help="constant, or cosine decay from --lr to 0 over all the training steps")
    train.add_argument("--validation-split", type=fraction, default=0.1,
                       help="fraction held out for validation; of a folder DIR, also the test split")
    train.add_argument("--seed", type=integer(0, 2**32 - 1), default=0,
                       help="seeds the weights, the shuffles and the splits")
    train.add_argument("--out", default="runs/latest", help="folder for model.gw, history.csv and the plots")
    train.add_argument("--backup", metavar="DIR",
                       help="back up after each epoch to DIR; run the same command again to resume a killed run")
    train.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    train.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2],
                       help="0 silent, 1 a progress bar, 2 one line per epoch")


def parse_arguments(parser: Parser, argv: list[str] | None) -> argparse.Namespace:
    """`argv` parsed; an unknown option exits with a one-line error naming the nearest known one."""
    argv = sys.argv[1:] if argv is None else argv
    for word in argv:  # argparse 3.11 drops the value of `--option=--` and keeps no value at all
        if word.startswith("-") and word.endswith("=--"):
            parser.error(f"argument {word[:-3]}: must be given a value, got '--'")
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        command = parser.commands.get(args.command) or parser
        command.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the command line `argv` (sys.argv[1:] when None) and return the exit status: 0 on success,
    1 after an error (a bad option, a bad file, anything raised) printed as one line `gradwork: error:
    ...` on stderr (the traceback instead with --debug), 130 when interrupted."""
    try:
        args = parse_arguments(build_parser(), argv)
    except SystemExit as done:  # --help, --version, or a usage error already printed
        return 0 if done.code is None else done.code
    try:
        return COMMANDS[args.command](args) or 0
    except KeyboardInterrupt:
        print("gradwork: interrupted", file=sys.stderr)
        return 130
    except Exception as err:
        if args.debug:
            raise
        print(f"gradwork: error: {describe_error(err)}", file=sys.stderr)
        return 1


def describe_error(err: Exception) -> str:
    """The one line printed for `err`: its message, with its type and a pointer to --debug when it is
    not one of the errors a bad input gives."""
    message = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
    message = " ".join(line.strip() for line in message.splitlines() if line.strip()) or type(err).__name__
    if isinstance(err, EXPECTED_ERRORS):
        return message
    return f"{type(err).__name__}: {message} (an unexpected error: run with --debug for the traceback)"
