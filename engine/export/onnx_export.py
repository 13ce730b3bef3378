"""The network as a standard ONNX graph: one Gemm per layer, its activation, and softmax for cross-entropy models.

ONNX users feed samples as rows, x of shape (n, features), while the engine feeds columns. A layer's
z = W a + b (a a column) is, for a row x, z = x Wᵀ + b: Gemm with transB=1 reads W as stored, (outs, ins).
The graph holds the network alone; the input scaling it expects is recorded in the model's metadata
(``input_scale``, ``input_description``), as in the other export formats.
"""

import json

import numpy as np

from engine.export.plain_model import ExportError

OPSET = 17  # Gemm, LeakyRelu, Softmax(axis) as used here are unchanged since opset 13; 17 is read by runtimes from 2022
IR_VERSION = 8  # the IR of opset 17: runtimes older than the onnx package still load the file
ACTIVATION_OPS = {"relu": "Relu", "leaky_relu": "LeakyRelu", "sigmoid": "Sigmoid", "tanh": "Tanh", "identity": None}
INSTALL_HINT = "ONNX export needs the onnx package: pip install 'backprop-studio[export]' (or pip install onnx)"


def onnx_model(model):
    """An ``onnx.ModelProto`` of ``model`` (a PlainModel), checked by ``onnx.checker``."""
    try:
        import onnx
        from onnx import TensorProto, helper, numpy_helper
    except ImportError:
        raise ExportError(INSTALL_HINT) from None

    nodes, initializers = [], []
    current = "x"
    for k, ((W, b), (act, slope)) in enumerate(zip(model.weights, model.activations), start=1):
        initializers += [numpy_helper.from_array(np.ascontiguousarray(W, np.float32), f"W{k}"),
                         numpy_helper.from_array(np.ascontiguousarray(b.reshape(-1), np.float32), f"b{k}")]
        z = f"z{k}"
        nodes.append(helper.make_node("Gemm", [current, f"W{k}", f"b{k}"], [z], name=f"layer{k}", transB=1))
        current = z
        op = ACTIVATION_OPS[act]
        if op is not None:
            attrs = {"alpha": float(slope)} if act == "leaky_relu" else {}
            nodes.append(helper.make_node(op, [z], [f"a{k}"], name=f"{act}{k}", **attrs))
            current = f"a{k}"
    out_name = "probabilities" if model.output == "softmax" else "outputs"
    if model.output == "softmax":
        nodes.append(helper.make_node("Softmax", [current], [out_name], name="softmax", axis=-1))
    else:
        nodes.append(helper.make_node("Identity", [current], [out_name], name="output"))
    features, outs = model.sizes[0], model.sizes[-1]
    graph = helper.make_graph(
        nodes, f"mlp_{model.arch.replace('-', '_')}",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", features])],
        [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, ["n", outs])],
        initializer=initializers,
    )
    graph.input[0].doc_string = f"one sample per row: {model.input_description}"
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                   producer_name="Backprop Studio", doc_string=model.summary())
    proto.ir_version = IR_VERSION
    helper.set_model_props(proto, {
        "input_scale": repr(model.input_scale),
        "input_description": model.input_description,
        "input_shape": "x".join(str(s) for s in model.input_shape),
        "class_names": json.dumps(model.class_names),
        "dataset": model.dataset,
        "output": model.output,
    })
    onnx.checker.check_model(proto, full_check=True)
    return proto
