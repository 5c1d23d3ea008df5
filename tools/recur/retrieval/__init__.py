"""Retrieval: the encoder, the index folder, hybrid search, the engine and its result objects,
look-alikes, near-duplicates and evaluation. Heavy imports (torch, faiss) stay inside functions."""
