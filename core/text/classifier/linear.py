"""The linear model, TF-IDF + logistic regression: the baseline every trained model is compared
with, and (as `LinearPrior`, plain arrays) the wide part blended with the attention model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def fit_baseline(texts: list[str], y: np.ndarray, lang: str):
    """TF-IDF + logistic regression: English word 1-2-grams, Chinese character 1-3-grams."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    if lang == "zh":
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
    else:
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, lowercase=True)
    model = make_pipeline(vec, LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced"))
    return model.fit(texts, y)


@dataclass
class LinearPrior:
    """A fitted `fit_baseline` pipeline as plain arrays (JSON + safetensors, no pickle): sublinear
    TF-IDF over a fixed n-gram vocabulary, l2-normalised, times a coefficient matrix. `logits`
    equals the pipeline's decision function (tested); absent classes get a very low logit."""

    analyzer: str
    ngram_range: tuple[int, int]
    vocab: list[str]
    idf: np.ndarray  # [V]
    coef: np.ndarray  # [C,V]
    intercept: np.ndarray  # [C]

    @classmethod
    def fit(cls, texts: list[str], y: np.ndarray, lang: str, n_classes: int) -> LinearPrior:
        pipe = fit_baseline(texts, y, lang)
        vec, lr = pipe[0], pipe[-1]
        vocab = [""] * len(vec.vocabulary_)
        for term, i in vec.vocabulary_.items():
            vocab[i] = term
        coef = np.zeros((n_classes, len(vocab)), dtype=np.float32)
        intercept = np.full(n_classes, -30.0, dtype=np.float32)
        classes = [int(c) for c in lr.classes_]
        if len(classes) == 2:  # binary LR: one row, the log-odds of classes[1] over classes[0]
            coef[classes[1]], intercept[classes[1]] = lr.coef_[0], lr.intercept_[0]
            intercept[classes[0]] = 0.0
        else:
            for k, c in enumerate(classes):
                coef[c], intercept[c] = lr.coef_[k], lr.intercept_[k]
        return cls(vec.analyzer, tuple(vec.ngram_range), vocab, vec.idf_.astype(np.float32), coef, intercept)

    def features(self, texts: list[str]):
        """[n,V] sparse TF-IDF rows, as the fitted TfidfVectorizer would give them."""
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.preprocessing import normalize

        counts = CountVectorizer(
            analyzer=self.analyzer, ngram_range=self.ngram_range, vocabulary={t: i for i, t in enumerate(self.vocab)}
        ).transform(texts)
        counts = counts.astype(np.float64)
        np.log(counts.data, out=counts.data)
        counts.data += 1.0  # sublinear tf: 1 + log(tf)
        return normalize(counts.multiply(self.idf.astype(np.float64)[None, :]).tocsr())

    def logits(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.features(texts) @ self.coef.T.astype(np.float64) + self.intercept, dtype=np.float32)

    # persistence: `meta()` is JSON, `tensors()` go beside the model's weights
    def meta(self) -> dict:
        return {"analyzer": self.analyzer, "ngram_range": list(self.ngram_range), "vocab": self.vocab}

    def tensors(self) -> dict:
        import torch

        return {
            f"linear_prior.{k}": torch.from_numpy(np.ascontiguousarray(getattr(self, k)))
            for k in ("idf", "coef", "intercept")
        }

    @classmethod
    def from_parts(cls, meta: dict, tensors: dict) -> LinearPrior:
        arr = {k: tensors[f"linear_prior.{k}"].numpy() for k in ("idf", "coef", "intercept")}
        return cls(meta["analyzer"], tuple(meta["ngram_range"]), list(meta["vocab"]), **arr)


def split_prior(state: dict, meta: dict | None) -> tuple[dict, LinearPrior | None]:
    """Model weights and the LinearPrior, from one state dict holding both."""
    model_state = {k: v for k, v in state.items() if not k.startswith("linear_prior.")}
    return model_state, (LinearPrior.from_parts(meta, state) if meta else None)
