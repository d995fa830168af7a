"""Rewrite an optimum-exported Llama decoder into onnxruntime's fused CPU operators.

The optimum export spells attention out as dozens of small ops and grows the
KV cache by concatenation every step. This pass reads the exported weights
(by the exporter's node names) and writes the same network with
``com.microsoft`` fused kernels:

* ``GroupQueryAttention`` with rotary embedding inside and a KV cache that is
  one preallocated buffer per layer shared between past and present (no copy
  per token);
* ``SkipSimplifiedLayerNormalization`` (residual add + RMSNorm in one op);
* ``MatMulNBits`` with q/k/v packed into one matrix (one kernel call);
* the vocabulary projection only for the positions asked for (the last one
  while generating: a prompt of 80 tokens does not pay 80 lm_head products);
* the embedding as a memory-mapped float16 table outside the graph.

It is a graph pass, not a second exporter: every weight comes from the
optimum graph, and the quality gate compares the result with that graph.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from agent.llm.errors import ModelError

MS = "com.microsoft"


def _quantize(w_kn: np.ndarray, bits: int, block: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric block quantization of a [K, N] weight in MatMulNBits layout ([N, K/block, blob], [N, K/block])."""
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, DefaultWeightOnlyQuantizer

    cfg = DefaultWeightOnlyQuantConfig(block_size=block, is_symmetric=True, bits=bits)
    packed, scales, _ = DefaultWeightOnlyQuantizer(cfg).qbits_block_quant(np.ascontiguousarray(w_kn, dtype=np.float32))
    return packed, scales


class _Weights:
    """The optimum graph's initializers, found through the exporter's node names."""

    def __init__(self, path: Path) -> None:
        import onnx
        from onnx import numpy_helper

        model = onnx.load(str(path))
        self.init = {i.name: i for i in model.graph.initializer}
        self.nodes = {n.name: n for n in model.graph.node}
        self.producer = {o: n for n in model.graph.node for o in n.output}
        self._np = numpy_helper.to_array

    def _const(self, name: str):
        """The constant behind ``name``: an initializer, possibly through Identity (deduplicated weights) or a Constant node."""
        for _ in range(8):
            if name in self.init:
                return self._np(self.init[name])
            node = self.producer.get(name)
            if node is None:
                return None
            if node.op_type == "Identity":
                name = node.input[0]
            elif node.op_type == "Constant":
                return self._np(node.attribute[0].t)
            else:
                return None
        return None

    def const_input(self, node_name: str) -> np.ndarray:
        node = self.nodes.get(node_name)
        if node is None:
            raise ModelError(f"the exported graph has no node {node_name!r}; the fused rewrite supports optimum's Llama export only.")
        for x in node.input:
            value = self._const(x)
            if value is not None and value.ndim >= 1 and value.size > 1:
                return value.astype(np.float32)
        raise ModelError(f"node {node_name!r} has no constant weight input.")


def write_fused_llama(src: Path, dst: Path, config: dict[str, Any], q: dict[str, Any], max_context: int, source: Path | None = None) -> dict[str, Any]:
    """Write the fused model to ``dst``; return the manifest's model metadata.

    With ``source`` (the Q4_1 GGUF), the MatMuls matching ``[quantize] source_codes`` use the
    GGUF's own 4-bit codes and scales (see ``exact_matmul``) instead of a re-rounding of them.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    if config.get("model_type") not in ("llama", "mistral", "qwen2") or config.get("rope_scaling"):
        raise ModelError(f"the fused rewrite supports plain-RoPE Llama-family models, not {config.get('model_type')!r} with rope_scaling {config.get('rope_scaling')!r}.")
    if config.get("attention_bias") or config.get("mlp_bias"):
        raise ModelError("the fused rewrite does not handle attention/MLP biases.")
    w = _Weights(src)
    layers = int(config["num_hidden_layers"])
    hidden = int(config["hidden_size"])
    heads = int(config["num_attention_heads"])
    kv_heads = int(config["num_key_value_heads"])
    head_dim = int(config.get("head_dim") or hidden // heads)
    vocab = int(config["vocab_size"])
    eps = float(config.get("rms_norm_eps", 1e-6))
    theta = float(config.get("rope_theta", 10000.0))
    if head_dim % 16:
        raise ModelError(f"onnxruntime's GroupQueryAttention needs a head size that is a multiple of 16, this model has {head_dim}; use graph = \"optimum\".")
    block = int(q["block_size"])
    # 8-bit blocks can be longer: their rounding error is 16x smaller, and per-block scale and
    # sum overheads (8 bytes a block once prepacked) are a quarter of the bytes read per token at 32.
    block8 = int(q.get("block_size_8bit", block))
    level = int(q.get("accuracy_level", 0))
    eight = [re.compile(p) for p in q.get("keep_8bit", [])]
    head_bits = int(q.get("lm_head_bits", 8))
    # 4-bit block length per export node pattern: shorter blocks are a finer grid (one more scale
    # per 16 weights) for a MatMul that 4-bit blocks of 32 would hurt, at no extra kernel call.
    block_by_node = [(re.compile(p), int(b)) for p, b in q.get("block_size_by_node", {}).items()]

    inits: list[Any] = []
    nodes: list[Any] = []
    counts = {"4": 0, "8": 0}

    def add_init(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(arr, name))
        return name

    def matmul(name: str, x: str, w_kn: np.ndarray, *node_names: str, bits: int | None = None) -> str:
        """A MatMulNBits whose bits and block length follow the recipe's patterns for ``node_names``."""
        k, n = w_kn.shape
        bits = bits or bits_for(*node_names)
        bs = block8 if bits == 8 else next((b for pat, b in block_by_node if any(pat.search(n) for n in node_names)), block)
        packed, scales = _quantize(w_kn, bits, bs)
        add_init(f"{name}.qweight", packed)
        add_init(f"{name}.scales", scales.reshape(-1))
        nodes.append(helper.make_node("MatMulNBits", [x, f"{name}.qweight", f"{name}.scales"], [f"{name}.out"], name=name, domain=MS,
                                      K=k, N=n, bits=bits, block_size=bs, accuracy_level=level))
        counts[str(bits)] += 1
        return f"{name}.out"

    codes = None
    exact = [re.compile(p) for p in q.get("source_codes", [])]
    if exact and source is not None:
        from agent.llm.gguf_codes import GGUFCodes, dequant_q4_1, matmulnbits_from_q4_1

        codes = GGUFCodes(source, heads, kv_heads)
    blocksums: dict[str, str] = {}

    def exact_matmul(name: str, x: str, layer: int, projs: list[str]) -> str:
        """MatMulNBits on the source's Q4_1 codes plus the exact per-block offset correction.

        See ``matmulnbits_from_q4_1``. The block sums of an input are computed once (a MatMul
        with a 0/1 [K, K/32] matrix) and shared by the MatMuls that read it.
        """
        parts = [codes.q4_1(layer, p) for p in projs]
        for p, (qc, dc, mc) in zip(projs, parts, strict=True):
            ref = w.const_input(f"/model/layers.{layer}/{p}/MatMul").T
            err = float(np.abs(dequant_q4_1(qc, dc, mc) - ref).max())
            if err > 1e-5 * float(np.abs(ref).max()):
                raise ModelError(f"layer {layer} {p}: the GGUF's Q4_1 codes do not reproduce the exported weight (max error {err:.3g}); take it out of [quantize] source_codes.")
        packed, scales, offsets = matmulnbits_from_q4_1(*(np.concatenate([p[j] for p in parts]) for j in range(3)))
        n, k = scales.shape[0], packed.shape[1] * 32
        nb = k // 32
        add_init(f"{name}.qweight", packed)
        add_init(f"{name}.scales", scales.reshape(-1))
        nodes.append(helper.make_node("MatMulNBits", [x, f"{name}.qweight", f"{name}.scales"], [f"{name}.main"], name=name, domain=MS,
                                      K=k, N=n, bits=4, block_size=32, accuracy_level=level))
        counts["4"] += 1
        if x not in blocksums:
            ones = f"blocksum.{k}"
            if ones not in {i.name for i in inits}:
                add_init(ones, np.kron(np.eye(nb, dtype=np.float32), np.ones((32, 1), dtype=np.float32)))  # [K, K/32]
            nodes.append(helper.make_node("MatMul", [x, ones], [f"{x}.blocksum"], name=f"{x}.blocksum"))
            blocksums[x] = f"{x}.blocksum"
        add_init(f"{name}.offsets", offsets)
        nodes.append(helper.make_node("MatMul", [blocksums[x], f"{name}.offsets"], [f"{name}.corr"], name=f"{name}.corr"))
        nodes.append(helper.make_node("Add", [f"{name}.main", f"{name}.corr"], [f"{name}.out"], name=f"{name}.add"))
        return f"{name}.out"

    def use_exact(*node_names: str) -> bool:
        return codes is not None and any(p.search(n) for p in exact for n in node_names)

    def bits_for(*node_names: str) -> int:
        return 8 if any(p.search(n) for p in eight for n in node_names) else 4

    # Embedding: a float16 table the runtime memory-maps and indexes itself, so only the rows of
    # tokens actually seen become resident (a 49k x 576 table would otherwise cost 28-113 MB of RSS).
    embed = w.const_input("/model/embed_tokens/Gather")  # [V, H]
    embed_file = dst.with_name("embed_tokens.npy")
    np.save(embed_file, embed.astype(np.float16))

    inv_freq = 1.0 / (theta ** (np.arange(0, head_dim, 2, dtype=np.float64) / head_dim))
    freqs = np.outer(np.arange(max_context, dtype=np.float64), inv_freq)
    add_init("cos_cache", np.cos(freqs).astype(np.float32))
    add_init("sin_cache", np.sin(freqs).astype(np.float32))

    residual, pending = "inputs_embeds", None
    split_sizes: str | None = None  # the [gate, up] sizes initializer, added by the first packed layer
    for i in range(layers):
        p = f"/model/layers.{i}"
        ln1 = add_init(f"l{i}.ln1", w.const_input(f"{p}/input_layernorm/Mul_1"))
        if pending is None:
            nodes.append(helper.make_node("SimplifiedLayerNormalization", [residual, ln1], [f"l{i}.norm1"], name=f"l{i}.norm1", axis=-1, epsilon=eps, stash_type=1))
        else:
            nodes.append(helper.make_node("SkipSimplifiedLayerNormalization", [pending, residual, ln1], [f"l{i}.norm1", "", "", f"l{i}.res1"],
                                          name=f"l{i}.norm1", domain=MS, epsilon=eps))
            residual = f"l{i}.res1"
        names = [f"{p}/self_attn/{x}_proj/MatMul" for x in "qkv"]
        if use_exact(*names):
            qkv_out = exact_matmul(f"l{i}.qkv", f"l{i}.norm1", i, [f"self_attn/{x}_proj" for x in "qkv"])
        else:
            qkv = np.concatenate([w.const_input(n) for n in names], axis=1)
            qkv_out = matmul(f"l{i}.qkv", f"l{i}.norm1", qkv, *names)
        nodes.append(helper.make_node("GroupQueryAttention", [qkv_out, "", "", f"past_key_values.{i}.key", f"past_key_values.{i}.value", "seqlens_k",
                                                              "total_sequence_length", "cos_cache", "sin_cache"],
                                      [f"l{i}.attn", f"present.{i}.key", f"present.{i}.value"], name=f"l{i}.gqa", domain=MS,
                                      num_heads=heads, kv_num_heads=kv_heads, do_rotary=1, rotary_interleaved=0, scale=float(head_dim**-0.5)))
        o_name = f"{p}/self_attn/o_proj/MatMul"
        if use_exact(o_name):
            o_out = exact_matmul(f"l{i}.o", f"l{i}.attn", i, ["self_attn/o_proj"])
        else:
            o_out = matmul(f"l{i}.o", f"l{i}.attn", w.const_input(o_name), o_name)
        ln2 = add_init(f"l{i}.ln2", w.const_input(f"{p}/post_attention_layernorm/Mul_1"))
        nodes.append(helper.make_node("SkipSimplifiedLayerNormalization", [o_out, residual, ln2], [f"l{i}.norm2", "", "", f"l{i}.res2"],
                                      name=f"l{i}.norm2", domain=MS, epsilon=eps))
        residual = f"l{i}.res2"
        g_name, u_name, d_name = (f"{p}/mlp/{x}_proj/MatMul" for x in ("gate", "up", "down"))
        # gate and up packed into one MatMulNBits over [gate | up], then split: one kernel call and one int8
        # quantization of the input instead of two (each column is quantized on its own: the same weights)
        if use_exact(g_name) and use_exact(u_name):
            gate_up = exact_matmul(f"l{i}.gate_up", f"l{i}.norm2", i, ["mlp/gate_proj", "mlp/up_proj"])
        elif bits_for(g_name) == bits_for(u_name):
            gate_up = matmul(f"l{i}.gate_up", f"l{i}.norm2", np.concatenate([w.const_input(g_name), w.const_input(u_name)], axis=1), g_name, u_name)
        else:
            gate_up = None
            gate = matmul(f"l{i}.gate", f"l{i}.norm2", w.const_input(g_name), g_name)
            up = matmul(f"l{i}.up", f"l{i}.norm2", w.const_input(u_name), u_name)
        if gate_up is not None:
            if split_sizes is None:
                inter = int(config["intermediate_size"])
                split_sizes = add_init(f"split.{inter}", np.array([inter, inter], dtype=np.int64))
            gate, up = f"l{i}.gate", f"l{i}.up"
            nodes.append(helper.make_node("Split", [gate_up, split_sizes], [gate, up], name=f"l{i}.split", axis=-1))
        nodes.append(helper.make_node("Sigmoid", [gate], [f"l{i}.sig"], name=f"l{i}.sig"))
        nodes.append(helper.make_node("Mul", [gate, f"l{i}.sig"], [f"l{i}.silu"], name=f"l{i}.silu"))
        nodes.append(helper.make_node("Mul", [f"l{i}.silu", up], [f"l{i}.act"], name=f"l{i}.act"))
        if use_exact(d_name):
            pending = exact_matmul(f"l{i}.down", f"l{i}.act", i, ["mlp/down_proj"])
        else:
            pending = matmul(f"l{i}.down", f"l{i}.act", w.const_input(d_name), d_name)

    lnf = add_init("final_norm", w.const_input("/model/norm/Mul_1"))
    nodes.append(helper.make_node("SkipSimplifiedLayerNormalization", [pending, residual, lnf], ["final"], name="final_norm", domain=MS, epsilon=eps))
    # Only the last ``num_logits`` positions reach the vocabulary projection.
    add_init("axis1", np.array([1], dtype=np.int64))
    add_init("big", np.array([np.iinfo(np.int64).max], dtype=np.int64))
    nodes.append(helper.make_node("Neg", ["num_logits"], ["neg_n"], name="neg_n"))
    nodes.append(helper.make_node("Slice", ["final", "neg_n", "big", "axis1"], ["final_last"], name="last_positions"))
    head = embed.T if config.get("tie_word_embeddings", True) else w.const_input("/lm_head/MatMul")  # [H, V]
    # The vocabulary projection in a few slices: onnxruntime holds a weight's file pages and its
    # prepacked copy at the same time while loading, so the largest single weight sets the load peak.
    splits = int(q.get("lm_head_splits", 1))
    bounds = np.linspace(0, vocab, splits + 1).astype(int)
    exact_head = use_exact("lm_head") and head_bits == 8 and config.get("tie_word_embeddings", True)
    if exact_head:
        # The tied table is Q8_0 in the source (int8 codes, one scale per 32): 8-bit MatMulNBits with
        # blocks of 32 and the default zero point 128 holds it exactly.
        c8, d8 = codes.q8_0()
        if float(np.abs((c8.reshape(vocab, -1, 32) * d8[..., None]).reshape(vocab, hidden) - embed).max()) > 1e-6:
            raise ModelError("the GGUF's Q8_0 embedding codes do not reproduce the exported table; take it out of [quantize] source_codes.")

    def head_matmul(k: int, a: int, b: int) -> str:
        if not exact_head:
            return matmul(f"lm_head.{k}", "final_last", head[:, a:b], "lm_head", bits=head_bits)
        name = f"lm_head.{k}"
        add_init(f"{name}.qweight", (c8[a:b].astype(np.int16) + 128).astype(np.uint8).reshape(b - a, hidden // 32, 32))
        add_init(f"{name}.scales", d8[a:b].reshape(-1))
        nodes.append(helper.make_node("MatMulNBits", ["final_last", f"{name}.qweight", f"{name}.scales"], [f"{name}.out"], name=name, domain=MS,
                                      K=hidden, N=b - a, bits=8, block_size=32, accuracy_level=level))
        counts["8"] += 1
        return f"{name}.out"

    parts = [head_matmul(k, a, b) for k, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True))]
    nodes.append(helper.make_node("Concat", parts, ["logits"], name="logits", axis=-1) if splits > 1 else
                 helper.make_node("Identity", parts, ["logits"], name="logits"))

    kv_shape = [1, kv_heads, "max_context", head_dim]
    inputs = [helper.make_tensor_value_info("inputs_embeds", TensorProto.FLOAT, [1, "sequence", hidden]),
              helper.make_tensor_value_info("seqlens_k", TensorProto.INT32, [1]),
              helper.make_tensor_value_info("total_sequence_length", TensorProto.INT32, []),
              helper.make_tensor_value_info("num_logits", TensorProto.INT64, [1])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, "positions", vocab])]
    # lm_head_refine = K: the graph also returns the normed hidden state, and the runtime recomputes
    # each position's K largest logits exactly from the embedding table (agent.llm.gqa_decoder), so a
    # coarse (4-bit) vocabulary projection only has to rank, not to score, the likely tokens.
    refine = int(q.get("lm_head_refine", 0))
    if refine and not config.get("tie_word_embeddings", True):
        raise ModelError("lm_head_refine rescores logits with the embedding table, which needs a tied lm_head; this model's is separate.")
    if refine:
        outputs.append(helper.make_tensor_value_info("final_last", TensorProto.FLOAT, [1, "positions", hidden]))
    for i in range(layers):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(f"past_key_values.{i}.{kind}", TensorProto.FLOAT, kv_shape))
            outputs.append(helper.make_tensor_value_info(f"present.{i}.{kind}", TensorProto.FLOAT, kv_shape))
    graph = helper.make_graph(nodes, "edge-agent-fused-llama", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS, 1)], producer_name="edge-agent")
    model.ir_version = 9
    onnx.save(model, str(dst))
    return {"file": dst.name, "graph": "gqa", "max_context": max_context, "num_layers": layers, "num_kv_heads": kv_heads, "head_dim": head_dim,
            "num_heads": heads, "vocab_size": vocab, "architecture": config.get("model_type"), "matmuls_by_bits": counts,
            "lm_head_bits": head_bits, "lm_head_splits": splits, "lm_head_refine": refine, "source_codes": q.get("source_codes", []) if codes is not None else [], "block_size": block, "block_size_by_node": q.get("block_size_by_node", {}), "block_size_8bit": block8, "embedding_bits": 16, "embeddings": embed_file.name}
