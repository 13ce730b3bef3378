"""gui.common: what every part of the window shares (formatting, colour maps, theme, icons, number inputs, action specs, notices, settings)."""
