"""gui.datasets: loading datasets in the background, finding MNIST, and the download dialog."""
