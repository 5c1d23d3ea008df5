"""``recur tune``: training pairs from the KB, the training loop, measurement and the report."""
