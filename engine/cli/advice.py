"""Why a run diverged, in one sentence that names the setting to change."""


def divergence_advice(optimizer):
    """The likely cause of a divergence under ``optimizer`` (its lr, l2 and own settings) and what to try."""
    lr, l2 = optimizer.lr, optimizer.l2
    if l2 and lr * l2 >= 1:
        return (f"--l2 {l2:g} with --lr {lr:g}: weight decay alone multiplies every weight by 1 − lr·λ = "
                f"{1 - lr * l2:g} each step; keep lr·λ well below 1, e.g. --l2 {0.01 / lr:.2g}")
    if optimizer.name == "momentum" and optimizer.momentum >= 0.99:
        return (f"--momentum {optimizer.momentum:g} keeps almost all of every step, so steps grow for hundreds "
                f"of batches; try --momentum 0.9 (or --lr {lr / 10:g})")
    if optimizer.name == "adam":
        if optimizer.beta2 < optimizer.beta1 ** 2:
            return (f"Adam's --beta2 {optimizer.beta2:g} is below --beta1² ({optimizer.beta1 ** 2:g}), which lets "
                    "its steps grow past the learning rate; try --beta2 0.999")
        return (f"Adam moves each weight by up to about the learning rate per step (its ε = {optimizer.eps:g} only "
                f"guards a division), so --lr {lr:g} is too large for these weights; try --lr {lr / 10:g}")
    return f"--lr {lr:g} overshoots: each step goes past the minimum and further out; try --lr {lr / 10:g}"
