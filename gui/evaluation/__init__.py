"""gui.evaluation: the Evaluation tab (worker, accuracy, confusion matrix, galleries, dataset browser, picked sample)."""
