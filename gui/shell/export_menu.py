"""The File menu's exports: Export model…, Export figure… and Record…, placed above Quit.

Which figures the window offers lives here: the network view, the loss and accuracy plots, the
confusion matrix, and the draw pad's preprocessing strip (right-click on any of its pictures).
"""

from gui.common.figure_export import Figure
from gui.files.export_actions import ExportActions
from gui.files.record_action import RecordAction


def add_export_actions(window, parts):
    """ExportActions and RecordAction for ``window``, in its File menu before Quit; returns both."""
    pad = window.digit_panel
    figures = [
        Figure("network", "Network view", window.network_view),
        Figure("loss", "Loss and accuracy plots", window.loss_plot, plot=window.loss_plot.ci),
        Figure("confusion", "Confusion matrix", window.evaluation.view.confusion_matrix),
        Figure("preprocessing", "Draw pad: what the network sees", pad, region=pad.steps_grid.geometry,
               clickable=tuple(pad.step_images.values())),
    ]
    evaluation, folder = window.evaluation, window.file_actions.dialog_folder

    def current_figure():
        return "confusion" if evaluation.showing_evaluation else "network"

    exports = ExportActions(window, parts, figures, current_figure, folder)
    record = RecordAction(window, parts, [("network", "Network view", window.network_view),
                                          ("network_loss", "Network view over the loss plot", window.splitter)],
                          folder)
    menu, quit_action = window.file_actions.menu, window.file_actions["quit"]
    for action in (exports["export_model"], exports["export_figure"], record.action):
        menu.insertAction(quit_action, action)
    menu.insertSeparator(quit_action)
    window.addActions([exports["export_model"], exports["export_figure"], record.action])
    return exports, record
