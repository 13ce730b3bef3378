"""gui.network_view: the network view: scene, painter, edge layers, snapshots, card, layout, decision map.

``from gui.network_view import NetworkView`` keeps working; the class lives in ``gui.network_view.view``.
"""


def __getattr__(name):
    if name == "NetworkView":
        from gui.network_view.view import NetworkView

        return NetworkView
    raise AttributeError(f"module 'gui.network_view' has no attribute {name!r}")
