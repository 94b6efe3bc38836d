"""A page with one model behind `ui.training.model_panel` (tests/models/test_training_panel.py)."""

import streamlit as st

from core.models.engine import TrainConfig
from core.models.lifecycle import ModelSpec, engine_fit, train_or_load
from tests.models.test_engine import SlowLinear, batches, neg_mse
from ui import training

spec = ModelSpec(
    kind="panel-test",
    code_version="1",
    config={"epochs": 1000},
    data="planted",
    build=SlowLinear,
    fit=engine_fit(batches, neg_mse, TrainConfig(epochs=1000, device="cpu")),
)
done = training.model_panel(
    spec, lambda progress, cancel, budget: train_or_load(spec, budget=budget, progress=progress, cancel=cancel)
)
if done is not None:
    st.caption(training.card_line(done.metrics))
