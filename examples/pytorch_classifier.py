"""PyTorch's "Training a classifier" tutorial (its CIFAR-10 CNN), run by gradwork on Fashion-MNIST.

`classifier(torch, ...)` below is the tutorial (pytorch.org/tutorials/beginner/blitz/cifar10_tutorial)
as PyTorch users write it: a `Net(nn.Module)` of two `Conv2d` with `MaxPool2d(2, 2)` and three
`Linear`, `F.relu`, `torch.flatten(x, 1)`, `CrossEntropyLoss`, `SGD(lr=0.001, momentum=0.9)`,
batches of 4, the running-loss printout, `torch.save`/`load_state_dict`, `torch.max(outputs.data, 1)`
and the per-class accuracies. What changed: the imports became one argument (the tensor library),
the data is Fashion-MNIST (1 x 28 x 28 grey images instead of 3 x 32 x 32 colour ones, so the first
convolution takes 1 channel and the first Linear 16 * 4 * 4 features), and the loss is printed
every 2000 mini-batches as in the tutorial.

Run: python examples/pytorch_classifier.py [--epochs 2] [--limit N] [--subset mini|full]
     [--out runs/examples/pytorch_classifier]
"""

import argparse
import os
import time

import gradwork.torch
from pytorch_tutorials_data import FashionMNIST, classes, load_arrays, normalize


def classifier(torch, trainset, testset, epochs: int = 2, out: str = ".", log=print) -> dict:
    """The tutorial's program with `torch` as its tensor library; returns its test accuracy."""
    nn = torch.nn
    F = torch.nn.functional
    optim = torch.optim

    batch_size = 4
    trainloader = torch.utils.data.DataLoader(trainset, batch_size=batch_size, shuffle=True, num_workers=0)
    testloader = torch.utils.data.DataLoader(testset, batch_size=batch_size, shuffle=False, num_workers=0)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 4 * 4, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = torch.flatten(x, 1)  # flatten all dimensions except batch
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = self.fc3(x)
            return x

    net = Net()

    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

    seconds = []
    for epoch in range(epochs):  # loop over the dataset multiple times
        start = time.perf_counter()
        running_loss = 0.0
        for i, data in enumerate(trainloader, 0):
            # get the inputs; data is a list of [inputs, labels]
            inputs, labels = data

            # zero the parameter gradients
            optimizer.zero_grad()

            # forward + backward + optimize
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()

            # print statistics
            running_loss += loss.item()
            if i % 2000 == 1999:    # print every 2000 mini-batches
                log(f'[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 2000:.3f}')
                running_loss = 0.0
        seconds.append(time.perf_counter() - start)

    log('Finished Training')

    PATH = os.path.join(out, 'fashion_net.pth')
    torch.save(net.state_dict(), PATH)

    dataiter = iter(testloader)
    images, labels = next(dataiter)
    log('GroundTruth: ' + ' '.join(f'{classes[labels[j]]:5s}' for j in range(4)))

    net = Net()
    net.load_state_dict(torch.load(PATH, weights_only=True))

    outputs = net(images)
    _, predicted = torch.max(outputs, 1)
    log('Predicted: ' + ' '.join(f'{classes[predicted[j]]:5s}' for j in range(4)))

    correct = 0
    total = 0
    # since we're not training, we don't need to calculate the gradients for our outputs
    with torch.no_grad():
        for data in testloader:
            images, labels = data
            # calculate outputs by running images through the network
            outputs = net(images)
            # the class with the highest energy is what we choose as prediction
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()

    log(f'Accuracy of the network on the {total} test images: {100 * correct // total} %')

    # prepare to count predictions for each class
    correct_pred = {classname: 0 for classname in classes}
    total_pred = {classname: 0 for classname in classes}

    # again no gradients needed
    with torch.no_grad():
        for data in testloader:
            images, labels = data
            outputs = net(images)
            _, predictions = torch.max(outputs, 1)
            # collect the correct predictions for each class
            for label, prediction in zip(labels, predictions):
                if label == prediction:
                    correct_pred[classes[label]] += 1
                total_pred[classes[label]] += 1

    # print accuracy for each class
    for classname, correct_count in correct_pred.items():
        accuracy = 100 * float(correct_count) / max(total_pred[classname], 1)
        log(f'Accuracy for class: {classname:5s} is {accuracy:.1f} %')
    return {"accuracy": correct / total, "train_seconds": seconds, "per_class": correct_pred, "model": net}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="keep the first N training and test images")
    parser.add_argument("--subset", choices=["auto", "mini", "full"], default="auto")
    parser.add_argument("--out", default="runs/examples/pytorch_classifier")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    arrays, source = load_arrays(args.subset)
    print(f"Data: {source}")
    torch = gradwork.torch
    torch.manual_seed(0)
    transform = normalize(torch, 0.5, 0.5)
    trainset = FashionMNIST(arrays, train=True, transform=transform, limit=args.limit)
    testset = FashionMNIST(arrays, train=False, transform=transform, limit=args.limit)
    return classifier(torch, trainset, testset, args.epochs, args.out)


if __name__ == "__main__":
    main()
