"""The walkthrough caption's layout: the equations keep the panel's width whatever the table beside them."""

from gui.walkthrough.caption import WalkthroughCaption
from gui.walkthrough.phase_captions import Caption


def test_a_ten_column_table_does_not_squeeze_the_equations_or_widen_the_panel(qtbot):
    cells = "".join(f'<td style="padding: 0 5px">{v}</td>' for v in ["1.58e−05"] * 10)
    table = f"<table><tr><td>p</td>{cells}</tr><tr><td>target</td>{cells}</tr></table>"
    equation = "<i>L</i> (sample 1) = −log <i>p</i><sub>5</sub> = −log 1.00 = <b>0.000232</b> · " * 2
    panel = WalkthroughCaption()
    qtbot.addWidget(panel)
    panel.show_caption(Caption("Loss", "Softmax, then cross-entropy.", (equation,), table=table), 3, 3)
    width = panel.table.minimumSizeHint().width() + 60
    panel.resize(width, 400)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.minimumSizeHint().width() <= width  # the panel fits where its widest line fits
    assert panel.equations.width() >= panel.table.minimumSizeHint().width()  # one equation line spans the panel
    assert panel.table.isVisible() and panel.equations.isVisible()
