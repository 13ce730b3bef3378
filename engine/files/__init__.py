"""engine.files: what is written to disk (atomic writes, checkpoints, trainer state, personal digits)."""
