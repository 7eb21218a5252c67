"""PyTorch's "Quickstart" tutorial, run by gradwork: the program is PyTorch's, only its imports change.

`quickstart(torch, ...)` below is the tutorial (pytorch.org/tutorials/beginner/basics/quickstart_tutorial)
as PyTorch users write it: a `NeuralNetwork(nn.Module)` with `nn.Flatten` and an `nn.Sequential`
of Linear 784-512-512-10 and ReLUs, `CrossEntropyLoss`, `SGD(lr=1e-3)`, `DataLoader(batch_size=64)`,
its `train` and `test` loops, `torch.save(model.state_dict(), "model.pth")` and loading it back.
What changed: the three imports became one argument (the tensor library, `gradwork.torch` or real
`torch`), and `datasets.FashionMNIST` is gradwork's copy of the data (see pytorch_tutorials_data.py).
`benchmarks/torch_tutorials.py` runs this same function with both libraries.

Run: python examples/pytorch_quickstart.py [--epochs 5] [--limit N] [--subset mini|full]
     [--out runs/examples/pytorch_quickstart]
"""

import argparse
import os
import time

import gradwork.torch
from pytorch_tutorials_data import FashionMNIST, classes, load_arrays, to_tensor


def quickstart(torch, training_data, test_data, epochs: int = 5, out: str = ".", log=print) -> dict:
    """The tutorial's program with `torch` as its tensor library; returns its test accuracy and loss."""
    nn = torch.nn
    DataLoader = torch.utils.data.DataLoader

    batch_size = 64

    # Create data loaders.
    train_dataloader = DataLoader(training_data, batch_size=batch_size)
    test_dataloader = DataLoader(test_data, batch_size=batch_size)

    for X, y in test_dataloader:
        log(f"Shape of X [N, C, H, W]: {X.shape}")
        log(f"Shape of y: {y.shape} {y.dtype}")
        break

    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    log(f"Using {device} device")

    # Define model
    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28*28, 512),
                nn.ReLU(),
                nn.Linear(512, 512),
                nn.ReLU(),
                nn.Linear(512, 10)
            )

        def forward(self, x):
            x = self.flatten(x)
            logits = self.linear_relu_stack(x)
            return logits

    model = NeuralNetwork().to(device)
    log(model)

    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

    def train(dataloader, model, loss_fn, optimizer):
        size = len(dataloader.dataset)
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)

            # Compute prediction error
            pred = model(X)
            loss = loss_fn(pred, y)

            # Backpropagation
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()

            if batch % 100 == 0:
                loss, current = loss.item(), (batch + 1) * len(X)
                log(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

    def test(dataloader, model, loss_fn):
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                X, y = X.to(device), y.to(device)
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        test_loss /= num_batches
        correct /= size
        log(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
        return correct, test_loss

    seconds = []
    for t in range(epochs):
        log(f"Epoch {t+1}\n-------------------------------")
        start = time.perf_counter()
        train(train_dataloader, model, loss_fn, optimizer)
        seconds.append(time.perf_counter() - start)
        accuracy, test_loss = test(test_dataloader, model, loss_fn)
    log("Done!")

    path = os.path.join(out, "model.pth")
    torch.save(model.state_dict(), path)
    log("Saved PyTorch Model State to model.pth")

    model = NeuralNetwork().to(device)
    model.load_state_dict(torch.load(path, weights_only=True))

    model.eval()
    x, y = test_data[0][0], test_data[0][1]
    with torch.no_grad():
        x = x.to(device)
        pred = model(x)
        predicted, actual = classes[pred[0].argmax(0)], classes[y]
        log(f'Predicted: "{predicted}", Actual: "{actual}"')
    return {"accuracy": accuracy, "test_loss": test_loss, "train_seconds": seconds, "predicted": predicted,
            "actual": actual, "model": model}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="keep the first N training and test images")
    parser.add_argument("--subset", choices=["auto", "mini", "full"], default="auto")
    parser.add_argument("--out", default="runs/examples/pytorch_quickstart")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    arrays, source = load_arrays(args.subset)
    print(f"Data: {source}")
    torch = gradwork.torch
    torch.manual_seed(0)
    training_data = FashionMNIST(arrays, train=True, transform=to_tensor(torch), limit=args.limit)
    test_data = FashionMNIST(arrays, train=False, transform=to_tensor(torch), limit=args.limit)
    return quickstart(torch, training_data, test_data, args.epochs, args.out)


if __name__ == "__main__":
    main()
