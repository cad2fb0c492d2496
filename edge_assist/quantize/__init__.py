"""Make small models: export and quantize (ONNX, GGUF), distil, gate, card and register.

This is the tool layer that *produces* models; the runtime only loads what it
leaves behind (int8 ONNX through onnxruntime, GGUF through llama.cpp). It needs
the ``quantize`` extra (torch, transformers, optimum, peft, accelerate, gguf);
every module imports those lazily, so ``import edge_assist.quantize`` is cheap
and the runtime path never loads torch.

Training goes through ``accelerate``: the same recipe runs on one CPU, one GPU
or several GPUs and nodes (``accelerate launch -m edge_assist.cli distill ...``).

Modules:
    onnx      optimum export + onnxruntime int8 quantization, checked by cosine/top-1 agreement
    gguf      HF <-> GGUF conversion (llama.cpp's converter) and llama.cpp quantization
    recipe    the distillation recipe (TOML), validated before any work
    training  the accelerate loop with checkpoints and resume
    encoder   encoder distillation: a MiniLM sequence classifier from gold + silver labels
    decoder   decoder distillation: teacher outputs -> LoRA student -> GGUF -> quantized
    publish   evaluation gates, model cards and all-or-nothing registration
"""
