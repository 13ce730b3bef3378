"""gui.walkthrough: one batch walked phase by phase (panel, caption, phase captions, presenter, timeline)."""
