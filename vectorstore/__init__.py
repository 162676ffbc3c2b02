"""Search: embedders, the Chroma store, the lexical index and hybrid fusion."""
