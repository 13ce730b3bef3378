"""engine.data: datasets and what is done to samples.

Datasets: the IDX reader, MNIST download and lookup, built-in 2-D and regression sets, a person's own CSV
tables, UNIPEN pen strokes. Samples: augmentation, preprocessing of drawings, digit styles.
"""
