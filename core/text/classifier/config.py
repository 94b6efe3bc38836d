"""What one fit is asked: the encoder of each language, its layers, the split, and the trainer's
settings (each encoder kind's own epochs and learning rate where the config leaves them 0)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from core.errors import ConfigError
from core.text import e5, encoder

if TYPE_CHECKING:
    from core.models.engine import TrainConfig


STATE_KINDS = ("minilm", "e5")  # kinds whose input is a pretrained encoder's cached lower-layer states
MIN_PER_LANGUAGE = 20  # fewer labelled texts than this in a language: it is scored by the lexicon


# Trainer settings each encoder kind starts from; `ClassifierConfig.train.epochs` / `.lr` set to
# anything but 0 override them for every language.
ENCODER_TRAINING: dict[str, tuple[int, float]] = {  # kind: (epochs, lr)
    "minilm": (3, 2e-4),
    "e5": (2, 1e-4),  # waimai: the best validation epoch was the first; 2 and 3 added nothing
    "chars": (12, 1e-3),
}


def default_train() -> TrainConfig:
    from core.models.engine import TrainConfig  # torch: imported when a model is configured

    # max_seconds: the trainer's own default budget (issue 14: 5 minutes on the CPU)
    # cpu_amp: the Transformer layers in bf16 on a CPU that has it (1.6x per step, 1.9x encoding here)
    return TrainConfig(
        epochs=0, lr=0.0, batch_size=64, patience=2, weight_decay=0.01, seed=0, device="auto", cpu_amp=True
    )


@dataclass
class ClassifierConfig:
    """Settings of one fit. The split is shared by the model, the baseline and the lexicon; its seed
    is the trainer's (`train.seed`). `train` holds the trainer's settings (epochs, lr, batch size,
    patience, seed, device, time budget per language); epochs = 0 / lr = 0 mean each encoder's own
    (`ENCODER_TRAINING`)."""

    train: TrainConfig = field(default_factory=default_train)
    test_size: float = 0.2
    val_size: float = 0.1  # of the training part, for early stopping
    # the pretrained encoder of each language: "minilm" (English only) | "e5" (multilingual) | "chars" (zh)
    en_encoder: str = "minilm"
    zh_encoder: str = "e5"
    en_frozen_layers: int = 5  # MiniLM layers run once and cached; the rest are fine-tuned
    e5_frozen_layers: int = 11  # of e5's 12 layers; the rest are fine-tuned
    token_percentile: float = 99.0  # sequences cut at this percentile of the training texts' token lengths
    dropout: float = 0.1  # pretrained encoders' fine-tuned layers and head
    pooling: str = "attention"  # "attention" | "attention+mean" (both, concatenated, into the head)
    zh_bigrams: bool = True  # chars: a bigram embedding added at each character position
    zh_d_model: int = 128
    zh_layers: int = 1


def language_encoder(lang: str, config: ClassifierConfig) -> str:
    """The model kind of a language: "minilm", "e5" or "chars" (from the config; checked)."""
    kind = config.en_encoder if lang == "en" else config.zh_encoder
    allowed = ("minilm", "e5") if lang == "en" else ("e5", "chars")
    if kind not in allowed:
        raise ConfigError(f"{lang}_encoder must be one of {', '.join(allowed)}, not {kind!r}")
    return kind


def language_model_config(
    lang: str,
    n_classes: int,
    config: ClassifierConfig,
    vocab_size: int = 0,
    class_weights: list[float] | None = None,
    max_tokens: int = 128,
):
    """The TextClassifierConfig of one language: the pretrained encoder's top layers (MiniLM for
    English, e5 for either, sequences cut at `max_tokens`), or a character + bigram Transformer over
    `vocab_size` ids for Chinese."""
    from core.models.text_classifier import TextClassifierConfig

    kind = language_encoder(lang, config)
    if kind in STATE_KINDS:  # e5-small and MiniLM share the BERT-small shape: 384 wide, 12 heads
        n_layers = e5.N_LAYERS - config.e5_frozen_layers if kind == "e5" else encoder.N_LAYERS - config.en_frozen_layers
        return TextClassifierConfig(
            n_classes=n_classes,
            input="states",
            d_model=384,
            n_heads=12,
            n_layers=n_layers,
            d_ff=1536,
            max_len=max_tokens,
            dropout=config.dropout,
            pooling=config.pooling,
            class_weights=list(class_weights or []),
        )
    return TextClassifierConfig(
        n_classes=n_classes,
        input="tokens",
        vocab_size=vocab_size,
        d_model=config.zh_d_model,
        n_heads=4,
        n_layers=config.zh_layers,
        d_ff=2 * config.zh_d_model,
        max_len=128,
        dropout=0.2,
        bigrams=config.zh_bigrams,
        pooling=config.pooling,
        class_weights=list(class_weights or []),
    )


def inference_amp(train: TrainConfig) -> bool:
    """Whether the Transformer runs under autocast outside `fit` too (encoding, validation, scoring)
    for `train`'s device: its `cpu_amp` on the CPU, its `amp` on CUDA."""
    from core.models.engine import pick_device

    return train.cpu_amp if pick_device(train.device).type == "cpu" else train.amp


def train_config(kind: str, config: ClassifierConfig) -> TrainConfig:
    """The trainer settings of an encoder kind: `config.train`, its epochs and lr from
    `ENCODER_TRAINING` where they are 0."""

    epochs, lr = ENCODER_TRAINING[kind]
    return replace(config.train, epochs=config.train.epochs or epochs, lr=config.train.lr or lr)
