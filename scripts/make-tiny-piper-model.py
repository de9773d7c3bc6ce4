"""Writes a tiny multi-speaker Piper voice, MODEL.onnx and MODEL.onnx.json,
for tests that compare briefing with piper-tts on a speaker other than the
first (no published voice small enough for a test has several speakers).

The model takes what a Piper VITS voice takes (input, input_lengths,
scales, sid) and gives 64 samples per phoneme id that depend on every one
of them, deterministically: a sentence's samples change with its ids, its
length, each scale and the speaker. The config copies the phoneme map of
CONFIG (a real voice's config), with the espeak voice `fr` and three named
speakers.

Usage: python make-tiny-piper-model.py CONFIG MODEL.onnx
Needs the `onnx` package (scripts/install-piper-tts.sh installs it).
"""

import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SAMPLES_PER_ID = 64
SPEAKERS = {"ana": 0, "bruno": 1, "chloe": 2}


def constant(name, values, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(values, dtype=dtype), name)


def graph():
    """samples = 0.5 sin(0.37 id + 1.3 sid + (0.3, 0.05, 0.7) . scales
    + 0.011 length + 0.1 t), t = 0..63 for each id, as [1, 1, 64 N]."""
    nodes = [
        helper.make_node("Cast", ["input"], ["ids"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["sid"], ["speaker"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["input_lengths"], ["length"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["scales", "scale_weights"], ["weighted"]),
        helper.make_node("ReduceSum", ["weighted"], ["scale_sum"], keepdims=1),
        helper.make_node("Mul", ["ids", "id_weight"], ["a"]),
        helper.make_node("Mul", ["speaker", "speaker_weight"], ["b"]),
        helper.make_node("Mul", ["length", "length_weight"], ["c"]),
        helper.make_node("Add", ["a", "b"], ["ab"]),
        helper.make_node("Add", ["ab", "c"], ["abc"]),
        helper.make_node("Add", ["abc", "scale_sum"], ["phase"]),
        helper.make_node("Unsqueeze", ["phase", "last_axis"], ["column"]),
        helper.make_node("Add", ["column", "ramp"], ["grid"]),
        helper.make_node("Sin", ["grid"], ["wave"]),
        helper.make_node("Mul", ["wave", "half"], ["quiet"]),
        helper.make_node("Reshape", ["quiet", "output_shape"], ["output"]),
    ]
    initializers = [
        constant("scale_weights", [0.3, 0.05, 0.7]),
        constant("id_weight", 0.37),
        constant("speaker_weight", 1.3),
        constant("length_weight", 0.011),
        constant("half", 0.5),
        constant("last_axis", [2], np.int64),
        constant("ramp", 0.1 * np.arange(SAMPLES_PER_ID).reshape(1, 1, SAMPLES_PER_ID)),
        constant("output_shape", [1, 1, -1], np.int64),
    ]
    inputs = [
        helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
        helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
        helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        helper.make_tensor_value_info("sid", TensorProto.INT64, [1]),
    ]
    outputs = [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "samples"])]
    return helper.make_graph(nodes, "tiny-piper", inputs, outputs, initializers)


def main():
    config_path, model_path = sys.argv[1:3]
    model = helper.make_model(graph(), opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, model_path)
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    config["espeak"] = {"voice": "fr"}
    config["audio"] = {"sample_rate": 16000, "quality": "x_low"}
    config["num_speakers"] = len(SPEAKERS)
    config["speaker_id_map"] = SPEAKERS
    config["dataset"] = "tiny"
    with open(model_path + ".json", "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
