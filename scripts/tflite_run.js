// Runs a .tflite model with TensorFlow Lite's interpreter (the WebAssembly
// build in the npm package @tensorflow/tfjs-tflite, installed into .deps by
// scripts/setup.sh), the reference the TFLite import tests compare with.
//
//   node tflite_run.js MODEL.tflite IN.bin OUT.bin [IN.bin OUT.bin ...]
//
// Each IN.bin holds the raw bytes of the model's single input tensor (int8
// for int8 models), each OUT.bin receives the raw bytes of its single
// output. The package's browser loader is bypassed: the Emscripten module
// and its .wasm are loaded from the package directly, one thread.
// TFLite hands int8 convolutions, dense layers and adds to its XNNPACK
// delegate (int8 kernels whose rescaling may round differently from the
// builtin kernels by one step); the others run TFLite's builtin kernels.
'use strict';
const fs = require('fs');
const path = require('path');

const deps = process.env.MOTE_DEPS || path.join(__dirname, '..', '.deps');
const wasmDir = path.join(deps, 'node_modules', '@tensorflow', 'tfjs-tflite', 'wasm');
const factory = require(path.join(wasmDir, 'tflite_web_api_cc.js'));

async function main() {
  const [model, ...files] = process.argv.slice(2);
  if (!model || files.length === 0 || files.length % 2)
    throw new Error('usage: tflite_run.js MODEL.tflite IN.bin OUT.bin [...]');
  const mod = await factory({
    wasmBinary: fs.readFileSync(path.join(wasmDir, 'tflite_web_api_cc.wasm'))});
  const bytes = new Uint8Array(fs.readFileSync(model));
  const ptr = mod._malloc(bytes.length);
  mod.HEAPU8.set(bytes, ptr);
  const created = mod.TFLiteWebModelRunner.CreateFromBufferAndOptions(
      ptr, bytes.length, {numThreads: 1, enableProfiling: false, maxProfilingBufferEntries: 1024});
  if (!created.ok())
    throw new Error('TFLite cannot load ' + model + ': ' + created.errorMessage());
  const runner = created.value();
  const list = v => {
    const a = [];
    for (let i = 0; i < v.size(); i++) a.push(v.get(i));
    v.delete();
    return a;
  };
  const inputs = list(runner.GetInputs()), outputs = list(runner.GetOutputs());
  if (inputs.length !== 1 || outputs.length !== 1)
    throw new Error('tflite_run.js runs models of one input and one output');
  for (let i = 0; i < files.length; i += 2) {
    const data = inputs[0].data();
    const raw = fs.readFileSync(files[i]);
    if (raw.length !== data.byteLength)
      throw new Error(`${files[i]} has ${raw.length} bytes, the input needs ${data.byteLength}`);
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(raw);
    if (!runner.Infer())
      throw new Error('TFLite inference failed');
    const out = outputs[0].data();
    fs.writeFileSync(files[i + 1],
                     Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  }
}

main().catch(e => { console.error('tflite_run.js: ' + e.message); process.exit(1); });
