"""``python -m gui.network_view``: the network view alone, learning made-up data.

By default a 2-8-8-2 tanh network learns the two spirals (a built-in, generated set) one batch every
``--interval`` ms, so the heat maps, edges and decision map change as in the app. ``--arch 784-16-16-10``
shows an MNIST-shaped network with random weights and a made-up ring-shaped input instead.
"""

import numpy as np
from PySide6.QtCore import QTimer

from engine import NeuralNetwork
from engine.data.toy_datasets import make_toy
from gui.common.demo import demo_parser, run_demo
from gui.network_view.view import NetworkView


def ring_image(size=28):
    """A made-up 28×28 'digit': a bright ring, as a column of 784 values in 0..1."""
    r = np.hypot(*np.meshgrid(np.arange(size) - 13.5, np.arange(size) - 13.5))
    return np.clip(1.2 - np.abs(r - 7.5) / 2.0, 0.0, 1.0).reshape(-1, 1)


def build(args):
    view = NetworkView()
    sizes = [int(s) for s in args.arch.split("-")]
    if sizes[0] != 2:  # an image-shaped network: random weights, one made-up input
        net = NeuralNetwork.build(sizes, "leaky_relu", "ce", seed=args.seed)
        view.set_network(net)
        view.set_input(ring_image().ravel() if sizes[0] == 784 else np.linspace(0, 1, sizes[0]))
        return view
    data = make_toy("spirals", n=400, seed=args.seed)
    net = NeuralNetwork.build(sizes, "tanh", "ce", optimizer="adam", lr=0.03, seed=args.seed)
    view.set_dataset_2d(data.x_train, data.y_train)
    view.set_network(net)
    rng = np.random.default_rng(args.seed)

    def train_one_batch():
        X, y = data.batch("train", rng.choice(len(data.y_train), 16, replace=False))
        net.train(X, y)
        view.set_weights([(layer.W, layer.b) for layer in net.layers])

    timer = QTimer(view)  # parented: it stops with the view
    timer.timeout.connect(train_one_batch)
    timer.start(args.interval)
    return view


def main(argv=None):
    parser = demo_parser(__doc__.splitlines()[0])
    parser.add_argument("--arch", default="2-8-8-2", help="layer sizes, input first (default 2-8-8-2)")
    parser.add_argument("--interval", type=int, default=30, metavar="MS", help="ms between trained batches")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    return run_demo("Network view", lambda: build(args), args)


if __name__ == "__main__":
    raise SystemExit(main())
