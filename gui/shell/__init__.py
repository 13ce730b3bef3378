"""gui.shell: the application and its main window, which builds every part and owns menus, tabs and docks."""
