"""One language's trained model as it is kept and saved: its kind, configuration, weights, wide
part and blend weight."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.text.classifier.linear import LinearPrior


@dataclass
class LanguageModel:
    lang: str
    kind: str  # "minilm" | "e5" (pretrained lower layers' states) | "chars"
    model_config: dict
    state_dict: dict
    vocab: list[str] = field(default_factory=list)  # chars mode: id 2+i -> vocab[i]
    frozen_layers: int = 0
    prior: LinearPrior | None = None  # the wide part (None: the model has none)
    fusion_weight: float = 1.0  # w in p = w * p_attention + (1 - w) * p_linear
    selected: str = ""  # "lexicon" when the lexicon beat the model on the held-out rows (it then scores)

    @property
    def scorer(self) -> str:
        """What this language's scores come from: "attention" (alone or blended with a weight above
        0), "tfidf_lr" (the wide part alone: weight 0) or "lexicon"."""
        if self.selected == "lexicon":
            return "lexicon"
        return "tfidf_lr" if self.prior is not None and self.fusion_weight <= 0.0 else "attention"
