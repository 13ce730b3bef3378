"""The text of the network view's hover card: a neuron's or an edge's numbers, rounded for reading."""

import numpy as np

import gui.network_view.painter as npaint
from gui.common.formatting import percent, sig3
from gui.network_view.decision_map import forward_all


def _source_name(layout, col, i):
    """How input i of column ``col`` is called: a pixel (row, column), x₁/x₂, or a neuron."""
    if col == 0 and layout.grid is not None:
        r, c = divmod(i, layout.grid_n)
        return f"pixel ({r}, {c})"
    if col == 0 and layout.sizes[0] == 2:
        return ("x₁", "x₂")[i]
    return f"input {i}" if col == 0 else f"neuron {i} of layer {col}"


def neuron_card(snap, layout, mode, col, j, class_names=None):
    """(lines, image or None, caption) describing neuron j of column ``col`` (0 = input)."""
    info = snap.neuron_info(col, j)
    if col == 0:
        lines = [f"Input: {_source_name(layout, 0, j)}", f"value {sig3(info.activation)}"]
        return lines, None, ""
    last = col == snap.n_layers
    if last:
        name = class_names[j] if class_names and j < len(class_names) else str(j)
        title = f"Output neuron {j} (class {name})"
    else:
        title = f"Layer {col} · neuron {j}"
    lines = [title, f"bias {sig3(info.bias)}", f"z {sig3(info.z)}", f"activation {sig3(info.activation)}"]
    probs = snap.probabilities()
    if last and probs is not None:
        lines.append(f"probability {percent(float(probs[j]))}")
    if mode != "weights":
        db = snap.bias_values(mode, col - 1)
        if db is not None:
            lines.append(f"{'∂L/∂b' if mode == 'gradient' else 'Δb'} {sig3(float(db[j]))}")
    if info.z is None:
        lines.append("(no input yet)")
    image = caption = None
    if col == 1 and layout.grid is not None:
        image = npaint.weights_image(snap.weights[0][0][j], layout.grid_n)
        caption = "what this neuron looks for"
    return lines, image, caption or ""


def edge_card(snap, layout, k, e):
    """(lines, None, "") describing edge e of layer k (from its input i to its neuron j)."""
    ins = snap.sizes[k]
    i, j = e % ins, e // ins
    lines = [f"{_source_name(layout, k, i)} → neuron {j} of layer {k + 1}",
             f"weight {sig3(float(snap.weights[k][0][j, i]))}"]
    if snap.gradients is not None:
        lines.append(f"∂L/∂w {sig3(float(snap.gradients[k][0][j, i]))}")
    if snap.deltas is not None:
        lines.append(f"Δw {sig3(float(snap.deltas[k][0][j, i]))}")
    return lines, None, ""


def plane_probabilities(snap, x1, x2):
    """Class probabilities (K,) of the network at the input point (x1, x2)."""
    X = np.array([[x1], [x2]], dtype=snap.weights[0][0].dtype)
    return np.asarray(snap.loss.probabilities(forward_all(snap.weights, snap.acts, X)[-1]))[:, 0]


def plane_card(snap, x1, x2, class_names=None):
    """(lines, None, "") for a point of the decision map: where it is and what the network says there."""
    probs = plane_probabilities(snap, x1, x2)
    lines = [f"x₁ {sig3(x1)}, x₂ {sig3(x2)}"]
    for k, p in enumerate(probs):
        name = class_names[k] if class_names and k < len(class_names) else str(k)
        lines.append(f"class {name}: {percent(float(p))}")
    return lines, None, ""


def card_for(snap, layout, mode, target, class_names=None):
    """(lines, image or None, caption) for a hover target: ("neuron", col, j), ("edge", k, e) or ("plane", x1, x2)."""
    kind, a, b = target
    if kind == "plane":
        return plane_card(snap, a, b, class_names)
    if kind == "neuron":
        return neuron_card(snap, layout, mode, a, b, class_names)
    return edge_card(snap, layout, a, b)
