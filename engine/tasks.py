"""What a dataset's task asks of a network: its output size, its loss and its output activation.

Classification: one output per class, any loss (cross-entropy reads the outputs as class scores, MSE as
one-hot targets). Regression: one identity output trained with the mean squared error — the target is a
real number (standardised, so it runs beyond [0, 1] and [-1, 1]), and it has no classes to score.
"""

from engine.activations import get_activation
from engine.losses import get_loss

REGRESSION_LOSS = "mse"
REGRESSION_OUTPUT = "identity"


def head_for(dataset, loss=None, out_act=None):
    """(loss name, output activation name or None) for a network on ``dataset``; ValueError says why not.

    None for either means the usual choice: for regression "mse" and "identity", for classification
    "ce" and the loss's own default output.
    """
    if not dataset.is_regression:
        return (get_loss(loss or "ce").name, out_act)
    problem = head_problem(dataset, loss or REGRESSION_LOSS, out_act or REGRESSION_OUTPUT)
    if problem:
        raise ValueError(problem)
    return REGRESSION_LOSS, REGRESSION_OUTPUT


def head_problem(dataset, loss, out_act):
    """Why ``loss`` and the output activation ``out_act`` cannot learn ``dataset``'s task (a phrase), or None."""
    if not dataset.is_regression:
        return None
    loss_name = get_loss(loss).name
    if loss_name != REGRESSION_LOSS:
        return (f"{dataset.title} is a regression (a real-valued target): train it with the mean squared error "
                f"(mse), not {loss_name} — cross-entropy scores classes, and a real number has none")
    act = get_activation(out_act).name
    if act != REGRESSION_OUTPUT:
        return (f"{dataset.title} is a regression: its output must be identity, not {act} — the target is "
                "standardised, so it runs beyond the range a squashing output can reach")
    return None


def network_problem(net, dataset):
    """Why ``net`` cannot be trained or evaluated on ``dataset`` (a phrase), or None when it can."""
    if net.layers[0].ins != dataset.features:
        return (f"the network takes {net.layers[0].ins} inputs but {dataset.title} has {dataset.features} "
                "features per sample")
    outs = net.layers[-1].outs
    if dataset.is_regression:
        if outs != 1:
            return f"the network has {outs} outputs but {dataset.title} is a regression: it predicts one number"
        return head_problem(dataset, net.loss_function, net.layers[-1].act)
    if outs < dataset.n_classes:
        return f"the network has {outs} outputs but {dataset.title} has {dataset.n_classes} classes"
    return None
