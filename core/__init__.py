"""Community-economy analytics core: everything that is not drawing.

Importable without Streamlit. Heavy dependencies (torch, igraph, jieba, ...) are imported lazily
inside the functions that need them, so `import core` stays cheap.
"""

import logging

__version__ = "0.1.0"

# A library logs and lets the application decide where records go (the app's server prints them, see
# ui/serve.py); without a handler Python would print warnings to stderr, under the CLI's one-line errors.
logging.getLogger("core").addHandler(logging.NullHandler())
