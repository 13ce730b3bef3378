"""gui.draw_pad: the draw pad, its digit panel, fine-tuning and the pretrained model.

``from gui.draw_pad import DrawPad`` keeps working; the class lives in ``gui.draw_pad.pad``.
"""


def __getattr__(name):
    if name == "DrawPad":
        from gui.draw_pad.pad import DrawPad

        return DrawPad
    raise AttributeError(f"module 'gui.draw_pad' has no attribute {name!r}")
