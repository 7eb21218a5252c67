"""The `gradwork` command (also `python -m gradwork`): train, evaluate, predict, info.

gradwork train --dataset fashion-mnist --model mlp --epochs 10 --batch-size 128 --lr 1e-3 --out runs/mlp
gradwork train --dataset fashion-mnist --model cnn-bn --epochs 15 --out runs/cnn
gradwork train --dataset photos/ --image-size 64 --color-mode rgb --out runs/photos   (one subfolder per class)
gradwork evaluate runs/mlp/model.gw --dataset fashion-mnist
gradwork predict runs/mlp/model.gw picture.png
gradwork info runs/mlp/model.gw
"""

import argparse
import sys

from .commands import MODELS, evaluate_command, info_command, predict_command, train_command
from .data_sources import UsageError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `gradwork` and its four subcommands (their options and help texts)."""
    parser = argparse.ArgumentParser(
        prog="gradwork", description="Train and use gradwork models from the command line."
    )
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="train a model and write it, its history and plots to --out")
    train.add_argument(
        "--dataset",
        default="fashion-mnist",
        help="fashion-mnist, mnist, xor, spiral, moons, circles, blobs, FILE.csv, FILE.npz, or DIR: a folder "
        "with one subfolder of images per class, read batch by batch (needs Pillow)",
    )
    train.add_argument(
        "--image-size", default="28",
        help="with a folder DIR: the size images are resized to, SIZE or HEIGHTxWIDTH (default 28)",
    )
    train.add_argument(
        "--color-mode", default="rgb", choices=["grayscale", "rgb", "rgba"],
        help="with a folder DIR: the channels images are read with (default rgb)",
    )
    train.add_argument("--subset", choices=["mini"], help="use the embedded Fashion-MNIST subset")
    train.add_argument("--target", help="label column of a .csv dataset")
    train.add_argument(
        "--model",
        choices=list(MODELS),
        help="network to train: mlp, linear, cnn (two convolution blocks) or cnn-bn (the cnn "
        "with batch normalization, trained on augmented images); default mlp, cnn for a folder DIR",
    )
    train.add_argument("--hidden", default="256,128", help="hidden layer sizes of the mlp (default 256,128)")
    train.add_argument(
        "--augment",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="shift and flip the training images at random (default: on for cnn-bn only)",
    )
    train.add_argument(
        "--shift", type=float, default=0.1,
        help="with --augment: the largest random shift, as a fraction of the image size (default 0.1; 0: flips only)",
    )
    train.add_argument("--limit", type=int, help=argparse.SUPPRESS)  # the first N train/test samples (tests)
    train.add_argument(
        "--dropout", type=float, help="dropout rate before the last layer of the cnn models (default 0.5)"
    )
    train.add_argument("--epochs", type=int, default=10)
    train.add_argument("--batch-size", type=int, default=128)
    train.add_argument("--optimizer", default="adam")
    train.add_argument("--lr", type=float, default=1e-3, help="learning rate")
    train.add_argument(
        "--lr-schedule",
        choices=["constant", "cosine"],
        default="constant",
        help="constant, or cosine decay from --lr to 0 over all the training steps",
    )
    train.add_argument("--validation-split", type=float, default=0.1,
                       help="fraction held out for validation (default 0.1); of a folder DIR, also the test split")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--out", default="runs/latest", help="folder for model.gw, history.csv and the plots")
    train.add_argument("--backup", metavar="DIR",
                       help="back up after each epoch to DIR; run the same command again to resume a killed run")
    train.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    train.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2])

    evaluate = sub.add_parser("evaluate", help="loss and accuracy of a saved model on a dataset's test split")
    evaluate.add_argument("model")
    evaluate.add_argument("--dataset", default="fashion-mnist")
    evaluate.add_argument("--subset", choices=["mini"])
    evaluate.add_argument("--target")
    evaluate.add_argument("--seed", type=int, default=0)

    predict = sub.add_parser("predict", help="class probabilities for an image (PNG/JPEG) or a .npy array")
    predict.add_argument("model")
    predict.add_argument("input")
    predict.add_argument("--top", type=int, default=3)

    info = sub.add_parser("info", help="print a saved model's summary")
    info.add_argument("model")
    return parser


COMMANDS = {
    "train": train_command,
    "evaluate": evaluate_command,
    "predict": predict_command,
    "info": info_command,
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line `argv` (sys.argv[1:] when None) and return the exit status: 0 on success,
    1 after printing a one-line error (the traceback too with --debug), 130 when interrupted."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args) or 0
    except KeyboardInterrupt:
        print("gradwork: interrupted", file=sys.stderr)
        return 130
    except (UsageError, OSError, ValueError, KeyError, TypeError, RuntimeError, ImportError) as err:
        if args.debug:
            raise
        message = str(err) if not isinstance(err, KeyError) else str(err.args[0])
        print(f"gradwork: error: {message}", file=sys.stderr)
        return 1
