"""The one thing PyTorch's tutorials take from torchvision, made from gradwork's data: Fashion-MNIST
as a map-style Dataset of (image tensor (1, 28, 28), int label) pairs.

`FashionMNIST(torch, train=True, transform=...)` takes the tensor library as its first argument, so
the same dataset feeds real PyTorch and gradwork's facade (`import gradwork.torch as torch`);
`to_tensor` and `normalize` are torchvision's `ToTensor()` and `Normalize(mean, std)`. The images
are the full 60,000 + 10,000 when gradwork finds them (see `gw.datasets.fashion_mnist`), else the
embedded 6,000 + 1,000; `limit` keeps the first `limit` of them.
"""

import numpy as np

import gradwork as gw

classes = gw.datasets.fashion_mnist.class_names


def load_arrays(subset: str = "auto"):
    """((x_train, y_train), (x_test, y_test)) as uint8 images and labels, and a line naming the source."""
    if subset != "mini":
        try:
            return gw.datasets.fashion_mnist.load_data(download=False), "full Fashion-MNIST"
        except gw.datasets.DatasetNotFoundError:
            if subset == "full":
                raise
    return gw.datasets.fashion_mnist.load_data(subset="mini"), "embedded Fashion-MNIST subset"


def to_tensor(torch):
    """torchvision's ToTensor(): uint8 (28, 28) -> float32 (1, 28, 28) in [0, 1]."""
    return lambda image: torch.from_numpy(image[None].astype(np.float32) / np.float32(255))


def normalize(torch, mean: float, std: float):
    """ToTensor() followed by Normalize((mean,), (std,))."""
    convert = to_tensor(torch)
    return lambda image: (convert(image) - mean) / std


class FashionMNIST:
    """A map-style dataset, as torchvision's `datasets.FashionMNIST(root, train, transform)`."""

    def __init__(self, arrays, train: bool = True, transform=None, limit: int | None = None):
        (x_train, y_train), (x_test, y_test) = arrays
        images, labels = (x_train, y_train) if train else (x_test, y_test)
        self.images, self.labels = images[:limit], labels[:limit].astype(np.int64)
        self.transform = transform

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int):
        image = self.images[index]
        return (self.transform(image) if self.transform else image), int(self.labels[index])
