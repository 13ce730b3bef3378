"""Where the app's own files are: the project folder, beside which resources/ is installed."""

import os

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESOURCES_DIR = os.path.join(PROJECT_DIR, "resources")
