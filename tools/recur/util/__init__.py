"""The bottom layer: errors, atomic file writes, dates and text helpers. Imports nothing of Recur's."""
