"""The answerers: small components behind one interface (question + evidence -> draft answer), composed
by the engine. Counts and comparisons, quotes, what a report says about itself, and "not found"."""
