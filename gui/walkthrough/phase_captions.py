"""The walkthrough's captions: one or two sentences per phase and its equation with the real numbers.

Pure maths on the arrays a walk recorded (no Qt): every number shown is read from, or recomputed from,
the copies the engine handed over, for sample 1 of the batch (column 0) and one neuron — the one the
user selected in the network view, else the strongest of the layer. Numbers are rounded to 3
significant digits; the tooltip holds the exact values.
"""

import html
from dataclasses import dataclass

import numpy as np

from engine.losses import get_loss
from gui.common.formatting import sig3

TOP_TERMS = 3  # terms of Σ wᵢaᵢ written out; the rest are summed into one
ACT_NAMES = {"tanh": "tanh", "sigmoid": "σ", "relu": "ReLU", "leaky_relu": "leaky ReLU", "identity": "identity"}
SLOPES = {"tanh": "1 − tanh²(z)", "sigmoid": "σ(z)(1 − σ(z))", "relu": "1 if z > 0, else 0",
          "leaky_relu": "1 if z > 0, else {alpha:g}", "identity": "1"}
OPTIMIZER_NOTES = {
    "momentum": "Momentum adds a decaying sum of earlier steps, so the change is not just η·∂L/∂w.",
    "adam": "Adam divides each step by the recent size of that weight's gradient.",
}


@dataclass(frozen=True)
class Caption:
    """What the caption panel shows: a title, one or two sentences, equations (rich text), exact values."""

    title: str
    text: str
    equations: tuple = ()  # HTML lines
    tooltip: str = ""  # the exact values behind the rounded ones
    neuron: tuple = None  # (column, index) the equations are about, or None
    table: str = ""  # optional HTML table (outputs against targets)


@dataclass
class CaptionContext:
    """What captions need besides the walk: the network's activations and loss, names, the selection."""

    acts: list  # activation per layer (has .name, .f, .df)
    loss: str  # "ce" or "mse"
    class_names: list = None
    selected: tuple = None  # (column, index) chosen in the network view, or None


def num(x):
    """A number for reading: 3 significant digits with a real minus sign."""
    return sig3(float(x)).replace("-", "−")


def par(x):
    """``num`` in parentheses when negative, for use inside a product."""
    s = num(x)
    return f"({s})" if s.startswith("−") else s


def _var(name, sub):
    return f"<i>{name}</i><sub>{html.escape(str(sub))}</sub>"


def neuron_name(ctx, n_layers, col, j):
    """How people read neuron j of column ``col``: "output 7" for classes, else "neuron 3 of layer 2"."""
    if col == n_layers:
        names = ctx.class_names
        return f"output “{names[j] if names and j < len(names) else j}”"
    return f"neuron {j} of layer {col}"


def source_name(sizes, col, i):
    """How input i of column ``col`` is called: a pixel, x₁/x₂, or a neuron."""
    if col == 0 and sizes[0] == 784:
        return f"pixel ({i // 28}, {i % 28})"
    if col == 0 and sizes[0] == 2:
        return ("x₁", "x₂")[i]
    return f"input {i}" if col == 0 else f"neuron {i} of layer {col}"


def choose(ctx, col, values):
    """The selected neuron if it is in column ``col``, else the one with the largest |value|."""
    if ctx.selected is not None and ctx.selected[0] == col and 0 <= ctx.selected[1] < len(values):
        return int(ctx.selected[1]), True
    return int(np.nanargmax(np.abs(values))) if np.isfinite(values).any() else 0, False


def _sample_words(n):
    return "its only sample" if n == 1 else f"sample 1 of {n}"


def _which(picked, what):
    return "your selection" if picked else f"largest |{what}|; click a neuron to pick another"


def act_name(act):
    return ACT_NAMES.get(getattr(act, "name", ""), getattr(act, "name", "f"))


def slope_words(act):
    return SLOPES.get(act.name, "f′(z)").format(alpha=getattr(act, "alpha", 0.1))


def df_at(act, z):
    return float(np.asarray(act.df(np.array([z], dtype=np.float64)))[0])


def _target_of_sample_1(step, ctx):
    """The class index sample 1 should be (cross-entropy), when the walk knows it yet; else None."""
    targets = getattr(step.event, "targets", None)
    if ctx.loss != "ce" or targets is None:
        return None
    return int(np.asarray(targets).reshape(-1)[0])


def _title(step, what):
    return f"Step {step.index + 1} of {step.count} · batch {step.step} · {what}"


# -- the phases ----------------------------------------------------------------------------------------
def forward_caption(step, ctx):
    """Forward of layer k: z = Σ wᵢaᵢ + b and a = f(z) for one neuron of sample 1."""
    e, L = step.event, len(step.weights)
    k, col = e.layer, e.layer + 1
    W, b = step.weights[k]
    sizes = [step.weights[0][0].shape[1]] + [w.shape[0] for w, _ in step.weights]
    n, ins = e.a_in.shape[1], e.a_in.shape[0]
    z_all = e.z[:, 0]
    j, picked = choose(ctx, col, z_all)
    target = _target_of_sample_1(step, ctx) if col == L else None
    if target is not None and not picked:  # at the output, the class the loss will read
        j = target
    a_in = e.a_in[:, 0].astype(np.float64)
    terms = W[j].astype(np.float64) * a_in
    top = np.argsort(-np.abs(terms), kind="stable")[:TOP_TERMS] if ins > TOP_TERMS + 1 else np.arange(ins)
    rest = float(terms.sum() - terms[top].sum())
    z, a, bias, act = float(e.z[j, 0]), float(e.a[j, 0]), float(b[j, 0]), ctx.acts[k]
    shown = " + ".join(f"{par(W[j, i])}×{par(a_in[i])}" for i in top)
    if len(top) < ins:
        shown += f" + … {ins - len(top)} more terms ({num(rest)})"
    eqs = [f"{_var('z', j)} = Σ<sub>i</sub> <i>w</i><sub>{j},i</sub><i>a</i><sub>i</sub> + {_var('b', j)} = "
           f"{shown} + {par(bias)} = <b>{num(z)}</b>"]
    if act.name == "identity":
        eqs.append(f"{_var('a', j)} = {_var('z', j)} = <b>{num(a)}</b>"
                   + (" (no activation here: the loss applies the softmax)" if ctx.loss == "ce" else ""))
    else:
        eqs.append(f"{_var('a', j)} = {act_name(act)}({num(z)}) = <b>{num(a)}</b>")
    where = "output layer" if col == L else f"layer {col} of {L}"
    then = "a = z (no activation)" if act.name == "identity" else f"then applies {act_name(act)} (a)"
    why = "sample 1's target" if target is not None and not picked else _which(picked, "z")
    text = (f"Forward pass, {where}: each neuron adds up its {ins} inputs times their weights plus a bias "
            f"(z), {then}. Shown: {neuron_name(ctx, L, col, j)} ({why}), {_sample_words(n)}.")
    names = ", ".join(f"{source_name(sizes, k, i)}: w={W[j, i]!r}, a={a_in[i]!r}" for i in top)
    tip = f"z = {z!r}\na = {a!r}\nb = {bias!r}\nterms shown: {names}\nthe other terms sum to {rest!r}"
    return Caption(_title(step, "forward"), text, tuple(eqs), tip, (col, j))


def loss_caption(step, ctx):
    """The loss of sample 1 and the batch, and ∂L/∂output for one output neuron."""
    e, L = step.event, len(step.weights)
    outs, n = e.outputs.shape
    out = e.outputs[:, 0].astype(np.float64)
    g = e.grad[:, 0]
    j, picked = choose(ctx, L, g)
    names = ctx.class_names or [str(i) for i in range(outs)]
    name = lambda i: names[i] if i < len(names) else str(i)  # noqa: E731
    batch = f"the mean over its {n} samples" if n > 1 else "the same, one sample"
    if ctx.loss == "ce":
        t = int(np.asarray(e.targets).reshape(-1)[0])
        p = np.exp(out - out.max())
        p /= p.sum()
        loss0 = float(-np.log(p[t]))
        guess = int(np.argmax(p))
        text = (f"Loss: softmax turns the {outs} outputs into probabilities; cross-entropy is −log of the "
                f"target's probability, small when the network is sure of the right class. Sample 1's target "
                f"is “{name(t)}”; the network says “{name(guess)}” ({num(p[guess])}).")
        eqs = [f"<i>L</i> (sample 1) = −log <i>p</i><sub>{html.escape(name(t))}</sub> = −log {num(p[t])} = "
               f"<b>{num(loss0)}</b> · <i>L</i> (batch: {batch}) = <b>{num(e.value)}</b>",
               f"∂<i>L</i>/∂out<sub>{html.escape(name(j))}</sub> = (<i>p</i> − {int(j == t)}) / {n} = "
               f"({num(p[j])} − {int(j == t)}) / {n} = <b>{num(g[j])}</b>"]
        rows = [("p", p), ("target", np.eye(outs)[t])]
        tip = f"L (sample 1) = {loss0!r}\nL (batch) = {e.value!r}\np = {p[j]!r}\n∂L/∂out = {float(g[j])!r}"
    else:
        t_col = np.asarray(e.targets, dtype=np.float64)[:, 0]
        loss0 = float(np.mean((out - t_col) ** 2))
        text = (f"Loss: mean squared error, the average of (output − target)² over the {outs} outputs "
                f"(and over the batch's samples). Sample 1's target is “{name(int(np.argmax(t_col)))}”.")
        eqs = [f"<i>L</i> (sample 1) = mean (out − target)² = <b>{num(loss0)}</b> · "
               f"<i>L</i> (batch: {batch}) = <b>{num(e.value)}</b>",
               f"∂<i>L</i>/∂out<sub>{html.escape(name(j))}</sub> = 2(out − target) / ({outs}·{n}) = "
               f"2×({num(out[j])} − {num(t_col[j])}) / {outs * n} = <b>{num(g[j])}</b>"]
        rows = [("out", out), ("target", t_col)]
        tip = f"L (sample 1) = {loss0!r}\nL (batch) = {e.value!r}\n∂L/∂out = {float(g[j])!r}"
    text += f" Shown: {neuron_name(ctx, L, L, j)} ({_which(picked, '∂L/∂out')})."
    return Caption(_title(step, "loss"), text, tuple(eqs), tip, (L, j), _table(names, rows, j))


def _table(names, rows, j):
    """An HTML table: a header of class names, then one row per (label, values); column j in bold."""
    cell = 'style="padding: 0 5px; text-align: right"'

    def td(text, bold):
        return f"<td {cell}>{'<b>' + text + '</b>' if bold else text}</td>"

    head = "<tr><td></td>" + "".join(td(html.escape(str(n)), i == j) for i, n in enumerate(names)) + "</tr>"
    def fmt(v):  # a one-hot target reads as 0 and 1
        return str(int(v)) if float(v).is_integer() else num(v)

    body = "".join(f"<tr><td>{label}</td>" + "".join(td(fmt(v), i == j) for i, v in enumerate(vals)) + "</tr>"
                   for label, vals in rows)
    return f"<table cellspacing=0>{head}{body}</table>"


def backward_caption(step, record, ctx):
    """Backward of layer k: δ = ∂L/∂a ⊙ f′(z) for one neuron, and ∂L/∂w = δ·aᵢ for its strongest weight."""
    e, L = step.event, len(step.weights)
    k, col = e.layer, e.layer + 1
    fwd = record.forward[k]
    n = e.delta.shape[1]
    sizes = [step.weights[0][0].shape[1]] + [w.shape[0] for w, _ in step.weights]
    j, picked = choose(ctx, col, e.delta[:, 0])
    act = ctx.acts[k]
    z, g, d = float(fwd.z[j, 0]), float(e.grad_out[j, 0]), float(e.delta[j, 0])
    slope = df_at(act, z)
    i = _informative_input(d, fwd.a_in[:, 0], e.dW[j])
    a_i = float(fwd.a_in[i, 0])
    dw0, dw = d * a_i, float(e.dW[j, i])
    over = f" · summed over the batch of {n}: <b>{num(dw)}</b>" if n > 1 else ""
    if n > 1 and abs(dw0) < 0.01 * abs(dw):
        over += " (sample 1 adds little: the others give most of it)"
    eqs = [f"{_var('δ', j)} = ∂<i>L</i>/∂{_var('a', j)} × {act_name(act)}′({_var('z', j)}) = "
           f"{par(g)} × {par(slope)} = <b>{num(d)}</b>   (slope {act_name(act)}′ = {slope_words(act)})",
           f"∂<i>L</i>/∂<i>w</i><sub>{j},{i}</sub> = {_var('δ', j)} · <i>a</i><sub>{i}</sub> = "
           f"{par(d)} × {par(a_i)} = <b>{num(dw0)}</b>{over}"]
    down = (f"Wᵀδ is passed down to layer {k}." if k > 0 else "The inputs are not learned: the pass ends here.")
    text = (f"Backward pass, {'output layer' if col == L else f'layer {col}'}: the gradient from the right "
            f"(∂L/∂a) times the slope of {act_name(act)} gives δ = ∂L/∂z; each weight's gradient is δ times the "
            f"input on its edge (the edges now show ∂L/∂w). {down} Shown: {neuron_name(ctx, L, col, j)} "
            f"({_which(picked, 'δ')}) and its weight from {source_name(sizes, k, i)} (largest |δ·a| of sample 1), "
            f"{_sample_words(n)}.")
    tip = (f"∂L/∂a = {g!r}\nz = {z!r}\nf′(z) = {slope!r}\nδ = {d!r}\na_i = {a_i!r}\n"
           f"δ·a_i = {dw0!r}\n∂L/∂w (batch) = {dw!r}\n∂L/∂b (batch) = {float(e.db[j, 0])!r}")
    return Caption(_title(step, "backward"), text, tuple(eqs), tip, (col, j))


def _informative_input(delta, a_in, dW_row):
    """The input i whose term δ·aᵢ of sample 1 is largest (an input of 0 teaches nothing: δ × 0 = 0); when
    every term is 0, the one with the largest |∂L/∂w| over the batch."""
    terms = np.abs(delta * np.asarray(a_in, dtype=np.float64))
    if np.isfinite(terms).any() and np.nanmax(terms) > 0:
        return int(np.nanargmax(terms))
    return int(np.argmax(np.abs(dW_row))) if np.isfinite(dW_row).any() else 0


def update_caption(step, record, ctx):
    """Update of layer k: w ← w − η ∂L/∂w (or the optimiser's own step) for the weight that moved most."""
    e, L = step.event, len(step.weights)
    k, col = e.layer, e.layer + 1
    delta = e.W_after.astype(np.float64) - e.W_before
    sel = ctx.selected
    if sel is not None and sel[0] == col and 0 <= sel[1] < delta.shape[0]:
        j, picked = int(sel[1]), True
        i = int(np.nanargmax(np.abs(delta[j]))) if np.isfinite(delta[j]).any() else 0
    else:
        flat = np.nan_to_num(np.abs(delta), nan=-1.0)
        j, i = (int(v) for v in np.unravel_index(int(np.argmax(flat)), delta.shape))
        picked = False
    dW = record.backward[k].dW if k in record.backward else None
    w0, w1, lr = float(e.W_before[j, i]), float(e.W_after[j, i]), float(e.lr)
    g = float(dW[j, i]) if dW is not None else float("nan")
    w_ji = f"<i>w</i><sub>{j},{i}</sub>"
    if step.optimizer == "sgd" and not step.l2:
        eq = f"{w_ji} ← <i>w</i> − η·∂<i>L</i>/∂<i>w</i> = {num(w0)} − {num(lr)} × {par(g)} = <b>{num(w1)}</b>"
    elif step.optimizer == "sgd":
        eq = (f"{w_ji} ← <i>w</i> − η·(∂<i>L</i>/∂<i>w</i> + λ<i>w</i>) = {num(w0)} − {num(lr)} × "
              f"({num(g)} + {num(step.l2)}×{par(w0)}) = <b>{num(w1)}</b>")
    elif step.optimizer == "adam":
        r = (w0 - w1) / lr if lr else float("nan")
        eq = (f"{w_ji} ← <i>w</i> − η·m̂/(√v̂ + ε) = {num(w0)} − {num(lr)} × {par(r)} = <b>{num(w1)}</b>"
              f"   (plain η·∂<i>L</i>/∂<i>w</i> would be {num(lr * g)})")
    else:
        eq = (f"{w_ji} ← <i>w</i> + <i>v</i> = {num(w0)} + {par(w1 - w0)} = <b>{num(w1)}</b>"
              f"   (plain −η·∂<i>L</i>/∂<i>w</i> would be {num(-lr * g)})")
    sizes = [step.weights[0][0].shape[1]] + [w.shape[0] for w, _ in step.weights]
    note = OPTIMIZER_NOTES.get(step.optimizer, "")
    text = (f"Update, {'output layer' if col == L else f'layer {col}'}: every weight steps against its "
            f"gradient, scaled by the learning rate η = {num(lr)}. {note} The edges show the change ΔW. "
            f"Shown: the weight from {source_name(sizes, k, i)} to {neuron_name(ctx, L, col, j)} "
            f"({'your selection' if picked else 'moved most'}).")
    tip = f"w before = {w0!r}\nw after = {w1!r}\nΔw = {w1 - w0!r}\nη = {lr!r}\n∂L/∂w = {g!r}"
    return Caption(_title(step, "update"), " ".join(text.split()), (eq,), tip, (col, j))


def done_caption(step, record, ctx):
    """The batch has ended: its loss, and how the update changed sample 1's output."""
    e, L = step.event, len(step.weights)
    if step.kind == "done" and not hasattr(e, "loss"):  # Diverged
        return Caption(_title(step, "diverged"), e.message)
    text = f"Batch {step.step} done: every layer was updated, and the view shows the new weights."
    eqs = [f"loss of this batch before the update <b>{num(e.loss)}</b>"]
    tip = f"loss before = {e.loss!r}"
    fwd0, loss = record.forward.get(0), record.loss
    if fwd0 is not None and loss is not None and len(record.update) == L:
        weights = [(u.W_after, u.b_after) for _, u in sorted(record.update.items())]
        outputs = _forward(weights, ctx.acts, fwd0.a_in)  # the same batch once more: not a training step
        after_loss = float(get_loss(ctx.loss).loss(outputs, loss.targets))
        eqs[0] += f", after it <b>{num(after_loss)}</b> ({_change(after_loss - e.loss)}: the same batch again)"
        tip += f"\nloss after = {after_loss!r}"
        before, after = loss.outputs[:, 0].astype(np.float64), outputs[:, 0]
        if ctx.loss == "ce":
            t = int(np.asarray(loss.targets).reshape(-1)[0])
            p0, p1 = _softmax(before)[t], _softmax(after)[t]
            names = ctx.class_names
            label = html.escape(str(names[t] if names and t < len(names) else t))
            eqs.append(f"sample 1, a “{label}”: the network's probability for “{label}” went {num(p0)} → "
                       f"<b>{num(p1)}</b> ({_change(p1 - p0)}) with the update")
            tip += f"\np before = {p0!r}\np after = {p1!r}"
        else:
            t_col = np.asarray(loss.targets, dtype=np.float64)[:, 0]
            l0, l1 = np.mean((before - t_col) ** 2), np.mean((after - t_col) ** 2)
            eqs.append(f"sample 1: its loss {num(l0)} → <b>{num(l1)}</b> ({_change(l1 - l0)}) after the update")
            tip += f"\nsample loss before = {l0!r}\nafter = {l1!r}"
    if step.epoch_done is not None:
        eqs.append(f"epoch {step.epoch + 1} finished: test accuracy <b>{num(100 * step.epoch_done.test_accuracy)} %</b>")
    text += " Shift+→ walks through the next batch; → trains a whole batch; Space plays."
    return Caption(_title(step, "done"), text, tuple(eqs), tip)


def _softmax(v):
    p = np.exp(v - np.max(v))
    return p / p.sum()


def _forward(weights, acts, x):
    """The outputs (outs, n) of the network with ``weights`` for the columns ``x`` (ins, n), in float64."""
    a = np.asarray(x, dtype=np.float64)
    for (W, b), act in zip(weights, acts):
        a = np.asarray(act.f(W.astype(np.float64) @ a + b), dtype=np.float64)
    return a


def _change(d):
    """A change for reading: signed, 3 significant digits ("+0.000412", "−0.0311", "no change")."""
    return "no change" if d == 0 else ("+" if d > 0 else "") + num(d)


IDLE = Caption(
    "Walk through one training step",
    "Press Shift+→ (Step phase) to follow one mini-batch: the forward pass layer by layer, the loss, the "
    "backward pass right to left, then the update — with the real numbers for one neuron. Tick “One sample” "
    "so every number refers to a single example.")


def caption_for(record, ctx):
    """The Caption of the record's current step (IDLE when nothing is being walked)."""
    step = record.current
    if step is None:
        return IDLE
    kind = step.kind
    if kind == "forward":
        return forward_caption(step, ctx)
    if kind == "loss":
        return loss_caption(step, ctx)
    if kind == "backward":
        return backward_caption(step, record, ctx)
    if kind == "update":
        return update_caption(step, record, ctx)
    return done_caption(step, record, ctx)
