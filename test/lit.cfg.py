# -*- Python -*- lit configuration of the check-mote suite.

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "MOTE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mote_obj_root, "test")
config.excludes = ["Inputs", "regressions", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "make_corpus.py", "ImportONNXFuzzer.cpp",
                   "compare_ort.py", "compare_float_ort.py", "ort_run.js"]

llvm_config.with_system_environment(["HOME", "TMPDIR", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

config.substitutions.append(("%mote_src", config.mote_src_root))
config.substitutions.append(("%mote_obj", config.mote_obj_root))
config.substitutions.append(("%mote_bin", config.mote_tools_dir))
config.substitutions.append(("%models", config.mote_models_dir))
config.substitutions.append(("%python", "/usr/bin/python3"))

tools = ["mote-opt", "mote-translate", "motec"]
deps = os.path.join(config.mote_src_root, ".deps", "node_modules",
                    "onnxruntime-node")
if os.path.isdir(deps):
    config.available_features.add("onnxruntime")
    config.environment["MOTE_DEPS"] = os.path.join(config.mote_src_root, ".deps")
else:
    lit_config.note("onnxruntime-node not installed in .deps (scripts/setup.sh "
                    "installs it): the ONNX Runtime comparisons are skipped")

if os.path.isdir("/usr/share/datasets/fashion-mnist") and os.path.isdir(
        "/usr/lib/python3/dist-packages/torch"):
    config.available_features.add("torch")
else:
    lit_config.note("python3-torch or dataset-fashion-mnist missing: the "
                    "Fashion-MNIST example test is skipped")

if os.path.isdir("/usr/lib/python3/dist-packages/torchvision"):
    config.available_features.add("torchvision")
else:
    lit_config.note("python3-torchvision missing: the torchvision model tests "
                    "are skipped")

if os.path.isfile("/usr/bin/aarch64-linux-gnu-gcc") and os.path.isfile(
        "/usr/bin/qemu-aarch64"):
    config.available_features.add("aarch64-cross")
else:
    lit_config.note("gcc-aarch64-linux-gnu or qemu-user missing: the aarch64 "
                    "cross-build test is skipped")

if os.path.isdir("/usr/share/libonnx-testdata/data/node"):
    config.available_features.add("onnx-node-tests")
else:
    lit_config.note("libonnx-testdata missing: the ONNX node-test conformance "
                    "run is skipped")

if config.mote_fuzzer:
    tools.append("mote-import-fuzzer")
llvm_config.add_tool_substitutions(tools, [config.mote_tools_dir])
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

if os.path.isfile(os.path.join(config.mote_models_dir, "resnet.onnx")):
    config.available_features.add("mlperf-models")
else:
    lit_config.note(
        "MLPerf Tiny models not found in %s: the tests that import them are "
        "skipped (UNSUPPORTED)" % config.mote_models_dir)

if config.mote_fuzzer:
    config.available_features.add("fuzzer")
else:
    lit_config.note("built without MOTE_ENABLE_FUZZER: the importer fuzz test "
                    "is skipped (UNSUPPORTED)")
