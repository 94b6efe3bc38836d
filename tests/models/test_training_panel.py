"""The training panel's budget control (AppTest): its default is 5 minutes on the CPU, the value the
user sets is the budget the model trains under and part of the job and cache keys, and the model
card line says the budget stopped training."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from core.models import jobs

APP = str(Path(__file__).resolve().parent / "apps" / "budget_panel.py")


@pytest.mark.slow  # AppTest imports streamlit and torch: ~10 s on an idle machine
@pytest.mark.skipif(torch.cuda.is_available(), reason="the default budget is none on a GPU")
def test_budget_control_sets_the_budget_the_model_trains_under(one_torch_thread):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.number_input[0].value == 5.0  # minutes, the CPU default
    assert str(at.button[0].key).endswith("@budget=300.0")
    at.number_input[0].set_value(0.005).run()  # 0.3 s: training ends by the budget within a few epochs
    button = at.button[0]
    key = str(button.key).removeprefix("train:")
    assert key.endswith("@budget=0.3")
    button.click().run()
    job = jobs.get_job(key)
    assert job is not None and job.wait(60) and job.status == jobs.DONE, job and job.error
    at.run()
    assert not at.exception, at.exception
    line = at.caption[0].value
    assert line.startswith("Training: stopped by the 0.3 s budget at epoch ") and "/1000 · cpu" in line
    assert job.result.metrics["stopped_by"] == "budget" and job.result.metrics["max_seconds"] == 0.3
    # issue 25 item 8: the control folds away and a line says in how long and where it trained
    took = job.result.metrics["seconds"]
    assert at.success[0].value.startswith(f"✓ Trained in {took:.1f} s on CPU (training budget: 0.3 s)")
    assert at.expander[0].label == "Train again with another time budget" and at.expander[0].number_input
    at.session_state["lang"] = "zh"
    at.run()
    assert at.success[0].value.startswith(f"✓ 已在 CPU 上训练完成，用时 {took:.1f} 秒"), at.success[0].value
    at.session_state["lang"] = "en"
    at.run()
    # another budget is another model: the Train button again, not the 0.3 s model
    at.number_input[0].set_value(1.0).run()
    assert not at.caption and str(at.button[0].key).endswith("@budget=60.0")
    at.number_input[0].set_value(0.005).run()  # and back: the trained model, no button
    assert at.caption[0].value == line and not at.button
    jobs.forget_job(key)
