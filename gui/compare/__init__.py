"""The Compare tab: several set-ups trained side by side on the same data, their curves overlaid, and the history."""
