"""Exact Q4_1 weights: MatMulNBits on the source GGUF's own codes reproduces the dequantized export.

A tiny Llama's linear weights are quantized to Q4_1 (with llama.cpp's q/k row
interleave) and written to a GGUF; the model's float weights are replaced by
their dequantized values and exported through optimum, which is what the real
build's source looks like. The fused pass with ``source_codes`` must then
compute the export's logits (to int8-activation precision), not those of a
second 4-bit rounding.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from agent.llm.errors import ModelError
from agent.llm.gguf_codes import GGUFCodes, dequant_q4_1, matmulnbits_from_q4_1

HEADS, KV_HEADS, HIDDEN, INTER, LAYERS = 4, 2, 64, 128, 2
TEXT = "The driver refills the machine every morning and checks the coin box. Orange juice costs one euro eighty."


def _llama_cpp_permute(w: np.ndarray, n_head: int) -> np.ndarray:
    # llama.cpp convert_hf_to_gguf.py LlamaModel.permute
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def _inverse_permute(w: np.ndarray, n_head: int) -> np.ndarray:
    return w.reshape(n_head, w.shape[0] // n_head // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


@pytest.fixture(scope="module")
def q4_1_model(tmp_path_factory, sp_model):
    """(export dir, gguf path, config) for a tiny Llama whose linear weights are exactly Q4_1."""
    import gguf
    import sentencepiece as spm
    import torch
    from gguf import quants
    from transformers import LlamaConfig, LlamaForCausalLM

    from agent.llm.build import export_onnx

    work = tmp_path_factory.mktemp("q4_1-llama")
    vocab = spm.SentencePieceProcessor(model_file=str(sp_model)).get_piece_size()
    torch.manual_seed(1)
    cfg = LlamaConfig(vocab_size=vocab, hidden_size=HIDDEN, intermediate_size=INTER, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                      num_key_value_heads=KV_HEADS, max_position_embeddings=256, bos_token_id=1, eos_token_id=2, tie_word_embeddings=False)
    model = LlamaForCausalLM(cfg).eval()
    writer = gguf.GGUFWriter(str(work / "tiny.gguf"), "llama")
    q4 = gguf.GGMLQuantizationType.Q4_1
    names = {"self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
             "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"}
    with torch.no_grad():
        for i, layer in enumerate(model.model.layers):
            for hf, gg in names.items():
                lin = layer.get_submodule(hf)
                w = lin.weight.numpy().astype(np.float32)
                heads = HEADS if gg == "attn_q" else KV_HEADS if gg == "attn_k" else 0
                stored = _llama_cpp_permute(w, heads) if heads else w
                data = quants.quantize(stored, q4)
                writer.add_tensor(f"blk.{i}.{gg}.weight", data, raw_dtype=q4)
                back = quants.dequantize(data, q4).reshape(w.shape)
                lin.weight.copy_(torch.from_numpy(_inverse_permute(back, heads) if heads else back))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    model.save_pretrained(work / "hf")
    export_onnx(work / "hf", work / "onnx", "text-generation-with-past", 17)
    config = json.loads((work / "hf" / "config.json").read_text())
    return work, work / "tiny.gguf", config


def test_codes_reproduce_the_dequantized_weights_in_export_row_order(q4_1_model):
    work, path, _ = q4_1_model
    import torch
    from transformers import LlamaForCausalLM

    model = LlamaForCausalLM.from_pretrained(work / "hf")
    codes = GGUFCodes(path, HEADS, KV_HEADS)
    for proj in ("self_attn/q_proj", "self_attn/k_proj", "mlp/down_proj"):
        q, d, m = codes.q4_1(1, proj)
        assert q.dtype == np.uint8 and q.max() <= 15
        with torch.no_grad():
            want = model.model.layers[1].get_submodule(proj.replace("/", ".")).weight.numpy()
        assert np.array_equal(dequant_q4_1(q, d, m), want), proj


def test_missing_or_differently_quantized_tensor_is_a_clear_error(q4_1_model):
    _, path, _ = q4_1_model
    codes = GGUFCodes(path, HEADS, KV_HEADS)
    with pytest.raises(ModelError, match="blk.7.attn_q.weight"):
        codes.q4_1(7, "self_attn/q_proj")
    with pytest.raises(ModelError, match="token_embd.weight"):
        codes.q8_0()


def test_matmulnbits_with_offsets_is_exact_and_without_them_is_not():
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    n, k = 48, 96
    q = rng.integers(0, 16, size=(n, k), dtype=np.uint8)
    d = rng.uniform(0.005, 0.02, size=(n, k // 32)).astype(np.float32)
    m = (-rng.uniform(0, 15, size=(n, k // 32)) * d).astype(np.float32)
    packed, scales, offsets = matmulnbits_from_q4_1(q, d, m)
    ones = np.kron(np.eye(k // 32, dtype=np.float32), np.ones((32, 1), dtype=np.float32))
    nodes = [helper.make_node("MatMulNBits", ["x", "w", "s"], ["main"], domain="com.microsoft", K=k, N=n, bits=4, block_size=32, accuracy_level=0),
             helper.make_node("MatMul", ["x", "ones"], ["bsum"]), helper.make_node("MatMul", ["bsum", "off"], ["corr"]),
             helper.make_node("Add", ["main", "corr"], ["y"])]
    inits = [numpy_helper.from_array(packed, "w"), numpy_helper.from_array(scales.reshape(-1), "s"), numpy_helper.from_array(ones, "ones"),
             numpy_helper.from_array(offsets, "off")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, "s", k])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, "s", n]),
                               helper.make_tensor_value_info("main", TensorProto.FLOAT, [1, "s", n])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 9
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = rng.standard_normal((1, 3, k)).astype(np.float32)
    y, main = sess.run(None, {"x": x})
    want = x @ dequant_q4_1(q, d, m).T
    scale = np.abs(want).max()
    assert np.abs(y - want).max() < 1e-4 * scale
    assert np.abs(main - want).max() > 0.05 * scale  # the offsets carry real signal


def test_fused_pass_on_source_codes_matches_the_export(q4_1_model, sp_model):
    from agent.llm.fuse import write_fused_llama
    from agent.llm.gqa_decoder import GQADecoder
    from agent.llm.onnx_decoder import OptimumDecoder
    from agent.llm.tokenizer import load_tokenizer

    work, path, config = q4_1_model
    out = work / "fused"
    out.mkdir()
    q = {"block_size": 32, "accuracy_level": 0, "keep_8bit": ["."], "lm_head_bits": 8, "source_codes": ["self_attn", "mlp"]}
    meta = write_fused_llama(work / "onnx" / "model.onnx", out / "model.onnx", config, q, 256, source=path)
    # qkv, o, gate+up (packed) and down of every layer are 4-bit although keep_8bit lists everything
    assert meta["matmuls_by_bits"] == {"4": 4 * LAYERS, "8": 1}
    ids = load_tokenizer(sp_model).encode(TEXT)
    want = OptimumDecoder(work / "onnx" / "model.onnx", 1, 256).forward(ids, all_logits=True)
    got = GQADecoder(out / "model.onnx", meta, 1, 256, low_memory=False).forward(ids, all_logits=True)
    # the same layers re-rounded to 4 bits (what the build does without source codes)
    requant = work / "requant"
    requant.mkdir()
    meta4 = write_fused_llama(work / "onnx" / "model.onnx", requant / "model.onnx", config, {**q, "keep_8bit": [], "source_codes": []}, 256, source=path)
    got4 = GQADecoder(requant / "model.onnx", meta4, 1, 256, low_memory=False).forward(ids, all_logits=True)
    err, err4 = np.abs(got - want).max(), np.abs(got4 - want).max()
    # what remains is the 8-bit lm_head's rounding
    assert err < 0.02 * np.abs(want).max()
    assert err * 4 < err4, (err, err4)


def test_codes_that_do_not_match_the_export_stop_the_build(q4_1_model, tmp_path):
    import onnx
    from onnx import numpy_helper

    from agent.llm.fuse import write_fused_llama

    work, path, config = q4_1_model
    model = onnx.load(str(work / "onnx" / "model.onnx"))
    node = next(n for n in model.graph.node if n.name == "/model/layers.0/mlp/down_proj/MatMul")
    inits = {i.name: i for i in model.graph.initializer}
    init = inits[next(x for x in node.input if x in inits)]
    arr = numpy_helper.to_array(init).copy()
    arr[0, 0] += 0.5  # one weight off the Q4_1 grid
    init.CopyFrom(numpy_helper.from_array(arr, init.name))
    bad = tmp_path / "bad.onnx"
    onnx.save(model, str(bad))
    with pytest.raises(ModelError, match="down_proj.*do not reproduce"):
        write_fused_llama(bad, tmp_path / "fused.onnx", config, {"block_size": 32, "accuracy_level": 0, "source_codes": ["mlp"]}, 256, source=Path(path))
