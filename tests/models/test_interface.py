"""One model interface (issue 26 item 1): every model is a `Model` that fits, says whether it is
trained, predicts, saves and loads the same way; the budget is an argument that reaches the trainer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.models.interface import AUTO, Model
from tests.models.test_lifecycle import MODELS, tiny_model


def _same(a, b) -> None:
    """Predictions equal: arrays, frames, series, or the GAT's placement (its frame)."""
    if hasattr(a, "to_frame") and not isinstance(a, pd.Series):
        a, b = a.to_frame(), b.to_frame()
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
    else:
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", MODELS)
def test_every_model_round_trips_fit_save_load_predict(kind, tmp_path):
    model, data = tiny_model(kind)
    assert isinstance(model, Model) and model.kind
    assert not model.is_trained(data, cache_dir=tmp_path / "cache")
    fitted = model.fit(data, cache_dir=tmp_path / "cache")
    assert fitted is model and model.metrics  # fit returns the model, with how it trained
    assert model.is_trained(data, cache_dir=tmp_path / "cache")  # the same fit would now only load
    before = model.predict(data)
    path = model.save(tmp_path / "model")
    again = type(model).load(path)
    assert isinstance(again, type(model))
    _same(before, again.predict(data))


def test_the_budget_reaches_the_trainer_as_an_argument(tmp_path):
    model, data = tiny_model("din")
    from core.models.engine import with_train

    model.config = with_train(model.config, epochs=10_000, patience=10_000)  # only a budget ends it
    assert model.config.train.max_seconds == 120.0  # the config's own budget, which the argument replaces
    model.fit(data, budget=0.01, cache_dir=tmp_path)
    assert model.metrics["stopped_by"] == "budget" and model.metrics["max_seconds"] == 0.01
    assert model.is_trained(data, budget=0.01, cache_dir=tmp_path)
    assert not model.is_trained(data, budget=600, cache_dir=tmp_path)  # a longer budget asks for more
    assert model.is_trained(data, budget=AUTO, cache_dir=tmp_path)  # the config's own: any stored model
