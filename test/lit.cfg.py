# -*- Python -*- lit configuration of the check-mote suite.

import glob
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "MOTE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mote_obj_root, "test")
config.excludes = ["Inputs", "regressions", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "make_corpus.py", "ImportONNXFuzzer.cpp",
                   "compare_ort.py", "compare_float_ort.py", "ort_run.js",
                   "sgq-regressions"]

llvm_config.with_system_environment(["HOME", "TMPDIR", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

config.substitutions.append(("%mote_src", config.mote_src_root))
config.substitutions.append(("%mote_obj", config.mote_obj_root))
# The SGQ codec the Python server side loads (python/mote_collab/sgq.py).
config.environment["MOTE_SGQ_LIB"] = os.path.join(config.mote_obj_root, "lib",
                                                  "libmote_sgq.so")
# motec's cache of compiled runtime objects, in the build tree for tests.
config.environment["MOTE_CACHE_DIR"] = os.path.join(config.mote_obj_root,
                                                    "test", "object-cache")
config.substitutions.append(("%mote_bin", config.mote_tools_dir))
config.substitutions.append(("%models", config.mote_models_dir))
config.substitutions.append(("%python", "/usr/bin/python3"))
# The portable runtime kernels, one file per op family.
config.substitutions.append(("%mote_kernels", " ".join(
    os.path.join(config.mote_src_root, "runtime", "src", f)
    for f in ("mote_convolution.c", "mote_elementwise.c", "mote_pooling.c",
              "mote_quantization.c", "mote_data_movement.c",
              "mote_recurrent.c"))))

tools = ["mote-opt", "mote-translate", "motec"]
# TensorFlow Lite's interpreter (WebAssembly, from npm), the reference of
# the TFLite import tests.
if os.path.isdir(os.path.join(config.mote_src_root, ".deps", "node_modules",
                              "@tensorflow", "tfjs-tflite", "wasm")):
    config.available_features.add("tflite")
# TensorFlow Lite 2.2's builtin kernels (a C library from npm, x86-64
# Linux), the bit-exact reference of --numerics=tflite.
if os.path.isfile(os.path.join(config.mote_src_root, ".deps", "node_modules",
                               "node-tflite", "tflite", "linux_x86_64",
                               "libtensorflowlite_c.so")):
    config.available_features.add("tflite-builtin")
deps = os.path.join(config.mote_src_root, ".deps", "node_modules",
                    "onnxruntime-node")
if os.path.isdir(deps):
    config.available_features.add("onnxruntime")
    config.environment["MOTE_DEPS"] = os.path.join(config.mote_src_root, ".deps")
else:
    lit_config.note("onnxruntime-node not installed in .deps (scripts/setup.sh "
                    "installs it): the ONNX Runtime comparisons are skipped")

def feature(name, present, missing):
    """Adds lit feature `name` if `present`, else notes what is skipped."""
    if present:
        config.available_features.add(name)
    else:
        lit_config.note(missing)


exists = os.path.exists
feature("torch", exists("/usr/share/datasets/fashion-mnist") and
        exists("/usr/lib/python3/dist-packages/torch"),
        "python3-torch or dataset-fashion-mnist missing: the Fashion-MNIST "
        "example test is skipped")
feature("torchvision", exists("/usr/lib/python3/dist-packages/torchvision"),
        "python3-torchvision missing: the torchvision model tests are skipped")
feature("aarch64-cross", exists("/usr/bin/aarch64-linux-gnu-gcc") and
        exists("/usr/bin/qemu-aarch64"),
        "gcc-aarch64-linux-gnu or qemu-user missing: the aarch64 tests are "
        "skipped")
feature("cortex-m", exists("/usr/bin/arm-none-eabi-gcc") and
        exists("/usr/lib/picolibc/arm-none-eabi/picolibc.specs") and
        exists("/usr/bin/qemu-system-arm"),
        "gcc-arm-none-eabi, picolibc-arm-none-eabi or qemu-system-arm "
        "missing: the Cortex-M tests are skipped")
feature("video", exists("/usr/share/doc/opencv-doc/examples/data/vtest.avi") and
        bool(glob.glob("/usr/lib/python3/dist-packages/cv2*")),
        "opencv-doc or python3-opencv missing: the PASS video tests are "
        "skipped")
feature("onnx-node-tests", exists("/usr/share/libonnx-testdata/data/node"),
        "libonnx-testdata missing: the ONNX node-test conformance run is "
        "skipped")

if config.mote_fuzzer:
    tools.append("mote-import-fuzzer")
    tools.append("mote-tflite-fuzzer")
    tools.append("mote-state-fuzzer")
    tools.append("mote-sgq-fuzzer")
    tools.append("mote-mqtt-fuzzer")
    tools.append("mote-wire-fuzzer")
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
