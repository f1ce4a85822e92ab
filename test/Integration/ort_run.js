// Runs an ONNX model with ONNX Runtime (CPU, one thread) on raw inputs.
// Usage: node ort_run.js SPEC.json, where SPEC is
//   {"model": path, "runs": [{"inputs": {name: [file, shape, type]},
//                             "outputs": {name: file}}]}
// `type` is float32 (the default), int8, uint8, bool, int32 or int64. Each
// output is written as raw little-endian float32 (integers and booleans
// converted).
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(process.env.MOTE_DEPS || '.deps', 'node_modules', 'onnxruntime-node'));

(async () => {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const session = await ort.InferenceSession.create(spec.model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: process.env.MOTE_ORT_OPT || 'disabled'});
  for (const run of spec.runs) {
    const feeds = {};
    for (const [name, [file, shape, type]] of Object.entries(run.inputs)) {
      const bytes = fs.readFileSync(file);
      if (type === 'int8' || type === 'uint8' || type === 'bool') {
        const Array8 = type === 'int8' ? Int8Array : Uint8Array;
        feeds[name] = new ort.Tensor(type, Array8.from(bytes), shape);
        continue;
      }
      if (type === 'int32' || type === 'int64') {
        const Wide = type === 'int32' ? Int32Array : BigInt64Array;
        const copy = Uint8Array.from(bytes).buffer;
        feeds[name] = new ort.Tensor(type, new Wide(copy), shape);
        continue;
      }
      const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
      feeds[name] = new ort.Tensor('float32', Float32Array.from(data), shape);
    }
    const results = await session.run(feeds);
    for (const [name, file] of Object.entries(run.outputs)) {
      const t = results[name];
      fs.writeFileSync(file, Buffer.from(Float32Array.from(t.data).buffer));
    }
  }
})().catch((e) => { console.error('ort_run: ' + e.message); process.exit(1); });
