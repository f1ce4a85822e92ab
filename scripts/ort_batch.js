// Runs a batch-1 ONNX model with ONNX Runtime (CPU, one thread) over N
// samples stored back to back as raw float32 (or int64 / int32 when TYPE
// says so: token ids), writing the outputs as raw float32.
// Usage: node ort_batch.js MODEL INPUT_NAME SAMPLE_SHAPE_JSON IN.bin
//                          COUNT OUTPUT_NAME OUT.bin [TYPE]
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(process.env.MOTE_DEPS ||
    path.join(__dirname, '..', '.deps'), 'node_modules', 'onnxruntime-node'));

(async () => {
  const [model, inputName, shapeJson, inFile, countText, outputName, outFile,
         type = 'float32'] = process.argv.slice(2);
  const Typed = {float32: Float32Array, int32: Int32Array, int64: BigInt64Array}[type];
  if (!Typed) throw new Error('unsupported input type ' + type);
  const shape = JSON.parse(shapeJson);
  const count = parseInt(countText, 10);
  const per = shape.reduce((a, b) => a * b, 1);
  const bytes = fs.readFileSync(inFile);
  const all = new Typed(Uint8Array.from(bytes).buffer);
  if (all.length !== per * count) throw new Error('input has ' + all.length + ' values, expected ' + per * count);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: process.env.MOTE_ORT_OPT || 'disabled'});
  const chunks = [];
  for (let i = 0; i < count; ++i) {
    const x = new ort.Tensor(type, all.slice(i * per, (i + 1) * per), shape);
    const r = await session.run({[inputName]: x});
    chunks.push(Buffer.from(Float32Array.from(r[outputName].data).buffer));
  }
  fs.writeFileSync(outFile, Buffer.concat(chunks));
})().catch((e) => { console.error('ort_batch: ' + e.message); process.exit(1); });
