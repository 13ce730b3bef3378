"""FileParts: what the File menu works with, handed over by the window (never the window itself)."""

from dataclasses import dataclass
from typing import Callable

from gui.common.notice_bar import NoticeBar
from gui.training.controls_panel import ControlsPanel
from gui.training.loss_plot import LossPlot
from gui.training.session import TrainingSession
from gui.training.status_bar import TrainingStatusBar


@dataclass(frozen=True)
class FileParts:
    """The window's parts that opening, saving, exporting and importing read or change."""

    session: TrainingSession
    controls: ControlsPanel
    datasets: object  # the window's DatasetStore: choices(), get(name), mnist_folder, the loaded signal
    notice: NoticeBar  # what went wrong, or what to do next
    reset_notice: NoticeBar  # "Reset builds the new network"
    status: TrainingStatusBar
    loss_plot: LossPlot  # shows an opened checkpoint's history
    mnist_buttons: Callable[[], list]  # the notice buttons that get MNIST (download it, choose its folder)
