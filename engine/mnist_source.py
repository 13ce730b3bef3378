"""Where MNIST comes from: a folder the user names, the environment, the user cache, or a download."""

MNIST_ENV = "BACKPROP_STUDIO_MNIST"  # names a folder holding the four MNIST IDX files
