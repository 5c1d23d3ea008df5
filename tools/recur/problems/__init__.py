"""Problem management: the board (reviews, follow-ups, recurrence, trends) and its renderings."""
