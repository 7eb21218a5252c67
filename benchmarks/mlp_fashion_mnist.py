"""The MLP 784-256-128-10 on Fashion-MNIST, trained in gradwork and in PyTorch CPU in one process run.

Same data, same batch size (128), same optimizer (Adam, lr 1e-3), float32, same thread count.
The two are trained epoch by epoch in alternation (order reversed every other epoch, so a slow
minute of the machine falls on both), then each predicts the 10,000 test images. Prints seconds
per epoch, the ratio gradwork/PyTorch for training and for inference, and both test accuracies.

gradwork trains through `model.fit` (the Keras API a user calls: shuffling, batching, loss
tracking); PyTorch through the usual hand-written loop over shuffled index batches.

Run:  python benchmarks/mlp_fashion_mnist.py               (10 epochs each, about 30 s)
      python benchmarks/mlp_fashion_mnist.py --epochs 3    (shorter)
      python benchmarks/mlp_fashion_mnist.py --profile     (and a cProfile of one gradwork epoch)
"""

import cProfile
import pstats
import statistics
import time

import numpy as np
import torch

import gradwork as gw
from gradwork.nn import Dense, Input
from harness import argument_parser, prepare

BATCH_SIZE = 128
PREDICT_BATCH = 1000


def load_data():
    """Pixels scaled to [0, 1], flattened to 784 features, float32; labels int64."""
    try:
        (x_train, y_train), (x_test, y_test) = gw.datasets.fashion_mnist.load_data(download=False)
        source = "full Fashion-MNIST"
    except gw.datasets.DatasetNotFoundError:
        (x_train, y_train), (x_test, y_test) = gw.datasets.fashion_mnist.load_data(subset="mini")
        source = "embedded Fashion-MNIST subset (full set not found)"
    prep = lambda x: (x.reshape(len(x), -1) / np.float32(255)).astype(np.float32)
    return (prep(x_train), y_train.astype(np.int64)), (prep(x_test), y_test.astype(np.int64)), source


def gradwork_model(seed):
    gw.random.seed(seed)
    model = gw.Sequential(
        [
            Input(shape=(784,)),
            Dense(256, activation="relu"),
            Dense(128, activation="relu"),
            Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=gw.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy")
    return model


def torch_model(seed):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256),
        torch.nn.ReLU(),
        torch.nn.Linear(256, 128),
        torch.nn.ReLU(),
        torch.nn.Linear(128, 10),
    )
    return model, torch.optim.Adam(model.parameters(), lr=1e-3)


def torch_epoch(model, optimizer, x, y, generator):
    loss_fn = torch.nn.CrossEntropyLoss()
    order = torch.randperm(len(x), generator=generator)
    for start in range(0, len(x), BATCH_SIZE):
        idx = order[start : start + BATCH_SIZE]
        loss = loss_fn(model(x[idx]), y[idx])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()


def torch_predict(model, x):
    with torch.no_grad():
        return torch.cat([model(x[i : i + PREDICT_BATCH]) for i in range(0, len(x), PREDICT_BATCH)]).numpy()


def main(argv=None):
    parser = argument_parser(__doc__, timed_rounds=False)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="cProfile one gradwork epoch at the end")
    args = parser.parse_args(argv)

    prepare(args.threads)
    (x_train, y_train), (x_test, y_test), source = load_data()
    print(
        f"  data: {source}, {len(x_train)} training / {len(x_test)} test images; batch {BATCH_SIZE}, "
        f"Adam lr 1e-3, {args.epochs} epochs each, alternating\n"
    )

    ours = gradwork_model(args.seed)
    theirs, optimizer = torch_model(args.seed)
    tx_train, ty_train = torch.from_numpy(x_train), torch.from_numpy(y_train)
    tx_test = torch.from_numpy(x_test)
    generator = torch.Generator().manual_seed(args.seed)

    times = {"gradwork": [], "PyTorch": []}
    runs = {
        "gradwork": lambda: ours.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=1, verbose=0),
        "PyTorch": lambda: torch_epoch(theirs, optimizer, tx_train, ty_train, generator),
    }
    print(f"  {'epoch':>5}  {'gradwork s':>10}  {'PyTorch s':>10}  {'ratio':>6}")
    for epoch in range(args.epochs):
        for name in ("gradwork", "PyTorch") if epoch % 2 == 0 else ("PyTorch", "gradwork"):
            start = time.perf_counter()
            runs[name]()
            times[name].append(time.perf_counter() - start)
        g, t = times["gradwork"][-1], times["PyTorch"][-1]
        print(f"  {epoch + 1:>5}  {g:>10.3f}  {t:>10.3f}  {g / t:>5.2f}x")

    predict_times = {"gradwork": [], "PyTorch": []}
    for r in range(7):
        for name in ("gradwork", "PyTorch") if r % 2 == 0 else ("PyTorch", "gradwork"):
            start = time.perf_counter()
            out = (
                ours.predict(x_test, batch_size=PREDICT_BATCH, verbose=0)
                if name == "gradwork"
                else torch_predict(theirs, tx_test)
            )
            predict_times[name].append(time.perf_counter() - start)
            if name == "gradwork":
                acc_ours = float(np.mean(out.argmax(-1) == y_test))
            else:
                acc_theirs = float(np.mean(out.argmax(-1) == y_test))

    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = statistics.median([g / t for g, t in zip(times["gradwork"], times["PyTorch"])])
    pmed = {k: statistics.median(v) for k, v in predict_times.items()}
    pratio = statistics.median([g / t for g, t in zip(predict_times["gradwork"], predict_times["PyTorch"])])
    print(f"\n  {'':<26}{'gradwork':>10}{'PyTorch':>10}{'ratio':>9}")
    print(
        f"  {'training, s/epoch (median)':<26}{med['gradwork']:>10.3f}{med['PyTorch']:>10.3f}{ratio:>8.2f}x"
    )
    print(
        f"  {'inference, s / 10k images':<26}{pmed['gradwork']:>10.4f}{pmed['PyTorch']:>10.4f}{pratio:>8.2f}x"
    )
    print(f"  {'test accuracy':<26}{acc_ours:>10.4f}{acc_theirs:>10.4f}")
    print("  (ratios are medians of per-epoch / per-round ratios; gradwork/PyTorch, lower is faster)")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        ours.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=1, verbose=0)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
