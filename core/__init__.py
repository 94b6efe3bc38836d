"""Community-economy analytics core: everything that is not drawing.

Importable without Streamlit. Heavy dependencies (torch, igraph, jieba, ...) are imported lazily
inside the functions that need them, so `import core` stays cheap.
"""

__version__ = "0.1.0"
