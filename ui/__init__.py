"""App-side helpers (they import Streamlit): session state, cached loaders, page scaffolding."""
