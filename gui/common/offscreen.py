"""Qt's offscreen platform on a screen of a chosen size, for tests and the screenshot scripts.

Without it the offscreen screen is 800 × 800, so the window would always lay itself out for a small screen.
Set the platform before the QApplication exists (and QT_SCALE_FACTOR with it, for another scale).
"""

import json
import os


def offscreen_platform(width, height, folder, scale=1.0):
    """The QT_QPA_PLATFORM value for an offscreen screen of width × height logical pixels at QT_SCALE_FACTOR
    ``scale`` (so width·scale × height·scale device pixels); its description is written into ``folder``."""
    width, height = round(width * scale), round(height * scale)
    path = os.path.join(folder, f"offscreen_{width}x{height}.json")
    screen = {"name": "offscreen", "x": 0, "y": 0, "width": width, "height": height,
              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"screens": [screen]}, f)
    return f"offscreen:configfile={path}"
