"""The course CNN on Fashion-MNIST, trained in gradwork (NHWC) and in PyTorch CPU (NCHW, its default) in one run.

Conv2D(32, 3, same, relu) -> MaxPool 2 -> Conv2D(64, 3, same, relu) -> MaxPool 2 -> Flatten ->
Dense(128, relu) -> Dropout(0.5) -> Dense(10); Adam lr 1e-3, batch 128, float32, same threads.
A fixed number of batches stands for an epoch (`--batches`, default 60); the two alternate,
the order reversed every round, and seconds per full epoch (469 batches) are extrapolated from
the median time per batch. Then both predict the 10,000 test images (batches of 1,000).

Run:  python benchmarks/cnn_fashion_mnist.py                 (about a minute)
      python benchmarks/cnn_fashion_mnist.py --rounds 2 --batches 20   (quick)
      python benchmarks/cnn_fashion_mnist.py --profile       (and a cProfile of gradwork's batches)
"""

import cProfile
import pstats
import statistics
import time

import numpy as np
import torch

import gradwork as gw
from gradwork.nn import Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D
from harness import argument_parser, prepare

BATCH_SIZE = 128
PREDICT_BATCH = 1000
STEPS_PER_EPOCH = 469  # ceil(60000 / 128)


def load_data():
    try:
        (x_train, y_train), (x_test, y_test) = gw.datasets.fashion_mnist.load_data(download=False)
        source = "full Fashion-MNIST"
    except gw.datasets.DatasetNotFoundError:
        (x_train, y_train), (x_test, y_test) = gw.datasets.fashion_mnist.load_data(subset="mini")
        source = "embedded Fashion-MNIST subset"
    prep = lambda x: (x[..., None] / np.float32(255)).astype(np.float32)
    return (prep(x_train), y_train.astype(np.int64)), (prep(x_test), y_test.astype(np.int64)), source


def gradwork_cnn(seed):
    gw.random.seed(seed)
    model = gw.Sequential(
        [
            Input(shape=(28, 28, 1)),
            Conv2D(32, 3, padding="same", activation="relu"),
            MaxPooling2D(),
            Conv2D(64, 3, padding="same", activation="relu"),
            MaxPooling2D(),
            Flatten(),
            Dense(128, activation="relu"),
            Dropout(0.5),
            Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=gw.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy")
    return model


class TorchCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = torch.nn.Linear(64 * 7 * 7, 128)
        self.fc2 = torch.nn.Linear(128, 10)
        self.drop = torch.nn.Dropout(0.5)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc2(self.drop(torch.relu(self.fc1(x.flatten(1)))))


def main(argv=None):
    parser = argument_parser(__doc__, timed_rounds=False)
    parser.add_argument("--batches", type=int, default=60, help="batches that stand for an epoch, per round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)

    prepare(args.threads)
    (x_train, y_train), (x_test, y_test), source = load_data()
    n = args.batches * BATCH_SIZE
    print(
        f"  data: {source}; {args.batches} batches of {BATCH_SIZE} per round, {args.rounds} rounds, alternating\n"
    )

    ours = gradwork_cnn(args.seed)
    torch.manual_seed(args.seed)
    theirs = TorchCNN()
    optimizer = torch.optim.Adam(theirs.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    tx = torch.from_numpy(x_train.transpose(0, 3, 1, 2).copy())
    ty = torch.from_numpy(y_train)
    rng = np.random.default_rng(args.seed)

    def torch_batches(idx):
        theirs.train()
        for start in range(0, len(idx), BATCH_SIZE):
            b = torch.from_numpy(idx[start : start + BATCH_SIZE])
            loss = loss_fn(theirs(tx[b]), ty[b])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()

    runs = {
        "gradwork": lambda idx: ours.fit(
            x_train[idx], y_train[idx], batch_size=BATCH_SIZE, epochs=1, verbose=0, shuffle=False
        ),
        "PyTorch": torch_batches,
    }
    per_batch = {"gradwork": [], "PyTorch": []}
    print(f"  {'round':>5}  {'gradwork s/batch':>16}  {'PyTorch s/batch':>15}  {'ratio':>6}")
    for r in range(args.rounds):
        idx = rng.permutation(len(x_train))[:n]
        for name in ("gradwork", "PyTorch") if r % 2 == 0 else ("PyTorch", "gradwork"):
            start = time.perf_counter()
            runs[name](idx)
            per_batch[name].append((time.perf_counter() - start) / args.batches)
        g, t = per_batch["gradwork"][-1], per_batch["PyTorch"][-1]
        print(f"  {r + 1:>5}  {g:>16.4f}  {t:>15.4f}  {g / t:>5.2f}x")

    theirs.eval()
    tx_test = torch.from_numpy(x_test.transpose(0, 3, 1, 2).copy())
    predict = {"gradwork": [], "PyTorch": []}
    for r in range(3):
        for name in ("gradwork", "PyTorch") if r % 2 == 0 else ("PyTorch", "gradwork"):
            start = time.perf_counter()
            if name == "gradwork":
                ours.predict(x_test, batch_size=PREDICT_BATCH, verbose=0)
            else:
                with torch.no_grad():
                    for i in range(0, len(tx_test), PREDICT_BATCH):
                        theirs(tx_test[i : i + PREDICT_BATCH])
            predict[name].append(time.perf_counter() - start)

    med = {k: statistics.median(v) for k, v in per_batch.items()}
    ratio = statistics.median([g / t for g, t in zip(per_batch["gradwork"], per_batch["PyTorch"])])
    pmed = {k: statistics.median(v) for k, v in predict.items()}
    pratio = statistics.median([g / t for g, t in zip(predict["gradwork"], predict["PyTorch"])])
    print(f"\n  {'':<34}{'gradwork':>10}{'PyTorch':>10}{'ratio':>9}")
    print(
        f"  {'training, s/epoch (469 batches)':<34}{med['gradwork'] * STEPS_PER_EPOCH:>10.2f}"
        f"{med['PyTorch'] * STEPS_PER_EPOCH:>10.2f}{ratio:>8.2f}x"
    )
    print(
        f"  {'inference, s / 10k images':<34}{pmed['gradwork']:>10.3f}{pmed['PyTorch']:>10.3f}{pratio:>8.2f}x"
    )
    print("  (ratios are medians of per-round ratios; gradwork/PyTorch, lower is faster)")

    if args.profile:
        idx = rng.permutation(len(x_train))[:n]
        profiler = cProfile.Profile()
        profiler.enable()
        runs["gradwork"](idx)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
