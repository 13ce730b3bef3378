"""``python -m gui.training.loss_plot_demo``: the loss plot alone, fed live by a real training run.

A 2-8-8-2 tanh network learns the two spirals (a built-in, generated set) with the engine's Trainer; the
plot receives each batch's loss and each epoch's losses and test accuracy as the window would give them.
"""

from PySide6.QtCore import QTimer

from engine import NeuralNetwork
from engine.data.toy_datasets import make_toy
from engine.training import BatchDone, EpochDone, Trainer
from gui.common.demo import demo_parser, run_demo
from gui.training.loss_plot import LossPlot


def build(args):
    plot = LossPlot()
    data = make_toy("spirals", n=1000, seed=args.seed)
    net = NeuralNetwork.build([2, 8, 8, 2], "tanh", "ce", optimizer="adam", lr=0.03, seed=args.seed)
    events = Trainer(net, data, batch_size=16, epochs=args.epochs, seed=args.seed).run()

    def feed():
        xs, losses = [], []
        for event in events:
            if isinstance(event, BatchDone):
                xs.append(event.epoch + event.batch / event.n_batches)
                losses.append(event.loss)
            elif isinstance(event, EpochDone):
                plot.add_batches(xs, losses)
                plot.add_epoch(event.epoch + 1, event.train_loss, event.test_loss, event.test_accuracy)
                return  # one epoch a tick: the curves grow at a pace a person can follow
        timer.stop()  # the run is over

    timer = QTimer(plot)
    timer.timeout.connect(feed)
    timer.start(args.interval)
    return plot


def main(argv=None):
    parser = demo_parser(__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100, help="epochs of the demo run (default 100)")
    parser.add_argument("--interval", type=int, default=50, metavar="MS", help="ms between epochs shown")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    return run_demo("Loss plot", lambda: build(args), args)


if __name__ == "__main__":
    raise SystemExit(main())
