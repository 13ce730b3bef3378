"""gui.training: the training run in the window (worker thread, session, controls, architecture editor, loss plot, status bar, phase walk)."""
