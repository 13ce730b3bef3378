"""engine.data: datasets (IDX reader, MNIST download and lookup, built-in 2-D sets, UNIPEN) and what is done to samples (augmentation, preprocessing of drawings, digit styles)."""
